"""Fit severity and confidence of every lexical detector on the MQM dev set.

    .venv/bin/python bench/calibrate_lexical.py                 # fit, write calibration.json
    .venv/bin/python bench/calibrate_lexical.py --dry-run       # fit and report, write nothing
    .venv/bin/python bench/calibrate_lexical.py --cross-check   # fit on one part, measure on the other

Method (recorded in the JSON it writes):

1. Run every lexical detector *uncalibrated* on each dev record (JSONL: ``mt_de`` with
   its ``source_en``): the engine's monolingual candidates (``LexicalEngine.candidates``)
   and the source-alignment candidates (``align.candidates_for_segment``). Every
   candidate carries an evidence strength in [0, 1].
2. Group candidates by detector and by one of three fixed strength bins
   ([0, 0.5), [0.5, 0.8), [0.8, 1]); nothing about the bins is fitted.
3. Per bin: ``severity`` = the majority severity of the distinct gold spans its findings
   overlap (a ``Non-translation`` span votes ``critical``), with critical and major voting
   together as ``auditor eval`` scores them; ties and fewer than ``MIN_SUPPORT`` overlapped
   spans give ``minor``. ``confidence`` = the bin's
   severity-aware character precision with that severity (the metric of ``auditor
   eval``: a predicted character inside a gold span earns 1 if the severities agree,
   critical counting as major, else 0.5), smoothed towards the all-minor reference
   precision with a prior of ``PRIOR_CHARS`` characters.
4. Emission: bins are taken in order of decreasing confidence for as long as the taken
   set as a whole keeps a (smoothed) precision of at least ``target_precision`` = twice
   the all-minor reference precision of the same data (the issue's bar, "twice the
   flag-everything reference"), and each bin beats the reference itself.
   ``emit_min_confidence`` is the confidence of the last bin taken; weaker bins are not
   reported (the aligner keeps them in its annotation). Bins with fewer than
   ``MIN_SUPPORT`` findings are too small to judge: they stay reported, at their
   (smoothed, hence low) confidence.

Deterministic: same data, same dictionaries → same JSON (bar the date).
"""

from __future__ import annotations

import argparse
import datetime as _dt
import hashlib
import json
import sys
import time
from collections import Counter, defaultdict
from collections.abc import Iterable, Sequence
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from auditor.engines.lexical.calibration import BINS, CALIBRATION_PATH, bin_of  # noqa: E402
from auditor.evaluate import GoldRecord, Prediction, Span, char_ranks, evaluate  # noqa: E402
from auditor.io.gold import read_gold  # noqa: E402

DEFAULT_DATA = ROOT.parent / "shared" / "eval" / "dev.jsonl"
PRIOR_CHARS = 100  # smoothing prior, in characters (about a dozen words)
MIN_SUPPORT = 10  # overlapped gold spans needed before a bin may leave "minor"
EMIT_FACTOR = 2.0  # emit a bin at >= EMIT_FACTOR x the all-minor reference precision
_RANK = {"minor": 1, "major": 2, "critical": 3}


def collect(records: Sequence[GoldRecord], verbose: bool = True) -> list[list[Any]]:
    """Uncalibrated candidates of every lexical detector, per record."""
    from auditor.engines.lexical import LexicalEngine, align
    from auditor.engines.lexical.tokens import tokenize
    from auditor.segment import segment_document
    from auditor.types import Document

    engine = LexicalEngine()
    res = engine.res
    out: list[list[Any]] = []
    t0 = time.time()
    for k, rec in enumerate(records):
        sdoc = segment_document(Document(path="dev", text=rec.text, source=rec.source, id=rec.id))
        cands, _ann = engine.candidates(sdoc)
        found = [c for _seg, c in cands]
        for seg in sdoc.segments:
            if seg.scored and seg.source:
                more, _ = align.candidates_for_segment(sdoc, seg, tokenize(seg.text, seg.start), res)
                found.extend(more)
        out.append(found)
        if verbose and (k + 1) % 250 == 0:
            print(f"  {k + 1}/{len(records)} records, {time.time() - t0:.0f} s", file=sys.stderr)
    return out


