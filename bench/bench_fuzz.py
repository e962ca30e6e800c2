"""Benchmark page entry (issue 11): the last recorded ``make fuzz`` run.

``make fuzz`` (``python tests/fuzzing.py --count 100000 --record bench/fuzz-result.json``)
takes a quarter of an hour on a shared 2-core machine, too long to repeat in every
``make bench``; it records its result in ``bench/fuzz-result.json``, and this script
shows that record in BENCHMARKS.md ("Fuzzing"). Rerun ``make fuzz`` after changing a
reader, the pipeline or a writer.
"""

from __future__ import annotations

import json
import sys
from pathlib import Path

RECORD = Path(__file__).resolve().parent / "fuzz-result.json"


def main() -> None:
    try:
        result = json.loads(RECORD.read_text(encoding="utf-8"))
    except (OSError, ValueError) as exc:
        sys.exit(f"{RECORD}: no recorded fuzz run ({exc}); run `make fuzz`")
    print(json.dumps({
        "title": "Fuzzing: readers, pipeline, JSON writers and CLI on generated text, JSONL and feeds",
        "command": result.get("command", "make fuzz"),
        "figures": {
            "inputs": result["inputs"],
            "crashes": result["crashes"],
            "refused_with_input_error (exit 2)": result["refused_with_input_error"],
            "seconds": result["seconds"],
            "inputs_per_second": result["inputs_per_second"],
            "run_date": result.get("date", "?"),
        },
        "notes": "Properties: no exception other than a file:line InputError; every finding and segment maps "
        "back to the text (text[start:end], line, column); scores within 0..100; JSON output valid and UTF-8; "
        "CLI exit codes 0/1/2 only. Inputs per second are wall-clock on a shared machine. "
        f"Engines: {result.get('engines', '?')}. Recorded in bench/fuzz-result.json by the command shown.",
    }))


if __name__ == "__main__":
    main()
