"""Benchmark (issues 6 and 14): speed of ``--engine rules,lexical``, one core.

1. Throughput: ``auditor score ../shared/eval/dev.jsonl --engine rules,lexical --format jsonl``
   (1,500 segments, with their English sources, so the aligner runs too), pinned to one
   core with ``taskset`` when available; segments per second of wall time, plus the
   monolingual part alone (``--no-source`` equivalent: the same records without
   ``source_en``). Target (issue 14): >= 300 segments/s with the source, >= 1000 without.
2. Start-up: ``auditor score`` on a one-line German file, warm cache (best of 3 after one
   warm-up run). Target: < 1.5 s wall.

``--against REV`` also measures the code of git revision ``REV`` (a detached worktree in a
temporary folder) in the same run: the two are run alternately, best of ``--repeat``, and
the figures give both speeds, their ratio and whether the two wrote byte-identical output
on dev.jsonl with and without the source and on the seed article (a speed-up that changes
findings is no speed-up). Both are run with this interpreter, each with its own tree first
on ``PYTHONPATH``.

Prints ONE JSON object ``{"title", "command", "figures", "notes"}`` for bench/run.py.
"""

from __future__ import annotations

import argparse
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
SEED = ROOT.parent / "shared" / "seed" / "nato-hegseth.jsonl"
VENV_PYTHON = ROOT / ".venv" / "bin" / "python"
LINE = "Die Vereinigten Staaten sind weiterhin für die NATO -Allianz verpflichtet. Voller Stopp “, sagte Hegseth.\n"
#: runs the CLI of whichever tree is first on PYTHONPATH (the installed entry point would
#: always import the installed tree, which --against must not)
CLI = "import sys; from auditor.cli import main; sys.argv[0] = 'auditor'; sys.exit(main())"


def _python() -> str:
    return str(VENV_PYTHON) if VENV_PYTHON.exists() else sys.executable


def _cmd(*args: str) -> list[str]:
    cmd = [_python(), "-c", CLI, *args]
    if shutil.which("taskset"):
        cmd = ["taskset", "-c", "0", *cmd]
    return cmd


def _run(cmd: list[str], tree: Path) -> tuple[float, float]:
    """(wall time, child CPU time: user + system) of ``cmd`` run on the code of ``tree``."""
    env = os.environ.copy()
    env["PYTHONPATH"] = os.pathsep.join([str(tree), *filter(None, [env.get("PYTHONPATH")])])
    before = resource.getrusage(resource.RUSAGE_CHILDREN)
    start = time.perf_counter()
    proc = subprocess.run(cmd, capture_output=True, text=True, env=env, cwd=tree)
    elapsed = time.perf_counter() - start
    after = resource.getrusage(resource.RUSAGE_CHILDREN)
    if proc.returncode not in (0, 1):  # 1 may mean "findings present" for some commands
        sys.exit(f"{' '.join(cmd)} failed ({proc.returncode}): {proc.stderr[-2000:]}")
    return elapsed, (after.ru_utime - before.ru_utime) + (after.ru_stime - before.ru_stime)


def _score(path: Path, out: Path) -> list[str]:
    return _cmd("score", str(path), "--engine", "rules,lexical", "--format", "jsonl", "-o", str(out))


class _Tree:
    """One code tree under measurement: best wall and CPU times per input, outputs kept."""

    def __init__(self, name: str, path: Path, tmp: Path) -> None:
        self.name = name
        self.path = path
        self.out = tmp / name
        self.out.mkdir()
        self.wall: dict[str, float] = {}
        self.cpu: dict[str, float] = {}

    def measure(self, label: str, data: Path) -> None:
        wall, cpu = _run(_score(data, self.out / f"{label}.jsonl"), self.path)
        self.wall[label] = min(wall, self.wall.get(label, wall))
        self.cpu[label] = min(cpu, self.cpu.get(label, cpu))

    def rates(self, n: int) -> dict[str, float]:
        """Segments per second (wall and CPU) with and without the source, start-up excluded."""
        w, c = self.wall, self.cpu
        return {
            "dev_with_source_wall_s": round(w["src"], 2),
            "dev_with_source_segments_per_s": round(n / max(1e-9, w["src"] - w["base"]), 1),
            "dev_target_only_wall_s": round(w["mono"], 2),
            "dev_target_only_segments_per_s": round(n / max(1e-9, w["mono"] - w["base"]), 1),
            "dev_with_source_segments_per_cpu_s": round(n / max(1e-9, c["src"] - c["base"]), 1),
            "dev_target_only_segments_per_cpu_s": round(n / max(1e-9, c["mono"] - c["base"]), 1),
        }


