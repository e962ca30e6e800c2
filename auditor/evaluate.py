"""Metrics of ``auditor eval``: how well predicted error spans match human gold spans.

Pure functions over spans; no click, no pipeline. The CLI (``auditor/cli/eval_cmd.py``)
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

import math
import tempfile
from array import array
from collections.abc import Iterable, Iterator, Sequence
from dataclasses import dataclass, field
from typing import IO, TYPE_CHECKING, Any

from auditor.errors import InputError

if TYPE_CHECKING:
    import numpy as np

#: severity → rank; ``None`` (no severity given) ranks as minor.
_RANK: dict[str | None, int] = {None: 1, "minor": 1, "major": 2, "critical": 3}


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


# --------------------------------------------------------------------------- reading


def read_gold(path: str) -> list[GoldRecord]:
    """Read a gold JSONL file; raise :class:`InputError` naming file and line on bad input.

    Decoding and line splitting are those of ``auditor score`` (one reader: a BOM is
    dropped, U+2028 inside a string is not a line break, line numbers agree).
    """
    from auditor.io.readers import jsonl_lines, read_text

    lines = jsonl_lines(read_text(path))
    records = []
    for lineno, raw in lines:
        records.append(parse_gold_line(raw, path, lineno))
    if not records:
        raise InputError(path, "no records (expected one JSON object per line)")
    return records


class GoldFile:
    """A gold file read twice: :meth:`validate` checks every line (keeping only the count),
    iterating reads the records again, one line at a time.

    Why: ``auditor eval`` must refuse a bad file before any work (no output at all) and
    yet not hold the file; same decoding, lines and messages as :func:`read_gold`."""

    def __init__(self, path: str) -> None:
        self.path = path

    def __iter__(self) -> Iterator[GoldRecord]:
        from auditor.io.stream import jsonl_lines

        for lineno, raw in jsonl_lines(self.path):
            if raw.strip():
                yield parse_gold_line(raw, self.path, lineno)

    def validate(self) -> int:
        """Read every record, raising :class:`InputError` on the first bad one; the record count."""
        n = sum(1 for _ in self)
        if not n:
            raise InputError(self.path, "no records (expected one JSON object per line)")
        return n


def parse_gold_line(raw: str, path: str, lineno: int) -> GoldRecord:
    """Parse and validate one gold record."""

    def bad(msg: str) -> InputError:
        return InputError(path, msg, lineno)

    from auditor.io.readers import id_label, load_json_line

    obj = load_json_line(path, raw, lineno)
    if not isinstance(obj, dict):
        raise bad("record is not a JSON object")
    text = obj.get("mt_de")
    if not isinstance(text, str):
        raise bad("missing or non-string 'mt_de'")
    rid = obj.get("id")
    try:
        label = id_label(rid) if rid is not None else str(lineno)  # as `auditor score` labels it
    except (RecursionError, ValueError):
        raise bad("the 'id' value cannot be used as an id") from None
    source = obj.get("source_en")
    if source is not None and not isinstance(source, str):
        raise bad("'source_en' must be a string or null")
    score = obj.get("score")
    if score is not None:
        if isinstance(score, bool) or not isinstance(score, (int, float)) or not math.isfinite(score):
            raise bad("'score' must be a finite number or null")
        score = float(score)
    raw_spans = obj.get("spans", [])
    if not isinstance(raw_spans, list):
        raise bad("'spans' must be a list")
    spans = []
    for i, s in enumerate(raw_spans):
        if not isinstance(s, dict):
            raise bad(f"span {i} is not an object")
        start, end = s.get("start"), s.get("end")
        if (
            not isinstance(start, int)
            or not isinstance(end, int)
            or isinstance(start, bool)
            or isinstance(end, bool)
        ):
            raise bad(f"span {i}: 'start' and 'end' must be integers")
        if not 0 <= start <= end <= len(text):
            raise bad(f"span {i} [{start}, {end}) falls outside the text (length {len(text)})")
        severity = s.get("severity")
        if severity not in _RANK:
            raise bad(f"span {i}: unknown severity {severity!r}")
        category = s.get("category") or ""
        if not isinstance(category, str):
            raise bad(f"span {i}: 'category' must be a string")
        spans.append(Span(start, end, severity, category))
    return GoldRecord(label, text, source, tuple(spans), score, lineno, (rid,))


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


#: the correlations of :class:`Evaluation`: (name, column of its x in a spilled row)
_CORRELATIONS = (("score", 1), ("penalty", 2), ("length", 3), ("estimate", 4))
#: a spilled row: gold score, the four x values, the bit mask of the x values present
_ROW = 6
#: rows buffered before they are written out, and rows read back at a time (48 bytes each)
_CHUNK = 8192


class _ScoredRows:
    """The numbers the correlations need, one row per record with a gold score, on disk.

    Why: ranks need every value, so the correlations are O(records) whatever is done;
    but only while they are computed, and one correlation at a time. While ``auditor eval``
    streams, the rows go to an anonymous temporary file (deleted by the operating system
    when closed, even on a crash); in memory there are only :data:`_CHUNK` rows of buffer
    and one count per correlation. Each row is six doubles: the gold score, the four x
    values (score, -penalty, -words, MQM estimate; 0 when absent) and the bit mask of the
    ones present.
    """

    def __init__(self) -> None:
        self._fh: IO[bytes] | None = None
        self._buffer = array("d")
        self.counts = dict.fromkeys((name for name, _ in _CORRELATIONS), 0)

    def add(self, y: float, xs: Sequence[float | None]) -> None:
        mask = 0
        row = [y]
        for (name, _), x in zip(_CORRELATIONS, xs, strict=True):
            if x is not None:
                mask |= 1 << len(row)
                self.counts[name] += 1
            row.append(0.0 if x is None else x)
        row.append(float(mask))
        self._buffer.extend(row)
        if len(self._buffer) >= _CHUNK * _ROW:
            self._flush()

    def _flush(self) -> None:
        if not self._buffer:
            return
        if self._fh is None:
            self._fh = tempfile.TemporaryFile()
        self._fh.seek(0, 2)
        self._buffer.tofile(self._fh)
        del self._buffer[:]

    def column(self, name: str) -> tuple[np.ndarray, np.ndarray]:
        """(x, gold score) of the rows where correlation ``name`` has its x, in record order."""
        import numpy as np

        col = dict(_CORRELATIONS)[name]
        n = self.counts[name]
        xs, ys = np.empty(n), np.empty(n)
        at = 0
        for rows in self._chunks():
            present = (rows[:, _ROW - 1].astype(np.int64) >> col) & 1 == 1
            k = int(present.sum())
            xs[at : at + k] = rows[present, col]
            ys[at : at + k] = rows[present, 0]
            at += k
        if at != n:
            raise RuntimeError(f"correlation {name}: {at} rows read back of {n} written")
        return xs, ys

    def _chunks(self) -> Iterator[np.ndarray]:
        import numpy as np

        if self._fh is not None:
            self._fh.flush()
            self._fh.seek(0)
            while True:
                data = self._fh.read(_CHUNK * _ROW * 8)
                if not data:
                    break
                yield np.frombuffer(data, dtype=np.float64).reshape(-1, _ROW)
        if self._buffer:
            yield np.array(self._buffer, dtype=np.float64).reshape(-1, _ROW)  # a copy: the buffer may grow again


class Evaluation:
    """The metrics of :func:`evaluate`, gathered one (gold record, prediction) at a time.

    Why: ``auditor eval`` streams its gold file, so nothing may need the records again.
    The span figures are sums and the per-category and per-detector tallies one entry per
    category or detector, so they do not grow with the input. The correlations rank over
    every record: for them a few numbers per scored record are spilled to a temporary
    file (:class:`_ScoredRows`) and read back by :meth:`result`, one correlation at a
    time. That part stays O(records) at the end, and cannot be otherwise: a rank needs
    every value. What is held then is one correlation's two columns and the arrays its
    ranks and sorts need (about 60 bytes per scored record at the peak).
    """

    def __init__(self) -> None:
        self.records = 0
        self.auditor = SpanScores()
        self.all_minor = SpanScores()
        self.per_category: dict[str, CategoryRecall] = {}
        self.per_detector: dict[str, DetectorPrecision] = {}
        self.gold_spans = self.zero = self.predicted_spans = 0
        self._scored = _ScoredRows()

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
            self._scored.add(
                rec.score,
                (
                    pred.score,
                    None if pred.penalty is None else -pred.penalty,
                    -len(rec.text.split()),
                    pred.mqm_estimate,
                ),
            )

    def _correlation(self, name: str) -> Correlation | None:
        if not self._scored.counts[name]:
            return None
        xs, ys = self._scored.column(name)
        return Correlation(len(xs), _spearman(xs, ys), _kendall_tau_b(xs, ys))

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
    import numpy as np

    return _average_ranks(np.asarray(values, dtype=np.float64)).tolist()


def _average_ranks(values: np.ndarray) -> np.ndarray:
    """:func:`average_ranks` of an array: a stable argsort, then one mean rank per run of equal values.

    The ranks are whole or half numbers, exact in a double, so they are the same as
    ranking in pure Python."""
    import numpy as np

    n = len(values)
    order = np.argsort(values, kind="stable")
    ordered = values[order]
    starts = _run_starts(ordered)
    del ordered
    lengths = np.diff(np.append(starts, n))
    mean_rank = (starts + (starts + lengths - 1)) / 2 + 1
    ranks = np.empty(n)
    ranks[order] = np.repeat(mean_rank, lengths)
    return ranks


def _run_starts(ordered: np.ndarray) -> np.ndarray:
    """Indices where a run of equal values starts in a sorted array."""
    import numpy as np

    new = np.empty(len(ordered), dtype=bool)
    if len(ordered):
        new[0] = True
        np.not_equal(ordered[1:], ordered[:-1], out=new[1:])
    return np.flatnonzero(new)


def _tied_pairs(run_starts: np.ndarray, n: int) -> int:
    """Number of pairs inside the runs that start at ``run_starts`` (of ``n`` values in all)."""
    import numpy as np

    lengths = np.diff(np.append(run_starts, n))
    return int((lengths * (lengths - 1) // 2).sum())


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
    import numpy as np

    if len(xs) != len(ys):
        raise ValueError("length mismatch")
    return _spearman(np.asarray(xs, dtype=np.float64), np.asarray(ys, dtype=np.float64))


def _spearman(xs: np.ndarray, ys: np.ndarray) -> float | None:
    # Pearson over the ranks as Python floats, summed in order: the same sums as before
    # the ranks were computed with numpy (its pairwise sums would differ in the last bits).
    return pearson(_average_ranks(xs).data, _average_ranks(ys).data)


def kendall_tau_b(xs: Sequence[float], ys: Sequence[float]) -> float | None:
    """Kendall's tau-b with tie correction (None if either side is constant).

    Knight's O(n log n) algorithm: sort by (x, y), count the discordant pairs as the
    inversions a merge sort of y removes, and correct for ties in x, in y and in both.
    """
    import numpy as np

    if len(xs) != len(ys):
        raise ValueError("length mismatch")
    return _kendall_tau_b(np.asarray(xs, dtype=np.float64), np.asarray(ys, dtype=np.float64))


def _kendall_tau_b(xs: np.ndarray, ys: np.ndarray) -> float | None:
    """:func:`kendall_tau_b` of two arrays. The pair counts are exact integers and the
    one division and square root those of the pure-Python version, so the result is too."""
    import numpy as np

    n = len(xs)
    if n < 2:
        return None
    order = np.lexsort((ys, xs))  # by x, then y
    x, y = xs[order], ys[order]
    del order
    n0 = n * (n - 1) // 2
    ties_x = _tied_pairs(_run_starts(x), n)
    same = np.empty(n, dtype=bool)  # starts of runs equal in both x and y
    same[0] = True
    same[1:] = (x[1:] != x[:-1]) | (y[1:] != y[:-1])
    del x
    ties_xy = _tied_pairs(np.flatnonzero(same), n)
    del same
    _, dense, counts = np.unique(y, return_inverse=True, return_counts=True)
    del y
    ties_y = int((counts * (counts - 1) // 2).sum())
    discordant = _inversions(dense.astype(np.int64).ravel())
    denom = math.sqrt((n0 - ties_x) * (n0 - ties_y))
    if denom == 0:
        return None
    return (n0 - ties_x - ties_y + ties_xy - 2 * discordant) / denom


def _inversions(values: np.ndarray) -> int:
    """Number of pairs i < j with ``values[i] > values[j]`` (non-negative integers).

    A bottom-up merge sort done a level at a time over the whole array: at width ``w``
    the halves of every block of ``2w`` are sorted, and each element of a right half is
    inverted with the elements of its left half that are greater, found by binary search
    (the left halves, tagged with their block number, form one sorted array). Then every
    block is sorted for the next level. O(n log² n) in numpy, a few arrays of n integers."""
    import numpy as np

    n = len(values)
    if n < 2:
        return 0
    m = int(values.max()) + 1
    a = values.copy()
    total = 0
    width = 1
    while width < n:
        pos = np.arange(n, dtype=np.int64)
        right = (pos // width) & 1 == 1
        keys = pos // (2 * width)
        del pos
        keys *= m
        keys += a  # block * m + value: sorted within each half, blocks in order
        left_keys = keys[~right]
        right_keys = keys[right]
        del right
        # the left half of block b ends at index (b + 1) * width of left_keys (only the last can be short)
        ends = np.minimum((right_keys // m + 1) * width, len(left_keys))
        greater = ends - np.searchsorted(left_keys, right_keys, side="right")
        total += int(greater.sum())
        del left_keys, right_keys, ends, greater
        keys.sort()
        np.remainder(keys, m, out=a)
        del keys
        width *= 2
    return total


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
    "Span",
    "GoldRecord",
    "Prediction",
    "PRF",
    "SpanScores",
    "EvalResult",
    "read_gold",
    "parse_gold_line",
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
