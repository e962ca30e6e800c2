"""`score` draws a progress bar on stderr only when it is a terminal (checked through a real pty)."""

from __future__ import annotations

import os
import pty
import subprocess
import sys
from pathlib import Path

import pytest

AUDITOR = Path(sys.executable).parent / "auditor"
pytestmark = pytest.mark.skipif(not AUDITOR.exists() or os.name != "posix", reason="needs the installed CLI and a pty")


def _inputs(tmp_path: Path) -> list[str]:
    names = []
    for n in range(3):
        f = tmp_path / f"d{n}.txt"
        f.write_text("Die NATO -Verbündeten trafen sich.\n", encoding="utf-8")
        names.append(str(f))
    return names


def test_progress_on_a_terminal(tmp_path: Path) -> None:
    args = [str(AUDITOR), "score", *_inputs(tmp_path), "--engine", "rules", "--isolated", "-o", str(tmp_path / "o.txt")]
    leader, follower = pty.openpty()
    proc = subprocess.Popen(args, stdin=subprocess.DEVNULL, stdout=subprocess.DEVNULL, stderr=follower, cwd=tmp_path)
    os.close(follower)
    seen = b""
    while True:
        try:
            chunk = os.read(leader, 4096)
        except OSError:  # the child closed the terminal
            break
        if not chunk:
            break
        seen += chunk
    os.close(leader)
    assert proc.wait(timeout=120) == 0
    text = seen.decode("utf-8", "replace")
    assert "3/3 documents" in text and "\r" in text


def test_no_progress_when_stderr_is_not_a_terminal(tmp_path: Path) -> None:
    r = subprocess.run(
        [str(AUDITOR), "score", *_inputs(tmp_path), "--engine", "rules", "--isolated", "--format", "jsonl"],
        capture_output=True, text=True, timeout=120, cwd=tmp_path,
    )
    assert r.returncode == 0 and r.stderr == ""
    assert len(r.stdout.splitlines()) == 3