def _worktree(rev: str, where: Path) -> Path:
    """A detached worktree of ``rev`` in ``where`` (removed by :func:`_drop_worktree`)."""
    subprocess.run(["git", "-C", str(ROOT), "worktree", "add", "--detach", "--quiet", str(where), rev],
                   check=True, capture_output=True, text=True)  # fmt: skip
    return where


def _drop_worktree(where: Path) -> None:
    subprocess.run(["git", "-C", str(ROOT), "worktree", "remove", "--force", str(where)],
                   check=False, capture_output=True, text=True)  # fmt: skip


def main(argv: list[str] | None = None) -> None:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--against", metavar="REV", help="also measure git revision REV, alternately, same run")
    ap.add_argument(
        "--repeat", type=int, default=None, help="best of N runs of each (default 1, 3 with --against)"
    )
    args = ap.parse_args(argv)
    repeat = args.repeat or (3 if args.against else 1)
    with tempfile.TemporaryDirectory() as tmp:
        tmpd = Path(tmp)
        trees = [_Tree("current", ROOT, tmpd)]
        try:
            if args.against:
                trees.append(_Tree("reference", _worktree(args.against, tmpd / "reference-tree"), tmpd))
            figures = _measure(trees, tmpd, repeat, args.against)
        finally:
            if args.against:
                _drop_worktree(tmpd / "reference-tree")
    command = "python bench/bench_lexical.py" + (f" --against {args.against}" if args.against else "")
    if args.repeat:
        command += f" --repeat {args.repeat}"
    print(
        json.dumps(
            {
                "title": "lexical engine speed: rules,lexical on dev.jsonl and a one-line file (one core)",
                "command": command,
                "figures": figures,
                "notes": "auditor score --engine rules,lexical (taskset -c 0 when available); segments/s "
                "excludes the process start-up measured on the one-line file; cache warm; per_cpu_s figures "
                "use the child's user+system CPU time, which a busy machine does not inflate"
                + (
                    f"; reference_* figures are git revision {args.against}, run alternately with the "
                    f"current tree, best of {repeat} each; speedup_* = current / reference; "
                    "identical_* = both wrote the same bytes"
                    if args.against
                    else ""
                ),
            }
        )
    )


def _measure(trees: list[_Tree], tmpd: Path, repeat: int, against: str | None) -> dict[str, object]:
    one = tmpd / "one.de.txt"
    one.write_text(LINE, encoding="utf-8")
    records = [json.loads(line) for line in DEV.read_text(encoding="utf-8").splitlines() if line.strip()]
    n = len(records)
    mono = tmpd / "dev-nosource.jsonl"
    mono.write_text(
        "".join(json.dumps({**r, "source_en": None}, ensure_ascii=False) + "\n" for r in records),
        encoding="utf-8",
    )
    startup: dict[str, float] = {}
    for tree in trees:  # warm the cache (and the trees' bytecode)
        _run(_cmd("score", str(one), "--engine", "rules,lexical", "--format", "json"), tree.path)
    for _ in range(3):
        for tree in trees:
            wall, _cpu = _run(
                _cmd("score", str(one), "--engine", "rules,lexical", "--format", "json"), tree.path
            )
            startup[tree.name] = min(wall, startup.get(tree.name, wall))
    inputs = [("base", one), ("src", DEV), ("mono", mono)]
    if against and SEED.is_file():
        inputs.append(("seed", SEED))
    for _ in range(repeat):
        for label, data in inputs:
            for tree in trees:
                tree.measure(label, data)
    cur = trees[0]
    figures: dict[str, object] = {
        "segments": n,
        **cur.rates(n),
        "one_line_warm_wall_s": round(startup["current"], 3),
    }
    if against:
        ref = trees[1]
        ref_rates = ref.rates(n)
        figures.update({f"reference_{k}": v for k, v in ref_rates.items()})
        figures["reference_one_line_warm_wall_s"] = round(startup["reference"], 3)
        cur_rates = cur.rates(n)
        for name in ("dev_with_source", "dev_target_only"):
            for unit, suffix in (("segments_per_s", ""), ("segments_per_cpu_s", "_cpu")):
                k = f"{name}_{unit}"
                figures[f"speedup_{name}{suffix}"] = round(cur_rates[k] / max(1e-9, ref_rates[k]), 3)
        for label, name in (("src", "dev_with_source"), ("mono", "dev_target_only"), ("seed", "seed")):
            a, b = cur.out / f"{label}.jsonl", ref.out / f"{label}.jsonl"
            if a.exists() and b.exists():
                figures[f"identical_{name}"] = a.read_bytes() == b.read_bytes()
    figures["load_average_1min"] = round(os.getloadavg()[0], 2)
    figures["target"] = ">= 300 segments/s with the source, >= 1000 without; one line < 1.5 s"
    return figures


if __name__ == "__main__":
    main()
