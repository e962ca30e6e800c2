"""Engine registry and the small Engine abstraction.

An engine turns a :class:`~auditor.types.SegmentedDocument` into an
:class:`~auditor.types.EngineOutput`. Engines are imported lazily by name so that
``auditor --help`` never pays for torch or dictionaries.
"""

from __future__ import annotations

import importlib
from abc import ABC, abstractmethod
from collections.abc import Mapping, Sequence
from typing import Any

from auditor.errors import ConfigError
from auditor.resources import ResourceStatus  # defined with the resources; engines report them
from auditor.types import EngineOutput, SegmentedDocument


class Engine(ABC):
    """Base class of every engine.

    Subclasses set ``name`` and ``version`` and implement :meth:`analyze`. The
    constructor loads what the engine needs and raises
    :class:`~auditor.errors.ResourceMissing` if something is absent: an engine never
    silently flags nothing.
    """

    name: str = ""
    version: str = "1"

    @classmethod
    def resources(cls, settings: Mapping[str, Any] | None = None) -> list[ResourceStatus]:
        """Resources this engine needs, found or not (cheap: no model loading)."""
        return []

    def signature(self) -> str:
        """Reproducibility tag: engine name, version, detector digest and the resources it used."""
        return f"{self.name}@{self.version}+det:{self.detector_digest()}"

    def fitted_files(self) -> dict[str, bytes]:
        """The fitted data files this engine's findings depend on (name → content)."""
        return {}

    def detector_digest(self) -> str:
        """Digest of this engine's declared detectors (ids, versions) and fitted files in force.

        Changing a detector's version, adding or removing one, or refitting a calibration file
        changes it, so two runs with one signature give the same findings."""
        from auditor.detectors import for_engine
        from auditor.detectors.docs import digest

        return digest(for_engine(self.name), self.fitted_files())

    @abstractmethod
    def analyze(self, doc: SegmentedDocument) -> EngineOutput:
        """Find problems in one document."""

    def analyze_many(self, docs: Sequence[SegmentedDocument]) -> list[EngineOutput]:
        """Analyse several documents; engines that batch (neural) override this."""
        return [self.analyze(d) for d in docs]


#: name → "module:Class". Order here is the order engines run and are listed.
ENGINES: dict[str, str] = {
    "rules": "auditor.engines.rules:RulesEngine",
    "lexical": "auditor.engines.lexical:LexicalEngine",
    "neural": "auditor.engines.neural:NeuralEngine",
}

DEFAULT_ENGINES = "rules,lexical"


def engine_class(name: str) -> type[Engine]:
    try:
        target = ENGINES[name]
    except KeyError:
        known = ", ".join(ENGINES)
        raise ConfigError(f"unknown engine {name!r} (known: {known})") from None
    module_name, attr = target.split(":")
    cls = getattr(importlib.import_module(module_name), attr)
    assert isinstance(cls, type) and issubclass(cls, Engine)
    return cls


def parse_engine_list(spec: str) -> list[str]:
    """``"rules, lexical"`` → ``["rules", "lexical"]``, validated, in registry order."""
    names = [n.strip() for n in spec.split(",") if n.strip()]
    if not names:
        raise ConfigError("no engine given")
    for n in names:
        if n not in ENGINES:
            raise ConfigError(f"unknown engine {n!r} (known: {', '.join(ENGINES)})")
    return [n for n in ENGINES if n in names]


def create_engines(names: Sequence[str], settings: Mapping[str, Any] | None = None) -> list[Engine]:
    """Instantiate engines by name. ``settings`` is passed to each constructor."""
    settings = dict(settings or {})
    return [engine_class(n)(**_settings_for(engine_class(n), settings)) for n in names]


def _settings_for(cls: type[Engine], settings: Mapping[str, Any]) -> dict[str, Any]:
    """Pass each engine only the keyword settings its constructor accepts."""
    import inspect

    if cls.__init__ is object.__init__:
        return {}
    params = inspect.signature(cls.__init__).parameters
    if any(p.kind is inspect.Parameter.VAR_KEYWORD for p in params.values()):
        return dict(settings)
    return {k: v for k, v in settings.items() if k in params}
