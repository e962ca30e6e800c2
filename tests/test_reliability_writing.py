"""Issue 11, writing results and reading directories: the end-to-end cases the probe reproduced.

Each runs the real ``auditor`` in a subprocess: a device node stays a device, a new
report gets the umask's mode, ``--junit X --sarif X`` is refused, and a FIFO inside a
gated directory is skipped with a note instead of hanging the gate.
"""

from __future__ import annotations

import os
import stat
import subprocess
import sys
from pathlib import Path

import pytest

AUDITOR = os.path.join(os.path.dirname(sys.executable), "auditor")
TEXT = "Das ist ein kurzer Satz ohne Fehler.\n"


def run(cwd: Path, *args: str, umask: int | None = None) -> subprocess.CompletedProcess[str]:
    def preexec() -> None:
        if umask is not None:
            os.umask(umask)

    return subprocess.run([AUDITOR, *args], cwd=cwd, capture_output=True, text=True, timeout=60, preexec_fn=preexec)


@pytest.mark.skipif(os.geteuid() != 0, reason="creating a device node needs root (as CI containers run)")
def test_report_to_a_device_node_writes_through_and_keeps_the_device(tmp_path: Path) -> None:
    (tmp_path / "in.txt").write_text(TEXT, encoding="utf-8")
    null = tmp_path / "null"
    os.mknod(null, 0o666 | stat.S_IFCHR, os.makedev(1, 3))  # a private /dev/null
    for args in (["score", "in.txt", "--engine", "rules", "--format", "json", "-o", "null"],
                 ["gate", "in.txt", "--engine", "rules", "--junit", "null", "-q"]):
        r = run(tmp_path, *args)
        assert r.returncode == 0, r.stderr
        st = os.lstat(null)
        assert stat.S_ISCHR(st.st_mode) and st.st_rdev == os.makedev(1, 3)
    assert sorted(p.name for p in tmp_path.iterdir()) == ["in.txt", "null"]  # no temporary left


def test_new_report_gets_the_umask_mode(tmp_path: Path) -> None:
    (tmp_path / "in.txt").write_text(TEXT, encoding="utf-8")
    r = run(tmp_path, "gate", "in.txt", "--engine", "rules", "--junit", "j.xml", "--sarif", "s.sarif", "-q",
            umask=0o022)
    assert r.returncode == 0, r.stderr
    for name in ("j.xml", "s.sarif"):
        assert stat.S_IMODE(os.stat(tmp_path / name).st_mode) == 0o644  # not mkstemp's 0600


def test_two_reports_on_one_path_are_refused_before_any_work(tmp_path: Path) -> None:
    (tmp_path / "in.txt").write_text(TEXT, encoding="utf-8")
    r = run(tmp_path, "gate", "in.txt", "--engine", "rules", "--junit", "same.out", "--sarif", "same.out")
    assert r.returncode == 2
    assert "two reports would be written to the same file" in r.stderr
    assert not (tmp_path / "same.out").exists()


@pytest.mark.parametrize("option", ["--junit", "--write-baseline"])
def test_gate_refuses_to_write_a_report_over_its_input(tmp_path: Path, option: str) -> None:
    (tmp_path / "in.txt").write_text(TEXT, encoding="utf-8")
    r = run(tmp_path, "gate", "in.txt", "--engine", "rules", option, "in.txt")
    assert r.returncode == 2 and "refusing to write a report over the input" in r.stderr
    assert (tmp_path / "in.txt").read_text(encoding="utf-8") == TEXT


def test_fifo_inside_a_gated_directory_is_skipped_not_waited_for(tmp_path: Path) -> None:
    tree = tmp_path / "tree"
    tree.mkdir()
    (tree / "a.txt").write_text(TEXT, encoding="utf-8")
    os.mkfifo(tree / "b.txt")  # nobody ever writes to it: reading it would block for ever
    r = run(tmp_path, "gate", "tree", "--engine", "rules", "--junit", "j.xml")
    assert r.returncode == 0, r.stderr
    assert "skipped" in r.stderr and "b.txt" in r.stderr and "not a regular file" in r.stderr
    assert "a.txt" in (tmp_path / "j.xml").read_text(encoding="utf-8")
