"""Metrics of ``auditor eval``: how well predicted error spans match human gold spans.

Pure functions over spans; no click, no pipeline, no input reading (gold files are read
by :mod:`auditor.io.gold`, a layer above). The CLI (``auditor/cli/eval_cmd.py``)
and :mod:`auditor.eval_run` run the auditor on every gold record and hand the predicted spans to
:func:`evaluate`.

Definitions (also in the README, section "Evaluating"):

* **Character-level micro F1.** For every record, the gold error characters are the
  union of its gold spans and the predicted error characters the union of its predicted
  spans. Where spans overlap, the most severe label wins for that character. A predicted
  error character inside a gold span *earns* 1 when the severities agree (``critical``
  counts as ``major``) and 0.5 when they differ. precision = earned / predicted error
  characters, recall = earned / gold error characters, both summed over all records
  before dividing (micro average); F1 is their harmonic mean. Zero-length gold spans
  (omissions) cover no character and are ignored. Gold spans whose severity is
  ``null`` (the word-level QE file) count as ``minor``. The *severity-blind* variant
  lets every overlapping character earn 1.
* **All-minor reference.** The same numbers for a trivial system that flags every
  character of every record as ``minor``.
* **Correlation.** Spearman's rho and Kendall's tau-b against the gold ``score`` over the
  records that have one, of: the auditor's MQM estimate (``mqm_estimate``, a predicted MQM
  score on the gold's scale), the 0–100 segment score, minus the penalty, and a length-only
  reference (minus the word count).
* **Per gold category** (top level of ``Top/Sub``): character recall (severity-blind)
  and span recall (share of the category's spans that share at least one character with
  a prediction).
* **Per detector**: character precision (severity-blind: share of the detector's
  predicted characters inside gold spans) and finding precision (share of its findings
  that share at least one character with a gold span; a zero-length finding counts as
  covering the character at its offset).
"""

from __future__ import annotations

import heapq
import math
import tempfile
from array import array
from bisect import bisect_left, bisect_right
from collections.abc import Iterable, MutableSequence, Sequence
from dataclasses import dataclass, field
from typing import IO, Any

#: severity → rank; ``None`` (no severity given) ranks as minor.
_RANK: dict[str | None, int] = {None: 1, "minor": 1, "major": 2, "critical": 3}
#: the severities a gold span may carry (``None``: not given, counted as minor)
GOLD_SEVERITIES: frozenset[str | None] = frozenset(_RANK)


@dataclass(frozen=True)
class Span:
    """A labelled character range ``[start, end)`` of a record's text."""

    start: int
    end: int
    severity: str | None = "minor"
    category: str = ""
    detector: str = ""


@dataclass(frozen=True)
class GoldRecord:
    """One line of a gold JSONL file."""

    id: str
    text: str
    source: str | None
    spans: tuple[Span, ...]
    score: float | None
    line: int
    #: the id exactly as the JSON value given (1-tuple; see :attr:`auditor.types.Document.json_id`)
    json_id: tuple[Any] | None = None


@dataclass(frozen=True)
class Prediction:
    """What the auditor said about one record."""

    spans: tuple[Span, ...]
    score: float | None
    penalty: float | None = None
    mqm_estimate: float | None = None


@dataclass
class PRF:
    """Micro-averaged character precision / recall / F1."""

    earned: float = 0.0
    predicted_chars: int = 0
    gold_chars: int = 0

    @property
    def precision(self) -> float:
        return self.earned / self.predicted_chars if self.predicted_chars else 0.0

    @property
    def recall(self) -> float:
        return self.earned / self.gold_chars if self.gold_chars else 0.0

    @property
    def f1(self) -> float:
        p, r = self.precision, self.recall
        return 2 * p * r / (p + r) if p + r else 0.0

    def add(self, other: PRF) -> None:
        self.earned += other.earned
        self.predicted_chars += other.predicted_chars
        self.gold_chars += other.gold_chars

    def to_dict(self) -> dict[str, Any]:
        return {
            "precision": round(self.precision, 6),
            "recall": round(self.recall, 6),
            "f1": round(self.f1, 6),
            "earned": round(self.earned, 6),
            "predicted_chars": self.predicted_chars,
            "gold_chars": self.gold_chars,
        }


@dataclass
class SpanScores:
    """Severity-aware and severity-blind PRF of one system."""

    severity: PRF = field(default_factory=PRF)
    blind: PRF = field(default_factory=PRF)

    def to_dict(self) -> dict[str, Any]:
        return {"severity": self.severity.to_dict(), "blind": self.blind.to_dict()}


