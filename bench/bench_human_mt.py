"""Human translations against the MT of the same sources: does the score mean quality?

Audits ../shared/eval/dev_human.jsonl (three professional translations of each of the 1,000
WMT20 news sources) and dev.jsonl part A (one MT output per source) with the default engines and
detector set, and prints the side-by-side table (share flagged, penalty per 100 words, findings
per detector per 100 words, how often a human translation scores above the MT of its source),
then the JSON object ``make bench`` reads. Nothing here is fitted.

    python bench/bench_human_mt.py [--select IDS]   # e.g. --select rules,lexical for every detector
"""

from __future__ import annotations

import argparse
import json
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from auditor.engines import create_engines  # noqa: E402
from auditor.human_vs_mt import audit_file, render_side_by_side, side_by_side  # noqa: E402
from auditor.pipeline import Pipeline  # noqa: E402
from auditor.selection import Selection  # noqa: E402

EVAL = ROOT.parent / "shared" / "eval"


def main() -> int:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--select", default="", help="comma-separated detector selection (default: the default set)")
    args = ap.parse_args()
    human_path, mt_path = EVAL / "dev_human.jsonl", EVAL / "dev.jsonl"
    if not human_path.exists() or not mt_path.exists():
        print(f"shared data missing: {EVAL}", file=sys.stderr)
        return 2
    select = [t for t in args.select.split(",") if t]
    pipeline = Pipeline(create_engines(["rules", "lexical"]), selection=Selection.build(select=select))
    table = side_by_side(audit_file(pipeline, human_path, "wmt20-human"), audit_file(pipeline, mt_path, "wmt20"))
    label = "select " + args.select if select else "default detectors"
    print(render_side_by_side(table, label))
    hum, mt = table["human"], table["mt"]
    figures = {
        "human penalty per 100 words": hum["penalty_per_100_words"],
        "MT penalty per 100 words": mt["penalty_per_100_words"],
        "human share flagged": hum["share_flagged"],
        "MT share flagged": mt["share_flagged"],
        "human above MT (pairs that differ)": table["pairwise_accuracy"],
    }
    print(json.dumps({"title": f"Human vs MT, same sources ({label})", "figures": figures}))
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
