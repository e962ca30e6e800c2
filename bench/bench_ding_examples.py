"""False alarms on correct German: every detector over Ding's ~17,000 human-written example sentences.

The Ding dictionary's German example sentences are idiomatic German written by its editors (see
:mod:`auditor.resources.ding_examples`). A detector of MT errors that fires on them flags correct
German; its rate there, per 1,000 sentences, is the false-alarm rate a user would meet on careful
human prose. Runs the rules and lexical engines (monolingual: the sentences have no English source)
and prints one line per detector, then the JSON object ``make bench`` reads.

    python bench/bench_ding_examples.py [--show DETECTOR]   # --show prints that detector's hits
"""

from __future__ import annotations

import argparse
import json
import sys
import time
from collections import Counter
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from auditor.detectors import load_all  # noqa: E402
from auditor.engines.lexical import LexicalEngine  # noqa: E402
from auditor.engines.rules import RulesEngine  # noqa: E402
from auditor.resources.ding_examples import example_sentences  # noqa: E402
from auditor.resources.lexical import find_ding  # noqa: E402
from auditor.segment import segment_document  # noqa: E402
from auditor.types import Document, Finding  # noqa: E402


def ding_findings(sentences: list[str]) -> list[Finding]:
    """All rules and lexical findings on the sentences, one sentence per line of one document."""
    sdoc = segment_document(Document(path="ding-examples", text="\n".join(sentences) + "\n"))
    found: list[Finding] = []
    for engine in (RulesEngine(), LexicalEngine()):
        found.extend(engine.analyze_many([sdoc])[0].findings)
    return found


def main() -> int:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--show", default="", help="print the sentences this detector flags")
    args = ap.parse_args()
    path = find_ding()
    if path is None:
        print("Ding not installed (sudo apt-get install trans-de-en)", file=sys.stderr)
        return 2
    sentences = example_sentences(path)
    start = time.perf_counter()
    found = ding_findings(sentences)
    elapsed = time.perf_counter() - start
    counts = Counter(f.detector for f in found)
    per_1000 = {}
    print(f"{len(sentences)} Ding example sentences, {elapsed:.1f} s")
    print(f"{'detector':32} {'hits':>6} {'per 1,000':>10}")
    for spec in sorted(load_all().values(), key=lambda d: d.id):
        if spec.needs_source or spec.engine not in ("rules", "lexical"):
            continue
        n = counts.get(spec.id, 0)
        per_1000[spec.id] = round(1000 * n / len(sentences), 3)
        print(f"{spec.id:32} {n:6d} {per_1000[spec.id]:10.3f}")
    if args.show:
        for f in found:
            if f.detector == args.show:
                print(f"  [{f.text}] in: {sentences[f.line - 1]}")
    print(json.dumps({
        "title": "False alarms on Ding's human-written example sentences (per 1,000 sentences)",
        "command": "python bench/bench_ding_examples.py",
        "figures": {"sentences": len(sentences), **per_1000},
    }))
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
