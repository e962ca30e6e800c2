"""The detector catalogue: every detector of every engine, declared once.

Engines declare their detectors in one module each (the rules engine beside its checks in
``auditor/engines/rules.py``, the lexical and neural engines in their ``specs`` modules) and
register them here. Everything else is derived from the catalogue: the example tests, ``auditor rules`` and ``auditor explain``, SARIF ``rules[]``,
the README table and the signature digest.

Importing this package is cheap: it loads declarations, never resources or models.
"""

from __future__ import annotations

import importlib
from collections.abc import Iterable

from auditor.detectors.spec import Detector, Example

__all__ = ["Detector", "Example", "REGISTRY", "register", "load_all", "get", "for_engine"]

#: id → declaration, in registration order (engine order, then declaration order)
REGISTRY: dict[str, Detector] = {}

#: modules holding declarations, per engine, imported by :func:`load_all`
DECLARING_MODULES: dict[str, str] = {
    "rules": "auditor.engines.rules",
    "lexical": "auditor.engines.lexical.specs",
    "neural": "auditor.engines.neural.specs",
}


def register(*detectors: Detector) -> None:
    """Add declarations; a duplicate id or alias fails at import time."""
    for d in detectors:
        taken = {a for x in REGISTRY.values() for a in (x.id, *x.aliases)}
        for name in (d.id, *d.aliases):
            if name in taken:
                raise ValueError(f"detector id {name!r} registered twice")
        REGISTRY[d.id] = d


def load_all() -> dict[str, Detector]:
    """Import every engine's declarations (no resources are loaded) and return the catalogue."""
    for module in DECLARING_MODULES.values():
        importlib.import_module(module)
    return REGISTRY


def get(detector_id: str) -> Detector:
    """The declaration of ``detector_id`` (or of a detector that had this id before)."""
    load_all()
    if detector_id in REGISTRY:
        return REGISTRY[detector_id]
    for d in REGISTRY.values():
        if detector_id in d.aliases:
            return d
    raise KeyError(detector_id)


def for_engine(engine: str) -> list[Detector]:
    """The declarations of one engine, in declaration order."""
    importlib.import_module(DECLARING_MODULES[engine])
    return [d for d in REGISTRY.values() if d.engine == engine]


def ids(detectors: Iterable[Detector] | None = None) -> list[str]:
    return [d.id for d in (detectors if detectors is not None else load_all().values())]
