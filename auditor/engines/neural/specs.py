"""Declarations of the neural engine's detectors (see :mod:`auditor.detectors`)."""

from __future__ import annotations

from auditor.detectors import register
from auditor.detectors.spec import Detector, Example

__all__ = ["DECLARATIONS"]

DECLARATIONS: tuple[Detector, ...] = ()

register(*DECLARATIONS)

_ = Example  # used by the declarations
