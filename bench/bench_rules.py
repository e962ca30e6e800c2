"""Benchmark (issue 2): `auditor score --engine rules` on a 10 MB German text, one core.

Builds the 10 MB file from the seed article and the shipped corpora (repeated),
runs the real CLI pinned to one core with `taskset` when available, and prints one
JSON object of figures for bench/run.py. Target: < 10 s and < 500 MB peak RSS.
"""

from __future__ import annotations

import json
import resource
import shutil
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
SOURCES = [ROOT.parent / "shared" / "seed" / "nato-hegseth.de.txt", *sorted((ROOT / "corpora").glob("*.txt"))]
TARGET_BYTES = 10 * 1024 * 1024


def build_text(path: Path) -> int:
    chunks = [p.read_text(encoding="utf-8") for p in SOURCES if p.exists()]
    block = "\n".join(chunks) + "\n"
    size = len(block.encode("utf-8"))
    with path.open("w", encoding="utf-8") as fh:
        written = 0
        while written < TARGET_BYTES:
            fh.write(block)
            written += size
    return written


def main() -> None:
    with tempfile.TemporaryDirectory() as tmp:
        text = Path(tmp) / "big.de.txt"
        size = build_text(text)
        cmd = [str(ROOT / ".venv" / "bin" / "auditor"), "score", str(text), "--engine", "rules",
               "--format", "jsonl", "-o", str(Path(tmp) / "out.jsonl")]
        if shutil.which("taskset"):
            cmd = ["taskset", "-c", "0", *cmd]
        start = time.perf_counter()
        proc = subprocess.run(cmd, capture_output=True, text=True)
        elapsed = time.perf_counter() - start
        if proc.returncode != 0:
            sys.exit(proc.stderr)
        peak_mb = resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss / 1024
        out = json.loads((Path(tmp) / "out.jsonl").read_text(encoding="utf-8"))
    print(json.dumps({
        "title": "rules engine on a 10 MB German text (one core)",
        "command": "python bench/bench_rules.py",
        "figures": {
            "input_mb": round(size / 1024 / 1024, 2),
            "wall_s": round(elapsed, 2),
            "peak_rss_mb": round(peak_mb, 1),
            "findings": len(out["spans"]),
            "target": "wall < 10 s, peak < 500 MB",
        },
        "notes": "auditor score --engine rules --format jsonl, pinned with taskset -c 0",
    }))


if __name__ == "__main__":
    main()
