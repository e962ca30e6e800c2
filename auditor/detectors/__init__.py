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

__all__ = ["Detector", "Example", "REGISTRY", "register", "load_all", "get", "resolve", "for_engine"]

#: id → declaration, in registration order (engine order, then declaration order)
REGISTRY: dict[str, Detector] = {}

#: modules holding declarations, per engine, imported by :func:`load_all`
DECLARING_MODULES: dict[str, str] = {
    "rules": "auditor.engines.rules",
    "lexical": "auditor.engines.lexical.specs",
    "neural": "auditor.engines.neural.specs",
}


def register(*detectors: Detector) -> None:
    """Add declarations; a duplicate id fails at import time.

    An alias may name a detector that still exists: when ``lexical.number`` was split, its
    omission half became ``lexical.number_missing`` with the alias ``lexical.number``, so the
    old id still selects, ignores and baselines both."""
    for d in detectors:
        if d.id in REGISTRY:
            raise ValueError(f"detector id {d.id!r} registered twice")
        REGISTRY[d.id] = d


def load_all() -> dict[str, Detector]:
    """Import every engine's declarations (no resources are loaded) and return the catalogue."""
    for module in DECLARING_MODULES.values():
        importlib.import_module(module)
    return REGISTRY


def get(detector_id: str) -> Detector:
    """The declaration of ``detector_id`` (or of the detector that had this id before)."""
    if detector_id not in REGISTRY:
        load_all()
    if detector_id in REGISTRY:
        return REGISTRY[detector_id]
    for d in REGISTRY.values():
        if detector_id in d.aliases:
            return d
    raise KeyError(detector_id)


def resolve(name: str) -> list[Detector]:
    """Every detector a name stands for: its id, or a former id (alias) of one or more."""
    load_all()
    return [d for d in REGISTRY.values() if name == d.id or name in d.aliases]


def for_engine(engine: str) -> list[Detector]:
    """The declarations of one engine, in declaration order."""
    importlib.import_module(DECLARING_MODULES[engine])
    return [d for d in REGISTRY.values() if d.engine == engine]


def ids(detectors: Iterable[Detector] | None = None) -> list[str]:
    return [d.id for d in (detectors if detectors is not None else load_all().values())]
