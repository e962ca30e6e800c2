"""The composite GitHub Action: valid YAML of the right shape, and its shell steps run here."""

from __future__ import annotations

import json
import os
import re
import stat
import subprocess
import sys
from pathlib import Path

import pytest
import yaml  # type: ignore[import-untyped]  # comes with pre-commit (dev extra)

ROOT = Path(__file__).resolve().parents[1]
ACTION = yaml.safe_load((ROOT / "action.yml").read_text(encoding="utf-8"))
STEPS = ACTION["runs"]["steps"]
FLAGGED = "Die NATO -Verbündeten haben sich am Mittwoch in Brüssel getroffen und beraten.\n"


def step(name: str) -> dict:
    return next(s for s in STEPS if s.get("name") == name)


def test_shape_cache_and_upload_on_failure() -> None:
    assert ACTION["runs"]["using"] == "composite"
    cache = next(s for s in STEPS if str(s.get("uses", "")).startswith("actions/cache@"))
    assert cache["with"]["path"] == "~/.cache/mt-auditor"
    upload = next(s for s in STEPS if str(s.get("uses", "")).startswith("github/codeql-action/upload-sarif@"))
    assert "always()" in upload["if"]
    assert STEPS.index(cache) < STEPS.index(step("Install mt-auditor")) < STEPS.index(step("Run the gate"))
    assert STEPS.index(step("Install the dictionaries")) < STEPS.index(step("Run the gate")) < STEPS.index(upload)
    for s in STEPS:
        if "run" in s:
            assert s["shell"] == "bash"
            assert "${{" not in s["run"], "inputs reach scripts through env only (no injection)"


def _resolve(env: dict[str, str], values: dict[str, str]) -> dict[str, str]:
    return {k: re.sub(r"\$\{\{\s*([\w.-]+)\s*\}\}", lambda m: values[m.group(1)], v) for k, v in env.items()}


def _run(s: dict, tmp: Path, values: dict[str, str], path_dirs: list[Path]) -> subprocess.CompletedProcess[str]:
    env = {**os.environ, **_resolve(s.get("env", {}), values)}
    env["PATH"] = os.pathsep.join([*(str(p) for p in path_dirs), env["PATH"]])
    return subprocess.run(["bash", "-c", s["run"]], cwd=tmp, env=env, capture_output=True, text=True, timeout=600)


def _stub(folder: Path, name: str, body: str) -> None:
    folder.mkdir(exist_ok=True)
    f = folder / name
    f.write_text("#!/usr/bin/env bash\n" + body + "\n", encoding="utf-8")
    f.chmod(f.stat().st_mode | stat.S_IEXEC)


def test_the_dictionary_step_installs_the_debian_packages(tmp_path: Path) -> None:
    stubs = tmp_path / "bin"
    log = tmp_path / "calls.log"
    _stub(stubs, "sudo", f'echo "sudo $*" >> {log}')
    _stub(stubs, "apt-get", f'echo "apt-get $*" >> {log}')
    r = _run(step("Install the dictionaries"), tmp_path, {}, [stubs])
    assert r.returncode == 0, r.stderr
    calls = log.read_text(encoding="utf-8")
    assert "apt-get update" in calls and "apt-get install -y -qq trans-de-en hunspell-de-de" in calls


def test_the_install_step_installs_the_action_checkout(tmp_path: Path) -> None:
    stubs = tmp_path / "bin"
    log = tmp_path / "calls.log"
    _stub(stubs, "python", f'echo "python $*" >> {log}')
    _stub(stubs, "auditor", f'echo "auditor $*" >> {log}; exit 3')  # not ready must not stop the step
    r = _run(step("Install mt-auditor"), tmp_path, {"github.action_path": str(ROOT)}, [stubs])
    assert r.returncode == 0, r.stderr
    assert f"python -m pip install --quiet {ROOT}" in log.read_text(encoding="utf-8")


def test_the_gate_step_runs_the_real_gate_and_writes_sarif(tmp_path: Path) -> None:
    (tmp_path / "content").mkdir()
    (tmp_path / "content" / "artikel.txt").write_text(FLAGGED, encoding="utf-8")
    bindir = Path(sys.executable).parent
    if not (bindir / "auditor").exists():
        pytest.skip("auditor is not installed beside this Python")
    values = {"inputs.paths": "content", "inputs.args": "--engine rules --max-minor 0 --isolated",
              "inputs.sarif": "out.sarif"}
    r = _run(step("Run the gate"), tmp_path, values, [bindir])
    assert r.returncode == 1, r.stdout + r.stderr  # the gate failed: the step fails, the upload still runs
    assert r.stdout.startswith("::error file=") and "failed the quality gate" in r.stdout.splitlines()[0]
    log = json.loads((tmp_path / "out.sarif").read_text(encoding="utf-8"))
    assert log["runs"][0]["results"][0]["ruleId"] == "rules.detached_hyphen"
    (tmp_path / "content" / "artikel.txt").write_text(FLAGGED.replace("NATO -", "NATO-"), encoding="utf-8")
    assert _run(step("Run the gate"), tmp_path, values, [bindir]).returncode == 0
