"""Curves over a gold file: the operating curve, the reliability of confidences, P/R per detector.

Why a module of its own: ``bench/bench_operating_curve.py`` (which adds the lexical
calibration bins one by one, reported or not) and ``auditor eval --html`` (which draws the
curve of the findings a run reported) must measure the same thing the same way, and both
must agree with ``auditor eval``'s severity-aware character precision and recall. Every
figure here is computed with :func:`auditor.evaluate.char_ranks` and
:func:`auditor.evaluate.span_scores`, the functions behind ``auditor eval``; a test checks
each curve step against a full :func:`auditor.evaluate.evaluate`.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field

from auditor.evaluate import PRF, GoldRecord, Span, char_ranks, span_scores
from auditor.types import Finding

#: severity → rank, as in :mod:`auditor.evaluate` (critical counts as major there)
_RANK = {"minor": 1, "major": 2, "critical": 3}

#: confidence bins of the reliability diagram: ten equal-width bins over [0, 1]
RELIABILITY_EDGES: tuple[float, ...] = tuple(i / 10 for i in range(11))


# ----------------------------------------------------------------------------- operating curve


@dataclass(frozen=True)
class CurveGroup:
    """Findings added to the reported set in one step of the operating curve.

    ``spans`` maps a record's index in the gold file to the spans this group adds there.
    """

    label: str
    confidence: float
    reported: bool
    spans: Mapping[int, tuple[Span, ...]]


@dataclass(frozen=True)
class CurvePoint:
    """The severity-aware character P/R/F1 after a group was added (and every group before it)."""

    label: str
    confidence: float
    reported: bool
    precision: float
    recall: float
    f1: float


def operating_curve(
    gold: Sequence[GoldRecord],
    groups: Sequence[CurveGroup],
    base: Sequence[tuple[Span, ...]] | None = None,
) -> list[CurvePoint]:
    """P/R/F1 after each of ``groups`` is added, in the order given, on top of ``base``.

    Incremental: only the records a group touches are re-scored, so a curve of dozens of
    steps over 1,500 records costs about one :func:`~auditor.evaluate.evaluate`.
    """
    n = len(gold)
    pred: list[list[Span]] = [list(base[i]) if base else [] for i in range(n)]
    gold_ranks = [char_ranks(r.spans, len(r.text)) for r in gold]
    per_record: list[PRF] = []
    total = PRF()
    for i, rec in enumerate(gold):
        s = span_scores(gold_ranks[i], char_ranks(pred[i], len(rec.text))).severity
        per_record.append(s)
        total.add(s)
    points: list[CurvePoint] = []
    for g in groups:
        for i, spans in sorted(g.spans.items()):
            if not spans:
                continue
            pred[i].extend(spans)
            old = per_record[i]
            new = span_scores(gold_ranks[i], char_ranks(pred[i], len(gold[i].text))).severity
            total.earned += new.earned - old.earned
            total.predicted_chars += new.predicted_chars - old.predicted_chars
            per_record[i] = new
        points.append(CurvePoint(g.label, g.confidence, g.reported, total.precision, total.recall, total.f1))
    return points


def groups_by_confidence(findings: Sequence[Sequence[Finding]]) -> list[CurveGroup]:
    """The reported findings of a run as curve groups: one per (detector, confidence).

    Ordered by decreasing confidence (ties by detector id), the order a user raising a
    confidence threshold would drop them in reverse; each group is labelled
    ``detector @ confidence``. ``findings[i]`` are the findings of gold record ``i``.
    """
    acc: dict[tuple[str, float], dict[int, list[Span]]] = {}
    for i, found in enumerate(findings):
        for f in found:
            key = (f.detector, round(float(f.confidence), 6))
            acc.setdefault(key, {}).setdefault(i, []).append(Span(f.start, f.end, f.severity, f.category, f.detector))
    order = sorted(acc, key=lambda k: (-k[1], k[0]))
    return [
        CurveGroup(f"{det} @ {conf:.3f}", conf, True, {i: tuple(s) for i, s in acc[(det, conf)].items()})
        for det, conf in order
    ]


# ----------------------------------------------------------------------------- reliability


@dataclass
class ReliabilityBin:
    """One detector's findings whose confidence falls in ``[lo, hi)``, and how precise they were.

    ``precision`` is the severity-aware character precision (``earned / predicted_chars``),
    the quantity the lexical calibration fits ``confidence`` to, so a well-calibrated
    detector's bins lie on the diagonal.
    """

    detector: str
    lo: float
    hi: float
    findings: int = 0
    predicted_chars: int = 0
    earned: float = 0.0
    confidence_chars: float = 0.0  # sum over predicted characters of the finding's confidence
    confidence_sum: float = 0.0  # sum over findings of their confidence

    @property
    def precision(self) -> float:
        return self.earned / self.predicted_chars if self.predicted_chars else 0.0

    @property
    def mean_confidence(self) -> float:
        """Character-weighted mean confidence (finding-weighted when no character was predicted)."""
        if self.predicted_chars:
            return self.confidence_chars / self.predicted_chars
        return self.confidence_sum / self.findings if self.findings else 0.0


def _bin_index(confidence: float, edges: Sequence[float]) -> int:
    c = min(max(float(confidence), edges[0]), edges[-1])
    for k in range(len(edges) - 1):
        if c < edges[k + 1]:
            return k
    return len(edges) - 2


def reliability(
    gold: Sequence[GoldRecord],
    findings: Sequence[Sequence[Finding]],
    edges: Sequence[float] = RELIABILITY_EDGES,
) -> list[ReliabilityBin]:
    """Per detector and confidence bin: findings, predicted characters, measured precision.

    Within a record, a bin's characters are the union of its findings' characters (most
    severe wins), scored against the gold ranks exactly as ``auditor eval`` scores a run.
    Sorted by detector, then bin; empty bins are left out.
    """
    bins: dict[tuple[str, int], ReliabilityBin] = {}
    for rec, found in zip(gold, findings, strict=True):
        n = len(rec.text)
        g = char_ranks(rec.spans, n)
        local: dict[tuple[str, int], dict[int, tuple[int, float]]] = {}
        for f in found:
            key = (f.detector, _bin_index(f.confidence, edges))
            b = bins.get(key)
            if b is None:
                b = bins[key] = ReliabilityBin(f.detector, edges[key[1]], edges[key[1] + 1])
            b.findings += 1
            b.confidence_sum += float(f.confidence)
            chars = local.setdefault(key, {})
            r = _RANK.get(f.severity, 1)
            for i in range(max(0, f.start), min(f.end, n)):
                old = chars.get(i)
                if old is None or old[0] < r:
                    chars[i] = (r, max(float(f.confidence), old[1] if old else 0.0))
        for key, chars in local.items():
            b = bins[key]
            ranks = [0] * n
            for i, (r, _c) in chars.items():
                ranks[i] = r
            s = span_scores(g, ranks).severity
            b.predicted_chars += s.predicted_chars
            b.earned += s.earned
            b.confidence_chars += sum(c for _r, c in chars.values())
    return [bins[k] for k in sorted(bins)]


# ----------------------------------------------------------------------------- per detector


@dataclass
class DetectorPRF:
    """One detector alone, as if it were the only one reporting: ``auditor eval``'s severity-aware P/R/F1."""

    detector: str
    findings: int = 0
    prf: PRF = field(default_factory=PRF)


def per_detector(gold: Sequence[GoldRecord], findings: Sequence[Sequence[Finding]]) -> list[DetectorPRF]:
    """Severity-aware character P/R/F1 of each detector's findings alone, sorted by detector id.

    The recall denominator is every gold character of the file (as for the whole run), so
    the recalls of the detectors are comparable with each other and with the all-minor
    reference.
    """
    out: dict[str, DetectorPRF] = {}
    gold_chars = 0
    for rec, found in zip(gold, findings, strict=True):
        n = len(rec.text)
        g = char_ranks(rec.spans, n)
        gold_chars += sum(1 for x in g if x)
        by_det: dict[str, list[Span]] = {}
        for f in found:
            by_det.setdefault(f.detector, []).append(Span(f.start, f.end, f.severity, f.category, f.detector))
        for det, spans in by_det.items():
            d = out.setdefault(det, DetectorPRF(det))
            d.findings += len(spans)
            s = span_scores(g, char_ranks(spans, n)).severity
            d.prf.earned += s.earned
            d.prf.predicted_chars += s.predicted_chars
    for d in out.values():
        d.prf.gold_chars = gold_chars
    return [out[k] for k in sorted(out)]
