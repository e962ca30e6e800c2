"""``--executor dask`` on a real cluster: a ``dask scheduler`` and two ``dask worker`` processes.

The cluster is started by the test on 127.0.0.1 with random ports, exactly as a user
starts one (README "Scaling out"). What must hold: the reports are byte-identical to a
serial run (score JSON/JSONL, gate JUnit/SARIF/baseline); a worker killed by its PID in
the middle of a run changes nothing; a record that fails in a worker stops the run with
exit 2 naming the record, and no report is left half-written.
"""

from __future__ import annotations

import dataclasses
import json
import os
import signal
import subprocess
import sys
import time
from collections.abc import Iterator
from pathlib import Path

import pytest
from click.testing import CliRunner

from auditor.cli import main

distributed = pytest.importorskip("distributed", reason="the dask extra is not installed: pip install 'mt-auditor[dask]'")

pytestmark = pytest.mark.dask

ROOT = Path(__file__).resolve().parents[1]
SHARED = ROOT.parent / "shared"
DEV = SHARED / "eval" / "dev.jsonl"
SEED = SHARED / "seed" / "nato-hegseth.jsonl"
BIN = Path(sys.executable).parent
ENGINES = "rules,lexical"


def _need_shared() -> None:
    if not DEV.exists() or not SEED.exists():
        pytest.skip(f"shared data missing: {DEV} and {SEED} (expected beside the project root)")


class Cluster:
    """A scheduler and ``n`` workers (no nanny: a killed worker stays dead), our processes only."""

    def __init__(self, tmp: Path, n: int = 2) -> None:
        self.procs: list[subprocess.Popen[bytes]] = []
        self.log = tmp / "cluster.log"
        log = self.log.open("ab")
        sched_file = tmp / "scheduler.json"
        dask = str(BIN / "dask")
        self.procs.append(
            subprocess.Popen(
                [dask, "scheduler", "--host", "127.0.0.1", "--port", "0", "--no-dashboard",
                 "--scheduler-file", str(sched_file)],
                stdout=log, stderr=log,
            )
        )
        deadline = time.monotonic() + 30
        while not sched_file.exists() or not sched_file.read_text().strip():
            if time.monotonic() > deadline or self.procs[0].poll() is not None:
                raise RuntimeError(f"dask scheduler did not start:\n{self.log.read_text()}")
            time.sleep(0.1)
        self.address: str = json.loads(sched_file.read_text())["address"]
        self.workers = [
            subprocess.Popen(
                [dask, "worker", self.address, "--nthreads", "1", "--no-nanny", "--no-dashboard",
                 "--host", "127.0.0.1", "--name", f"w{i}"],
                stdout=log, stderr=log,
            )
            for i in range(n)
        ]
        self.procs.extend(self.workers)
        with distributed.Client(self.address, timeout="30s") as client:
            client.wait_for_workers(n, timeout=60)

    def close(self) -> None:
        """Workers first (they hold no state worth a graceful close), then the scheduler."""
        for p in self.workers:
            if p.poll() is None:
                p.kill()
        for p in self.workers:
            p.wait()
        scheduler = self.procs[0]
        scheduler.terminate()
        try:
            scheduler.wait(timeout=10)
        except subprocess.TimeoutExpired:
            scheduler.kill()
            scheduler.wait()


@pytest.fixture(scope="module")
def cluster(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Cluster]:
    c = Cluster(tmp_path_factory.mktemp("dask"))
    try:
        yield c
    finally:
        c.close()


