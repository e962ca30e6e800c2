"""``auditor eval --html`` and the curves behind it, on a real slice of the MQM dev set.

The curves (:mod:`auditor.curves`) are checked against a full :func:`auditor.evaluate.evaluate`
of the same spans, so the pictures show exactly ``auditor eval``'s figures; the page is
checked for byte-stability, for never overwriting its input, and in a real Chromium.
"""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from click.testing import CliRunner
from test_html import browser, needs_chromium, page_factory  # noqa: F401  (the fixture)

from auditor.cli.eval_cmd import audit_gold, eval_command
from auditor.curves import groups_by_confidence, operating_curve, per_detector, reliability
from auditor.errors import ResourceMissing
from auditor.evaluate import Prediction, Span, evaluate
from auditor.io.gold import read_gold

DEV = Path(__file__).resolve().parents[2] / "shared" / "eval" / "dev.jsonl"


@pytest.fixture(scope="module")
def subset(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """120 dev records: news from the start of the file and TED talks from its end."""
    if not DEV.exists():
        pytest.skip(f"shared data absent: {DEV}")
    lines = DEV.read_text(encoding="utf-8").splitlines(keepends=True)
    path = tmp_path_factory.mktemp("eval") / "dev120.jsonl"
    path.write_text("".join(lines[:60] + lines[-60:]), encoding="utf-8")
    return path


@pytest.fixture(scope="module")
def dev_run(subset: Path):
    gold = read_gold(str(subset))
    try:
        _pipeline, results, _load, _run = audit_gold(str(subset), gold, ["rules", "lexical"])
    except ResourceMissing as exc:
        pytest.skip(f"lexical engine unavailable: {exc}")
    return gold, [r.findings for r in results]


def _spans(findings) -> tuple[Span, ...]:
    return tuple(Span(f.start, f.end, f.severity, f.category, f.detector) for f in findings)


def test_operating_curve_steps_equal_a_full_evaluate(dev_run) -> None:
    gold, findings = dev_run
    groups = groups_by_confidence(findings)
    points = operating_curve(gold, groups)
    assert len(points) == len(groups) > 5
    assert [p.confidence for p in points] == sorted((p.confidence for p in points), reverse=True)
    chosen: list[set[int]] = [set() for _ in gold]
    for g, point in zip(groups, points, strict=True):
        det, conf = g.label.split(" @ ")
        for i, found in enumerate(findings):
            chosen[i].update(k for k, f in enumerate(found)
                             if f.detector == det and f"{round(float(f.confidence), 6):.3f}" == conf)  # fmt: skip
        preds = [Prediction(_spans(f for k, f in enumerate(found) if k in chosen[i]), None)
                 for i, found in enumerate(findings)]  # fmt: skip
        full = evaluate(gold, preds).auditor.severity
        assert (point.precision, point.recall) == pytest.approx((full.precision, full.recall), abs=1e-12)
    # the last point is the run as reported
    every = evaluate(gold, [Prediction(_spans(found), None) for found in findings]).auditor.severity
    assert points[-1].precision == pytest.approx(every.precision) and points[-1].recall == pytest.approx(every.recall)


def test_reliability_bin_precision_is_that_bins_eval_precision(dev_run) -> None:
    gold, findings = dev_run
    bins = reliability(gold, findings)
    assert sum(b.findings for b in bins) == sum(len(f) for f in findings)
    assert len({b.detector for b in bins}) > 3
    for b in bins:
        def inside(f, b=b) -> bool:
            return f.detector == b.detector and (b.lo <= f.confidence < b.hi or (b.hi == 1.0 and f.confidence >= 1.0))

        preds = [Prediction(_spans(f for f in found if inside(f)), None) for found in findings]
        full = evaluate(gold, preds).auditor.severity
        assert b.predicted_chars == full.predicted_chars
        assert b.precision == pytest.approx(full.precision, abs=1e-12)
        assert b.lo - 1e-9 <= b.mean_confidence <= b.hi + 1e-9 or b.predicted_chars == 0  # a char-weighted mean


def test_per_detector_is_each_detector_alone(dev_run) -> None:
    gold, findings = dev_run
    rows = per_detector(gold, findings)
    assert [r.detector for r in rows] == sorted({f.detector for found in findings for f in found})
    for r in rows:
        preds = [Prediction(_spans(f for f in found if f.detector == r.detector), None) for found in findings]
        full = evaluate(gold, preds).auditor.severity
        assert (r.prf.precision, r.prf.recall) == pytest.approx((full.precision, full.recall), abs=1e-12)


def _eval_html(subset: Path, out: Path) -> str:
    r = CliRunner().invoke(
        eval_command, [str(subset), "--engine", "rules,lexical", "--html", str(out), "--format", "json"],
        catch_exceptions=False,
    )
    assert r.exit_code == 0, r.output
    return r.stdout


@pytest.fixture(scope="module")
def eval_page(subset: Path, dev_run, tmp_path_factory: pytest.TempPathFactory) -> tuple[Path, dict]:
    out = tmp_path_factory.mktemp("page") / "eval.html"
    report = json.loads(_eval_html(subset, out))
    return out, report


def test_eval_page_is_byte_identical_and_shows_the_reported_rho(subset: Path, eval_page, tmp_path: Path) -> None:
    from scipy.stats import spearmanr

    out, report = eval_page
    again = tmp_path / "again.html"
    _eval_html(subset, again)
    assert out.read_bytes() == again.read_bytes()
    page = out.read_text(encoding="utf-8")
    for cls in ("bars", "reliability", "curve", "scatter"):
        assert f'<svg class="{cls}"' in page
    assert "<script" not in page
    gold = [json.loads(line)["score"] for line in subset.read_text(encoding="utf-8").splitlines()]
    # the page's estimate is the one auditor eval correlates: recompute rho from the dots' titles
    est = [float(t.split("estimate ")[1].split("<")[0]) for t in page.split('<circle class="pt" cx=')[1:]
           if "estimate " in t.split("</circle>")[0]]  # fmt: skip
    assert len(est) == len(gold)
    rho = report["correlation_estimate"]["spearman"]
    assert f"Spearman ρ {rho:.3f}" in page
    assert rho == pytest.approx(spearmanr(est, gold).statistic, abs=0.02)  # dots are rounded to 2 decimals


def test_eval_html_never_overwrites_the_gold_file(subset: Path) -> None:
    before = subset.read_bytes()
    r = CliRunner().invoke(eval_command, [str(subset), "--engine", "rules", "--html", str(subset)])
    assert r.exit_code == 2
    assert "refusing to write a report over the input" in r.output
    assert subset.read_bytes() == before


@browser
@needs_chromium
def test_eval_page_in_browser_offline_with_its_charts(page_factory, eval_page) -> None:  # noqa: F811
    out, report = eval_page
    page, requests = page_factory(out)
    assert page.locator("svg.bars").count() == 1
    assert page.locator("svg.reliability").count() == len(report["per_detector"])
    assert page.locator("svg.curve circle").count() > 5
    assert page.locator("svg.scatter circle").count() == report["records"]
    detectors = sorted(report["per_detector"])
    bars = page.locator("svg.bars rect[data-precision]")
    assert sorted(set(bars.evaluate_all("rs => rs.map(r => r.dataset.det)"))) == sorted(
        ["all-minor reference", "this run (all detectors)", *detectors]
    )
    ref = page.locator('svg.bars rect[data-det="all-minor reference"][data-precision]').get_attribute("data-precision")
    assert float(ref) == pytest.approx(report["all_minor"]["severity"]["precision"], abs=5e-4)
    assert page.locator("svg.bars").bounding_box()["width"] > 300  # drawn, not empty
    assert all(u.startswith("file://") for u in requests), requests


SEED = DEV.parents[1] / "seed" / "nato-hegseth.jsonl"


@pytest.mark.skipif(not SEED.exists(), reason=f"shared data absent: {SEED}")
def test_eval_page_without_gold_scores_says_so(tmp_path: Path) -> None:
    """The seed file has no segment scores: the page still renders, and says why there is no scatter."""
    out = tmp_path / "seed.html"
    r = CliRunner().invoke(eval_command, [str(SEED), "--engine", "rules", "--html", str(out)], catch_exceptions=False)
    assert r.exit_code == 0, r.output
    page = out.read_text(encoding="utf-8")
    assert "No record has both a gold score and an mqm_estimate." in page
    assert '<svg class="bars"' in page and '<svg class="curve"' in page
    assert "Spearman ρ n/a" in page
