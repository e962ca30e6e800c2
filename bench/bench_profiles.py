"""The operating points (``--profile``) measured in grouped cross-validation on dev.

    python bench/bench_profiles.py

``precise`` and ``balanced``: ``bench/fit_profiles.py``'s procedure without writing anything,
thresholds on the calibrated bins chosen on four folds of dev.jsonl (grouped by ``doc_id``) and
measured on the fifth. ``thorough``: ``bench/train_combiner.py``'s procedure, the learned combiner
and its threshold fitted on four folds of dev.jsonl + dev_human.jsonl and measured on the fifth's
MT. Severity-blind character P/R/F1, rules engine always on, default detector set. The in-sample
dev, held-out dev_wordqe and seed figures of the shipped profiles are the ``auditor eval
--profile`` rows above. Prints the JSON object ``make bench`` reads.
"""

from __future__ import annotations

import json
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))
sys.path.insert(0, str(ROOT / "bench"))

from fit_profiles import DEV, bin_table, cross_validate, prepare  # noqa: E402

from auditor.engines.lexical.profiles import emission_for  # noqa: E402
from auditor.profiles import PROFILES  # noqa: E402


def main() -> int:
    if not DEV.exists():
        print(f"shared data missing: {DEV}", file=sys.stderr)
        return 2
    import train_combiner

    table = bin_table()
    cv = cross_validate(prepare(DEV), table)["profiles"]
    dets = train_combiner.feature_detectors()
    recs = train_combiner.collect(DEV, False, dets) + train_combiner.collect(train_combiner.HUMAN, True, dets)
    comb = train_combiner.cross_validate(recs)
    cv["thorough"] = comb["mt"]
    figures: dict[str, object] = {}
    for p in PROFILES:
        m = cv[p]
        figures[f"{p}: dev CV blind P / R / F1"] = f"{m['precision']:.3f} / {m['recall']:.3f} / {m['f1']:.3f}"
        t = emission_for(p).min_confidence
        figures[f"{p}: bins reported"] = "the calibration's" if t is None else f"confidence >= {t:g}"
    h = comb["human"]
    figures["thorough: combiner's share of words flagged, human / MT (CV)"] = (
        f"{h['flagged_token_share']:.3f} / {comb['mt']['flagged_token_share']:.3f}"
    )
    for pt in comb["curve"]:
        figures[f"balanced + combiner runs at p >= {pt['threshold']:.2f} (CV, not shipped): blind P / R; words flagged human / MT"] = (
            f"{pt['precision']:.3f} / {pt['recall']:.3f}; {pt['human_flagged_token_share']:.3f} / {pt['flagged_token_share']:.3f}"
        )
    print(
        json.dumps(
            {
                "title": "operating points (--profile): blind character P/R/F1, rules + lexical, default detectors",
                "command": "python bench/bench_profiles.py",
                "figures": figures,
                "notes": "dev CV: 5 folds grouped by doc_id, thresholds (and for thorough the combiner) fitted on "
                "four, measured on the fifth, pooled. The bins' confidences themselves are fitted on all of dev "
                "(bench/calibrate_lexical.py), so for precise and balanced only the thresholds are cross-validated. "
                "The human-vs-MT table per profile is the section of bench/bench_human_mt.py. The 'balanced + "
                "combiner' rows are a curve, not a shipped profile: out-of-fold combiner probabilities at fixed "
                "thresholds, unioned with the default findings; they show whether the default could take the "
                "combiner's runs at a stricter threshold than thorough's, and at what cost on human translations.",
            }
        )
    )
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
