"""Human translations against the MT of the same sources: does the score mean quality?

Audits ../shared/eval/dev_human.jsonl (three professional translations of each of the 1,000
WMT20 news sources) and dev.jsonl part A (one MT output per source) with the default engines and
detector set, in every profile (``--profile``), and prints the side-by-side table for each (share
flagged, penalty per 100 words, findings per detector per 100 words, how often a human
translation scores above the MT of its source), then the JSON object ``make bench`` reads.
Nothing is fitted on dev_human.

    python bench/bench_human_mt.py [--select IDS] [--profile NAME]   # --select rules,lexical: every detector
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
from auditor.profiles import PROFILES  # noqa: E402
from auditor.selection import Selection  # noqa: E402

EVAL = ROOT.parent / "shared" / "eval"


def main() -> int:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--select", default="", help="comma-separated detector selection (default: the default set)")
    ap.add_argument("--profile", choices=PROFILES, default=None, help="one profile only (default: every profile)")
    args = ap.parse_args()
    human_path, mt_path = EVAL / "dev_human.jsonl", EVAL / "dev.jsonl"
    if not human_path.exists() or not mt_path.exists():
        print(f"shared data missing: {EVAL}", file=sys.stderr)
        return 2
    select = [t for t in args.select.split(",") if t]
    label = "select " + args.select if select else "default detectors"
    figures: dict[str, object] = {}
    tables: list[str] = []
    for profile in [args.profile] if args.profile else PROFILES:
        pipeline = Pipeline(
            create_engines(["rules", "lexical"], {"profile": profile}), selection=Selection.build(select=select)
        )
        table = side_by_side(audit_file(pipeline, human_path, "wmt20-human"), audit_file(pipeline, mt_path, "wmt20"))
        tables.append(render_side_by_side(table, f"{label}, profile {profile}"))
        print(tables[-1])
        hum, mt = table["human"], table["mt"]
        figures.update(
            {
                f"{profile}: human penalty per 100 words": hum["penalty_per_100_words"],
                f"{profile}: MT penalty per 100 words": mt["penalty_per_100_words"],
                f"{profile}: human / MT penalty": table["penalty_ratio_human_over_mt"],
                f"{profile}: human share flagged": hum["share_flagged"],
                f"{profile}: MT share flagged": mt["share_flagged"],
                f"{profile}: human above MT (pairs that differ)": table["pairwise_accuracy"],
            }
        )
    print(
        json.dumps(
            {
                "title": f"Human vs MT, same sources ({label}, per profile)",
                "command": "python bench/bench_human_mt.py",
                "figures": figures,
                "notes": "The full tables (findings per detector per 100 words on each side):\n\n"
                + "\n".join(tables),
            }
        )
    )
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
