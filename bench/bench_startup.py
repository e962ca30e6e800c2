"""Benchmark (issues 11, 14): engine start-up with the dictionaries already compiled.

Each measurement is a fresh interpreter (so nothing is warm in this process), pinned to
one core with `taskset` when available, repeated; the median is reported. Inside the
child it times:

* ``import_s``: importing the engines package;
* ``construct_s``: ``create_engines(["rules", "lexical"])`` — opening the compiled
  Ding, wordfreq and simplemma tables, including their integrity check against the
  manifest recorded at compile time (sampled blocks, no whole-file hash unless the
  mtime changed), and loading Hunspell;
* ``first_doc_s``: scoring one sentence with its English source (loads and checks the
  Ding key list the aligner uses).

And from outside, ``cli_wall_s``: a whole ``auditor score`` process on one line.
Target (issue 14): construct_s under 0.3 s.
"""

from __future__ import annotations

import json
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
REPEAT = 5
CHILD = r"""
import json, time
t0 = time.perf_counter()
from auditor.engines import create_engines
from auditor.pipeline import Pipeline
from auditor.types import Document
t1 = time.perf_counter()
engines = create_engines(["rules", "lexical"], {})
t2 = time.perf_counter()
doc = Document(text="Der Minister sagte am Donnerstag, die Preise würden steigen.",
               source="The minister said on Thursday that prices would rise.", path="<bench>")
list(Pipeline(engines).run_many([doc]))
t3 = time.perf_counter()
print(json.dumps({"import_s": t1 - t0, "construct_s": t2 - t1, "first_doc_s": t3 - t2}))
"""


def _pin(cmd: list[str]) -> list[str]:
    return ["taskset", "-c", "0", *cmd] if shutil.which("taskset") else cmd


def main() -> None:
    python = str(ROOT / ".venv" / "bin" / "python")
    auditor = str(ROOT / ".venv" / "bin" / "auditor")
    # compile (or heal) first, so that every measured run finds the tables compiled
    subprocess.run([auditor, "doctor", "--compile"], capture_output=True, check=False)
    inner: list[dict[str, float]] = []
    walls: list[float] = []
    with tempfile.TemporaryDirectory() as tmp:
        line = Path(tmp) / "one.txt"
        line.write_text("Der Minister sagte am Donnerstag, die Preise würden steigen.\n", encoding="utf-8")
        for _ in range(REPEAT):
            proc = subprocess.run(_pin([python, "-c", CHILD]), capture_output=True, text=True, cwd=ROOT)
            if proc.returncode != 0:
                sys.exit(proc.stderr)
            inner.append(json.loads(proc.stdout.strip().splitlines()[-1]))
            start = time.perf_counter()
            proc = subprocess.run(_pin([auditor, "score", str(line), "--format", "json"]), capture_output=True)
            walls.append(time.perf_counter() - start)
            if proc.returncode != 0:
                sys.exit(proc.stderr.decode())
    figures: dict[str, object] = {
        key: round(statistics.median(r[key] for r in inner), 3) for key in ("import_s", "construct_s", "first_doc_s")
    }
    figures["cli_wall_s"] = round(statistics.median(walls), 3)
    figures["repeats"] = REPEAT
    figures["target"] = "construct_s < 0.3"
    figures["met"] = float(figures["construct_s"]) < 0.3  # type: ignore[arg-type]
    print(json.dumps({
        "title": "engine start-up, dictionaries compiled (median of fresh processes, one core)",
        "command": "python bench/bench_startup.py",
        "figures": figures,
        "notes": "construct_s includes the integrity check of every compiled table; "
        "the first compilation is not measured here (`auditor doctor --compile`).",
    }))


if __name__ == "__main__":
    main()
