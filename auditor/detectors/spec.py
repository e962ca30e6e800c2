"""The declaration of one detector: everything a user, a test or a report needs to know of it.

A :class:`Detector` is data, not code. The engine that runs the check owns the algorithm; this
declaration owns the contract: the stable id (baselines, SARIF fingerprints, ``--ignore`` and the
calibration table are keyed by it), exactly one category, the default severity and confidence used
when no fitted calibration bin exists (and where that default comes from), the docs, a version that
goes into the engine signature, and examples that *must* and *must not* flag. One test runs every
example of every detector (as LanguageTool runs the ``<example>`` elements of its rules and pylint
its ``bad.py``/``good.py`` pairs), so the documentation cannot drift from the behaviour.

This module imports only :mod:`auditor.types`: the catalogue loads under ``auditor --help``.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field

from auditor.types import CATEGORIES, SEVERITIES, Severity

__all__ = ["Detector", "Example", "SPAN_MARK"]

#: an example marks the span that must be flagged as ``[[…]]``
SPAN_MARK = re.compile(r"\[\[(.*?)\]\]", re.DOTALL)

ENGINE_NAMES = ("rules", "lexical", "neural")


@dataclass(frozen=True)
class Example:
    """A real German sentence for a detector; for a must-flag example the span is in ``[[…]]``.

    ``suggestion`` is the fix expected for that span (``None``: the detector proposes none).
    ``source`` is the English source, for detectors that need it. ``note`` says why the example
    is there (which edge it pins down); it is shown by ``auditor explain``.
    """

    text: str
    suggestion: str | None = None
    source: str | None = None
    note: str = ""

    @property
    def plain(self) -> str:
        """The sentence without the span markers."""
        return SPAN_MARK.sub(lambda m: m.group(1), self.text)

    @property
    def spans(self) -> tuple[tuple[int, int, str], ...]:
        """(start, end, text) of every marked span, as offsets into :attr:`plain`."""
        out: list[tuple[int, int, str]] = []
        removed = 0
        for m in SPAN_MARK.finditer(self.text):
            start = m.start() - removed
            out.append((start, start + len(m.group(1)), m.group(1)))
            removed += 4
        return tuple(out)


@dataclass(frozen=True)
class Detector:
    """One detector's declaration (see the module docstring).

    ``severity_source`` says where the default severity and confidence come from ("fitted on
    dev.jsonl by bench/calibrate_lexical.py", "by definition: …", "measured precision on …"):
    ``auditor explain`` prints it, so a guess cannot pass as a fit. ``aliases`` are former ids
    that ``--ignore``, ``--select`` and baselines still accept.
    """

    id: str
    engine: str
    category: str
    severity: Severity
    confidence: float
    summary: str
    doc: str
    flags: tuple[Example, ...]
    passes: tuple[Example, ...]
    severity_source: str
    version: int = 1
    needs_source: bool = False
    aliases: tuple[str, ...] = ()
    #: set when the examples cannot run in an ordinary test (the neural engine needs weights)
    examples_need: str = ""
    #: False: an opt-in detector (as ruff's non-default rules), reported only when ``--select``
    #: or ``select`` names it; its evidence alone does not mean an error
    default_enabled: bool = True
    tags: tuple[str, ...] = field(default=())

    def __post_init__(self) -> None:
        # Declarations are checked when they are made: a bad one fails at import time.
        if not self.id.startswith(f"{self.engine}."):
            raise ValueError(f"detector id {self.id!r} must start with its engine {self.engine!r}")
        if self.engine not in ENGINE_NAMES:
            raise ValueError(f"{self.id}: unknown engine {self.engine!r}")
        if self.category not in CATEGORIES:
            raise ValueError(f"{self.id}: unknown category {self.category!r}")
        if self.severity not in SEVERITIES:
            raise ValueError(f"{self.id}: unknown severity {self.severity!r}")
        if not 0.0 <= self.confidence <= 1.0:
            raise ValueError(f"{self.id}: confidence must be in [0, 1]")
        for ex in self.flags:
            if not ex.spans:
                raise ValueError(f"{self.id}: must-flag example without a [[span]]: {ex.text!r}")
        for ex in self.passes:
            if ex.spans:
                raise ValueError(f"{self.id}: must-not-flag example with a [[span]]: {ex.text!r}")
