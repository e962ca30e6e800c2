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
    with (playwright.sync_playwright() as pw, tempfile.TemporaryDirectory() as profile,
          tempfile.TemporaryDirectory() as profile_nojs):
        ctx = pw.chromium.launch_persistent_context(profile, executable_path=CHROMIUM, headless=True, args=FLAGS)
        requests: list[str] = []
        ctx.on("request", lambda r: requests.append(r.url))
        nojs: list = []  # a second profile with JavaScript off, opened on first use

        def open_page(path: Path, javascript: bool = True):
            if javascript:
                page = ctx.new_page()
            else:
                if not nojs:
                    nojs.append(pw.chromium.launch_persistent_context(
                        profile_nojs, executable_path=CHROMIUM, headless=True, args=FLAGS,
                        java_script_enabled=False))
                    nojs[0].on("request", lambda r: requests.append(r.url))
                page = nojs[0].new_page()
            page.goto(path.as_uri())
            page.wait_for_load_state("load")
            return page, requests

        yield open_page
        for c in nojs:
            c.close()
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


# --------------------------------------------------------------------------- code points, signature, gate

ASTRAL = "🙂 Er hat gesagt dass das Meeting ist gewesen sehr gut. Das 𝔘nd e\u0301r 🙂 war gut, sagte 𝔘lrich."


def _astral_result():
    """The pipeline's own findings on ASTRAL plus two overlapping ones on astral and combining characters.

    Offsets are code points: in JavaScript (UTF-16) every astral character before a span
    shifts it by one, so a page that counted in UTF-16 would highlight the wrong text.
    """
    import dataclasses

    from auditor.types import Finding

    pipeline = Pipeline(create_engines(["rules"], {}), Weights())
    result = pipeline.run(Document(path="astral.txt", text=ASTRAL))

    def at(needle: str, severity: str, k: int) -> Finding:
        start = ASTRAL.index(needle)
        return Finding(start, start + len(needle), 1, start + 1, needle, "fluency", severity,  # type: ignore[arg-type]
                       0.5, f"test.probe{k}", f"probe {k} on {needle!r}")

    extra = (at("𝔘nd e\u0301r", "major", 1), at("e\u0301r 🙂", "minor", 2), at("𝔘lrich", "critical", 3))
    findings = tuple(sorted(result.findings + extra, key=lambda f: (f.start, f.end, f.detector)))
    return dataclasses.replace(result, findings=findings), pipeline.signature


def test_offsets_are_code_points_in_markup() -> None:
    result, signature = _astral_result()
    page = render_score_html([result], signature)
    assert '<mark id="d0-f' in page
    # the astral and combining characters are inside the highlight, not beside it
    assert "𝔘lrich</mark>" in page


def test_signature_and_totals_in_score_and_gate_headers() -> None:
    import dataclasses

    from auditor.config import Config
    from auditor.gate import decide
    from auditor.io.html import render_gate_html

    result, signature = _astral_result()
    other = dataclasses.replace(result, document=dataclasses.replace(result.document, path="b.txt"))
    one = render_score_html([result], signature)
    doc_header = one.split('<nav class="strip"')[0].split('<section class="doc"')[1]
    assert f"signature {signature}" in doc_header
    assert "critical 1 · major 1" in doc_header and "fluency" in doc_header
    assert "rules" in doc_header.split("engines ")[1].split(" ")[0]
    for page in (render_score_html([result, other], signature), render_gate_html(decide([result], Config()))):
        header = page.split('<div class="filters">')[0]
        assert f'<span class="signature">{signature}</span>' in header
        assert "critical" in header and "major" in header
        assert "fluency" in header
        assert "rules" in header.split('class="engines">')[1].split("<")[0]
        # each document's header points to it instead of repeating it
        assert "engines and signature as above" in page.split('<section class="doc"')[1]


@browser
@needs_chromium
def test_highlight_text_equals_finding_text_on_astral_and_combining(page_factory, tmp_path: Path) -> None:
    result, signature = _astral_result()
    out = tmp_path / "astral.html"
    out.write_text(render_score_html([result], signature), encoding="utf-8")
    page, _ = page_factory(out)
    assert len(result.findings) >= 3
    for k, f in enumerate(result.findings):
        parts = page.locator(f'[id="d0-f{k}"], [data-part="d0-f{k}"]').all_text_contents()
        assert "".join(parts) == f.text, (k, f.text)
        assert "".join(parts) == ASTRAL[f.start:f.end]


def _gate_page(tmp_path: Path, text: str) -> Path:
    feed = tmp_path / "feed.jsonl"
    lines = [{"id": "xss", "mt_de": text}, {"id": "ok", "mt_de": "Das ist gut."}]
    feed.write_text("".join(json.dumps(x, ensure_ascii=False) + "\n" for x in lines), encoding="utf-8")
    out = tmp_path / "gate.html"
    r = _cli("gate", str(feed), "--html", str(out), "-q", "--engine", "rules", "--isolated")
    assert r.returncode in (0, 1), r.stderr
    return out


