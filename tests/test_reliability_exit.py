"""Issue 11, exit codes and interruption, each checked on a real ``auditor`` process.

A crash must never read as "the gate failed" (1): it is 2 with one line and a hint to
rerun with ``-v``. SIGINT is 130, SIGTERM 143. SIGTERM to ``gate --jobs 2`` takes its
workers with it (checked by PID), and no run leaves a report or a ``.tmp`` behind.

The runs are made slow or broken by a small harness (``HARNESS`` below) that patches
the library inside the child process before calling the real CLI entry point, so the
timing of a signal does not depend on how fast this machine scores text.
"""

from __future__ import annotations

import errno
import json
import os
import signal
import subprocess
import sys
import time
from pathlib import Path

import pytest
from click.testing import CliRunner

from auditor.cli import main

SENTENCE = "Das ist ein kurzer Satz ohne Fehler.\n"

HARNESS = r"""
import os, sys, time
from pathlib import Path

mode = os.environ["HARNESS_MODE"]
marks = Path(os.environ["HARNESS_DIR"])

if mode == "crash":
    from auditor import pipeline
    def run_many(self, docs, *a, **k):
        raise RuntimeError("engine exploded")
    pipeline.Pipeline.run_many = run_many
elif mode == "slow":
    from auditor import pipeline
    def run_many(self, docs, *a, **k):
        (marks / "started").touch()
        time.sleep(60)
        return []
    pipeline.Pipeline.run_many = run_many
elif mode == "nowork":
    from auditor import pipeline
    original = pipeline.Pipeline.__init__
    def init(self, *a, **k):
        (marks / "engines-built").touch()
        original(self, *a, **k)
    pipeline.Pipeline.__init__ = init
elif mode == "slow-workers":
    from auditor import executors
    def _work(batch):
        (marks / f"worker-{os.getpid()}").touch()
        time.sleep(120)
        return []
    _work.__module__, _work.__qualname__ = "auditor.executors", "_work"
    executors._work = _work

elif mode == "slow-compile":
    from auditor.resources import lexical
    def _write_ding(tmp, src, data):
        tmp.write_bytes(b"half-written dictionary" * 1000)
        (marks / "compiling").touch()
        time.sleep(60)
    lexical._write_ding = _write_ding

from auditor.cli import main
sys.argv = ["auditor", *sys.argv[1:]]
main()
"""


def _start(
    args: list[str], mode: str, marks: Path, cwd: Path, env_extra: dict[str, str] | None = None
) -> subprocess.Popen[str]:
    env = {**os.environ, "HARNESS_MODE": mode, "HARNESS_DIR": str(marks), **(env_extra or {})}
    return subprocess.Popen(
        [sys.executable, "-c", HARNESS, *args],
        cwd=cwd,
        env=env,
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
        start_new_session=True,  # a signal to the test's group never reaches it by accident
    )


def _wait_for(predicate, timeout: float = 60.0) -> None:  # type: ignore[no-untyped-def]
    deadline = time.monotonic() + timeout
    while not predicate():
        if time.monotonic() > deadline:
            raise AssertionError("timed out waiting for the child process")
        time.sleep(0.05)


def _alive(pid: int) -> bool:
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    # a zombie (exited, not yet reaped by its new parent) counts as gone
    try:
        with open(f"/proc/{pid}/stat") as fh:
            return fh.read().rsplit(")", 1)[1].split()[0] != "Z"
    except OSError:
        return False


def _leftovers(directory: Path) -> list[str]:
    return sorted(p.name for p in directory.rglob("*") if p.is_file() and p.name != "in.txt")


@pytest.fixture()
def work(tmp_path: Path) -> tuple[Path, Path]:
    marks = tmp_path / "marks"
    marks.mkdir()
    out = tmp_path / "out"
    out.mkdir()
    (out / "in.txt").write_text(SENTENCE * 40, encoding="utf-8")
    return out, marks


