"""``make bench``: run every benchmark and rewrite BENCHMARKS.md.

1. ``auditor eval`` on the three gold files for every combination of the engines that
   are available here (an engine whose constructor raises ``ResourceMissing`` is listed
   as not available, with the reason). Each run is its own process, so its peak memory
   is its own.
2. Every other ``bench/bench_*.py`` script; each prints ONE JSON object
   ``{"title", "command", "figures": {name: value}, "notes"}`` on stdout.
3. BENCHMARKS.md: date, commit, machine, every figure and the command reproducing it.

Usage: ``python bench/run.py [--files F ...] [--combos rules,rules+lexical] [--no-other]
[--timeout S] [--out BENCHMARKS.md]``; ``python bench/run.py --update bench/bench_X.py ...``
reruns only those scripts and replaces their sections in place (each says when).
Run from anywhere; paths are relative to the repo.
"""

from __future__ import annotations

import argparse
import datetime as dt
import itertools
import json
import os
import platform
import subprocess
import sys
import time
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parents[1]
DEFAULT_FILES = [
    "../shared/eval/dev.jsonl",
    "../shared/eval/dev_wordqe_mlqepe.jsonl",
    "../shared/seed/nato-hegseth.jsonl",
]
FILE_NOTES = {
    "dev_wordqe_mlqepe.jsonl": "gold spans are post-edited words (HTER BAD tags) with no severity: "
    "counted as "
    "minor in the severity-aware figures, so read the severity-blind ones; the gold score is a DA z-score "
    "(higher is better), correlated as is.",
    "dev.jsonl": "WMT20/21 MQM spans (major/minor); gold score = minus the MQM penalty (higher is better). "
    "The lexical engine's per-detector severities and confidences are fitted on this file "
    "(`bench/calibrate_lexical.py`), the profile thresholds (`bench/fit_profiles.py`) and the learned "
    "combiner of `thorough` (`bench/train_combiner.py`) too, so its figures here are in-sample; the "
    "cross-validated ones are in *operating points* below.",
    "nato-hegseth.jsonl": "hand-annotated seed article, no source, no segment scores.",
}


# ----------------------------------------------------------------------------- environment


def machine() -> dict[str, Any]:
    cpu = platform.processor() or platform.machine()
    try:
        for line in Path("/proc/cpuinfo").read_text().splitlines():
            if line.startswith("model name"):
                cpu = line.split(":", 1)[1].strip()
                break
    except OSError:
        pass
    mem_gb = None
    try:
        for line in Path("/proc/meminfo").read_text().splitlines():
            if line.startswith("MemTotal:"):
                mem_gb = round(int(line.split()[1]) / 1024 / 1024, 1)
    except OSError:
        pass
    affinity: int | None
    try:
        affinity = len(os.sched_getaffinity(0))
    except AttributeError:
        affinity = os.cpu_count()
    return {
        "cores": os.cpu_count(),
        "usable_cores": affinity,
        "cpu": cpu,
        "memory_gb": mem_gb,
        "python": platform.python_version(),
        "os": f"{platform.system()} {platform.release()}",
        "load": " ".join(f"{x:.2f}" for x in os.getloadavg()) if hasattr(os, "getloadavg") else "n/a",
    }


def commit() -> str:
    def git(*args: str) -> str:
        return subprocess.run(["git", *args], cwd=ROOT, capture_output=True, text=True).stdout.strip()

    head = git("rev-parse", "--short=12", "HEAD") or "unknown"
    dirty = git("status", "--porcelain", "--untracked-files=no")
    return f"{head} (+ uncommitted changes)" if dirty else head


#: Runs the ``auditor`` group of this checkout (falls back to the eval command alone if the group
#: is missing), so a stale installed copy is never what gets measured.
_LAUNCH = (
    "import sys\n"
    "try:\n"
    "    from auditor.cli import main\n"
    "except ImportError:\n"
    "    from auditor.cli.eval_cmd import eval_command\n"
    "    assert sys.argv[1] == 'eval'\n"
    "    sys.exit(eval_command(sys.argv[2:], prog_name='auditor eval'))\n"
    "sys.exit(main(prog_name='auditor'))\n"
)


def auditor_cmd() -> list[str]:
    """How to invoke the ``auditor`` CLI of this checkout."""
    return [sys.executable, "-c", _LAUNCH]


