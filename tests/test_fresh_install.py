"""A plain `pip install .` into a fresh venv, off Debian's paths: the default engine scores the sample.

Slow (a venv and a dependency install, about a minute): marked ``slow``. It needs PyPI;
without it the test skips and says so. The dictionaries are copies outside every searched
place, found only through AUDITOR_DING and AUDITOR_HUNSPELL_DIR, as on a machine without
Debian's packages; the C hunspell binding is not installed, so the spylls fallback runs.
"""

from __future__ import annotations

import json
import os
import shutil
import subprocess
import sys
import venv
from pathlib import Path

import pytest

from auditor.resources import lexical as lx

ROOT = Path(__file__).resolve().parents[1]
SAMPLE = ROOT / "corpora" / "mt-sample-de.txt"

pytestmark = pytest.mark.slow


def _sources(dest: Path) -> None:
    """The project's tracked files (a build must not write into the checkout)."""
    files = subprocess.run(["git", "ls-files", "-z"], cwd=ROOT, capture_output=True, check=True).stdout
    for name in filter(None, files.decode().split("\0")):
        src = ROOT / name
        if src.is_file():
            (dest / name).parent.mkdir(parents=True, exist_ok=True)
            shutil.copy2(src, dest / name)


def test_plain_pip_install_gives_a_working_default_engine(tmp_path: Path) -> None:
    ding, hun = lx.find_ding(), lx.find_hunspell_dict()
    if ding is None or hun is None:
        pytest.skip("no Ding / Hunspell dictionary on this machine to copy")
    if shutil.which("git") is None:
        pytest.skip("git not installed (the test copies the tracked files)")
    dicts = tmp_path / "dicts"
    dicts.mkdir()
    shutil.copy(ding, dicts / "de-en.txt")
    for ext in (".dic", ".aff"):
        shutil.copy(f"{hun}{ext}", dicts / f"de_DE{ext}")
    src = tmp_path / "src"
    _sources(src)
    env_dir = tmp_path / "venv"
    venv.create(env_dir, with_pip=True)
    py = env_dir / "bin" / "python"
    env = {k: v for k, v in os.environ.items() if not k.startswith(("AUDITOR_", "VIRTUAL_ENV", "PYTHON"))}
    probe = subprocess.run(
        [str(py), "-m", "pip", "download", "--no-deps", "-q", "-d", str(tmp_path / "probe"), "spylls"],
        env=env, capture_output=True, text=True, timeout=300,
    )
    if probe.returncode != 0:
        pytest.skip(f"PyPI not reachable: {probe.stderr.strip()[-200:]}")
    install = subprocess.run(
        [str(py), "-m", "pip", "install", "-q", str(src)], env=env, capture_output=True, text=True, timeout=900
    )
    assert install.returncode == 0, install.stdout[-2000:] + install.stderr[-2000:]
    listed = subprocess.run([str(py), "-m", "pip", "list"], env=env, capture_output=True, text=True).stdout.lower()
    assert "spylls" in listed and "wordfreq" in listed and "simplemma" in listed

    run_env = {**env, "AUDITOR_DING": str(dicts / "de-en.txt"), "AUDITOR_HUNSPELL_DIR": str(dicts)}
    auditor = env_dir / "bin" / "auditor"
    out = subprocess.run(
        [str(auditor), "score", str(SAMPLE), "--format", "json"],
        env=run_env, capture_output=True, text=True, timeout=900, cwd=tmp_path,
    )
    assert out.returncode == 0, out.stderr[-3000:]
    report = json.loads(out.stdout)
    assert "lexical@" in report["signature"]  # the default engines, not rules alone
    doc = report["documents"][0]
    assert 0 < doc["score"] < 100 and doc["findings"]
    # the same score as this checkout's own install (C binding, Debian paths) gives
    here = subprocess.run(
        [str(Path(sys.executable).parent / "auditor"), "score", str(SAMPLE), "--format", "json", "--isolated"],
        capture_output=True, text=True, timeout=600, cwd=tmp_path,
    )
    assert here.returncode == 0, here.stderr[-2000:]
    assert doc["score"] == json.loads(here.stdout)["documents"][0]["score"]
    # and the lexical detectors do run (a calque the rules engine cannot see)
    calque = subprocess.run(
        [str(auditor), "score", "-", "--format", "jsonl"], input="Das ist alles, Voller Stopp, sagte er.\n",
        env=run_env, capture_output=True, text=True, timeout=600, cwd=tmp_path,
    )
    assert calque.returncode == 0, calque.stderr[-2000:]
    assert "lexical.calque" in {f["detector"] for f in json.loads(calque.stdout)["spans"]}
    doctor = subprocess.run([str(auditor), "doctor"], env=run_env, capture_output=True, text=True, timeout=300)
    assert doctor.returncode == 0, doctor.stdout
    assert "spylls" in doctor.stdout