@pytest.fixture(scope="module")
def inputs(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """120 dev records (with source) and the seed article's records, in a directory the gate walks."""
    _need_shared()
    d = tmp_path_factory.mktemp("inputs")
    lines = DEV.read_text(encoding="utf-8").splitlines(keepends=True)
    (d / "dev120.jsonl").write_text("".join(lines[:120]), encoding="utf-8")
    (d / "seed.jsonl").write_text(SEED.read_text(encoding="utf-8"), encoding="utf-8")
    return d


def cli(*args: str) -> tuple[int, str]:
    r = CliRunner().invoke(main, list(args), catch_exceptions=False)
    return r.exit_code, r.output


def test_score_and_gate_reports_are_byte_identical_to_serial(cluster: Cluster, inputs: Path, tmp_path: Path) -> None:
    dev = str(inputs / "dev120.jsonl")
    out: dict[str, dict[str, bytes]] = {}
    for name, how in (("serial", ["--executor", "serial"]), ("dask", ["--executor", "dask", "--scheduler", cluster.address])):
        files: dict[str, bytes] = {}
        for fmt in ("json", "jsonl"):
            target = tmp_path / f"{name}.{fmt}"
            code, text = cli("score", dev, "--isolated", "--engine", ENGINES, "--format", fmt, "-o", str(target), *how)
            assert code == 0, text
            files[fmt] = target.read_bytes()
        j, s, b = (tmp_path / f"{name}.{x}" for x in ("xml", "sarif", "baseline.json"))
        code, text = cli("gate", str(inputs), "--isolated", "--engine", ENGINES, "--junit", str(j), "--sarif", str(s), *how)
        assert code == 1, text  # some documents fail the default gate
        files["summary"] = text.encode()
        files["junit"], files["sarif"] = j.read_bytes(), s.read_bytes()
        code, text = cli("gate", str(inputs), "--isolated", "--engine", ENGINES, "--write-baseline", str(b), *how)
        assert code == 0, text
        files["baseline"] = b.read_bytes()
        out[name] = files
    assert out["dask"] == out["serial"]
    # and the run was real: every dev record came back, with findings
    records = [json.loads(line) for line in out["dask"]["jsonl"].splitlines()]
    assert len(records) == 120 and sum(len(r["spans"]) for r in records) > 30


def test_a_worker_killed_mid_run_changes_nothing(inputs: Path, tmp_path: Path) -> None:
    (tmp_path / "own").mkdir()
    c = Cluster(tmp_path / "own", 2)  # its own cluster: this test kills one of the workers
    try:
        big = tmp_path / "big.jsonl"
        dev = (inputs / "dev120.jsonl").read_text(encoding="utf-8")
        big.write_text(dev * 4, encoding="utf-8")  # 480 records: a few seconds on two workers
        serial = tmp_path / "serial.jsonl"
        assert cli("score", str(big), "--isolated", "--engine", ENGINES, "--format", "jsonl", "-o", str(serial))[0] == 0
        target = tmp_path / "dask.jsonl"
        run = subprocess.Popen(
            [str(BIN / "auditor"), "score", str(big), "--isolated", "--engine", ENGINES, "--format", "jsonl",
             "--executor", "dask", "--scheduler", c.address, "-o", str(target)],
            stdout=subprocess.PIPE, stderr=subprocess.PIPE,
        )
        # kill a worker once results are being written (the temporary beside the target grows)
        deadline = time.monotonic() + 60
        while not any(p.stat().st_size > 0 for p in tmp_path.glob(".dask.jsonl.*.tmp")):
            assert run.poll() is None, run.communicate()
            assert time.monotonic() < deadline, "no result written in 60 s"
            time.sleep(0.02)
        victim = c.workers[0]
        assert run.poll() is None  # mid-run: results are arriving, the run is not over
        os.kill(victim.pid, signal.SIGKILL)
        victim.wait(timeout=10)
        stdout, stderr = run.communicate(timeout=120)
        assert run.returncode == 0, stderr.decode()
        assert target.read_bytes() == serial.read_bytes()
        assert not list(tmp_path.glob(".dask.jsonl.*.tmp"))
    finally:
        c.close()


def test_a_record_that_fails_in_a_worker_is_exit_2_and_writes_nothing(
    cluster: Cluster, inputs: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """A record that passes validation but breaks an engine (here: its text is made a number
    after reading, as a reader bug would) stops the run, naming that record."""
    from auditor.io import stream

    real = stream.jsonl_document

    def slipped(path: str, line: str, lineno: int, options: object):  # type: ignore[no-untyped-def]
        doc = real(path, line, lineno, options)  # type: ignore[arg-type]
        if doc is not None and lineno == 90:  # validation only counts records: it lets this pass
            return dataclasses.replace(doc, text=12345)
        return doc

    monkeypatch.setattr(stream, "jsonl_document", slipped)
    target = tmp_path / "out.jsonl"
    target.write_text("previous report\n", encoding="utf-8")
    dev = str(inputs / "dev120.jsonl")
    code, text = cli("score", dev, "--isolated", "--engine", ENGINES, "--format", "jsonl",
                     "--executor", "dask", "--scheduler", cluster.address, "-o", str(target))
    assert code == 2, text
    assert f"{dev}:90" in text and "cannot score" in text
    assert target.read_text(encoding="utf-8") == "previous report\n"  # untouched
    assert sorted(p.name for p in tmp_path.iterdir()) == ["out.jsonl"]  # no temporary left