@dataclass
class CategoryRecall:
    gold_chars: int = 0
    recalled_chars: int = 0
    spans: int = 0
    spans_hit: int = 0

    def to_dict(self) -> dict[str, Any]:
        return {
            "gold_chars": self.gold_chars,
            "recalled_chars": self.recalled_chars,
            "char_recall": round(_ratio(self.recalled_chars, self.gold_chars), 6),
            "spans": self.spans,
            "spans_hit": self.spans_hit,
            "span_recall": round(_ratio(self.spans_hit, self.spans), 6),
        }


@dataclass
class DetectorPrecision:
    predicted_chars: int = 0
    correct_chars: int = 0
    findings: int = 0
    findings_hit: int = 0

    def to_dict(self) -> dict[str, Any]:
        return {
            "findings": self.findings,
            "findings_hit": self.findings_hit,
            "finding_precision": round(_ratio(self.findings_hit, self.findings), 6),
            "predicted_chars": self.predicted_chars,
            "correct_chars": self.correct_chars,
            "char_precision": round(_ratio(self.correct_chars, self.predicted_chars), 6),
        }


@dataclass
class Correlation:
    n: int
    spearman: float | None
    kendall_tau_b: float | None

    def to_dict(self) -> dict[str, Any]:
        return {
            "n": self.n,
            "spearman": None if self.spearman is None else round(self.spearman, 6),
            "kendall_tau_b": None if self.kendall_tau_b is None else round(self.kendall_tau_b, 6),
        }


@dataclass
class EvalResult:
    records: int
    gold_spans: int
    zero_length_gold_spans: int
    predicted_spans: int
    auditor: SpanScores
    all_minor: SpanScores
    correlation: Correlation | None
    per_category: dict[str, CategoryRecall]
    per_detector: dict[str, DetectorPrecision]
    #: −penalty (the predicted MQM sum, unnormalised like the gold MQM score) vs gold score
    correlation_penalty: Correlation | None = None
    #: trivial reference: −(word count of the text) vs gold score; longer segments carry more errors
    correlation_length: Correlation | None = None
    #: the auditor's predicted MQM score (``mqm_estimate``) vs gold score
    correlation_estimate: Correlation | None = None

    def to_dict(self) -> dict[str, Any]:
        return {
            "records": self.records,
            "gold_spans": self.gold_spans,
            "zero_length_gold_spans": self.zero_length_gold_spans,
            "predicted_spans": self.predicted_spans,
            "auditor": self.auditor.to_dict(),
            "all_minor": self.all_minor.to_dict(),
            "correlation_estimate": None if self.correlation_estimate is None else self.correlation_estimate.to_dict(),
            "correlation": None if self.correlation is None else self.correlation.to_dict(),
            "correlation_penalty": None if self.correlation_penalty is None else self.correlation_penalty.to_dict(),
            "correlation_length": None if self.correlation_length is None else self.correlation_length.to_dict(),
            "per_category": {k: v.to_dict() for k, v in sorted(self.per_category.items())},
            "per_detector": {k: v.to_dict() for k, v in sorted(self.per_detector.items())},
        }


def _ratio(a: float, b: float) -> float:
    return a / b if b else 0.0


def prediction_from_record(obj: dict[str, Any], text_length: int, where: str = "") -> Prediction:
    """A :class:`Prediction` from one ``auditor score --format jsonl`` line (as a dict)."""
    spans = []
    for f in obj.get("spans", []):
        start, end = f["start"], f["end"]
        if not 0 <= start <= end <= text_length:
            raise ValueError(f"{where}predicted span [{start}, {end}) outside text of length {text_length}")
        spans.append(Span(start, end, f.get("severity"), f.get("category", ""), f.get("detector", "")))
    return Prediction(tuple(spans), obj.get("score"), obj.get("penalty"), obj.get("mqm_estimate"))


# --------------------------------------------------------------------------- metrics


def char_ranks(spans: Iterable[Span], length: int) -> list[int]:
    """Severity rank of every character (0 = no error); overlapping spans: most severe wins."""
    ranks = [0] * length
    for s in spans:
        r = _RANK[s.severity]
        for i in range(max(0, s.start), min(s.end, length)):
            if ranks[i] < r:
                ranks[i] = r
    return ranks


def _agree(a: int, b: int) -> bool:
    """Severity ranks agree; critical (3) counts as major (2)."""
    return min(a, 2) == min(b, 2)