def child_env() -> dict[str, str]:
    env = dict(os.environ)
    env["PYTHONPATH"] = os.pathsep.join(p for p in (str(ROOT), env.get("PYTHONPATH", "")) if p)
    return env


def probe_engines() -> tuple[list[str], dict[str, str]]:
    """(available engine names in registry order, {unavailable name: reason})."""
    sys.path.insert(0, str(ROOT))
    from auditor.engines import ENGINES, create_engines
    from auditor.errors import ResourceMissing

    available, missing = [], {}
    for name in ENGINES:
        try:
            engines = create_engines([name], {})
            del engines
            available.append(name)
        except ResourceMissing as exc:
            missing[name] = f"not available: {exc}"
        except Exception as exc:  # engine not built yet, import error...
            missing[name] = f"not available ({type(exc).__name__}): {exc}"
    return available, missing


def combos(available: list[str]) -> list[str]:
    out: list[str] = []
    for k in range(1, len(available) + 1):
        out.extend(",".join(c) for c in itertools.combinations(available, k))
    return out


# ----------------------------------------------------------------------------- runs


def last_line(proc: subprocess.CompletedProcess[str]) -> str:
    """The last non-empty line of a failed run's stderr (else stdout): the error itself."""
    lines = [line.strip() for line in (proc.stderr or proc.stdout or "").splitlines() if line.strip()]
    return lines[-1] if lines else "(no output)"


def cell(text: str) -> str:
    """Text safe inside a markdown table cell."""
    return text.replace("|", "\\|").replace("\n", " ")


def run_eval(path: str, engines: str, timeout: float, extra: list[str] | None = None) -> dict[str, Any]:
    args = ["eval", path, "--engine", engines, "--format", "json", *(extra or [])]
    command = " ".join(["auditor", *args])
    t0 = time.perf_counter()
    try:
        proc = subprocess.run(
            [*auditor_cmd(), *args],
            cwd=ROOT,
            env=child_env(),
            capture_output=True,
            text=True,
            timeout=timeout,
        )
    except subprocess.TimeoutExpired:
        return {"command": command, "error": f"timed out after {timeout:.0f} s"}
    wall = time.perf_counter() - t0
    if proc.returncode != 0:
        return {"command": command, "error": f"exit {proc.returncode}: {last_line(proc)}"}
    try:
        report = json.loads(proc.stdout)
    except json.JSONDecodeError as exc:
        return {"command": command, "error": f"output is not JSON: {exc}"}
    return {"command": command, "report": report, "wall_seconds": round(wall, 2)}


def run_other(script: Path, timeout: float, extra: list[str] | None = None) -> dict[str, Any]:
    rel = script.relative_to(ROOT)
    try:
        proc = subprocess.run(
            [sys.executable, str(rel), *(extra or [])],
            cwd=ROOT,
            env=child_env(),
            capture_output=True,
            text=True,
            timeout=timeout,
        )
    except subprocess.TimeoutExpired:
        return {"title": str(rel), "command": f"python {rel}", "error": f"timed out after {timeout:.0f} s"}
    if proc.returncode != 0:
        return {
            "title": str(rel),
            "command": f"python {rel}",
            "error": f"exit {proc.returncode}: {last_line(proc)}",
        }
    obj = None
    for line in reversed(proc.stdout.strip().splitlines()):  # the JSON object, possibly after chatter
        try:
            obj = json.loads(line)
            break
        except json.JSONDecodeError:
            continue
    if obj is None:
        try:
            obj = json.loads(proc.stdout)
        except json.JSONDecodeError:
            obj = None
    if not isinstance(obj, dict) or not isinstance(obj.get("figures"), dict):
        return {
            "title": str(rel),
            "command": f"python {rel}",
            "error": "did not print a JSON object with 'figures'",
        }
    obj.setdefault("title", str(rel))
    obj.setdefault("command", f"python {rel}")
    obj["script"] = str(rel)
    return obj


# ----------------------------------------------------------------------------- markdown


def f3(x: Any) -> str:
    return "–" if x is None else f"{x:.3f}"


def fnum(x: Any) -> str:
    if isinstance(x, float):
        return f"{x:.4g}" if abs(x) < 1000 else f"{x:,.0f}"
    if x is None:
        return "–"
    return str(x)


