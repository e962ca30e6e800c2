"""Benchmark (issue 14): executors and streaming memory.

1. Throughput of ``auditor score --format jsonl`` (``rules,lexical``, with the source) on
   2,000 distinct documents (dev.jsonl, then dev_wordqe_mlqepe.jsonl): serial, processes
   with 1 and 2 workers, dask (a LocalCluster) with 1 and 2 workers. Every output is
   checked byte-identical to the serial one. Rounds are interleaved and the best wall
   time of each is kept, so other load on the machine hurts every executor alike.
2. Overhead per batch: the same runs with the cheap ``rules`` engine, minus start-up
   (a 16-document run): what each executor adds to a batch of 16 documents, the figure
   to multiply by ``documents / 16 / workers`` to estimate a cluster.
3. Peak RSS of ``score --format jsonl``, ``gate``, ``gate --sarif`` and ``eval`` (engine
   ``rules``) as the input grows: 10 and 100 MB of JSONL records, and of text files
   (100 KB each, many files on one command line; ``eval`` reads gold JSONL only, records
   of dev.jsonl with their spans and scores; ``gate --sarif`` JSONL only); ``--big`` adds
   1,000 MB. Inputs are generated in a temporary directory, deleted after.

Prints one JSON object for bench/run.py. Usage: ``python bench/bench_scale.py [--big]
[--rounds N] [--no-memory] [--no-throughput] [--only] [--sizes 10,100] [--commands
score,gate,sarif,eval]``; ``--only`` runs the memory part alone (a quick check).
"""

from __future__ import annotations

import argparse
import json
import os
import resource
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
SHARED = ROOT.parent / "shared"
SOURCES = [SHARED / "eval" / "dev.jsonl", SHARED / "eval" / "dev_wordqe_mlqepe.jsonl"]
TEXTS = [SHARED / "seed" / "nato-hegseth.de.txt", *sorted((ROOT / "corpora").glob("*.txt"))]
N_DOCS = 2000
#: the commands whose memory is measured (``--commands`` picks some)
COMMANDS = frozenset({"score", "gate", "sarif", "eval"})
BATCH = 16

#: A child that runs the command and reports the peak RSS of its own children (KB):
#: RUSAGE_CHILDREN of a fresh process, so each figure is that command's alone.
_PEAK = (
    "import resource, subprocess, sys\n"
    "p = subprocess.run(sys.argv[1:], stdout=subprocess.DEVNULL, stderr=subprocess.PIPE)\n"
    "sys.stderr.buffer.write(p.stderr)\n"
    "print(resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss)\n"
    "sys.exit(p.returncode)\n"
)


def auditor() -> list[str]:
    """The CLI: the checkout's own, else this interpreter's ``auditor`` package (``auditor.cli`` has no ``__main__``)."""
    exe = ROOT / ".venv" / "bin" / "auditor"
    if exe.exists():
        return [str(exe)]
    return [sys.executable, "-c", "import sys; from auditor.cli import main; sys.argv[0] = 'auditor'; main()"]


def build_docs(path: Path, n: int) -> None:
    """``n`` distinct records with their source, from the shared gold files (fields as they are)."""
    out = []
    for src in SOURCES:
        for line in src.read_text(encoding="utf-8").splitlines():
            if line.strip() and len(out) < n:
                out.append(line + "\n")
    if len(out) < n:
        sys.exit(f"only {len(out)} records in {', '.join(map(str, SOURCES))}; need {n}")
    path.write_text("".join(out), encoding="utf-8")


def timed(cmd: list[str]) -> tuple[float, float]:
    """(wall s, CPU s of the process tree) of one run; a failed run stops the benchmark."""
    before = resource.getrusage(resource.RUSAGE_CHILDREN)
    start = time.perf_counter()
    proc = subprocess.run(cmd, capture_output=True)
    wall = time.perf_counter() - start
    after = resource.getrusage(resource.RUSAGE_CHILDREN)
    if proc.returncode != 0:
        sys.exit(f"{' '.join(cmd)}: exit {proc.returncode}: {proc.stderr.decode('utf-8', 'replace')[-400:]}")
    cpu = (after.ru_utime - before.ru_utime) + (after.ru_stime - before.ru_stime)
    return wall, cpu


EXECUTORS = {
    "serial": ["--executor", "serial"],
    "processes_1": ["--executor", "processes", "--jobs", "1"],
    "processes_2": ["--executor", "processes", "--jobs", "2"],
    "dask_1": ["--executor", "dask", "--jobs", "1"],
    "dask_2": ["--executor", "dask", "--jobs", "2"],
}