def span_scores(gold: Sequence[int], pred: Sequence[int]) -> SpanScores:
    """Severity-aware and severity-blind PRF of one record from per-character ranks."""
    out = SpanScores()
    predicted = sum(1 for p in pred if p)
    golds = sum(1 for g in gold if g)
    earned = 0.0
    overlap = 0
    for g, p in zip(gold, pred, strict=True):
        if g and p:
            overlap += 1
            earned += 1.0 if _agree(g, p) else 0.5
    out.severity = PRF(earned, predicted, golds)
    out.blind = PRF(float(overlap), predicted, golds)
    return out


def evaluate(gold: Sequence[GoldRecord], predictions: Sequence[Prediction]) -> EvalResult:
    """All metrics for ``predictions[i]`` against ``gold[i]``."""
    if len(gold) != len(predictions):
        raise ValueError(f"{len(gold)} gold records but {len(predictions)} predictions")
    tally = Evaluation()
    for rec, pred in zip(gold, predictions, strict=True):
        tally.add(rec, pred)
    return tally.result()


#: the correlations of :class:`Evaluation`, in the order of their x values
_CORRELATIONS = ("score", "penalty", "length", "estimate")
#: values (8 bytes each) buffered per correlation before they are written out, read back
#: at a time, and sorted at a time before the sorted pieces are merged
_CHUNK = 65536


