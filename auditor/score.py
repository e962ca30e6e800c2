"""Findings → penalties → 0–100 scores, and the reproducibility signature.

Formula (documented in the README):

* Overlapping findings in a segment are one error region; a region costs the MQM
  weight of its most severe finding (minor 1, major 5, critical 25 by default), so
  two detectors agreeing on a span do not double the penalty.
* ``words`` counts whitespace-separated tokens of the scored segments (the MQM
  word count).
* segment score = ``max(0, 100 − 100 · penalty / max(words, 1))``: MQM penalty
  points per 100 words subtracted from 100 (the MQM-DQF "quality score").
* document score: the same over all scored segments (total penalty / total words);
  a document with no scored words scores 100.
"""

from __future__ import annotations

import bisect
from collections.abc import Iterable, Sequence

from auditor import __version__
from auditor.segment import SEGMENTATION
from auditor.types import Finding, Segment, Weights

SCORE_FORMULA = "100-100*penalty/words"


def count_words(text: str) -> int:
    return len(text.split())


def region_penalty(findings: Iterable[Finding], weights: Weights) -> float:
    """Sum over overlapping-finding regions of the most severe weight in each region."""
    total = 0.0
    region_end = -1
    region_weight = 0.0
    for f in sorted(findings, key=lambda f: (f.start, f.end)):
        w = weights.of(f.severity)
        if f.start < region_end or (f.start == f.end == region_end):
            region_weight = max(region_weight, w)
            region_end = max(region_end, f.end)
        else:
            total += region_weight
            region_weight = w
            region_end = f.end
    return total + region_weight


def score_from_penalty(penalty: float, words: int) -> float:
    return round(max(0.0, 100.0 - 100.0 * penalty / max(words, 1)), 2)


def assign_findings(segments: Sequence[Segment], findings: Sequence[Finding]) -> dict[int, list[Finding]]:
    """Map each finding to the segment containing its start (the last one starting before it)."""
    starts = [s.start for s in segments]
    out: dict[int, list[Finding]] = {}
    for f in findings:
        i = bisect.bisect_right(starts, f.start) - 1
        if i >= 0:
            out.setdefault(segments[i].index, []).append(f)
    return out


def signature(
    engine_signatures: Sequence[str], weights: Weights, estimate: str | None = None, selection: str = ""
) -> str:
    """sacrebleu-style signature: everything needed to reproduce a score.

    ``estimate`` names the mqm_estimate coefficients in force (:meth:`MqmEstimator.tag`),
    ``selection`` the detectors selected, ignored or re-weighted (empty: all, as declared)."""
    engines = "+".join(engine_signatures) if engine_signatures else "none"
    w = f"{weights.minor:g}/{weights.major:g}/{weights.critical:g}"
    sig = f"auditor:{__version__}|engines:{engines}|weights:{w}|score:{SCORE_FORMULA}|seg:{SEGMENTATION}"
    if estimate:
        sig += f"|est:{estimate}"
    return f"{sig}|sel:{selection}" if selection else sig
