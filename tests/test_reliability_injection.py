"""Issue 11, CI injection end to end: hostile ids, guids, file names and text cannot start a workflow command.

GitHub Actions parses every stdout/stderr line of a step that starts (after leading
whitespace) with ``::``. The only such lines allowed are the tool's own ``--github``
annotations; no raw ESC may reach any output either (terminal control).
"""

from __future__ import annotations

import json
import os
import re
import subprocess
import sys
from pathlib import Path

import pytest

AUDITOR = os.path.join(os.path.dirname(sys.executable), "auditor")
ESC = "\x1b"
HOSTILE_FEED = """<?xml version="1.0"?><rss version="2.0"><channel><title>T</title>
<item><guid>a&#10;::error file=x.txt,line=1::INJECTED-BY-FEED</guid><title>Titel</title>
<description>Ein NATO -Test.</description></item>
<item><guid>b&#10;::add-mask::GITHUB</guid><title>Titel</title><description>Ein Satz.</description></item>
<item><guid>::warning::guid-at-start</guid><title>Titel</title><description>Der US -Präsident.</description></item>
</channel></rss>
"""
HOSTILE_JSONL = [
    {"id": "r1\n::error file=x,line=1::INJECTED-BY-ID", "mt_de": "Ein NATO -Test."},
    {"id": "r2\r\n::add-mask::SECRET", "mt_de": "Ein Satz \x1b]0;pwned\x07 mit NATO -Fehler."},
    {"id": "::stop-commands::tok", "mt_de": "Zweite Zeile\n::error file=y,line=2::FROM-TEXT\nund der US -Präsident."},
    {"id": 7, "mt_de": "Farbe \x1b[31mrot\x1b[0m im EU -Kommissar."},
]
# the command the runner would see: "::" after optional whitespace at the start of a line
COMMAND = re.compile(r"^\s*::")
OWN_ANNOTATION = re.compile(r"^::(error|warning|notice) (file=[^:\n]*,line=\d+[^\n]*|title=mt-auditor gate)::[^\n]*$")


@pytest.fixture()
def hostile(tmp_path: Path) -> Path:
    (tmp_path / "inject.rss").write_text(HOSTILE_FEED, encoding="utf-8")
    (tmp_path / "inject.jsonl").write_text(
        "".join(json.dumps(r) + "\n" for r in HOSTILE_JSONL), encoding="utf-8"
    )
    (tmp_path / "plain.txt").write_text(
        "Erste Zeile mit NATO -Fehler.\n::error file=z,line=1::FROM-TEXT-FILE\nTitel \x1b]0;x\x07 US -Präsident.\n",
        encoding="utf-8",
    )
    d = tmp_path / "tree"
    d.mkdir()
    (d / "::error file=n,line=1::NAME.txt").write_text("Ein NATO -Test.\n", encoding="utf-8")
    (d / "x\n::add-mask::NAME.txt").write_text("Ein US -Test.\n", encoding="utf-8")
    return tmp_path


def run(cwd: Path, *args: str) -> subprocess.CompletedProcess[str]:
    return subprocess.run([AUDITOR, *args], capture_output=True, text=True, cwd=cwd, timeout=300)


def assert_no_injection(r: subprocess.CompletedProcess[str], allow_annotations: bool = False) -> None:
    assert r.returncode in (0, 1), (r.returncode, r.stderr)
    for stream in (r.stdout, r.stderr):
        assert ESC not in stream
        for line in stream.splitlines():
            if COMMAND.match(line):
                assert allow_annotations and OWN_ANNOTATION.match(line), line
                assert "INJECTED" not in line.split("::", 2)[1], line  # payload only in escaped data


INPUTS = ["inject.rss", "inject.jsonl", "plain.txt", "tree"]


@pytest.mark.parametrize("fmt", ["text", "line"])
def test_score_human_formats_escape_hostile_input(hostile: Path, fmt: str) -> None:
    files = ["inject.rss", "inject.jsonl", "plain.txt"] + [str(p) for p in sorted((hostile / "tree").iterdir())]
    r = run(hostile, "score", *files, "--engine", "rules", "--format", fmt)
    assert r.returncode == 0, r.stderr
    assert "NATO" in r.stdout  # the report was printed
    assert_no_injection(r)
    if fmt == "text":
        assert "\\x1b" in r.stdout and "pwned\\x07" in r.stdout  # the text is shown, visibly escaped


def test_score_text_colour_codes_are_the_tools_own(hostile: Path) -> None:
    """With --color the tool's own SGR codes are the only ESC bytes (counted on a clean input)."""
    r = run(hostile, "score", "inject.jsonl", "--engine", "rules", "--color")
    assert "\x1b]" not in r.stdout and "\x07" not in r.stdout
    for seq in re.findall(r"\x1b[^m]*m", r.stdout):
        assert seq in ("\x1b[33m", "\x1b[31m", "\x1b[1;35m", "\x1b[0m"), repr(seq)


@pytest.mark.parametrize("extra", [[], ["--github"], ["-q", "--github"]])
def test_gate_table_and_annotations_escape_hostile_input(hostile: Path, extra: list[str]) -> None:
    r = run(hostile, "gate", *INPUTS, "--engine", "rules", "--min-score", "99", *extra)
    assert r.returncode == 1, r.stderr  # the hostile documents fail the gate: the table lists them
    assert_no_injection(r, allow_annotations="--github" in extra)
    if "--github" in extra:
        assert any(OWN_ANNOTATION.match(line) for line in r.stdout.splitlines())
    if "-q" not in extra:
        assert ".rss#a\\x0a::error" in r.stdout  # the guid is shown, escaped, not dropped


def test_error_messages_on_stderr_are_escaped(hostile: Path) -> None:
    bad = hostile / "bad\n::error::x.jsonl"
    bad.write_text('{"id": "a", "mt_de": 5}\n', encoding="utf-8")
    for cmd in (["score", bad.name], ["gate", bad.name], ["eval", bad.name]):
        r = run(hostile, *cmd, "--engine", "rules")
        assert r.returncode == 2, r.stderr
        assert len(r.stderr.strip().splitlines()) == 1, r.stderr
        assert not any(COMMAND.match(line) for line in r.stderr.splitlines()), r.stderr