def throughput(tmp: Path, rounds: int, figures: dict[str, object], notes: list[str]) -> None:
    docs, small = tmp / "docs.jsonl", tmp / "docs16.jsonl"
    build_docs(docs, N_DOCS)
    small.write_text("".join(docs.read_text(encoding="utf-8").splitlines(keepends=True)[:BATCH]), "utf-8")
    try:
        import distributed  # noqa: F401
    except ImportError:
        notes.append("dask not measured: the dask extra is not installed (pip install 'mt-auditor[dask]')")
        names = [n for n in EXECUTORS if not n.startswith("dask")]
    else:
        names = list(EXECUTORS)
    for engine in ("rules,lexical", "rules"):
        key = engine.replace(",", "+")
        best: dict[tuple[str, str], tuple[float, float]] = {}
        reference: dict[str, bytes] = {}
        for _ in range(rounds):
            for name in names:
                for label, src in (("full", docs), ("start", small)):
                    if label == "start" and engine != "rules":
                        continue
                    out = tmp / f"{key}-{name}-{label}.jsonl"
                    cmd = [*auditor(), "score", str(src), "--isolated", "--engine", engine, "--format", "jsonl",
                           "-o", str(out), *EXECUTORS[name]]  # fmt: skip
                    wall, cpu = timed(cmd)
                    if (name, label) not in best or wall < best[(name, label)][0]:
                        best[(name, label)] = (wall, cpu)
                    data = out.read_bytes()
                    if reference.setdefault(label, data) != data:
                        sys.exit(f"{engine}: --executor {' '.join(EXECUTORS[name])} output differs from serial")
        for name in names:
            wall, cpu = best[(name, "full")]
            figures[f"{key}_{name}_docs_per_s"] = round(N_DOCS / wall, 1)
            figures[f"{key}_{name}_cpu_s"] = round(cpu, 2)
        for ex in ("processes", "dask"):
            if f"{ex}_2" in names:
                figures[f"{key}_{ex}_2_vs_1_ratio"] = round(best[(f"{ex}_1", "full")][0] / best[(f"{ex}_2", "full")][0], 2)
        figures[f"{key}_processes_2_vs_serial_ratio"] = round(best[("serial", "full")][0] / best[("processes_2", "full")][0], 2)
        if engine == "rules":
            serial_work = best[("serial", "full")][0] - best[("serial", "start")][0]
            batches = -(-N_DOCS // BATCH)
            for name in names:
                if name == "serial" or not name.endswith("_1"):
                    continue
                start = best[(name, "start")][0]
                work = best[(name, "full")][0] - start
                figures[f"{name.removesuffix('_1')}_startup_s"] = round(start, 2)
                figures[f"{name.removesuffix('_1')}_overhead_per_batch_ms"] = round(
                    1000 * (work - serial_work) / (batches - 1), 2
                )
            figures["serial_startup_s"] = round(best[("serial", "start")][0], 2)
    notes.append(
        f"throughput: {N_DOCS} distinct records of dev.jsonl then dev_wordqe_mlqepe.jsonl, with source; "
        f"best wall time of {rounds} interleaved rounds of the whole CLI (`auditor score --format jsonl -o`); "
        "*_cpu_s: CPU seconds of the process tree; every output byte-identical to --executor serial"
    )
    notes.append(
        "overhead per batch: (wall of 2,000 docs - wall of 16 docs) with 1 worker, minus the same for serial, "
        f"divided by the {-(-N_DOCS // BATCH) - 1} further batches of {BATCH} (engine rules, so the engines cost little); "
        "startup_s: wall time of a 16-document run (process start, cluster start, engines)"
    )


def _text_lines() -> list[str]:
    lines = [
        line
        for p in TEXTS
        if p.exists()
        for line in p.read_text(encoding="utf-8").splitlines()
        if line.strip() and not line.lstrip().startswith("![")
    ]
    if not lines:
        sys.exit("no text (shared/seed or corpora/) to build inputs from")
    return lines


def make_jsonl(path: Path, mb: int) -> int:
    """About ``mb`` MB of JSONL records (one to three sentences each); returns the record count."""
    lines, n, size, limit = _text_lines(), 0, 0, mb * 1024 * 1024
    with path.open("w", encoding="utf-8") as fh:
        while size < limit:
            text = " ".join(lines[(n * 7 + k) % len(lines)] for k in range(1 + n % 3))
            rec = json.dumps({"id": f"r{n}", "mt_de": text}, ensure_ascii=False) + "\n"
            fh.write(rec)
            size += len(rec.encode("utf-8"))
            n += 1
    return n


def make_texts(directory: Path, mb: int, file_kb: int = 100) -> list[str]:
    """About ``mb`` MB of German text in files of ``file_kb`` KB."""
    lines, paths = _text_lines(), []
    directory.mkdir()
    i = 0
    for f in range(max(1, mb * 1024 // file_kb)):
        chunk, size = [], 0
        while size < file_kb * 1024:
            line = lines[i % len(lines)]
            chunk.append(line)
            size += len(line.encode("utf-8")) + 1
            i += 7
        p = directory / f"t{f:05}.txt"
        p.write_text("\n".join(chunk) + "\n", encoding="utf-8")
        paths.append(str(p))
    return paths


def make_gold(path: Path, mb: int) -> int:
    """About ``mb`` MB of gold records (dev.jsonl's, spans and scores as they are, ids made distinct)."""
    base = [json.loads(line) for line in SOURCES[0].read_text(encoding="utf-8").splitlines() if line.strip()]
    n, size, limit = 0, 0, mb * 1024 * 1024
    with path.open("w", encoding="utf-8") as fh:
        while size < limit:
            rec = dict(base[n % len(base)], id=f"g{n}")
            line = json.dumps(rec, ensure_ascii=False) + "\n"
            fh.write(line)
            size += len(line.encode("utf-8"))
            n += 1
    return n


def peak_rss_mb(args: list[str], ok: tuple[int, ...] = (0,)) -> tuple[float, float]:
    """(peak RSS MB, wall s) of ``auditor ARGS`` in a fresh process tree (``ok``: exit codes expected)."""
    start = time.perf_counter()
    proc = subprocess.run([sys.executable, "-c", _PEAK, *auditor(), *args], capture_output=True, text=True)
    wall = time.perf_counter() - start
    if proc.returncode not in ok:
        sys.exit(f"{' '.join(args[:3])}...: exit {proc.returncode}: {proc.stderr[-400:]}")
    print(f"{time.strftime('%H:%M:%S')} auditor {args[0]} ({len(args)} arguments): {wall:.0f} s", file=sys.stderr, flush=True)
    return int(proc.stdout.split()[-1]) / 1024, wall


def memory(
    tmp: Path, sizes: list[int], figures: dict[str, object], notes: list[str], commands: set[str] = COMMANDS
) -> None:
    """Peak RSS of each of ``commands`` at each size (in MB), JSONL and text.

    Each figure is also printed to stderr as it is measured: a 1,000 MB run takes most of
    an hour, and one stopped before the end still tells what it reached."""

    def put(key: str, value: object) -> None:
        figures[key] = value
        print(f"{time.strftime('%H:%M:%S')} {key} = {value}", file=sys.stderr, flush=True)

    common = ["--isolated", "--engine", "rules"]
    score = ["--format", "jsonl", "-o", str(tmp / "out.jsonl")]
    gate_ok = (0, 1)  # the gate may fail on these inputs: the run is measured either way
    for mb in sizes:
        src = tmp / f"in{mb}.jsonl"
        if commands & {"score", "gate", "sarif"}:
            n = make_jsonl(src, mb)
        if "score" in commands:
            rss, wall = peak_rss_mb(["score", str(src), *common, *score])
            put(f"jsonl_{mb}MB_peak_rss_mb", round(rss, 1))
            put(f"jsonl_{mb}MB_records_per_s", round(n / wall, 0))
        if "gate" in commands:
            rss, wall = peak_rss_mb(["gate", str(src), *common], gate_ok)
            put(f"gate_jsonl_{mb}MB_peak_rss_mb", round(rss, 1))
            put(f"gate_jsonl_{mb}MB_records_per_s", round(n / wall, 0))
        if "sarif" in commands:
            sarif = tmp / "out.sarif"
            rss, wall = peak_rss_mb(["gate", str(src), *common, "--sarif", str(sarif)], gate_ok)
            put(f"gate_sarif_jsonl_{mb}MB_peak_rss_mb", round(rss, 1))
            put(f"gate_sarif_jsonl_{mb}MB_records_per_s", round(n / wall, 0))
            put(f"gate_sarif_jsonl_{mb}MB_report_mb", round(sarif.stat().st_size / 1e6, 1))
            sarif.unlink()
        src.unlink(missing_ok=True)
        if "eval" in commands:
            gold = tmp / f"gold{mb}.jsonl"
            n = make_gold(gold, mb)
            rss, wall = peak_rss_mb(["eval", str(gold), *common])
            put(f"eval_jsonl_{mb}MB_peak_rss_mb", round(rss, 1))
            put(f"eval_jsonl_{mb}MB_records_per_s", round(n / wall, 0))
            gold.unlink()
        if not commands & {"score", "gate"}:
            continue
        paths = make_texts(tmp / f"text{mb}", mb)
        put(f"text_{mb}MB_files", len(paths))
        if "score" in commands:
            rss, wall = peak_rss_mb(["score", *paths, *common, *score])
            put(f"text_{mb}MB_peak_rss_mb", round(rss, 1))
        if "gate" in commands:
            rss, wall = peak_rss_mb(["gate", str(tmp / f"text{mb}"), *common], gate_ok)
            put(f"gate_text_{mb}MB_peak_rss_mb", round(rss, 1))
        for p in paths:
            os.unlink(p)
        (tmp / f"text{mb}").rmdir()
        (tmp / "out.jsonl").unlink(missing_ok=True)
    notes.append(
        "memory: peak RSS of the process tree of `auditor score IN --engine rules --format jsonl -o OUT`, "
        "`auditor gate IN --engine rules` (summary table and failing findings on stdout, no report files), "
        "`auditor gate IN --engine rules --sarif OUT` (JSONL only; the report cut to GitHub's limits, "
        "*_report_mb its size) and "
        "`auditor eval GOLD --engine rules` (text report), each --isolated (validation pass, then the "
        "input read again record by record); JSONL inputs of one to three sentences per record, text inputs "
        "as files of 100 KB (score: given on one command line; gate: their directory), gold inputs "
        "dev.jsonl's records repeated with distinct ids; inputs generated in a temporary directory and "
        "deleted after; *_records_per_s: records over the wall time of the whole command; what still grows: "
        "eval's rank correlations need every scored record's values (spilled to temporary files while "
        "streaming, ranked at the end one correlation at a time in arrays of 8-byte numbers, about 50 bytes "
        "per scored record at the peak); gate --sarif reads the spilled verdicts twice (the cut, then the "
        "kept results) and holds at most 25,000 candidates for the cut"
    )


def main(argv: list[str] | None = None) -> None:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0] if __doc__ else None)
    ap.add_argument("--big", action="store_true", help="also 1,000 MB inputs (several minutes)")
    ap.add_argument("--rounds", type=int, default=2)
    ap.add_argument("--no-memory", action="store_true")
    ap.add_argument("--no-throughput", action="store_true")
    ap.add_argument("--only", action="store_true", help="the memory part alone (a quick check)")
    ap.add_argument("--sizes", default=None, help="input sizes in MB, comma-separated [10,100; --big: 10,100,1000]")
    ap.add_argument(
        "--commands", default="score,gate,sarif,eval", help="memory: the commands to measure [score,gate,sarif,eval]"
    )
    args = ap.parse_args(argv)
    commands = set(args.commands.split(","))
    if commands - COMMANDS:
        ap.error(f"--commands: unknown {', '.join(sorted(commands - COMMANDS))} (choose from score, gate, sarif, eval)")
    if args.only:
        args.no_throughput = True
        args.no_memory = False
    sizes = [int(x) for x in args.sizes.split(",")] if args.sizes else [10, 100, 1000] if args.big else [10, 100]
    figures: dict[str, object] = {"cores": os.cpu_count(), "documents": N_DOCS, "batch": BATCH}
    notes = [f"load average before the runs: {' '.join(f'{x:.2f}' for x in os.getloadavg())}"]
    with tempfile.TemporaryDirectory(prefix="bench-scale-") as name:
        tmp = Path(name)
        if not args.no_throughput:
            throughput(tmp, args.rounds, figures, notes)
        if not args.no_memory:
            memory(tmp, sizes, figures, notes, commands)
    notes.append(f"load average after: {' '.join(f'{x:.2f}' for x in os.getloadavg())}")
    print(
        json.dumps(
            {
                "title": "Executors (serial, processes, dask) and streaming memory",
                "command": "python bench/bench_scale.py"
                + (" --big" if args.big else "")
                + (" --only" if args.only else "")
                + (f" --sizes {args.sizes}" if args.sizes else "")
                + (f" --commands {args.commands}" if commands != COMMANDS else ""),
                "figures": figures,
                "notes": "; ".join(notes),
            }
        )
    )


if __name__ == "__main__":
    main()
