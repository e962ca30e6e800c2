"""GitHub Actions output: annotations within GitHub's per-step limits, and the step summary."""

from __future__ import annotations

from collections import Counter
from pathlib import Path

import pytest
from click.testing import CliRunner
from test_reports import sample_gate

from auditor.cli import main
from auditor.io import github


def levels(lines: list[str]) -> Counter[str]:
    return Counter(line[2:].split(" ", 1)[0] for line in lines)


def test_failure_lines_first_then_findings_most_severe_first() -> None:
    lines = github.commands(sample_gate())
    assert all(line.startswith("::") for line in lines)
    failures = [n for n, line in enumerate(lines) if "failed the quality gate" in line]
    assert failures == [0, 1]  # both failed documents, before any finding
    order = [line[2:].split(" ", 1)[0] for line in lines[2:]]
    assert order == ["error", "warning", "notice", "notice"]  # critical, major, minor, minor
    assert "lexical.calque" in lines[2] and "rules.detached_hyphen" in lines[3]


def test_cap_per_level_with_a_closing_line() -> None:
    limits = {"error": 2, "warning": 1, "notice": 2}
    lines = github.commands(sample_gate(), limits)
    count = levels(lines)
    assert all(count[k] <= n for k, n in limits.items())
    assert lines[0].startswith("::error ") and "failed the quality gate" in lines[0]
    closing = lines[-1]
    assert closing.startswith("::notice title=mt-auditor gate::")
    # 2 failures + 1 critical errors > 2; notices: 2 minors, one slot taken by the closing line
    assert "2 more annotations left out (1 error, 1 notice)" in closing
    assert sum(count.values()) == 5


def test_nothing_left_out_means_no_closing_line() -> None:
    lines = github.commands(sample_gate())
    assert not any("left out" in line for line in lines)


def test_step_summary_is_appended_not_replaced(tmp_path: Path) -> None:
    target = tmp_path / "summary.md"
    target.write_text("## an earlier step\n", encoding="utf-8")
    gate = sample_gate()
    assert github.append_step_summary(gate, {"GITHUB_STEP_SUMMARY": str(target)}) == str(target)
    text = target.read_text(encoding="utf-8")
    assert text.startswith("## an earlier step\n### mt-auditor quality gate FAILED")
    assert "| docs/bad, 50%.txt |" in text and "**FAIL**: " in text
    rows = [line for line in text.splitlines() if line.startswith("| docs/") or "news.rss" in line]
    assert rows[0].startswith("| docs/bad, 50%.txt")  # failed documents first
    assert "| lexical.calque | Voller Stopp |" in text
    assert github.append_step_summary(gate, {}) is None


def test_step_summary_cells_cannot_break_the_table() -> None:
    from test_reports import make_result

    from auditor.config import Config
    from auditor.gate import decide
    from auditor.types import Document

    doc = Document("a|b.txt", "Die NATO -Verbündeten | trafen sich.")
    gate = decide([make_result(doc, [("NATO -Verbündeten |", "critical", "rules.detached_hyphen", "artifact")])],
                  Config())
    md = github.step_summary(gate)
    assert "| a\\|b.txt |" in md and "NATO -Verbündeten \\|" in md


SEED = Path(__file__).resolve().parents[2] / "shared" / "seed" / "nato-hegseth.de.txt"


@pytest.mark.shared(SEED)
def test_seed_annotations_fit_github_limits(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.chdir(tmp_path)
    summary = tmp_path / "step.md"
    monkeypatch.setenv("GITHUB_STEP_SUMMARY", str(summary))
    out = CliRunner().invoke(
        main, ["gate", str(SEED), "--github", "-q", "--sarif", "s.sarif"], catch_exceptions=False
    )
    assert out.exit_code == 1
    lines = out.output.splitlines()
    assert all(line.startswith("::") for line in lines)  # -q --github: annotations only
    assert "failed the quality gate" in lines[0]
    count = levels(lines)
    assert count["error"] <= 10 and count["warning"] <= 10 and count["notice"] <= 10
    assert "left out" in lines[-1]
    left = int(lines[-1].split("::", 2)[2].split(" ", 1)[0])
    import json

    findings = len(json.loads((tmp_path / "s.sarif").read_text(encoding="utf-8"))["runs"][0]["results"])
    assert findings > 20  # more than GitHub would show unordered
    assert sum(count.values()) - 1 + left == findings + 1  # every finding shown or counted, plus the failure
    assert "quality gate FAILED" in summary.read_text(encoding="utf-8")