def _gold_severity(span: Span) -> str:
    if span.category.startswith("Non-translation"):
        return "critical"
    return span.severity or "minor"


def all_minor_precision(records: Sequence[GoldRecord]) -> tuple[float, float]:
    """(severity-aware, severity-blind) precision of flagging every character minor."""
    r = evaluate(list(records), [Prediction((), None) for _ in records])
    return r.all_minor.severity.precision, r.all_minor.blind.precision


def _set_precision(
    records: Sequence[GoldRecord],
    cands: Sequence[Sequence[Any]],
    keys: set[tuple[str, int]],
    severity: dict[tuple[str, int], str],
) -> float:
    """Severity-aware character precision of the findings of the bins ``keys``."""
    earned = 0.0
    chars = 0
    for rec, cs in zip(records, cands):
        pred: dict[int, int] = {}
        for c in cs:
            key = (c.detector, bin_of(c.strength))
            if key not in keys:
                continue
            r = min(_RANK[severity.get(key, "minor")], 2)
            for i in range(c.start, min(c.end, len(rec.text))):
                if pred.get(i, 0) < r:
                    pred[i] = r
        if not pred:
            continue
        g = char_ranks(rec.spans, len(rec.text))
        chars += len(pred)
        earned += sum((1.0 if min(g[i], 2) == r else 0.5) for i, r in pred.items() if g[i])
    return earned / chars if chars else 0.0


def fit(records: Sequence[GoldRecord], cands: Sequence[Sequence[Any]]) -> dict[str, Any]:
    """The calibration table from candidates and gold spans."""
    base_sev, base_blind = all_minor_precision(records)
    threshold = round(EMIT_FACTOR * base_sev, 4)
    # pass 1: severity votes per (detector, bin)
    votes: dict[tuple[str, int], Counter[str]] = defaultdict(Counter)
    for rec, cs in zip(records, cands):
        seen: set[tuple[str, int, int, int]] = set()
        for c in cs:
            key = (c.detector, bin_of(c.strength))
            for gi, span in enumerate(rec.spans):
                if span.start < max(c.end, c.start + 1) and c.start < span.end and (*key, gi, 0) not in seen:
                    seen.add((*key, gi, 0))
                    votes[key][_gold_severity(span)] += 1
    severity: dict[tuple[str, int], str] = {}
    for key, v in votes.items():
        top = v.most_common()
        sev = "minor"
        if sum(v.values()) >= MIN_SUPPORT and top:
            # auditor eval counts critical as major, so the vote does too: major-or-worse against
            # minor (ties go to the milder), then the larger of the two within the class
            serious = v["major"] + v["critical"]
            if serious > v["minor"]:
                sev = "critical" if v["critical"] > v["major"] else "major"
        severity[key] = sev
    # pass 2: character precision per bin with the chosen severity
    stats: dict[tuple[str, int], dict[str, float]] = defaultdict(
        lambda: {"findings": 0, "findings_hit": 0, "chars": 0, "correct": 0, "earned": 0.0}
    )
    for rec, cs in zip(records, cands):
        g = char_ranks(rec.spans, len(rec.text))
        chars: dict[tuple[str, int], set[int]] = defaultdict(set)
        for c in cs:
            key = (c.detector, bin_of(c.strength))
            st = stats[key]
            st["findings"] += 1
            lo, hi = c.start, max(c.end, c.start + 1)
            if any(g[i] for i in range(lo, min(hi, len(g)))):
                st["findings_hit"] += 1
            chars[key].update(range(c.start, min(c.end, len(g))))
        for key, cc in chars.items():
            st = stats[key]
            pr = min(_RANK[severity.get(key, "minor")], 2)
            st["chars"] += len(cc)
            st["correct"] += sum(1 for i in cc if g[i])
            st["earned"] += sum((1.0 if min(g[i], 2) == pr else 0.5) for i in cc if g[i])
    conf_of = {
        key: (st["earned"] + PRIOR_CHARS * base_sev) / (st["chars"] + PRIOR_CHARS)
        for key, st in stats.items()
    }
    # emission: bins in order of decreasing confidence for as long as the emitted set as a
    # whole (union of characters per record, as auditor eval counts) keeps a precision of
    # at least `threshold`; a bin must also beat the all-minor reference on its own
    order = sorted(stats, key=lambda k: (-conf_of[k], k))
    emitted: set[tuple[str, int]] = {k for k, st in stats.items() if st["findings"] < MIN_SUPPORT}
    cutoff = 1.0
    for key in order:
        if stats[key]["findings"] < MIN_SUPPORT:
            continue  # too little evidence to silence a detector: reported, at its low confidence
        if conf_of[key] <= base_sev:
            break
        if _set_precision(records, cands, emitted | {key}, severity) < threshold:
            break
        emitted.add(key)
        cutoff = conf_of[key]
    detectors: dict[str, Any] = {}
    for (det, b), st in sorted(stats.items()):
        lo, hi = BINS[b]
        conf = conf_of[(det, b)]
        entry = {
            "lo": lo,
            "hi": hi,
            "severity": severity.get((det, b), "minor"),
            "confidence": round(conf, 4),
            "emit": (det, b) in emitted or st["findings"] < MIN_SUPPORT,
            "findings": int(st["findings"]),
            "finding_precision": round(st["findings_hit"] / st["findings"], 4) if st["findings"] else 0.0,
            "chars": int(st["chars"]),
            "char_precision_blind": round(st["correct"] / st["chars"], 4) if st["chars"] else 0.0,
            "char_precision_severity": round(st["earned"] / st["chars"], 4) if st["chars"] else 0.0,
            "severity_votes": dict(sorted(votes.get((det, b), Counter()).items())),
        }
        detectors.setdefault(det, {"bins": []})["bins"].append(entry)
    return {
        "emit_min_confidence": round(cutoff, 4),
        "target_precision": threshold,
        "default": {"severity": "minor", "confidence": round(base_sev, 4)},
        "base_rates": {
            "all_minor_precision_severity": round(base_sev, 4),
            "all_minor_precision_blind": round(base_blind, 4),
        },
        "detectors": detectors,
    }