def eval_section(path: str, runs: dict[str, dict[str, Any]]) -> list[str]:
    name = Path(path).name
    out = [f"### `{path}`", ""]
    if FILE_NOTES.get(name):
        out += [FILE_NOTES[name], ""]
    ok = {c: r["report"] for c, r in runs.items() if "report" in r}
    if ok:
        any_rep = next(iter(ok.values()))
        out += [
            f"{any_rep['records']} records, {any_rep['gold_spans']} gold spans "
            f"({any_rep['zero_length_gold_spans']} zero-length, ignored).",
            "",
        ]
    out += [
        "| engines | sev. P | sev. R | sev. F1 | blind P | blind R | blind F1 | Spearman MQM estimate "
        "| Spearman | Kendall τb | Spearman −penalty | findings | segments/s | load s | peak MB |",
        "|---|---|---|---|---|---|---|---|---|---|---|---|---|---|---|",
    ]
    if ok:
        m = any_rep["all_minor"]
        out.append(
            f"| *all-minor reference* | {f3(m['severity']['precision'])} | {f3(m['severity']['recall'])} "
            f"| {f3(m['severity']['f1'])} | {f3(m['blind']['precision'])} | {f3(m['blind']['recall'])} "
            f"| {f3(m['blind']['f1'])} | – | – | – | – | – | – | – | – |"
        )
        length = any_rep.get("correlation_length") or {}
        if length:
            out.append(
                "| *length-only reference (−words)* | – | – | – | – | – | – "
                f"| {f3(length.get('spearman'))} | {f3(length.get('spearman'))} | {f3(length.get('kendall_tau_b'))} "
                "| – | – | – | – | – |"
            )
    for c, r in runs.items():
        if "report" not in r:
            out.append(f"| {c} | {cell(r['error'])} |" + " |" * 13)
            continue
        rep = r["report"]
        a, corr, t = rep["auditor"], rep["correlation"] or {}, rep["throughput"]
        out.append(
            f"| {c} | {f3(a['severity']['precision'])} | {f3(a['severity']['recall'])} "
            f"| {f3(a['severity']['f1'])} "
            f"| {f3(a['blind']['precision'])} | {f3(a['blind']['recall'])} | {f3(a['blind']['f1'])} "
            f"| {f3((rep.get('correlation_estimate') or {}).get('spearman'))} "
            f"| {f3(corr.get('spearman'))} | {f3(corr.get('kendall_tau_b'))} "
            f"| {f3((rep.get('correlation_penalty') or {}).get('spearman'))} | {rep['predicted_spans']} "
            f"| {fnum(t['segments_per_second'])} | {fnum(t['load_seconds'])} | {fnum(t['peak_rss_mb'])} |"
        )
    out.append("")
    out.append("Commands:")
    out.append("")
    for c, r in runs.items():
        out.append(f"- {c}: `{r['command']}`")
    out.append("")
    if ok:
        first = next(iter(ok.values()))["per_category"]
        cats = sorted(
            {k for rep in ok.values() for k in rep["per_category"]}, key=lambda k: -first[k]["spans"]
        )
        out += ["Span recall per gold category (share of gold spans touched by a prediction):", ""]
        out.append("| engines | " + " | ".join(f"{k} ({first[k]['spans']})" for k in cats) + " |")
        out.append("|---|" + "---|" * len(cats))
        for c, rep in ok.items():
            pc = rep["per_category"]
            out.append(
                f"| {c} | " + " | ".join(f3(pc[k]["span_recall"]) if k in pc else "–" for k in cats) + " |"
            )
        out.append("")
        full = list(ok)[-1]
        det = ok[full]["per_detector"]
        if det:
            out += [f"Precision per detector ({full}):", ""]
            out += ["| detector | findings | finding P | chars | char P |", "|---|---|---|---|---|"]
            for d, v in sorted(det.items(), key=lambda kv: -kv[1]["findings"]):
                out.append(
                    f"| {d} | {v['findings']} | {f3(v['finding_precision'])} | {v['predicted_chars']} "
                    f"| {f3(v['char_precision'])} |"
                )
            out.append("")
    return out


