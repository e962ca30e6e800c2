"""A clone without ../shared: the tests needing it skip with one reason; AUDITOR_REQUIRE_SHARED=1 fails them."""

from __future__ import annotations

import os
import shutil
import subprocess
import sys
from pathlib import Path

HERE = Path(__file__).resolve().parent

PROBE = '''
import pytest
from conftest import SHARED

@pytest.mark.shared(SHARED / "seed" / "nato-hegseth.de.txt")
def test_marked():
    pass

def test_fixture(seed_text):
    pass

def test_plain():
    pass
'''


def run_probe(tmp_path: Path, require: bool) -> subprocess.CompletedProcess[str]:
    clone = tmp_path / "clone" / "tests"  # no clone/../shared beside it
    clone.mkdir(parents=True)
    shutil.copy(HERE / "conftest.py", clone / "conftest.py")
    (clone / "test_probe.py").write_text(PROBE, encoding="utf-8")
    env = {k: v for k, v in os.environ.items() if k != "AUDITOR_REQUIRE_SHARED"}
    if require:
        env["AUDITOR_REQUIRE_SHARED"] = "1"
    return subprocess.run(
        [sys.executable, "-m", "pytest", "-q", "-rs", "-p", "no:cacheprovider", str(clone)],
        cwd=clone, env=env, capture_output=True, text=True, timeout=120,
    )


def test_without_shared_the_data_tests_skip_with_a_reason(tmp_path: Path) -> None:
    r = run_probe(tmp_path, require=False)
    assert r.returncode == 0, r.stdout + r.stderr
    assert "1 passed, 2 skipped" in r.stdout
    assert r.stdout.count("shared data missing:") == 2 and "a clone has none" in r.stdout


def test_auditor_require_shared_turns_the_skip_into_a_failure(tmp_path: Path) -> None:
    r = run_probe(tmp_path, require=True)
    assert r.returncode == 1, r.stdout + r.stderr
    assert "1 passed, 2 errors" in r.stdout  # failed in setup, before the test body
    assert "AUDITOR_REQUIRE_SHARED=1 requires it" in r.stdout


def test_ci_run_requires_the_shared_data() -> None:
    script = (HERE.parent / ".ci" / "run").read_text(encoding="utf-8")
    assert "AUDITOR_REQUIRE_SHARED=1" in script
    assert script.index("make setup") < script.index("make test")
