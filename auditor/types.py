"""Frozen data types at every stage boundary of the pipeline.

Document → Segment → (engines) → Finding → scores → Report. Every stage takes and
returns these types only, so stages can be tested and replaced independently.
Offsets are Python ``str`` indices (code points) into ``Document.text``, end exclusive.
"""

from __future__ import annotations

import bisect
from dataclasses import dataclass, field
from typing import Any, Literal

Severity = Literal["minor", "major", "critical"]
SEVERITIES: tuple[Severity, ...] = ("minor", "major", "critical")
SEVERITY_RANK: dict[str, int] = {"minor": 1, "major": 2, "critical": 3}

#: Finding categories a detector may use. Extend, never rename: tools parse them.
CATEGORIES: tuple[str, ...] = (
    "artifact",
    "calque",
    "mistranslation",
    "grammar",
    "spelling",
    "garbled",
    "untranslated",
    "named-entity",
    "omission",
    "addition",
    "punctuation",
    "fluency",
)


@dataclass(frozen=True)
class Document:
    """One unit of input: a text file, stdin, or one JSONL record / feed item.

    ``source`` is the English source when known. For a text file it is the whole
    source file, line-aligned with ``text``; for a JSONL record it is the record's
    source text. ``origin_line`` is the 1-based line of the record in its JSONL file
    (0 for plain files), used in error messages.

    ``id`` is the id as text (labels, keys, baselines). ``json_id`` is set for a JSONL
    record: a 1-tuple holding its id exactly as the JSON value given (``7`` stays a
    number, an object stays an object, a missing id is ``None``), which JSON outputs echo
    so that tools can join them to the input; ``None`` for documents not read from JSON.
    """

    path: str
    text: str
    source: str | None = None
    id: str | None = None
    origin_line: int = 0
    meta: dict[str, Any] = field(default_factory=dict, compare=False)
    json_id: tuple[Any] | None = field(default=None, compare=False)


@dataclass(frozen=True, slots=True)
class Segment:
    """A sentence (or skipped non-prose block) with exact offsets into the document.

    ``unit`` is the index of the line (text files) or 0 (a JSONL record); all segments
    of one unit share ``source``, the English source aligned to that unit, if any.
    ``kind`` is ``"sentence"`` for scored prose, or ``"skipped:<why>"`` (``image``,
    ``link``, ``url``, ``copyright``, ``rule``, ``front-matter``, ``code``) for non-prose
    that is shown but not scored.
    """

    index: int
    start: int
    end: int
    line: int
    column: int
    text: str
    kind: str = "sentence"
    unit: int = 0
    source: str | None = None

    @property
    def scored(self) -> bool:
        return self.kind == "sentence"


@dataclass(frozen=True, slots=True)
class Finding:
    """A flagged span: the product of the tool. Offsets are into ``Document.text``."""

    start: int
    end: int
    line: int
    column: int
    text: str
    category: str
    severity: Severity
    confidence: float
    detector: str
    message: str
    suggestion: str | None = None
    #: other detectors that flagged exactly this span (merged into this finding, the strongest)
    also: tuple[str, ...] = ()

    def to_dict(self) -> dict[str, Any]:
        out: dict[str, Any] = {
            "start": self.start,
            "end": self.end,
            "line": self.line,
            "column": self.column,
            "text": self.text,
            "category": self.category,
            "severity": self.severity,
            "confidence": round(self.confidence, 4),
            "detector": self.detector,
            "message": self.message,
            "suggestion": self.suggestion,
        }
        if self.also:  # present only on merged findings: other outputs stay as they were
            out["also"] = list(self.also)
        return out


class LineIndex:
    """Maps character offsets of a text to 1-based (line, column)."""

    def __init__(self, text: str) -> None:
        self._starts = [0]
        pos = text.find("\n")
        while pos != -1:
            self._starts.append(pos + 1)
            pos = text.find("\n", pos + 1)

    def locate(self, offset: int) -> tuple[int, int]:
        i = bisect.bisect_right(self._starts, offset) - 1
        return i + 1, offset - self._starts[i] + 1


@dataclass(frozen=True, slots=True)
class SegmentedDocument:
    """A document and its segments: what every engine receives."""

    document: Document
    segments: tuple[Segment, ...]
    lines: LineIndex = field(compare=False, repr=False)
    #: (start, end) of URLs, e-mail addresses and inline code: never flagged (the pipeline
    #: drops findings that lie on them), whatever engine produced them
    protected: tuple[tuple[int, int], ...] = ()

    def finding(
        self,
        start: int,
        end: int,
        *,
        category: str,
        severity: Severity,
        confidence: float,
        detector: str,
        message: str,
        suggestion: str | None = None,
    ) -> Finding:
        """Build a Finding for ``text[start:end]`` with its line and column filled in."""
        line, column = self.lines.locate(start)
        return Finding(
            start=start,
            end=end,
            line=line,
            column=column,
            text=self.document.text[start:end],
            category=category,
            severity=severity,
            confidence=max(0.0, min(1.0, confidence)),
            detector=detector,
            message=message,
            suggestion=suggestion,
        )


@dataclass(frozen=True)
class EngineOutput:
    """What one engine returns for one document.

    ``annotations`` maps a segment index to JSON-serialisable extras the engine wants
    the reader to see (gloss, back-translation, alignment...); they appear in the JSON
    output under ``segments[i][<engine name>]``. ``signals`` maps a segment index to
    numeric model signals (e.g. round-trip chrF) that scoring may use.
    """

    findings: tuple[Finding, ...] = ()
    annotations: dict[int, dict[str, Any]] = field(default_factory=dict)
    signals: dict[int, dict[str, float]] = field(default_factory=dict)


@dataclass(frozen=True)
class Weights:
    """MQM-style penalty weights per severity."""

    minor: float = 1.0
    major: float = 5.0
    critical: float = 25.0

    def of(self, severity: str) -> float:
        return float(getattr(self, severity))


@dataclass(frozen=True, slots=True)
class SegmentResult:
    """A segment's score (0–100 per word), penalty and word count.

    ``mqm_estimate`` is the predicted MQM score, on the scale of a human MQM segment score
    (minus the penalty sum, 0 = no error): ``−(a + b·words + c·penalty)`` with fitted
    coefficients (:mod:`auditor.estimate`). ``None``, like ``score``, for skipped segments.
    """

    segment: Segment
    score: float | None
    penalty: float
    words: int
    annotations: dict[str, dict[str, Any]] = field(default_factory=dict)
    mqm_estimate: float | None = None


@dataclass(frozen=True)
class DocumentResult:
    """Everything known about one document after the pipeline ran."""

    document: Document
    segments: tuple[SegmentResult, ...]
    findings: tuple[Finding, ...]
    score: float
    penalty: float
    words: int
    signature: str
    #: sum of the scored segments' ``mqm_estimate`` (0.0 without scored segments)
    mqm_estimate: float = 0.0