def render(
    meta: dict[str, Any], evals: dict[str, dict[str, dict[str, Any]]], others: list[dict[str, Any]]
) -> str:
    m = meta["machine"]
    out = [
        "# Benchmarks",
        "",
        "Generated by `make bench` (`python bench/run.py`); do not edit by hand. Every figure below",
        "comes from the command shown next to it, run from the repository root.",
        "",
        f"- date: {meta['date']}",
        f"- commit: {meta['commit']}",
        f"- machine: {m['cores']} cores ({m['usable_cores']} usable), {m['cpu']}, "
        f"{m['memory_gb']} GB RAM, {m['os']}, Python {m['python']}",
        f"- load average (1/5/15 min) when the bench started: {m['load']} -- throughput figures are "
        "wall-clock and drop when other work shares the cores",
        f"- total bench time: {meta['seconds']:.0f} s",
        "",
        "## `auditor eval`",
        "",
        "Metric definitions: README, section *Evaluating*. sev. = severity-aware character micro",
        "P/R/F1 (a matching severity earns 1, a different one 0.5, critical = major), blind = every",
        "overlapping character earns 1. The *all-minor reference* flags every character as minor.",
        "Spearman MQM estimate: the segments' `mqm_estimate` (a + b·words + c·penalty, fitted on",
        "dev.jsonl by `bench/fit_mqm_estimate.py`, so in-sample there) vs gold score;",
        "Spearman/Kendall: predicted segment score (0–100, per word) vs gold score; Spearman −penalty:",
        "the predicted MQM penalty sum, unnormalised like the gold MQM score; the *length-only reference*",
        "ranks segments by their word count alone. segments/s excludes engine loading",
        "(`load s`); peak MB is the peak RSS of the",
        "`auditor eval` process.",
        "",
        "Engines:",
        "",
    ]
    for name in meta["engine_order"]:
        status = "available" if name in meta["available"] else meta["missing"].get(name, "not available")
        first, _, rest = status.partition("\n")
        out.append(f"- `{name}`: {first}")
        if rest.strip():
            out += ["", "  ```", *(f"  {line}" for line in rest.rstrip().splitlines()), "  ```"]
    out.append("")
    for path, runs in evals.items():
        out += eval_section(path, runs)
    out += ["## Other benchmarks", ""]
    if not others:
        out += ["(no `bench/bench_*.py` scripts)", ""]
    for o in others:
        out += other_section(o)
    return "\n".join(out)


def other_section(o: dict[str, Any], refreshed: str | None = None) -> list[str]:
    """The lines of one ``bench/bench_*.py`` result; ``refreshed`` says when it was rerun alone."""
    out = [f"### {o.get('title')}", "", f"Command: `{o.get('command')}`", ""]
    if refreshed:
        out += [f"*{refreshed}*", ""]
    if "error" in o:
        return [*out, f"**failed**: {o['error']}", ""]
    out += ["| figure | value |", "|---|---|"]
    for k, v in o["figures"].items():
        out.append(f"| {k} | {fnum(v)} |")
    out.append("")
    if o.get("notes"):
        out += [str(o["notes"]), ""]
    return out


def update_sections(text: str, results: list[dict[str, Any]], refreshed: str) -> str:
    """``text`` (a BENCHMARKS.md) with the sections of ``results`` replaced in place.

    Why: a change that touches one benchmark should not need the whole 15-minute run to
    show its figures; the refreshed section says so, and the header still names the
    commit of the full run. A section not found (a new script) goes at the end."""
    lines = text.rstrip("\n").split("\n")
    for o in results:
        head = f"### {o.get('title')}"
        new = other_section(o, refreshed)
        # a section is the script's: found by its title, else by its command's script
        script = str(o.get("command", "")).split(" --")[0]
        at = [k for k, line in enumerate(lines) if line == head]
        if not at and script:
            at = [
                k - 2
                for k, line in enumerate(lines)
                if k >= 2 and lines[k - 2].startswith("### ")
                and (line == f"Command: `{script}`" or line.startswith(f"Command: `{script} --"))
            ]
        if at:
            i = at[0]
            j = i + 1
            while j < len(lines) and not lines[j].startswith("## ") and not lines[j].startswith("### "):
                j += 1
            lines[i:j] = new
        else:
            lines += ["", *new]
    while lines and not lines[-1]:
        lines.pop()
    return "\n".join(lines) + "\n"


