"""`auditor score` from the command line: formats, determinism, errors, lazy imports."""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

import pytest
from click.testing import CliRunner

from auditor.cli import main

SAMPLE = Path(__file__).resolve().parents[1] / "corpora" / "mt-sample-de.txt"


def run(*args: str, input: str | bytes | None = None) -> tuple[int, str, str]:
    result = CliRunner().invoke(main, list(args), input=input)
    return result.exit_code, result.stdout, result.stderr


def test_text_output_highlights_and_summarises() -> None:
    code, out, _ = run("score", str(SAMPLE), "--engine", "rules")
    assert code == 0
    assert "[[EU -Kommissar]]" in out and "→ EU-Kommissar" in out
    assert "score " in out and "signature: auditor:" in out
    assert "\x1b[" not in out  # no colour when not a terminal


def test_json_schema_and_byte_identical_runs() -> None:
    code, out, _ = run("score", str(SAMPLE), "--engine", "rules", "--format", "json")
    assert code == 0
    report = json.loads(out)
    assert set(report) == {"version", "signature", "documents"}
    assert "engines:rules@1" in report["signature"] and "weights:1/5/25" in report["signature"]
    doc = report["documents"][0]
    assert {"path", "score", "penalty", "words", "findings", "segments"} <= set(doc)
    text = SAMPLE.read_text(encoding="utf-8")
    lines = text.split("\n")
    for f in doc["findings"]:
        assert set(f) == {"start", "end", "line", "column", "text", "category", "severity", "confidence",
                          "detector", "message", "suggestion"}
        assert text[f["start"] : f["end"]] == f["text"]
        assert lines[f["line"] - 1][f["column"] - 1 :].startswith(f["text"].split("\n")[0])
        assert f["severity"] in ("minor", "major", "critical") and 0 <= f["confidence"] <= 1
    for s in doc["segments"]:
        assert {"index", "start", "end", "line", "kind", "score", "text"} <= set(s)
        assert text[s["start"] : s["end"]] == s["text"]
    assert doc["penalty"] == 14 and doc["score"] < 90
    again = run("score", str(SAMPLE), "--engine", "rules", "--format", "json")[1]
    assert again == out


def test_jsonl_records_in_input_order(tmp_path: Path) -> None:
    feed = tmp_path / "feed.jsonl"
    feed.write_text(
        json.dumps({"id": "b", "mt_de": "Der US -Präsident sprach."}) + "\n"
        + json.dumps({"id": "a", "text": "Ein sauberer Satz."}) + "\n",
        encoding="utf-8",
    )
    code, out, _ = run("score", str(feed), "--engine", "rules", "--format", "jsonl")
    assert code == 0
    rows = [json.loads(line) for line in out.splitlines()]
    assert [r["id"] for r in rows] == ["b", "a"]
    assert list(rows[0]) == ["id", "score", "penalty", "mqm_estimate", "spans", "path"]
    assert rows[0]["mqm_estimate"] < 0
    assert rows[0]["spans"][0]["start"] == 4 and rows[0]["spans"][0]["text"] == "US -Präsident"
    assert rows[1]["spans"] == [] and rows[1]["score"] == 100.0


def test_stdin() -> None:
    code, out, _ = run("score", "-", "--engine", "rules", "--format", "json", input="Das ist etwas etwas neu.")
    assert code == 0
    assert json.loads(out)["documents"][0]["findings"][0]["text"] == "etwas etwas"


@pytest.mark.parametrize(
    ("content", "expected"),
    [
        (b"Gute Zeile\nschlechte \xff Zeile\n", "bad.txt:2: invalid UTF-8"),
        (b"\x00\x01\x02binary", "bad.txt:1: looks like a binary file"),
    ],
)
def test_bad_text_input_exits_2(tmp_path: Path, content: bytes, expected: str) -> None:
    bad = tmp_path / "bad.txt"
    bad.write_bytes(content)
    code, out, err = run("score", str(SAMPLE), str(bad), "--engine", "rules")
    assert code == 2 and out == ""
    assert expected in err


