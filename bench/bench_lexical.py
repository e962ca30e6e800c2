"""Benchmark (issue 6): speed of ``--engine rules,lexical``, one core.

1. Throughput: ``auditor score ../shared/eval/dev.jsonl --engine rules,lexical --format jsonl``
   (1,500 segments, with their English sources, so the aligner runs too), pinned to one
   core with ``taskset`` when available; segments per second of wall time, plus the
   monolingual part alone (``--no-source`` equivalent: the same records without
   ``source_en``). Target: >= 100 segments/s.
2. Start-up: ``auditor score`` on a one-line German file, warm cache (best of 3 after one
   warm-up run). Target: < 1.5 s wall.

Prints ONE JSON object ``{"title", "command", "figures", "notes"}`` for bench/run.py.
"""

from __future__ import annotations

import json
import os
import resource
import shutil
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
DEV = ROOT.parent / "shared" / "eval" / "dev.jsonl"
AUDITOR = ROOT / ".venv" / "bin" / "auditor"
LINE = "Die Vereinigten Staaten sind weiterhin für die NATO -Allianz verpflichtet. Voller Stopp “, sagte Hegseth.\n"


def _cmd(*args: str) -> list[str]:
    exe = str(AUDITOR) if AUDITOR.exists() else (shutil.which("auditor") or "auditor")
    cmd = [exe, *args]
    if shutil.which("taskset"):
        cmd = ["taskset", "-c", "0", *cmd]
    return cmd


CPU: dict[str, float] = {}


def _run(cmd: list[str], label: str | None = None) -> float:
    """Wall time of ``cmd``; its CPU time (user + system) is stored under ``label``."""
    before = resource.getrusage(resource.RUSAGE_CHILDREN)
    start = time.perf_counter()
    proc = subprocess.run(cmd, capture_output=True, text=True, env=os.environ.copy())
    elapsed = time.perf_counter() - start
    after = resource.getrusage(resource.RUSAGE_CHILDREN)
    if proc.returncode not in (0, 1):  # 1 may mean "findings present" for some commands
        sys.exit(f"{' '.join(cmd)} failed ({proc.returncode}): {proc.stderr[-2000:]}")
    if label:
        CPU[label] = (after.ru_utime - before.ru_utime) + (after.ru_stime - before.ru_stime)
    return elapsed


def main() -> None:
    with tempfile.TemporaryDirectory() as tmp:
        tmpd = Path(tmp)
        one = tmpd / "one.de.txt"
        one.write_text(LINE, encoding="utf-8")
        _run(_cmd("score", str(one), "--engine", "rules,lexical", "--format", "json"))  # warm the cache
        startup = min(
            _run(_cmd("score", str(one), "--engine", "rules,lexical", "--format", "json")) for _ in range(3)
        )
        records = [json.loads(line) for line in DEV.read_text(encoding="utf-8").splitlines() if line.strip()]
        n = len(records)
        mono = tmpd / "dev-nosource.jsonl"
        mono.write_text(
            "".join(json.dumps({**r, "source_en": None}, ensure_ascii=False) + "\n" for r in records),
            encoding="utf-8",
        )
        out = str(tmpd / "out.jsonl")
        base = _run(
            _cmd("score", str(one), "--engine", "rules,lexical", "--format", "jsonl", "-o", out), "base"
        )
        wall_src = _run(
            _cmd("score", str(DEV), "--engine", "rules,lexical", "--format", "jsonl", "-o", out), "src"
        )
        wall_mono = _run(
            _cmd("score", str(mono), "--engine", "rules,lexical", "--format", "jsonl", "-o", out), "mono"
        )
    print(
        json.dumps(
            {
                "title": "lexical engine speed: rules,lexical on dev.jsonl and a one-line file (one core)",
                "command": "python bench/bench_lexical.py",
                "figures": {
                    "segments": n,
                    "dev_with_source_wall_s": round(wall_src, 2),
                    "dev_with_source_segments_per_s": round(n / max(1e-9, wall_src - base), 1),
                    "dev_target_only_wall_s": round(wall_mono, 2),
                    "dev_target_only_segments_per_s": round(n / max(1e-9, wall_mono - base), 1),
                    "dev_with_source_segments_per_cpu_s": round(n / max(1e-9, CPU["src"] - CPU["base"]), 1),
                    "dev_target_only_segments_per_cpu_s": round(n / max(1e-9, CPU["mono"] - CPU["base"]), 1),
                    "one_line_warm_wall_s": round(startup, 3),
                    "load_average_1min": round(os.getloadavg()[0], 2),
                    "target": ">= 100 segments/s; one line < 1.5 s",
                },
                "notes": "auditor score --engine rules,lexical (taskset -c 0 when available); segments/s "
                "excludes the process start-up measured on the one-line file; cache warm; per_cpu_s figures "
                "use the child's user+system CPU time, which a busy machine does not inflate",
            }
        )
    )


if __name__ == "__main__":
    main()