class _Column:
    """(x, y) pairs of one correlation, in an anonymous temporary file.

    Why: ranks need every value, so a correlation is O(records) whatever is done, but
    only while it is computed. While ``auditor eval`` streams, the pairs go to a temporary
    file (deleted by the operating system when closed, even on a crash); in memory there
    are only :data:`_CHUNK` values of buffer and the count."""

    def __init__(self) -> None:
        self._fh: IO[bytes] | None = None
        self._buffer = array("d")
        self.n = 0

    def add(self, x: float, y: float) -> None:
        self._buffer.append(x)
        self._buffer.append(y)
        self.n += 1
        if len(self._buffer) >= _CHUNK:
            if self._fh is None:
                self._fh = tempfile.TemporaryFile()
            self._fh.seek(0, 2)
            self._buffer.tofile(self._fh)
            del self._buffer[:]

    def values(self, which: int) -> array[float]:
        """The x (``which`` 0) or y (1) values, in record order."""
        out = array("d")
        if self._fh is not None:
            self._fh.flush()
            self._fh.seek(0)
            while data := self._fh.read(max(1, _CHUNK // 2) * 16):  # whole pairs
                chunk = array("d")
                chunk.frombytes(data)
                out.extend(chunk[which::2])
        out.extend(self._buffer[which::2])
        return out


class Evaluation:
    """The metrics of :func:`evaluate`, gathered one (gold record, prediction) at a time.

    Why: ``auditor eval`` streams its gold file, so nothing may need the records again.
    The span figures are sums and the per-category and per-detector tallies one entry per
    category or detector, so they do not grow with the input. The correlations rank over
    every record: for them each scored record's (x, gold score) pairs are spilled to
    temporary files (:class:`_Column`) and read back by :meth:`result`, one correlation at
    a time. That part stays O(records) at the end, and cannot be otherwise: a rank needs
    every value. What is held then is one correlation's values, ranks and sort keys as
    arrays of 8-byte numbers, never a Python object per value: about 50 bytes per scored
    record at the peak (see :func:`_rank_correlation`; ``auditor eval`` of 890,000 records
    peaks at 71 MB, of 9,000 at 27 MB).
    """

    def __init__(self) -> None:
        self.records = 0
        self.auditor = SpanScores()
        self.all_minor = SpanScores()
        self.per_category: dict[str, CategoryRecall] = {}
        self.per_detector: dict[str, DetectorPrecision] = {}
        self.gold_spans = self.zero = self.predicted_spans = 0
        self._columns = {name: _Column() for name in _CORRELATIONS}

    def add(self, rec: GoldRecord, pred: Prediction) -> None:
        """Count one record and what the auditor predicted for it."""
        self.records += 1
        auditor, all_minor = self.auditor, self.all_minor
        per_category, per_detector = self.per_category, self.per_detector
        n = len(rec.text)
        g = char_ranks(rec.spans, n)
        p = char_ranks(pred.spans, n)
        s = span_scores(g, p)
        auditor.severity.add(s.severity)
        auditor.blind.add(s.blind)
        m = span_scores(g, [1] * n)
        all_minor.severity.add(m.severity)
        all_minor.blind.add(m.blind)
        self.gold_spans += len(rec.spans)
        self.zero += sum(1 for sp in rec.spans if sp.end <= sp.start)
        self.predicted_spans += len(pred.spans)

        by_cat: dict[str, set[int]] = {}
        for sp in rec.spans:
            if sp.end <= sp.start:
                continue
            cat = top_category(sp.category)
            by_cat.setdefault(cat, set()).update(range(sp.start, sp.end))
            c = per_category.setdefault(cat, CategoryRecall())
            c.spans += 1
            if any(p[i] for i in range(sp.start, sp.end)):
                c.spans_hit += 1
        for cat, chars in by_cat.items():
            c = per_category[cat]
            c.gold_chars += len(chars)
            c.recalled_chars += sum(1 for i in chars if p[i])

        by_det: dict[str, set[int]] = {}
        for sp in pred.spans:
            det = sp.detector or "?"
            d = per_detector.setdefault(det, DetectorPrecision())
            d.findings += 1
            lo, hi = sp.start, max(sp.end, sp.start + 1)
            if any(g[i] for i in range(lo, min(hi, n))):
                d.findings_hit += 1
            by_det.setdefault(det, set()).update(range(sp.start, sp.end))
        for det, chars in by_det.items():
            d = per_detector[det]
            d.predicted_chars += len(chars)
            d.correct_chars += sum(1 for i in chars if g[i])

        if rec.score is not None:
            xs = (pred.score, None if pred.penalty is None else -pred.penalty, -len(rec.text.split()), pred.mqm_estimate)
            for name, x in zip(_CORRELATIONS, xs, strict=True):
                if x is not None:
                    self._columns[name].add(x, rec.score)

    def _correlation(self, name: str) -> Correlation | None:
        column = self._columns[name]
        if not column.n:
            return None
        return Correlation(column.n, *_rank_correlation(column.values(0), column.values(1)))

    def result(self) -> EvalResult:
        """The metrics over every record added so far."""
        return EvalResult(
            records=self.records,
            gold_spans=self.gold_spans,
            zero_length_gold_spans=self.zero,
            predicted_spans=self.predicted_spans,
            auditor=self.auditor,
            all_minor=self.all_minor,
            correlation=self._correlation("score"),
            per_category=self.per_category,
            per_detector=self.per_detector,
            correlation_penalty=self._correlation("penalty"),
            correlation_length=self._correlation("length"),
            correlation_estimate=self._correlation("estimate"),
        )


def top_category(category: str) -> str:
    """``"Accuracy/Mistranslation"`` → ``"Accuracy"``; empty → ``"(none)"``."""
    return category.split("/", 1)[0].strip() or "(none)"


# --------------------------------------------------------------------------- correlation


def average_ranks(values: Sequence[float]) -> list[float]:
    """1-based ranks; ties get the mean of the ranks they span."""
    return list(_average_ranks(array("d", values)))


def _average_ranks(values: array[float]) -> array[float]:
    """:func:`average_ranks` as an array: each value's rank found by binary search in a
    sorted copy, ``(first + last) / 2 + 1`` of the positions it spans there (whole or
    half numbers, exact). Held: the values, the sorted copy and the ranks, 8 bytes each."""
    ordered = _sorted(values)
    return array("d", ((bisect_left(ordered, v) + bisect_right(ordered, v) - 1) / 2 + 1 for v in values))


def _sorted(values: array[Any]) -> array[Any]:
    """A sorted copy of an array, sorted in pieces and merged.

    Why not ``sorted()``: it makes a list of one Python object per value (32 bytes
    each for floats), four times the array; the pieces hold :data:`_CHUNK` at a time."""
    pieces = [array(values.typecode, sorted(values[i : i + _CHUNK])) for i in range(0, len(values), _CHUNK)]
    return array(values.typecode, heapq.merge(*pieces))


def _tied_pairs(sorted_values: Iterable[Any]) -> int:
    """Number of pairs of equal values in a sorted sequence."""
    total = 0
    run = 0
    previous: Any = None
    for v in sorted_values:
        if run and v == previous:
            run += 1
        else:
            total += run * (run - 1) // 2
            run, previous = 1, v
    return total + run * (run - 1) // 2


def pearson(xs: Sequence[float], ys: Sequence[float]) -> float | None:
    n = len(xs)
    if n < 2:
        return None
    mx, my = sum(xs) / n, sum(ys) / n
    sxy = sum((x - mx) * (y - my) for x, y in zip(xs, ys, strict=True))
    sxx = sum((x - mx) ** 2 for x in xs)
    syy = sum((y - my) ** 2 for y in ys)
    if sxx == 0 or syy == 0:
        return None
    return sxy / math.sqrt(sxx * syy)


def spearman(xs: Sequence[float], ys: Sequence[float]) -> float | None:
    """Spearman's rho: Pearson correlation of the average ranks (None if undefined)."""
    if len(xs) != len(ys):
        raise ValueError("length mismatch")
    return pearson(_average_ranks(array("d", xs)), _average_ranks(array("d", ys)))


def kendall_tau_b(xs: Sequence[float], ys: Sequence[float]) -> float | None:
    """Kendall's tau-b with tie correction (None if either side is constant).

    Knight's O(n log n) algorithm: sort by (x, y), count the discordant pairs as the
    inversions a merge sort of y removes, and correct for ties in x, in y and in both.
    """
    if len(xs) != len(ys):
        raise ValueError("length mismatch")
    return _kendall_tau_b(_pair_keys(_average_ranks(array("d", xs)), _average_ranks(array("d", ys))))


def _rank_correlation(xs: array[float], ys: array[float]) -> tuple[float | None, float | None]:
    """(Spearman, Kendall tau-b) of two columns, which this consumes.

    In the order that holds least: x ranked (x dropped), y ranked (y dropped), rho from the
    ranks, the ranks packed into one sort key per pair (ranks dropped), tau from the keys.
    About four arrays of 8 bytes per value at any time (and one buffer of :data:`_CHUNK`)."""
    if len(xs) != len(ys):
        raise ValueError("length mismatch")
    rx = _average_ranks(xs)
    del xs[:]
    ry = _average_ranks(ys)
    del ys[:]
    rho = pearson(rx, ry)
    keys = _pair_keys(rx, ry)
    del rx[:], ry[:]
    return rho, _kendall_tau_b(keys)


def _pair_keys(rx: array[float], ry: array[float]) -> array[int]:
    """One integer per pair that sorts as (x, y) does: ``2 rx (2n + 2) + 2 ry``, from the
    average ranks (twice them are whole numbers of at most 2n). Ordering and ties are
    those of the values, so Kendall's tau is the same, and an array of them is compact."""
    m = 2 * len(rx) + 2
    return array("q", (int(2 * a) * m + int(2 * b) for a, b in zip(rx, ry, strict=True)))


def _kendall_tau_b(keys: array[int]) -> float | None:
    """Kendall's tau-b from :func:`_pair_keys` (consumed)."""
    n = len(keys)
    if n < 2:
        return None
    m = 2 * n + 2
    ordered = _sorted(keys)
    del keys[:]
    n0 = n * (n - 1) // 2
    ties_xy = _tied_pairs(ordered)
    ties_x = _tied_pairs(k // m for k in ordered)
    y = array("q", (k % m for k in ordered))
    del ordered
    discordant = _sort_count_inversions(y)  # y is sorted afterwards
    ties_y = _tied_pairs(y)
    denom = math.sqrt((n0 - ties_x) * (n0 - ties_y))
    if denom == 0:
        return None
    return (n0 - ties_x - ties_y + ties_xy - 2 * discordant) / denom


def _sort_count_inversions(values: MutableSequence[Any]) -> int:
    """Sort ``values`` in place (bottom-up merge sort); return the number of strict inversions."""
    n = len(values)
    buf = values[:]
    inversions = 0
    width = 1
    src, dst = values, buf
    while width < n:
        for lo in range(0, n, 2 * width):
            mid = min(lo + width, n)
            hi = min(lo + 2 * width, n)
            i, j, k = lo, mid, lo
            while i < mid and j < hi:
                if src[j] < src[i]:
                    dst[k] = src[j]
                    inversions += mid - i
                    j += 1
                else:
                    dst[k] = src[i]
                    i += 1
                k += 1
            while i < mid:
                dst[k] = src[i]
                i += 1
                k += 1
            while j < hi:
                dst[k] = src[j]
                j += 1
                k += 1
        src, dst = dst, src
        width *= 2
    if src is not values:
        values[:] = src
    return inversions


# --------------------------------------------------------------------------- rendering


def render_text(result: EvalResult, run: dict[str, Any] | None = None) -> str:
    """Human-readable report: the span table (auditor vs all-minor), correlation, breakdowns."""
    out: list[str] = []
    run = run or {}
    if run:
        out.append(
            f"gold: {run.get('gold')}   engines: {','.join(run.get('engines', []))}   "
            f"source: {'used' if run.get('source_used') else 'not used'}"
        )
    out.append(
        f"records: {result.records}   gold spans: {result.gold_spans} "
        f"({result.zero_length_gold_spans} zero-length, ignored)   predicted spans: {result.predicted_spans}"
    )
    out.append("")
    out.append("character-level micro P / R / F1")
    header = f"  {'system':<12} {'severity P':>10} {'R':>7} {'F1':>7}   {'blind P':>8} {'R':>7} {'F1':>7}"
    out.append(header)
    for name, s in (("auditor", result.auditor), ("all-minor", result.all_minor)):
        out.append(
            f"  {name:<12} {s.severity.precision:>10.3f} {s.severity.recall:>7.3f} {s.severity.f1:>7.3f}"
            f"   {s.blind.precision:>8.3f} {s.blind.recall:>7.3f} {s.blind.f1:>7.3f}"
        )
    a = result.auditor.blind
    out.append(f"  (predicted error chars {a.predicted_chars}, gold error chars {a.gold_chars})")
    out.append("")
    c = result.correlation
    if c is None:
        out.append("segment score correlation: no gold scores")
    else:
        out.append(f"segment score correlation with the gold score (n={c.n})   Spearman  Kendall tau-b")
        rows = [
            ("auditor MQM estimate", result.correlation_estimate),
            ("auditor score (0-100, per word)", c),
            ("auditor -penalty (MQM sum)", result.correlation_penalty),
            ("reference: -words (length only)", result.correlation_length),
        ]
        for label, corr in rows:
            if corr is not None:
                out.append(f"  {label:<34} {_fmt(corr.spearman):>16} {_fmt(corr.kendall_tau_b):>14}")
        est = run.get("mqm_estimator")
        if est and result.correlation_estimate is not None:
            how = f"fitted for {est['fit']}" if est["origin"] == "fitted" else f"{est['origin']} {est['fit'] or ''}"
            out.append(
                f"  (MQM estimate = -({est['a']:.4g} + {est['b']:.4g}*words + {est['c']:.4g}*penalty) per sentence, "
                f"{how.strip()}; auditor/mqm_estimate.json)"
            )
    out.append("")
    out.append("recall per gold category (severity-blind)")
    out.append(f"  {'category':<28} {'spans':>6} {'hit':>6} {'span R':>7} {'chars':>7} {'char R':>7}")
    for cat, cr in sorted(result.per_category.items(), key=lambda kv: (-kv[1].spans, kv[0])):
        out.append(
            f"  {cat[:28]:<28} {cr.spans:>6} {cr.spans_hit:>6} {_ratio(cr.spans_hit, cr.spans):>7.3f}"
            f" {cr.gold_chars:>7} {_ratio(cr.recalled_chars, cr.gold_chars):>7.3f}"
        )
    out.append("")
    out.append("precision per detector (severity-blind)")
    if not result.per_detector:
        out.append("  (no findings)")
    else:
        out.append(f"  {'detector':<28} {'finds':>6} {'hit':>6} {'find P':>7} {'chars':>7} {'char P':>7}")
        for det, dp in sorted(result.per_detector.items(), key=lambda kv: (-kv[1].findings, kv[0])):
            out.append(
                f"  {det[:28]:<28} {dp.findings:>6} {dp.findings_hit:>6}"
                f" {_ratio(dp.findings_hit, dp.findings):>7.3f}"
                f" {dp.predicted_chars:>7} {_ratio(dp.correct_chars, dp.predicted_chars):>7.3f}"
            )
    if "segments_per_second" in run:
        out.append("")
        out.append(
            f"throughput: {run['segments']} segments in {run['run_seconds']:.2f} s = "
            f"{run['segments_per_second']:.1f} segments/s (engine load {run['load_seconds']:.2f} s); "
            f"peak memory {run['peak_rss_mb']:.0f} MB"
        )
    return "\n".join(out) + "\n"


def _fmt(x: float | None) -> str:
    return "n/a" if x is None else f"{x:.3f}"


__all__ = [
    "GOLD_SEVERITIES",
    "Span",
    "GoldRecord",
    "Prediction",
    "PRF",
    "SpanScores",
    "EvalResult",
    "prediction_from_record",
    "char_ranks",
    "span_scores",
    "evaluate",
    "top_category",
    "spearman",
    "kendall_tau_b",
    "average_ranks",
    "render_text",
]