@pytest.mark.parametrize(
    ("lines", "expected"),
    [
        (['{"id": 1, "mt_de": "Gut."}', '{"id": 2, "mt_de": '], "feed.jsonl:2: malformed JSON"),
        (['{"id": 1, "mt_de": "Gut."}', '{"id": 2, "german": "x"}'], "feed.jsonl:2: missing text field"),
        (['[1, 2]'], "feed.jsonl:1: a JSONL line must be a JSON object"),
    ],
)
def test_bad_jsonl_exits_2_without_partial_output(tmp_path: Path, lines: list[str], expected: str) -> None:
    feed = tmp_path / "feed.jsonl"
    feed.write_text("\n".join(lines) + "\n", encoding="utf-8")
    out_file = tmp_path / "out.jsonl"
    code, out, err = run("score", str(feed), "--engine", "rules", "--format", "jsonl", "-o", str(out_file))
    assert code == 2 and out == "" and not out_file.exists()
    assert expected in err


def test_missing_file_and_unknown_engine_exit_2(tmp_path: Path) -> None:
    code, _, err = run("score", str(tmp_path / "nope.txt"), "--engine", "rules")
    assert code == 2 and "nope.txt: no such file" in err
    code, _, err = run("score", str(SAMPLE), "--engine", "rules,magic")
    assert code == 2 and "unknown engine 'magic'" in err


def test_output_file_written(tmp_path: Path) -> None:
    target = tmp_path / "report.json"
    code, out, _ = run("score", str(SAMPLE), "--engine", "rules", "--format", "json", "-o", str(target))
    assert code == 0 and out == ""
    assert json.loads(target.read_text(encoding="utf-8"))["documents"][0]["findings"]


@pytest.mark.parametrize("args", [["--help"], ["score", "--help"], ["gate", "--help"], ["eval", "--help"]])
def test_help_does_not_import_heavy_modules(args: list[str]) -> None:
    code = (
        "import sys\n"
        "from auditor.cli import main\n"
        f"try:\n    main({args!r})\n"
        "except SystemExit as e:\n    assert e.code == 0, e.code\n"
        "heavy = [m for m in ('torch', 'transformers', 'wordfreq', 'hunspell', 'HanTa') if m in sys.modules]\n"
        "assert not heavy, heavy\n"
    )
    proc = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True)
    assert proc.returncode == 0, proc.stderr
    assert "Usage:" in proc.stdout


def test_every_command_has_help() -> None:
    listing = run("--help")[1]
    for name in ("score", "doctor"):
        assert name in listing
        assert run(name, "--help")[0] == 0


def test_source_file_is_line_aligned_and_alignment_is_in_json() -> None:
    source = SAMPLE.with_name("mt-sample-en.txt")
    code, out, err = run("score", str(SAMPLE), "--source", str(source), "--format", "json")
    assert code == 0, err
    doc = json.loads(out)["documents"][0]
    second = doc["segments"][1]  # "Die EU -Kommission teilte den Mitgliedstaaten ... mit"
    lexical = second["lexical"]
    assert lexical["source_words"][:3] == ["The", "EU", "Commission"]
    pairs = {(lexical["target_words"][d], lexical["source_words"][e]) for d, e in lexical["alignment"]}
    assert ("Mitgliedstaaten", "member") in pairs or ("Mitgliedstaaten", "states") in pairs
    assert "gloss" in lexical


def test_source_needs_exactly_one_input() -> None:
    source = str(SAMPLE.with_name("mt-sample-en.txt"))
    code, _, err = run("score", str(SAMPLE), str(SAMPLE), "--source", source, "--engine", "rules")
    assert code == 2 and "--source goes with exactly one input file" in err


def test_doctor_not_ready_exits_3_never_1(monkeypatch) -> None:
    """1 is the failed gate's (and score --fail-on's) alone; doctor's "not ready" is 3."""
    monkeypatch.setenv("AUDITOR_DING", "/nonexistent/de-en")
    result = CliRunner().invoke(main, ["doctor"])
    assert result.exit_code == 3, result.output
    assert "MISSING" in result.output
