"""The HTML report: escaping, offsets and byte-stability here; behaviour in a real Chromium (marked ``browser``)."""

from __future__ import annotations

import json
import shutil
import subprocess
import sys
import tempfile
from pathlib import Path

import pytest

from auditor.engines import create_engines
from auditor.io.html import render_score_html
from auditor.pipeline import Pipeline
from auditor.types import Document, Weights

ROOT = Path(__file__).resolve().parents[1]
SEED = ROOT.parent / "shared" / "seed" / "nato-hegseth.de.txt"
CHROMIUM = shutil.which("chromium") or ("/usr/bin/chromium" if Path("/usr/bin/chromium").exists() else None)
FLAGS = ["--headless", "--no-sandbox", "--disable-gpu", "--no-first-run", "--disable-background-networking",
         "--disable-component-update", "--disable-sync"]
XSS = ('Das ist ein Test.<script>window.__pwned=1</script> <img src=x onerror="window.__pwned=2"> '
       '<a href="javascript:window.__pwned=3">klick</a> Er hat gesagt dass das Meeting ist gewesen sehr gut.')


def _run(text: str, engines: str = "rules") -> str:
    pipeline = Pipeline(create_engines(engines.split(","), {}), Weights())
    return render_score_html([pipeline.run(Document(path="t.txt", text=text))], pipeline.signature)


def test_input_is_escaped() -> None:
    page = _run(XSS)
    assert "<script>window.__pwned" not in page
    assert "<img src=x" not in page
    assert "&lt;script&gt;window.__pwned=1&lt;/script&gt;" in page


def test_byte_identical_between_runs() -> None:
    assert _run(XSS) == _run(XSS)


def _cli(*args: str) -> subprocess.CompletedProcess[str]:
    return subprocess.run([str(Path(sys.executable).parent / "auditor"), *args], capture_output=True, text=True, cwd=ROOT)


needs_seed = pytest.mark.shared(SEED)
browser = pytest.mark.browser
needs_chromium = pytest.mark.skipif(CHROMIUM is None, reason="no Chromium found (apt-get install chromium)")


@pytest.fixture(scope="module")
def page_factory():
    playwright = pytest.importorskip("playwright.sync_api", reason="playwright not installed (pip install playwright)")
    if CHROMIUM is None:
        pytest.skip("no Chromium found (apt-get install chromium)")
    with playwright.sync_playwright() as pw, tempfile.TemporaryDirectory() as profile:
        ctx = pw.chromium.launch_persistent_context(profile, executable_path=CHROMIUM, headless=True, args=FLAGS)
        requests: list[str] = []
        ctx.on("request", lambda r: requests.append(r.url))

        def open_page(path: Path):
            page = ctx.new_page()
            page.goto(path.as_uri())
            page.wait_for_load_state("load")
            return page, requests

        yield open_page
        ctx.close()


@browser
@needs_chromium
@needs_seed
def test_seed_report_in_browser(page_factory, tmp_path: Path) -> None:
    out = tmp_path / "seed.html"
    js = tmp_path / "seed.json"
    assert _cli("score", str(SEED), "--format", "html", "-o", str(out)).returncode == 0
    assert _cli("score", str(SEED), "--format", "json", "-o", str(js)).returncode == 0
    findings = json.loads(js.read_text())["documents"][0]["findings"]
    assert findings
    page, requests = page_factory(out)
    for k, f in enumerate(findings):
        parts = page.locator(f'[id="d0-f{k}"], [data-part="d0-f{k}"]').all_text_contents()
        assert "".join(parts) == f["text"], k
        assert page.locator(f'mark#d0-f{k}').count() == 1
    # focusing a highlight shows its message
    page.focus("mark#d0-f0")
    tip = page.locator("#tip")
    assert tip.is_visible()
    assert findings[0]["message"] in tip.text_content()
    # the severity filter hides minor findings
    minors = [k for k, f in enumerate(findings) if f["severity"] == "minor"]
    page.uncheck('input[data-sev="minor"]')
    for k in minors:
        assert "off" in page.get_attribute(f"mark#d0-f{k}", "class")
        assert not page.locator(f'[id="d0-f{k}-i"]').is_visible()
    shots = ROOT / "tests" / "output"
    shots.mkdir(exist_ok=True)
    page.check('input[data-sev="minor"]')
    page.set_viewport_size({"width": 1000, "height": 800})
    page.screenshot(path=str(shots / "seed-report.png"))
    assert all(u.startswith("file://") for u in requests), requests


@browser
@needs_chromium
def test_xss_probe_stays_inert(page_factory, tmp_path: Path) -> None:
    out = tmp_path / "xss.html"
    out.write_text(_run(XSS), encoding="utf-8")
    page, requests = page_factory(out)
    assert page.evaluate("typeof window.__pwned") == "undefined"
    page.click("text=klick") if page.locator("a:has-text('klick')").count() else None
    assert page.evaluate("typeof window.__pwned") == "undefined"
    assert "<script>window.__pwned=1</script>" in page.locator(".text").first.text_content()
    assert all(u.startswith("file://") for u in requests), requests


@browser
@needs_chromium
@needs_seed
def test_gate_table_sorts(page_factory, tmp_path: Path) -> None:
    out = tmp_path / "gate.html"
    feed = SEED.with_suffix("").with_suffix(".jsonl")
    r = _cli("gate", str(feed), "--html", str(out), "-q", "--engine", "rules")
    assert r.returncode in (0, 1), r.stderr
    page, _ = page_factory(out)
    def scores() -> list[float]:
        return [float(x) for x in page.locator("table.gate tbody tr td:nth-child(2)").all_text_contents()]
    assert len(scores()) > 1
    page.click("table.gate th:nth-child(2)")
    assert scores() == sorted(scores())
    page.click("table.gate th:nth-child(2)")
    assert scores() == sorted(scores(), reverse=True)
