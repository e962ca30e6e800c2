"""Benchmark (issue 5): `auditor gate` on a directory of 200 documents, --jobs 1 vs --jobs 2.

Generates 200 German documents from the seed article and the shipped corpora (lines
rotated, so every document differs), runs the real CLI serially and with two worker
processes, checks that stdout, the JUnit and the SARIF reports are byte-identical, and
prints one JSON object of figures for bench/run.py. Engines: ``rules``, plus the
default ``rules,lexical`` when the lexical engine can run on this machine.
"""

from __future__ import annotations

import json
import os
import resource
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
SOURCES = [ROOT.parent / "shared" / "seed" / "nato-hegseth.de.txt", *sorted((ROOT / "corpora").glob("*.txt"))]
N_DOCS = 200
LINES_PER_DOC = 24
REPEAT = 3  # best of 3 wall times: the machine may be shared


def auditor() -> list[str]:
    exe = ROOT / ".venv" / "bin" / "auditor"
    return [str(exe)] if exe.exists() else [sys.executable, "-m", "auditor.cli"]


def build(directory: Path) -> int:
    lines = [
        line
        for p in SOURCES
        if p.exists()
        for line in p.read_text(encoding="utf-8").splitlines()
        if line.strip() and not line.lstrip().startswith("![")
    ]
    if not lines:
        sys.exit("no source text (shared/seed or corpora/) to build documents from")
    total = 0
    for i in range(N_DOCS):
        chosen = [lines[(i * 7 + k) % len(lines)] for k in range(LINES_PER_DOC)]
        text = "\n".join(chosen) + "\n"
        (directory / f"doc{i:03}.txt").write_text(text, encoding="utf-8")
        total += len(text.encode("utf-8"))
    return total


def run(
    tmp: Path, docs: Path, engine: str, jobs: int
) -> tuple[float, float, int, tuple[bytes, bytes, bytes]]:
    """One CLI run: (wall s, CPU s of the process tree, exit code, (stdout, junit, sarif))."""
    junit, sarif = tmp / f"{engine}-{jobs}.xml", tmp / f"{engine}-{jobs}.sarif"
    cmd = [
        *auditor(), "gate", str(docs), "--engine", engine, "--jobs", str(jobs),
        "--junit", str(junit), "--sarif", str(sarif), "--no-progress",
    ]  # fmt: skip
    before = resource.getrusage(resource.RUSAGE_CHILDREN)
    start = time.perf_counter()
    proc = subprocess.run(cmd, capture_output=True, cwd=tmp)
    elapsed = time.perf_counter() - start
    after = resource.getrusage(resource.RUSAGE_CHILDREN)
    cpu = (after.ru_utime - before.ru_utime) + (after.ru_stime - before.ru_stime)
    if proc.returncode not in (0, 1):
        raise RuntimeError(proc.stderr.decode("utf-8", "replace").strip())
    return elapsed, cpu, proc.returncode, (proc.stdout, junit.read_bytes(), sarif.read_bytes())


def main() -> None:
    figures: dict[str, object] = {"documents": N_DOCS, "cores": os.cpu_count()}
    load = " ".join(f"{x:.2f}" for x in os.getloadavg())
    notes = []
    with tempfile.TemporaryDirectory() as name:
        tmp = Path(name)
        docs = tmp / "docs"
        docs.mkdir()
        figures["input_kb"] = round(build(docs) / 1024, 1)
        for engine in ("rules", "rules,lexical"):
            key = engine.replace(",", "+")
            runs: dict[int, list[tuple[float, float]]] = {1: [], 2: []}
            outputs: dict[int, set[tuple[int, tuple[bytes, bytes, bytes]]]] = {1: set(), 2: set()}
            try:
                for _ in range(REPEAT):
                    for jobs in (1, 2):
                        wall, cpu, code, out = run(tmp, docs, engine, jobs)
                        runs[jobs].append((wall, cpu))
                        outputs[jobs].add((code, out))
            except RuntimeError as exc:
                notes.append(f"{engine}: not run ({str(exc).splitlines()[-1][:160]})")
                continue
            if len(outputs[1] | outputs[2]) != 1:
                sys.exit(f"{engine}: reports differ between runs or between --jobs 1 and --jobs 2")
            ((_, out),) = outputs[1]
            t1, t2 = min(w for w, _ in runs[1]), min(w for w, _ in runs[2])
            figures[f"{key}_jobs1_s"] = round(t1, 2)
            figures[f"{key}_jobs2_s"] = round(t2, 2)
            figures[f"{key}_speedup"] = round(t1 / t2, 2) if t2 else None
            figures[f"{key}_jobs1_cpu_s"] = round(min(c for _, c in runs[1]), 2)
            figures[f"{key}_jobs2_cpu_s"] = round(min(c for _, c in runs[2]), 2)
            figures[f"{key}_findings"] = len(json.loads(out[2])["runs"][0]["results"])
            figures[f"{key}_identical_reports"] = True
    print(
        json.dumps(
            {
                "title": f"auditor gate on {N_DOCS} documents: --jobs 1 vs --jobs 2",
                "command": "python bench/bench_gate.py",
                "figures": figures,
                "notes": "; ".join(
                    [
                        f"best of {REPEAT} wall times of the whole CLI (process start, reading, engines, "
                        "JUnit+SARIF reports); *_cpu_s = CPU seconds of the process tree (best of "
                        f"{REPEAT})",
                        f"load average before the runs: {load} on {os.cpu_count()} cores",
                        "stdout, JUnit and SARIF byte-identical across all runs of --jobs 1 and --jobs 2",
                        *notes,
                    ]
                ),
            }
        )
    )


if __name__ == "__main__":
    main()