# ----------------------------------------------------------------------------- main


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    ap.add_argument("--files", nargs="+", default=DEFAULT_FILES, help="gold files, relative to the repo root")
    ap.add_argument(
        "--combos", default=None, help="only these engine combinations, e.g. 'rules,rules+lexical'"
    )
    ap.add_argument("--no-other", action="store_true", help="skip the bench/bench_*.py scripts")
    ap.add_argument("--timeout", type=float, default=3600, help="seconds per run (default 3600)")
    ap.add_argument("--out", default=str(ROOT / "BENCHMARKS.md"))
    ap.add_argument(
        "--eval-arg",
        action="append",
        default=[],
        metavar="ARG",
        help="extra argument for every `auditor eval` run, e.g. --eval-arg=--model-dir=/models (repeatable)",
    )
    ap.add_argument(
        "--update",
        nargs="+",
        metavar="SCRIPT",
        help="rerun only these bench/bench_*.py scripts (each may carry its arguments, quoted: "
        "'bench/bench_lexical.py --against REV') and replace their sections of --out in place",
    )
    args = ap.parse_args(argv)
    if args.update:
        results = [run_other(ROOT / "bench" / Path(s.split()[0]).name, args.timeout, s.split()[1:]) for s in args.update]
        stamp = dt.datetime.now(dt.UTC).strftime("%Y-%m-%d %H:%M UTC")
        note = f"refreshed alone at {stamp}, commit {commit()} (python bench/run.py --update)"
        out = Path(args.out)
        out.write_text(update_sections(out.read_text(encoding="utf-8"), results, note), encoding="utf-8")
        print(f"updated {len(results)} section(s) of {out}", file=sys.stderr)
        return 1 if any("error" in o for o in results) else 0

    t0 = time.perf_counter()
    host = machine()  # before any run, so the load average is the background load
    from auditor.engines import ENGINES

    available, missing = probe_engines()
    todo = combos(available)
    if args.combos:
        wanted = [c.replace("+", ",") for c in args.combos.split(",") if c]
        todo = [c for c in todo if c in wanted]
    print(f"engines available: {available or 'none'}; combinations: {todo}", file=sys.stderr)

    evals: dict[str, dict[str, dict[str, Any]]] = {}
    for path in args.files:
        evals[path] = {}
        # the other operating points of the lexical engine first, so the default row stays last
        plan: list[tuple[str, list[str]]] = []
        for c in todo:
            if "lexical" in c.split(","):
                plan += [(c, ["--profile=precise"]), (c, ["--profile=thorough"])]
            plan.append((c, []))
        for c, extra in plan:
            label = c + (f" ({extra[0].split('=')[1]})" if extra else "")
            print(f"auditor eval {path} --engine {c} {' '.join(extra)}...", file=sys.stderr, flush=True)
            r = run_eval(path, c, args.timeout, [*args.eval_arg, *extra])
            evals[path][label] = r
            if "error" in r:
                print(f"  failed: {r['error']}", file=sys.stderr)
            else:
                a = r["report"]["auditor"]
                print(f"  sev F1 {a['severity']['f1']:.3f} blind F1 {a['blind']['f1']:.3f}", file=sys.stderr)

    others = []
    if not args.no_other:
        for script in sorted((ROOT / "bench").glob("bench_*.py")):
            print(f"python {script.relative_to(ROOT)} ...", file=sys.stderr, flush=True)
            others.append(run_other(script, args.timeout))

    meta = {
        "date": dt.datetime.now(dt.UTC).strftime("%Y-%m-%d %H:%M UTC"),
        "commit": commit(),
        "machine": host,
        "engine_order": list(ENGINES),
        "available": available,
        "missing": missing,
        "seconds": time.perf_counter() - t0,
    }
    Path(args.out).write_text(render(meta, evals, others) + "\n", encoding="utf-8")
    print(f"wrote {args.out}", file=sys.stderr)
    failed = [c for runs in evals.values() for c, r in runs.items() if "error" in r] + [
        o["title"] for o in others if "error" in o
    ]
    return 1 if failed else 0


if __name__ == "__main__":
    sys.path.insert(0, str(ROOT))
    sys.exit(main())
