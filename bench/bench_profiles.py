"""The operating points (``--profile``) measured: grouped CV on dev, in-sample dev, dev_wordqe held out.

    python bench/bench_profiles.py

Runs ``bench/fit_profiles.py``'s procedure without writing anything: thresholds on the
calibrated bins chosen on four folds of dev.jsonl (grouped by ``doc_id``) and measured on the
fifth, then the shipped thresholds (fitted on all of dev: in-sample there) on
dev_wordqe_mlqepe.jsonl, which nothing is fitted on. Severity-blind character P/R/F1, rules
engine always on, default detector set. Prints the JSON object ``make bench`` reads.
"""

from __future__ import annotations

import json
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))
sys.path.insert(0, str(ROOT / "bench"))

from fit_profiles import DEV, WORDQE, bin_table, cross_validate, prepare, prf, reported  # noqa: E402

from auditor.engines.lexical.profiles import emission_for  # noqa: E402
from auditor.profiles import PROFILES  # noqa: E402


def main() -> int:
    if not DEV.exists():
        print(f"shared data missing: {DEV}", file=sys.stderr)
        return 2
    table = bin_table()
    dev = prepare(DEV)
    cv = cross_validate(dev, table)["profiles"]
    shipped = {p: emission_for(p).min_confidence for p in PROFILES}
    in_sample = {p: prf(dev, reported(p, shipped[p], table)) for p in PROFILES}
    wq = prepare(WORDQE) if WORDQE.exists() else []
    held = {p: prf(wq, reported(p, shipped[p], table)) for p in PROFILES} if wq else {}
    figures: dict[str, object] = {}
    for p in PROFILES:
        for name, src in (("dev CV", cv), ("dev in-sample", in_sample), ("dev_wordqe", held)):
            if p in src:
                m = src[p]
                figures[f"{p}: {name} blind P / R / F1"] = f"{m['precision']:.3f} / {m['recall']:.3f} / {m['f1']:.3f}"
        figures[f"{p}: min confidence"] = "calibration's emission" if shipped[p] is None else shipped[p]
    print(
        json.dumps(
            {
                "title": "operating points (--profile): blind character P/R/F1, rules + lexical, default detectors",
                "command": "python bench/bench_profiles.py",
                "figures": figures,
                "notes": "dev CV: 5 folds grouped by doc_id, thresholds chosen on four, measured on the fifth "
                "(the bins' confidences are fitted on all of dev, so only the thresholds are cross-validated). "
                "dev in-sample: the shipped thresholds (auditor/engines/lexical/profiles.json). dev_wordqe: never "
                "fitted on; its spans are post-edited words, not MQM errors. The human-vs-MT table per profile "
                "is in the section of bench/bench_human_mt.py.",
            }
        )
    )
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
