"""`auditor score` output for terminals, editors and hooks: line format, -q, statistics, colour, feeds, stdin."""

from __future__ import annotations

import json
import re
from pathlib import Path

from click.testing import CliRunner

from auditor.cli import main
from auditor.io.writers import _highlight, use_color
from auditor.types import Finding

SAMPLE = Path(__file__).resolve().parents[1] / "corpora" / "mt-sample-de.txt"
LINE_RE = re.compile(r"^(?P<path>.+?):(?P<line>\d+):(?P<col>\d+): (?P<sev>minor|major|critical) (?P<det>\S+): .+$")


def run(*args: str, input: str | None = None, env: dict[str, str] | None = None) -> tuple[int, str]:
    result = CliRunner().invoke(main, list(args), input=input, env=env)
    return result.exit_code, result.stdout


def test_line_format_one_finding_a_line_with_position() -> None:
    code, out = run("score", str(SAMPLE), "--engine", "rules", "--format", "line")
    assert code == 0
    lines = out.splitlines()
    assert lines and all(LINE_RE.match(line) for line in lines), out
    first = LINE_RE.match(lines[0])
    assert first is not None
    assert first["path"] == str(SAMPLE) and (first["line"], first["col"]) == ("1", "1")
    assert lines[0].endswith("→ EU-Kommissar")
    _, js = run("score", str(SAMPLE), "--engine", "rules", "--format", "json")
    assert len(lines) == len(json.loads(js)["documents"][0]["findings"])


def test_only_flagged_prints_only_sentences_with_findings() -> None:
    clean_and_bad = "Das ist ein ganz normaler Satz.\nDie EU -Kommission tagt heute.\n"
    _, full = run("score", "-", "--engine", "rules", input=clean_and_bad)
    _, quiet = run("score", "-", "--engine", "rules", "-q", input=clean_and_bad)
    assert "ganz normaler Satz" in full
    assert "ganz normaler Satz" not in quiet
    assert "[[EU -Kommission]]" in quiet and "score " in quiet


def test_statistics_counts_per_detector_and_severity() -> None:
    code, out = run("score", str(SAMPLE), "--engine", "rules", "--statistics")
    assert code == 0
    _, js = run("score", str(SAMPLE), "--engine", "rules", "--format", "json")
    findings = json.loads(js)["documents"][0]["findings"]
    quote = sum(1 for f in findings if f["detector"] == "rules.quote_spacing")
    assert re.search(rf"^{quote}\s+rules\.quote_spacing\s+minor$", out, re.M), out
    assert re.search(rf"^{len(findings)}\s+total$", out, re.M), out


def test_fail_on_severity() -> None:
    text = "Die EU -Kommission tagt heute.\n"  # one minor finding
    assert run("score", "-", "--engine", "rules", "--fail-on", "minor", input=text)[0] == 1
    assert run("score", "-", "--engine", "rules", "--fail-on", "major", input=text)[0] == 0
    assert run("score", "-", "--engine", "rules", input=text)[0] == 0


def test_jsonl_carries_path_of_each_document(tmp_path: Path) -> None:
    a, b = tmp_path / "a.txt", tmp_path / "b.txt"
    a.write_text("Die EU -Kommission tagt.\n", encoding="utf-8")
    b.write_text("Ein Satz.\n", encoding="utf-8")
    _, out = run("score", str(a), str(b), "--engine", "rules", "--format", "jsonl")
    records = [json.loads(line) for line in out.splitlines()]
    assert [r["path"] for r in records] == [str(a), str(b)]


def test_stdin_filename_names_piped_input() -> None:
    text = "Die EU -Kommission tagt.\n"
    _, line = run("score", "-", "--engine", "rules", "--format", "line", "--stdin-filename", "docs/a.md", input=text)
    assert line.startswith("docs/a.md:1:5: ")
    _, js = run("score", "-", "--engine", "rules", "--format", "json", "--stdin-filename", "docs/a.md", input=text)
    assert json.loads(js)["documents"][0]["path"] == "docs/a.md"


def test_score_reads_feeds_per_item(tmp_path: Path) -> None:
    feed = tmp_path / "news.rss"
    feed.write_text(
        '<?xml version="1.0" encoding="utf-8"?><rss version="2.0"><channel><title>T</title>'
        "<item><guid>a1</guid><title>X</title><description>Die EU -Kommission tagt.</description></item>"
        "</channel></rss>",
        encoding="utf-8",
    )
    _, out = run("score", str(feed), "--engine", "rules", "--format", "jsonl")
    records = [json.loads(line) for line in out.splitlines()]
    assert records and all("version" not in s["text"] and "encoding" not in s["text"] for r in records for s in r["spans"])
    assert any(s["detector"] == "rules.detached_hyphen" for r in records for s in r["spans"])


def test_colour_environment() -> None:
    assert use_color(None, True, {}) is True
    assert use_color(None, True, {"NO_COLOR": "1"}) is False
    assert use_color(None, True, {"TERM": "dumb"}) is False
    assert use_color(None, False, {"FORCE_COLOR": "1"}) is True
    assert use_color(None, False, {"FORCE_COLOR": "0"}) is False
    assert use_color(False, True, {"FORCE_COLOR": "1"}) is False
    code, out = run("score", str(SAMPLE), "--engine", "rules", env={"FORCE_COLOR": "1"})
    assert code == 0 and "\x1b[" in out


def _finding(start: int, end: int, text: str, severity: str = "minor") -> Finding:
    return Finding(start, end, 1, start + 1, text[start:end], "artifact", severity, 1.0, "t", "m")  # type: ignore[arg-type]


def test_overlapping_highlights_cover_each_whole_extent() -> None:
    text = "Ein Voller Stopp “ hier."
    a = _finding(4, 16, text)  # "Voller Stopp"
    b = _finding(10, 18, text)  # " Stopp “" overlaps a
    assert _highlight(text, 0, [a, b], color=False) == "Ein [[Voller Stopp “]] hier."
    c = _finding(19, 23, text)
    assert _highlight(text, 0, [a, c], color=False) == "Ein [[Voller Stopp]] “ [[hier]]."
