"""Regression tests for issue 11: report writing never destroys a file, escaping, exit codes."""

from __future__ import annotations

import os
import stat
import subprocess
import sys

import pytest

from auditor.errors import AuditorError
from auditor.io import atomic
from auditor.io.reports import safe


def test_fifo_is_written_through_not_replaced(tmp_path):
    fifo = tmp_path / "pipe"
    os.mkfifo(fifo)
    reader = subprocess.Popen(["cat", str(fifo)], stdout=subprocess.PIPE)
    atomic.write_atomic(str(fifo), "hello\n")
    assert reader.communicate(timeout=10)[0] == b"hello\n"
    assert stat.S_ISFIFO(os.stat(fifo).st_mode)


def test_existing_file_keeps_mode_and_symlink_target_gets_content(tmp_path):
    target = tmp_path / "t.json"
    target.write_text("old")
    os.chmod(target, 0o644)
    link = tmp_path / "link.json"
    link.symlink_to(target)
    atomic.write_atomic(str(link), "new")
    assert link.is_symlink() and target.read_text() == "new"
    assert stat.S_IMODE(os.stat(target).st_mode) == 0o644


def test_output_equal_to_input_or_shared_between_reports_is_refused(tmp_path):
    gold = tmp_path / "gold.jsonl"
    gold.write_text("{}\n")
    with pytest.raises(AuditorError, match="over the input"):
        atomic.check_outputs([str(gold)], [str(gold)])
    with pytest.raises(AuditorError, match="same file"):
        atomic.check_outputs([str(tmp_path / "x"), str(tmp_path / "x")])
    with pytest.raises(AuditorError, match="does not exist"):
        atomic.check_outputs([str(tmp_path / "nodir" / "out.json")])


def test_report_set_leaves_nothing_when_one_fails(tmp_path):
    good = tmp_path / "j.xml"
    with pytest.raises(AuditorError):
        atomic.write_reports([(str(good), "junit"), (str(tmp_path / "nodir" / "s.sarif"), "sarif")])
    assert list(tmp_path.iterdir()) == []


def test_control_characters_cannot_inject_workflow_commands():
    out = safe("id\n::error file=x,line=1::pwned\x1b]0;title\x07")
    assert "\n" not in out and "\x1b" not in out
    assert not any(line.startswith("::") for line in out.splitlines())


def test_score_refuses_to_overwrite_its_input_exit_2(tmp_path):
    src = tmp_path / "in.txt"
    src.write_text("Das ist ein Satz.\n")
    r = subprocess.run([os.path.join(os.path.dirname(sys.executable), "auditor"), "score", str(src), "--engine", "rules", "-o", str(src)],
                       capture_output=True, text=True)
    assert r.returncode == 2, r.stderr
    assert src.read_text() == "Das ist ein Satz.\n"
