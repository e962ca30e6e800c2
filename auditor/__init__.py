"""mt-auditor: flag garbled spans in German machine translation, score them, gate feeds.

The Python API (see the README): ``audit(text, source=None)`` and ``Auditor`` (engines built
once for many texts), both returning an ``AuditResult``. They are loaded on first use, so
``import auditor`` (and every CLI start) stays cheap.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

__version__ = "0.1.0"
__all__ = ["AuditResult", "Auditor", "__version__", "audit"]

if TYPE_CHECKING:
    from auditor.api import Auditor, AuditResult, audit


def __getattr__(name: str) -> Any:
    if name in ("audit", "Auditor", "AuditResult"):
        from auditor import api

        return getattr(api, name)
    raise AttributeError(f"module 'auditor' has no attribute {name!r}")