def test_gate_page_carries_the_pipeline_signature(tmp_path: Path) -> None:
    page = _gate_page(tmp_path, "Das ist gut.").read_text(encoding="utf-8")
    sig = page.split('<span class="signature">')[1].split("</span>")[0]
    assert sig.startswith("auditor:") and "|engines:rules" in sig and "|weights:" in sig


@browser
@needs_chromium
def test_xss_probe_stays_inert_on_gate_page(page_factory, tmp_path: Path) -> None:
    out = _gate_page(tmp_path, XSS)
    page, requests = page_factory(out)
    assert page.evaluate("typeof window.__pwned") == "undefined"
    page.locator('table.gate a[href="#d0"]').click()
    assert page.locator("a:has-text('klick')").count() == 0  # the link is text, not an element
    assert "<script>window.__pwned=1</script>" in page.locator("#d0 .text").text_content()
    assert page.evaluate("typeof window.__pwned") == "undefined"
    assert all(u.startswith("file://") for u in requests), requests


DEV = ROOT.parent / "shared" / "eval" / "dev.jsonl"


@browser
@needs_chromium
@pytest.mark.skipif(not DEV.exists(), reason=f"shared data absent: {DEV}")
def test_hovering_a_german_word_lights_its_aligned_source_word(page_factory, tmp_path: Path) -> None:
    from auditor.errors import ResourceMissing

    rec = json.loads(DEV.read_text(encoding="utf-8").splitlines()[0])
    try:
        pipeline = Pipeline(create_engines(["rules", "lexical"], {}), Weights())
    except ResourceMissing as exc:
        pytest.skip(f"lexical engine unavailable: {exc}")
    result = pipeline.run(Document(path="dev.jsonl", text=rec["mt_de"], source=rec["source_en"], id=rec["id"]))
    out = tmp_path / "align.html"
    out.write_text(render_score_html([result], pipeline.signature), encoding="utf-8")
    page, requests = page_factory(out)
    box = page.locator(".align").first
    page.locator("details.saw summary").first.click()
    pairs = [tuple(int(x) for x in p.split("-")) for p in box.get_attribute("data-al").split()]
    de_i, en_i = pairs[len(pairs) // 2]
    de_word = box.locator(".ws[lang=de] > span").nth(de_i)
    en_word = box.locator(".ws[lang=en] > span").nth(en_i)
    ann = result.segments[0].annotations["lexical"]
    assert de_word.text_content() == ann["target_words"][de_i]
    assert en_word.text_content() == ann["source_words"][en_i]
    assert "lit" not in (en_word.get_attribute("class") or "")
    de_word.hover()
    assert "lit" in (en_word.get_attribute("class") or "")
    lit = box.locator(".ws[lang=en] > span.lit").count()
    assert lit == sum(1 for d, _e in pairs if d == de_i)  # exactly the aligned words, no others
    page.mouse.move(0, 0)
    assert box.locator("span.lit").count() == 0
    assert all(u.startswith("file://") for u in requests), requests


@browser
@needs_chromium
@pytest.mark.skipif(not DEV.exists(), reason=f"shared data absent: {DEV}")
def test_gate_page_failing_first_linked_and_sorted_by_any_column(page_factory, tmp_path: Path) -> None:
    feed = tmp_path / "dev80.jsonl"
    feed.write_text("".join(DEV.read_text(encoding="utf-8").splitlines(keepends=True)[:80]), encoding="utf-8")
    out = tmp_path / "gate.html"
    r = _cli("gate", str(feed), "--html", str(out), "-q", "--engine", "rules", "--isolated", "--min-score", "99")
    assert r.returncode == 1, r.stderr
    page, _ = page_factory(out)
    results = page.locator("table.gate tbody td.st").all_text_contents()
    assert "FAIL" in results and "pass" in results
    assert results == sorted(results, key=lambda x: x != "FAIL")  # failing first
    # each row links to its document's section; failing ones open, passing ones collapsed
    for row in page.locator("table.gate tbody tr").all()[:3] + page.locator("table.gate tbody tr").all()[-3:]:
        target = row.locator("a").get_attribute("href")
        section = page.locator(f"section{target}")
        assert section.count() == 1
        assert target[1:] in section.get_attribute("id")
        failing = row.locator("td.st").text_content() == "FAIL"
        assert section.locator(".text").is_visible() == failing
    row = page.locator("table.gate tbody tr").first
    row.locator("a").click()
    assert page.evaluate("location.hash") == row.locator("a").get_attribute("href")
    # sort by the document column (text) and by the result column
    page.click("table.gate th:nth-child(1)")
    names = page.locator("table.gate tbody tr td:nth-child(1)").all_text_contents()
    assert len(set(names)) == len(names) > 1
    assert page.evaluate("ns => ns.every((n, i) => i === 0 || ns[i - 1].localeCompare(n) <= 0)", names)
    page.click("table.gate th:nth-child(7)")
    assert page.locator("table.gate tbody td.st").all_text_contents()[0] == "FAIL"
    # the sorted column says so (to screen readers too); the others no longer do
    assert page.get_attribute("table.gate th:nth-child(7)", "aria-sort") == "ascending"
    assert page.get_attribute("table.gate th:nth-child(1)", "aria-sort") is None


def test_english_source_is_shown_beside_the_german_and_escaped() -> None:
    pipeline = Pipeline(create_engines(["rules"], {}), Weights())
    src = "The meeting was <b>very</b> good."
    result = pipeline.run(Document(path="t.txt", text="Das Treffen war sehr gut.", source=src))
    page = render_score_html([result], pipeline.signature)
    bitext = page.split('<div class="bitext">')[1].split('</div></div>')[0]
    assert '<div lang="de">Das Treffen war sehr gut.</div>' in bitext
    assert "The meeting was &lt;b&gt;very&lt;/b&gt; good." in bitext


@browser
@needs_chromium
def test_filters_by_category_detector_and_only_flagged(page_factory, tmp_path: Path) -> None:
    result, signature = _astral_result()
    out = tmp_path / "filters.html"
    out.write_text(render_score_html([result], signature), encoding="utf-8")
    page, _ = page_factory(out)
    det = {k: f.detector for k, f in enumerate(result.findings)}
    cat = {k: f.category for k, f in enumerate(result.findings)}

    def shown() -> set[int]:
        return {k for k in det if "off" not in (page.get_attribute(f"mark#d0-f{k}", "class") or "")}

    assert shown() == set(det)
    page.select_option("#f-det", "test.probe3")
    assert shown() == {k for k, d in det.items() if d == "test.probe3"}
    probe1 = next(k for k, d in det.items() if d == "test.probe1")
    assert page.locator(f'[id="d0-f{probe1}-i"]').is_hidden()
    page.select_option("#f-det", "")
    other = sorted(set(cat.values()) - {"fluency"})
    if other:
        page.select_option("#f-cat", other[0])
        assert shown() == {k for k, c in cat.items() if c == other[0]}
    page.select_option("#f-cat", "fluency")
    assert shown() == {k for k, c in cat.items() if c == "fluency"}
    page.select_option("#f-cat", "")
    # only flagged sentences: the sentence rows without a finding disappear, the flagged ones stay
    rows = page.locator(".segrow")
    flagged = [i for i in range(rows.count()) if rows.nth(i).locator("li.fi").count()]
    assert 0 < len(flagged) < rows.count()
    page.check("#f-flagged")
    assert [i for i in range(rows.count()) if rows.nth(i).is_visible()] == flagged


@browser
@needs_chromium
@needs_seed
def test_seed_report_reads_with_javascript_off(page_factory, tmp_path: Path) -> None:
    out = tmp_path / "seed.html"
    js = tmp_path / "seed.json"
    assert _cli("score", str(SEED), "--format", "html", "-o", str(out)).returncode == 0
    assert _cli("score", str(SEED), "--format", "json", "-o", str(js)).returncode == 0
    findings = json.loads(js.read_text())["documents"][0]["findings"]
    page, requests = page_factory(out, javascript=False)
    assert page.evaluate("1 + 1") == 2  # evaluate still works: Playwright's own, not the page's
    assert page.locator("#tip").is_hidden()
    for k, f in enumerate(findings):
        mark = page.locator(f"mark#d0-f{k}")
        assert mark.is_visible()
        assert f["message"] in mark.get_attribute("title")
        item = page.locator(f'[id="d0-f{k}-i"]')
        assert item.is_visible() and f["message"] in item.text_content()
    assert all(u.startswith("file://") for u in requests), requests


def test_gate_page_is_byte_identical_between_runs(tmp_path: Path) -> None:
    first = _gate_page(tmp_path, XSS).read_bytes()
    assert _gate_page(tmp_path, XSS).read_bytes() == first


def test_gate_page_keeps_clean_passing_documents_short(tmp_path: Path) -> None:
    """A passing document with no finding: its line and its text, collapsed; no strip, no sentence rows."""
    page = _gate_page(tmp_path, XSS).read_text(encoding="utf-8")
    clean = page.split('<section class="doc clean" id="d1">')[1].split("</section>")[0]
    assert "no findings" in clean and "score <b>100.0</b>" in clean
    assert '<details><summary>text</summary><div class="text">Das ist gut.</div></details>' in clean
    assert "strip" not in clean and "segrow" not in clean
    assert '<a href="#d1">' in page  # the table still links to it
