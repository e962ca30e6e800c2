"""Benchmark: the gate's HTML page for a 10,000-item feed, its size and how fast a browser opens it.

    .venv/bin/python bench/bench_html.py

Builds 10,000 dev-like records from ``../shared/eval/dev.jsonl`` (the file repeated, each
copy's ids suffixed so every record is its own document), runs the real ``auditor gate
FILE --html page.html -q`` on them (default engines), and opens the page in headless
Chromium (Debian's ``/usr/bin/chromium`` through Playwright, offline flags). Figures: the
gate's wall time, the page's size, DOMContentLoaded and ``load`` from the browser's
navigation timing, and the time to sort the 10,000-row table and to apply the severity
filter (both measured inside the page with ``performance.now()``). The same figures for
the 1,500 records of ``dev.jsonl`` itself. Prints one JSON object for ``bench/run.py``.
"""

from __future__ import annotations

import json
import os
import shutil
import subprocess
import sys
import tempfile
import time
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parents[1]
DEV = ROOT.parent / "shared" / "eval" / "dev.jsonl"
N_RECORDS = 10_000
FLAGS = ["--headless", "--no-sandbox", "--disable-gpu", "--no-first-run", "--disable-background-networking",
         "--disable-component-update", "--disable-sync"]  # fmt: skip


def auditor() -> list[str]:
    exe = ROOT / ".venv" / "bin" / "auditor"
    return [str(exe)] if exe.exists() else [sys.executable, "-m", "auditor.cli"]


def build(path: Path, n: int) -> int:
    """``n`` records from dev.jsonl, repeated as often as needed; returns how many copies were used."""
    lines = DEV.read_text(encoding="utf-8").splitlines()
    out = []
    copy = 0
    while len(out) < n:
        for line in lines[: n - len(out)]:
            rec = json.loads(line)
            rec["id"] = f"{rec['id']}~{copy}"
            out.append(json.dumps(rec, ensure_ascii=False))
        copy += 1
    path.write_text("\n".join(out) + "\n", encoding="utf-8")
    return copy


def gate(feed: Path, page: Path) -> float:
    t0 = time.perf_counter()
    r = subprocess.run([*auditor(), "gate", str(feed), "--html", str(page), "-q"], capture_output=True, text=True)
    wall = time.perf_counter() - t0
    if r.returncode not in (0, 1):
        raise SystemExit(f"auditor gate failed ({r.returncode}): {r.stderr[-2000:]}")
    return wall


SORT_JS = """() => { const th = document.querySelector('table.gate th:nth-child(2)');
  const t0 = performance.now(); th.click(); const t1 = performance.now();
  const rows = document.querySelectorAll('table.gate tbody tr').length; return [t1 - t0, rows]; }"""
FILTER_JS = """() => { const c = document.querySelector('input[data-sev="minor"]');
  const t0 = performance.now(); c.checked = false; c.dispatchEvent(new Event('change'));
  return performance.now() - t0; }"""


def browse(ctx: Any, page_path: Path) -> dict[str, float]:
    """Open the page from disk; navigation timings, sort and filter times, requests off disk."""
    requests: list[str] = []
    page = ctx.new_page()
    page.on("request", lambda r: requests.append(r.url))
    page.goto(page_path.as_uri(), timeout=300_000)
    page.wait_for_load_state("load", timeout=300_000)
    nav = page.evaluate("() => { const n = performance.getEntriesByType('navigation')[0];"
                        " return [n.domContentLoadedEventEnd, n.loadEventEnd]; }")  # fmt: skip
    sort_ms, rows = page.evaluate(SORT_JS)
    filter_ms = page.evaluate(FILTER_JS)
    page.close()
    offline = all(u.startswith("file://") for u in requests)
    return {"dom_content_loaded_ms": round(nav[0]), "load_ms": round(nav[1]), "sort_ms": round(sort_ms),
            "filter_ms": round(filter_ms), "rows": rows, "offline": offline}  # fmt: skip


def main() -> int:
    from playwright.sync_api import sync_playwright

    chromium = shutil.which("chromium") or "/usr/bin/chromium"
    if not DEV.exists() or not Path(chromium).exists():
        raise SystemExit(f"needs {DEV} and Debian's chromium")
    figures: dict[str, Any] = {}
    load = " ".join(f"{x:.2f}" for x in os.getloadavg())
    with tempfile.TemporaryDirectory() as tmp:
        work = Path(tmp)
        big = work / "feed10k.jsonl"
        copies = build(big, N_RECORDS)
        runs = {"dev1500": (DEV, work / "dev.html"), "feed10k": (big, work / "feed10k.html")}
        walls = {name: gate(feed, page) for name, (feed, page) in runs.items()}
        with sync_playwright() as pw, tempfile.TemporaryDirectory() as profile:
            ctx = pw.chromium.launch_persistent_context(profile, executable_path=chromium, headless=True, args=FLAGS)
            for name, (_feed, page) in runs.items():
                b = browse(ctx, page)
                figures[f"{name}_gate_wall_s"] = round(walls[name], 1)
                figures[f"{name}_html_mb"] = round(page.stat().st_size / 1e6, 2)
                for k, v in b.items():
                    figures[f"{name}_{k}"] = v
            ctx.close()
    print(json.dumps({
        "title": "gate HTML page: size and browser render time (dev.jsonl, and 10,000 dev-like records)",
        "command": "python bench/bench_html.py",
        "figures": figures,
        "notes": f"feed10k = dev.jsonl repeated ({copies} copies, ids suffixed) up to {N_RECORDS} records; "
        "`auditor gate FILE --html PAGE -q` with the default engines; the page opened from disk in headless "
        "Chromium (Playwright, offline flags); DOMContentLoaded and load from the navigation timing; sort = a "
        "click on the score column, filter = unticking 'minor', both timed in the page; passing documents' "
        "details are collapsed and carry no engine view, failing documents come first; load average before the "
        f"runs: {load} on {os.cpu_count()} cores (wall-clock figures grow with it).",
    }, ensure_ascii=False))  # fmt: skip
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