@pytest.mark.parametrize("command", ["score", "eval", "gate"])
def test_internal_error_is_exit_2_with_one_line_and_a_hint(work: tuple[Path, Path], command: str) -> None:
    out, marks = work
    if command == "eval":
        (out / "in.txt").write_text(json.dumps({"id": "a", "mt_de": SENTENCE.strip()}) + "\n", encoding="utf-8")
    args = [command, "in.txt", "--engine", "rules"]
    proc = _start(args, "crash", marks, out)
    stdout, stderr = proc.communicate(timeout=120)
    assert proc.returncode == 2, stderr
    lines = stderr.strip().splitlines()
    assert len(lines) == 1 and "Traceback" not in stderr, stderr
    if command == "gate":  # the gate names the document that fails on its own instead
        assert lines[0] == "auditor gate: error: in.txt: cannot score: RuntimeError: engine exploded"
        return
    assert lines[0].startswith("auditor: internal error: in.txt") and "RuntimeError: engine exploded" in lines[0]
    assert "rerun with -v" in lines[0]
    proc = _start(["-v", *args], "crash", marks, out)
    _, stderr = proc.communicate(timeout=120)
    assert proc.returncode == 2 and "Traceback" in stderr


@pytest.mark.parametrize(
    ("sig", "code"), [(signal.SIGINT, 130), (signal.SIGTERM, 143)], ids=["SIGINT", "SIGTERM"]
)
@pytest.mark.parametrize("command", ["score", "gate"])
def test_signal_exit_codes_and_nothing_left(work: tuple[Path, Path], sig: int, code: int, command: str) -> None:
    out, marks = work
    args = (
        ["score", "in.txt", "--engine", "rules", "--format", "json", "-o", "r.json"]
        if command == "score"
        else ["gate", "in.txt", "--engine", "rules", "--junit", "j.xml", "--sarif", "s.sarif"]
    )
    proc = _start(args, "slow", marks, out)
    _wait_for(lambda: (marks / "started").exists())
    proc.send_signal(sig)
    _, stderr = proc.communicate(timeout=30)
    assert proc.returncode == code, stderr
    assert "Traceback" not in stderr
    assert _leftovers(out) == []


def test_sigterm_to_gate_jobs_2_terminates_its_workers(work: tuple[Path, Path]) -> None:
    out, marks = work
    (out / "in.txt").unlink()
    docs = out / "docs"
    docs.mkdir()
    for i in range(40):  # 40 files, batches of 16: three batches, so two workers get one each
        (docs / f"d{i:02}.txt").write_text(SENTENCE, encoding="utf-8")
    args = ["gate", "docs", "--engine", "rules", "--jobs", "2", "--junit", "j.xml", "--sarif", "s.sarif"]
    proc = _start(args, "slow-workers", marks, out)
    _wait_for(lambda: len(list(marks.glob("worker-*"))) == 2)
    workers = [int(p.name.split("-")[1]) for p in marks.glob("worker-*")]
    assert all(_alive(pid) for pid in workers)
    proc.send_signal(signal.SIGTERM)  # to the parent only, as a supervisor's `kill PID` does
    _, stderr = proc.communicate(timeout=30)
    assert proc.returncode in (143, -signal.SIGTERM), stderr
    _wait_for(lambda: not any(_alive(pid) for pid in workers), timeout=10)
    assert sorted(p.name for p in out.iterdir()) == ["docs"]  # no report, no .tmp


def test_score_output_into_a_missing_directory_fails_before_any_work(work: tuple[Path, Path]) -> None:
    out, marks = work
    proc = _start(["score", "in.txt", "--format", "json", "-o", "nodir/out.json"], "nowork", marks, out)
    _, stderr = proc.communicate(timeout=60)
    assert proc.returncode == 2
    assert "nodir/out.json: cannot write report: directory nodir does not exist" in stderr
    assert not (marks / "engines-built").exists()  # refused before an engine was built
    assert "Traceback" not in stderr


