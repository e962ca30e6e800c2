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
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
SOURCES = [ROOT.parent / "shared" / "seed" / "nato-hegseth.de.txt", *sorted((ROOT / "corpora").glob("*.txt"))]
N_DOCS = 200
LINES_PER_DOC = 24


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


def run(tmp: Path, docs: Path, engine: str, jobs: int) -> tuple[float, int, tuple[bytes, bytes, bytes]]:
    junit, sarif = tmp / f"{engine}-{jobs}.xml", tmp / f"{engine}-{jobs}.sarif"
    cmd = [
        *auditor(),
        "gate",
        str(docs),
        "--engine",
        engine,
        "--jobs",
        str(jobs),
        "--junit",
        str(junit),
        "--sarif",
        str(sarif),
        "--no-progress",
    ]
    start = time.perf_counter()
    proc = subprocess.run(cmd, capture_output=True, cwd=tmp)
    elapsed = time.perf_counter() - start
    if proc.returncode not in (0, 1):
        raise RuntimeError(proc.stderr.decode("utf-8", "replace").strip())
    return elapsed, proc.returncode, (proc.stdout, junit.read_bytes(), sarif.read_bytes())


def main() -> None:
    figures: dict[str, object] = {"documents": N_DOCS, "cores": os.cpu_count()}
    notes = []
    with tempfile.TemporaryDirectory() as name:
        tmp = Path(name)
        docs = tmp / "docs"
        docs.mkdir()
        figures["input_kb"] = round(build(docs) / 1024, 1)
        for engine in ("rules", "rules,lexical"):
            key = engine.replace(",", "+")
            try:
                t1, code1, out1 = run(tmp, docs, engine, 1)
                t2, code2, out2 = run(tmp, docs, engine, 2)
            except RuntimeError as exc:
                notes.append(f"{engine}: not run ({str(exc).splitlines()[-1][:160]})")
                continue
            if out1 != out2 or code1 != code2:
                sys.exit(f"{engine}: --jobs 2 report differs from --jobs 1")
            findings = len(json.loads(out1[2])["runs"][0]["results"])
            figures[f"{key}_jobs1_s"] = round(t1, 2)
            figures[f"{key}_jobs2_s"] = round(t2, 2)
            figures[f"{key}_speedup"] = round(t1 / t2, 2) if t2 else None
            figures[f"{key}_findings"] = findings
            figures[f"{key}_identical_reports"] = True
    print(
        json.dumps(
            {
                "title": f"auditor gate on {N_DOCS} documents: --jobs 1 vs --jobs 2",
                "command": "python bench/bench_gate.py",
                "figures": figures,
                "notes": "; ".join(
                    [
                        "wall time of the whole CLI (process start, reading, engines, JUnit+SARIF reports)",
                        "stdout, JUnit and SARIF byte-identical between --jobs 1 and --jobs 2",
                        *notes,
                    ]
                ),
            }
        )
    )


if __name__ == "__main__":
    main()