def predictions(
    records: Sequence[GoldRecord], cands: Sequence[Sequence[Any]], table: dict[str, Any]
) -> list[Prediction]:
    """Emitted findings and the document score (pipeline formula) of every record."""
    from auditor.engines.lexical.calibration import calibrate, emit_threshold
    from auditor.score import count_words, region_penalty, score_from_penalty
    from auditor.segment import segment_document
    from auditor.types import Document, Weights

    weights = Weights()
    out = []
    for rec, cs in zip(records, cands):
        sdoc = segment_document(Document(path="dev", text=rec.text, source=rec.source))
        spans = []
        findings = []
        for c in cs:
            sev, conf = calibrate(c.detector, c.strength, table=table)
            if conf < emit_threshold(c.detector, c.strength, table=table):
                continue
            spans.append(Span(c.start, c.end, sev, c.category, c.detector))
            findings.append(sdoc.finding(c.start, c.end, category=c.category, severity=sev, confidence=conf,
                                         detector=c.detector, message=c.message))  # fmt: skip
        scored = [s for s in sdoc.segments if s.scored]
        words = sum(count_words(s.text) for s in scored)
        penalty = 0.0
        starts = [s.start for s in scored]
        by_seg: dict[int, list[Any]] = defaultdict(list)
        import bisect

        for f in findings:
            i = bisect.bisect_right(starts, f.start) - 1
            if i >= 0:
                by_seg[i].append(f)
        for fs in by_seg.values():
            penalty += region_penalty(fs, weights)
        out.append(Prediction(tuple(spans), score_from_penalty(penalty, words)))
    return out


def summary(records: Sequence[GoldRecord], preds: Sequence[Prediction]) -> dict[str, Any]:
    r = evaluate(list(records), list(preds))
    return {
        "records": len(records),
        "precision": round(r.auditor.severity.precision, 4),
        "recall": round(r.auditor.severity.recall, 4),
        "f1": round(r.auditor.severity.f1, 4),
        "spearman": None
        if r.correlation is None or r.correlation.spearman is None
        else round(r.correlation.spearman, 4),
        "predicted_spans": r.predicted_spans,
    }


