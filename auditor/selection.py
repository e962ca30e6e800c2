"""Which detectors report, and at which severity: ``--select``, ``--ignore``, ``[severity]``.

Terms follow ruff, LanguageTool and Vale: a detector id (``lexical.unaligned``), a former id
(``lexical.number``, an alias), an engine prefix (``lexical``) or a category
(``category:untranslated``). ``select`` keeps only what it names (empty: everything);
``ignore`` removes what it names and wins over ``select``; opt-in detectors
(``default_enabled=False``) report only when ``select`` names them; ``severity`` overrides a detector's
severity or turns it ``off``; ``min_severity`` drops milder findings. The selection is applied
to findings before scoring, so scores, reports and baselines all honour it.
"""

from __future__ import annotations

import difflib
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, field, replace

from auditor.detectors import load_all, resolve
from auditor.detectors.spec import Detector
from auditor.errors import ConfigError
from auditor.types import CATEGORIES, SEVERITY_RANK, Finding

__all__ = ["Selection", "expand", "unknown_id_error"]

ENGINE_PREFIXES = ("rules", "lexical", "neural")
SEVERITY_VALUES = ("minor", "major", "critical", "off")


def unknown_id_error(term: str, where: str = "") -> ConfigError:
    """An unknown detector term, with the closest known names as a did-you-mean."""
    load_all()
    from auditor.detectors import REGISTRY

    names = [*REGISTRY, *(a for d in REGISTRY.values() for a in d.aliases), *ENGINE_PREFIXES]
    names += [f"category:{c}" for c in CATEGORIES]
    close = difflib.get_close_matches(term, names, n=3, cutoff=0.6)
    hint = f" (did you mean {' or '.join(close)}?)" if close else " (see `auditor rules`)"
    return ConfigError(f"{where}unknown detector {term!r}{hint}")


def expand(term: str, where: str = "") -> set[str]:
    """The detector ids a selection term stands for."""
    registry = load_all()
    term = term.strip()
    if term.startswith("category:"):
        cat = term.split(":", 1)[1]
        if cat not in CATEGORIES:
            raise ConfigError(f"{where}unknown category {cat!r} (known: {', '.join(CATEGORIES)})")
        return {d.id for d in registry.values() if d.category == cat}
    if term in ENGINE_PREFIXES:
        return {d.id for d in registry.values() if d.engine == term}
    found = resolve(term)
    if not found:
        raise unknown_id_error(term, where)
    return {d.id for d in found}


@dataclass(frozen=True)
class Selection:
    """A resolved selection (see the module docstring); the default keeps every finding."""

    select: tuple[str, ...] = ()
    ignore: tuple[str, ...] = ()
    severity: Mapping[str, str] = field(default_factory=dict)
    min_severity: str | None = None
    _off: frozenset[str] = field(default=frozenset(), repr=False, compare=False)
    _keep: frozenset[str] | None = field(default=None, repr=False, compare=False)
    _override: Mapping[str, str] = field(default_factory=dict, repr=False, compare=False)

    @classmethod
    def build(
        cls,
        select: Sequence[str] = (),
        ignore: Sequence[str] = (),
        severity: Mapping[str, str] | None = None,
        min_severity: str | None = None,
        where: str = "",
    ) -> Selection:
        """Validate every term (unknown ones are a :class:`ConfigError` with a did-you-mean)."""
        registry = load_all()
        if select:
            keep: set[str] | None = set().union(*(expand(t, where) for t in select))
        else:  # the default set: every detector but the opt-in ones
            opt_in = {d.id for d in registry.values() if not d.default_enabled}
            keep = {d.id for d in registry.values()} - opt_in if opt_in else None
        off = set().union(*(expand(t, where) for t in ignore)) if ignore else set()
        override: dict[str, str] = {}
        for term, value in (severity or {}).items():
            if value not in SEVERITY_VALUES:
                raise ConfigError(f"{where}severity of {term!r} must be one of {', '.join(SEVERITY_VALUES)}")
            for det in sorted(expand(term, where)):
                if value == "off":
                    off.add(det)
                else:
                    override[det] = value
        if min_severity is not None and min_severity not in SEVERITY_RANK:
            raise ConfigError(f"{where}min_severity must be minor, major or critical, not {min_severity!r}")
        return cls(
            tuple(select),
            tuple(ignore),
            dict(severity or {}),
            min_severity,
            frozenset(off),
            None if keep is None else frozenset(keep),
            override,
        )

    @classmethod
    def default(cls) -> Selection:
        """Every detector that is on by default, at its declared or fitted severity."""
        return cls.build()

    @property
    def active(self) -> bool:
        return bool(self._off or self._keep is not None or self._override or self.min_severity)

    def enabled(self, detector: Detector) -> bool:
        return detector.id not in self._off and (self._keep is None or detector.id in self._keep)

    def apply(self, findings: Iterable[Finding]) -> list[Finding]:
        """The findings that remain, with their overridden severities."""
        out: list[Finding] = []
        floor = SEVERITY_RANK[self.min_severity] if self.min_severity else 0
        for f in findings:
            if f.detector in self._off or (self._keep is not None and f.detector not in self._keep):
                continue
            sev = self._override.get(f.detector)
            if sev is not None and sev != f.severity:
                f = replace(f, severity=sev)  # type: ignore[arg-type]
            if SEVERITY_RANK[f.severity] >= floor:
                out.append(f)
        return out

    def describe(self) -> str:
        """For the signature: what was selected (empty for the default set, as declared)."""
        if not (self.select or self._off or self._override or self.min_severity):
            return ""
        parts = []
        if self.select and self._keep is not None:
            parts.append("select=" + ",".join(sorted(self._keep)))
        if self._off:
            parts.append("ignore=" + ",".join(sorted(self._off)))
        if self._override:
            parts.append("severity=" + ",".join(f"{k}:{v}" for k, v in sorted(self._override.items())))
        if self.min_severity:
            parts.append(f"min={self.min_severity}")
        return ";".join(parts)
