"""Precision/recall operating curve of rules + lexical on the MQM dev set.

    .venv/bin/python bench/bench_operating_curve.py

The shipped engine reports only the calibration bins that keep the reported set at twice
the flag-everything precision (the lexical issue's bar, precision >= 0.30). This script
shows what the detectors can do at other operating points: it collects every lexical
candidate uncalibrated (``calibrate_lexical.collect``, with ``source_en``) plus the rules
engine's findings, adds the lexical bins in order of their calibrated confidence (all
minor, as calibrated) and prints the severity-aware character P/R/F1 of ``auditor eval``
after each bin (:func:`auditor.curves.operating_curve`, which ``auditor eval --html`` draws too). The figures compare the curve with the issue's reference point, a
40-line baseline that flags every German content word with no Ding link to any source
word (P 0.189, R 0.157, F1 0.171): the precision the engine reaches at that recall.

Prints one JSON object (``bench/run.py`` collects it into BENCHMARKS.md); the whole
curve is in ``notes``. The calibration is fitted on this same file: in-sample.
"""

from __future__ import annotations

import json
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))
sys.path.insert(0, str(ROOT / "bench"))

from calibrate_lexical import collect  # noqa: E402

from auditor.curves import CurveGroup, operating_curve  # noqa: E402
from auditor.engines.lexical.calibration import BINS, bin_of, load_calibration  # noqa: E402
from auditor.engines.rules import RulesEngine  # noqa: E402
from auditor.evaluate import Span  # noqa: E402
from auditor.io.gold import read_gold  # noqa: E402
from auditor.segment import segment_document  # noqa: E402
from auditor.types import Document  # noqa: E402

DATA = ROOT.parent / "shared" / "eval" / "dev.jsonl"
REFERENCE = {"precision": 0.189, "recall": 0.157, "f1": 0.171}  # the 40-line baseline


def main() -> int:
    t0 = time.time()
    records = read_gold(str(DATA))
    cands = collect(records, verbose=False)
    rules = RulesEngine()
    rule_spans = []
    for rec in records:
        sdoc = segment_document(Document(path="dev", text=rec.text, source=rec.source, id=rec.id))
        rule_spans.append(
            tuple(Span(f.start, f.end, f.severity, f.category, f.detector) for f in rules.analyze(sdoc).findings)
        )
    table = load_calibration()
    bins = [
        (det, [lo for lo, _hi in BINS].index(float(b["lo"])), float(b["confidence"]), bool(b.get("emit", True)))
        for det, entry in table["detectors"].items()
        for b in entry["bins"]
    ]
    bins.sort(key=lambda x: (-x[2], x[0], x[1]))

    def group(label: str, keys: set[tuple[str, int]], conf: float, emit: bool) -> CurveGroup:
        spans = {
            k: tuple(Span(c.start, c.end, "minor", c.category, c.detector) for c in cs
                     if (c.detector, bin_of(c.strength)) in keys)  # fmt: skip
            for k, cs in enumerate(cands)
        }
        return CurveGroup(label, conf, emit, spans)

    emitted = {(d, i) for d, i, _c, e in bins if e}
    s = operating_curve(records, [group("shipped", emitted, 0.0, True)], base=rule_spans)[-1]
    shipped = (s.precision, s.recall, s.f1)
    points = operating_curve(records, [group(det, {(det, i)}, conf, emit) for det, i, conf, emit in bins],
                             base=rule_spans)  # fmt: skip
    curve = [(det, BINS[i][0], conf, emit, pt.precision, pt.recall, pt.f1)
             for (det, i, conf, emit), pt in zip(bins, points, strict=True)]  # fmt: skip
    at_ref = next((c for c in curve if c[5] >= REFERENCE["recall"]), curve[-1])
    best = max(curve, key=lambda c: c[6])
    lines = [f"+{d} [{lo:.1f},…) conf {cf:.3f}{' (reported)' if e else ''}: P {p:.3f} R {r:.3f} F1 {f:.3f}"
             for d, lo, cf, e, p, r, f in curve]  # fmt: skip
    print(
        json.dumps(
            {
                "title": "operating curve: rules + lexical bins added by calibrated confidence (dev.jsonl, in-sample)",
                "command": "python bench/bench_operating_curve.py",
                "figures": {
                    "shipped_precision": round(shipped[0], 3),
                    "shipped_recall": round(shipped[1], 3),
                    "shipped_f1": round(shipped[2], 3),
                    "at_reference_recall_precision": round(at_ref[4], 3),
                    "at_reference_recall_recall": round(at_ref[5], 3),
                    "at_reference_recall_f1": round(at_ref[6], 3),
                    "reference_precision": REFERENCE["precision"],
                    "reference_recall": REFERENCE["recall"],
                    "reference_f1": REFERENCE["f1"],
                    "best_f1": round(best[6], 3),
                    "wall_s": round(time.time() - t0, 1),
                },
                "notes": "severity-aware character P/R/F1 as in auditor eval; the shipped set is the bins the "
                "calibration emits (precision >= 2x flag-everything); curve: " + " | ".join(lines),
            },
            ensure_ascii=False,
        )
    )
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