def _sha256(path: Path) -> str:
    return hashlib.sha256(path.read_bytes()).hexdigest()


def _subset(items: Sequence[Any], idx: Iterable[int]) -> list[Any]:
    return [items[i] for i in idx]


def main(argv: Sequence[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument(
        "--data", default=str(DEFAULT_DATA), help="gold JSONL (default: ../shared/eval/dev.jsonl)"
    )
    ap.add_argument("--out", default=str(CALIBRATION_PATH), help="calibration JSON to write")
    ap.add_argument("--dry-run", action="store_true", help="report only, write nothing")
    ap.add_argument("--cross-check", action="store_true",
                    help="also fit on WMT20 news and measure on WMT21 TED, and the reverse")  # fmt: skip
    args = ap.parse_args(argv)
    data = Path(args.data)
    records = read_gold(str(data))
    print(
        f"{len(records)} records from {data}; running every lexical detector uncalibrated...", file=sys.stderr
    )
    cands = collect(records)
    table = fit(records, cands)
    result = summary(records, predictions(records, cands, table))
    table = {
        "fitted": {
            "script": "bench/calibrate_lexical.py",
            "data": "../shared/eval/dev.jsonl" if data.resolve() == DEFAULT_DATA.resolve() else str(data),
            "data_sha256": _sha256(data),
            "records": len(records),
            "date": _dt.date.today().isoformat(),
            "bins": [list(b) for b in BINS],
            "prior_chars": PRIOR_CHARS,
            "min_support": MIN_SUPPORT,
            "emit_factor": EMIT_FACTOR,
            "method": (
                "Every lexical detector run uncalibrated on every record (with source_en); candidates grouped "
                "by detector and fixed strength bin. severity = majority severity of the distinct gold spans "
                "the bin's findings overlap (Non-translation votes critical; < min_support spans or a tie: the "
                "milder). confidence = the bin's severity-aware character precision with that severity "
                "(auditor eval's metric), smoothed towards the all-minor reference precision with prior_chars "
                "characters. Bins are emitted in order of decreasing confidence while the emitted set keeps a "
                "smoothed precision >= target_precision = emit_factor x the all-minor reference precision of "
                "the same data; emit_min_confidence is the confidence of the last bin emitted. Bins with fewer than "
                "min_support findings are too small to judge and stay emitted at their smoothed confidence."
            ),
            "result_on_fit_data": result,
        },
        **table,
    }
    if args.cross_check:
        news = [i for i, r in enumerate(records) if r.id.startswith("wmt20")]
        ted = [i for i, r in enumerate(records) if not r.id.startswith("wmt20")]
        cross = {}
        for name, fit_idx, test_idx in (("news->ted", news, ted), ("ted->news", ted, news)):
            t = fit(_subset(records, fit_idx), _subset(cands, fit_idx))
            cross[name] = summary(_subset(records, test_idx),
                                  predictions(_subset(records, test_idx), _subset(cands, test_idx), t))  # fmt: skip
        table["fitted"]["cross_check"] = cross
    print(
        json.dumps(
            {"result": table["fitted"]["result_on_fit_data"], "cross": table["fitted"].get("cross_check")},
            indent=1,
        )
    )
    for det, d in table["detectors"].items():
        for b in d["bins"]:
            print(f"{det:26s} [{b['lo']:.1f},{b['hi']:.1f}) n={b['findings']:5d} chars={b['chars']:6d} "
                  f"P_sev={b['char_precision_severity']:.3f} P_blind={b['char_precision_blind']:.3f} "
                  f"sev={b['severity']:8s} conf={b['confidence']:.3f} {'EMIT' if b['emit'] else '-'}")  # fmt: skip
    if not args.dry_run:
        Path(args.out).write_text(
            json.dumps(table, indent=1, ensure_ascii=False, sort_keys=False) + "\n", encoding="utf-8"
        )
        print(f"wrote {args.out}", file=sys.stderr)
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
