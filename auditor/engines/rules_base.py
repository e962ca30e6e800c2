"""Shared pieces of the rules engine's checks: character classes, the non-prose mask, emitting.

Both :mod:`auditor.engines.rules` (orthography) and :mod:`auditor.engines.rules_editor` (what a
German editor sees in machine-translated news) build their findings through :func:`_emit`, so a
finding's id, category and severity always come from its declaration.
"""

from __future__ import annotations

import bisect
import re
from collections.abc import Callable, Iterator

from auditor.detectors.spec import Detector
from auditor.types import Finding, Segment, SegmentedDocument

Check = Callable[[SegmentedDocument, Segment], Iterator[Finding]]

_L = "A-Za-zÄÖÜäöüß"
_UP = "A-ZÄÖÜ"
_LOW = "a-zäöüß"

# Regions that are not prose even inside a prose line: URLs, e-mail, Markdown links.
_NON_PROSE = re.compile(r"(?:https?://|www\.)\S+|[\w.+-]+@[\w-]+\.[\w.]+|!?\[[^\]\n]*\]\([^)\n]*\)")


def _masked(text: str) -> list[tuple[int, int]]:
    if "http" not in text and "www." not in text and "@" not in text and "](" not in text:
        return []  # the common case, without running the regex
    return [(m.start(), m.end()) for m in _NON_PROSE.finditer(text)]


def _word_start(text: str, pos: int) -> int:
    """Start of the run of non-space characters ending at ``pos``."""
    i = pos
    while i > 0 and not text[i - 1].isspace():
        i -= 1
    return i


def _word_before(text: str, pos: int) -> str:
    """The space-separated token just before ``pos`` (within 60 characters): the context word
    the editor-level rules test ("die NATO", "Millionen von")."""
    return text[max(0, pos - 60) : pos].rstrip().rsplit(" ", 1)[-1]


def _letters_start(text: str, pos: int) -> int:
    """Start of the run of letters/digits ending at ``pos``."""
    i = pos
    while i > 0 and text[i - 1].isalnum():
        i -= 1
    return i


def _emit(
    doc: SegmentedDocument,
    spec: Detector,
    start: int,
    end: int,
    *,
    message: str,
    suggestion: str | None = None,
    confidence: float | None = None,
) -> Finding:
    """A finding of ``spec``: id, category and severity come from its declaration, never the call."""
    return doc.finding(
        start,
        end,
        category=spec.category,
        severity=spec.severity,
        confidence=spec.confidence if confidence is None else confidence,
        detector=spec.id,
        message=message,
        suggestion=suggestion,
    )


def _in_mask(mask: list[tuple[int, int]], start: int, end: int) -> bool:
    """Does [start, end) overlap a masked region? (mask is sorted and non-overlapping)"""
    if not mask:
        return False
    i = bisect.bisect_left(mask, (end, end))
    return i > 0 and mask[i - 1][1] > start


def _inside_quotes(text: str, pos: int) -> bool:
    before = text[text.rfind("\n", 0, pos) + 1 : pos]
    opened = before.count("„") + before.count("»") + before.count("«")
    closed = before.count("“") + before.count("«") if "„" in before else 0
    straight = before.count('"')
    return opened > closed or straight % 2 == 1


def _doc(check: Check) -> str:
    return (check.__doc__ or "").strip()