def test_eval_refuses_to_write_predictions_over_the_gold_file(tmp_path: Path) -> None:
    gold = tmp_path / "gold.jsonl"
    content = json.dumps({"id": "a", "mt_de": "Ein Satz.", "spans": []}) + "\n"
    gold.write_text(content, encoding="utf-8")
    for alias in (str(gold), str(tmp_path / "." / "gold.jsonl")):
        r = CliRunner().invoke(main, ["eval", str(gold), "--engine", "rules", "--predictions", alias])
        assert r.exit_code == 2, r.output
        assert "refusing to write a report over the input" in r.output
    link = tmp_path / "link.jsonl"
    link.symlink_to(gold)
    r = CliRunner().invoke(main, ["eval", str(gold), "--engine", "rules", "--predictions", str(link)])
    assert r.exit_code == 2
    assert gold.read_text(encoding="utf-8") == content


# ---------------------------------------------------------------------------- full disk


class _FullDisk:
    """``os.fsync`` that fails with ENOSPC from its ``nth`` call on, as a full disk does."""

    def __init__(self, nth: int) -> None:
        self.calls = 0
        self.nth = nth

    def __call__(self, fd: int) -> None:
        self.calls += 1
        if self.calls >= self.nth:
            raise OSError(errno.ENOSPC, os.strerror(errno.ENOSPC))


def test_full_disk_on_the_second_report_leaves_no_report_and_no_temporary(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    from auditor.io import atomic

    (tmp_path / "in.txt").write_text(SENTENCE, encoding="utf-8")
    monkeypatch.chdir(tmp_path)
    monkeypatch.setattr(atomic.os, "fsync", _FullDisk(2))
    r = CliRunner().invoke(main, ["gate", "in.txt", "--engine", "rules", "--junit", "j.xml", "--sarif", "s.sarif"])
    assert r.exit_code == 2, r.output
    assert "No space left on device" in r.output
    assert sorted(p.name for p in tmp_path.iterdir()) == ["in.txt"]


@pytest.mark.parametrize("command", ["score", "eval"])
def test_full_disk_on_score_and_eval_output_leaves_nothing(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, command: str
) -> None:
    from auditor.io import atomic

    src = tmp_path / "in.jsonl"
    src.write_text(json.dumps({"id": "a", "mt_de": SENTENCE.strip(), "spans": []}) + "\n", encoding="utf-8")
    monkeypatch.chdir(tmp_path)
    monkeypatch.setattr(atomic.os, "fsync", _FullDisk(1))
    args = (
        ["score", "in.jsonl", "--engine", "rules", "--format", "jsonl", "-o", "out.jsonl"]
        if command == "score"
        else ["eval", "in.jsonl", "--engine", "rules", "--predictions", "out.jsonl"]
    )
    r = CliRunner().invoke(main, args)
    assert r.exit_code == 2, r.output
    assert "out.jsonl: cannot write report: No space left on device" in r.output
    assert sorted(p.name for p in tmp_path.iterdir()) == ["in.jsonl"]


@pytest.mark.parametrize("sig", [signal.SIGTERM, signal.SIGINT], ids=["SIGTERM", "SIGINT"])
def test_signal_during_dictionary_compilation_removes_the_temporary(
    work: tuple[Path, Path], tmp_path: Path, sig: int
) -> None:
    out, marks = work
    cache = tmp_path / "cache"
    ding = tmp_path / "de-en"
    ding.write_text("Haus {n} :: house\n", encoding="utf-8")
    proc = _start(["score", "in.txt", "--engine", "lexical"], "slow-compile", marks, out,
                  {"AUDITOR_CACHE": str(cache), "AUDITOR_DING": str(ding)})
    _wait_for(lambda: (marks / "compiling").exists())
    assert [p for p in cache.iterdir() if p.name.endswith(".tmp")]  # the temporary exists mid-compilation
    proc.send_signal(sig)
    _, stderr = proc.communicate(timeout=30)
    assert proc.returncode == (143 if sig == signal.SIGTERM else 130), stderr
    assert not [p.name for p in cache.iterdir() if p.name.endswith(".tmp") or p.name.endswith(".sqlite")]
