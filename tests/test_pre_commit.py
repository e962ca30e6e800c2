"""The pre-commit hook, through the real `pre-commit try-repo` on a temporary git repository.

Slow (pre-commit builds the hook's virtualenv and pip-installs this project, about a
minute): marked ``slow``; skipped with the reason when pre-commit, git or PyPI is absent.
"""

from __future__ import annotations

import os
import shutil
import subprocess
import sys
from pathlib import Path

import pytest
import yaml  # type: ignore[import-untyped]  # comes with pre-commit

from auditor.resources import lexical as lx

ROOT = Path(__file__).resolve().parents[1]
CLEAN = ROOT / "corpora" / "clean-de.txt"
SEED = ROOT.parent / "shared" / "seed" / "nato-hegseth.de.txt"

pytestmark = pytest.mark.slow


def pre_commit() -> list[str] | None:
    exe = Path(sys.executable).parent / "pre-commit"
    if exe.exists():
        return [str(exe)]
    found = shutil.which("pre-commit")
    return [found] if found else None


def test_the_hook_declaration() -> None:
    hooks = yaml.safe_load((ROOT / ".pre-commit-hooks.yaml").read_text(encoding="utf-8"))
    (hook,) = hooks
    assert hook["id"] == "auditor" and hook["entry"] == "auditor gate" and hook["language"] == "python"
    import re

    pattern = re.compile(hook["files"])
    for name in ("a.txt", "docs/b.md", "feed.jsonl", "news.rss", "news.atom"):
        assert pattern.search(name), name
    assert not pattern.search("setup.py")


@pytest.mark.shared(SEED)
@pytest.mark.skipif(pre_commit() is None, reason="pre-commit not installed (pip install 'mt-auditor[dev]')")
@pytest.mark.skipif(shutil.which("git") is None, reason="git not installed")
def test_try_repo_passes_on_clean_german_and_fails_on_the_seed(tmp_path: Path) -> None:
    if lx.find_ding() is None or lx.find_hunspell_dict() is None:
        pytest.skip("the hook's default engines need Ding and Hunspell de_DE")
    tool = pre_commit()
    assert tool
    repo = tmp_path / "content"
    repo.mkdir()
    env = {
        **{k: v for k, v in os.environ.items() if not k.startswith(("VIRTUAL_ENV", "PYTHONPATH"))},
        "PRE_COMMIT_HOME": str(tmp_path / "pre-commit-home"),
        "GIT_AUTHOR_NAME": "t", "GIT_AUTHOR_EMAIL": "t@example.invalid",
        "GIT_COMMITTER_NAME": "t", "GIT_COMMITTER_EMAIL": "t@example.invalid",
    }

    def git(*args: str) -> None:
        subprocess.run(["git", *args], cwd=repo, env=env, check=True, capture_output=True)

    def try_repo() -> subprocess.CompletedProcess[str]:
        return subprocess.run(
            [*tool, "try-repo", str(ROOT), "auditor", "--all-files", "--verbose"],
            cwd=repo, env=env, capture_output=True, text=True, timeout=900,
        )

    git("init", "-q")
    shutil.copy(CLEAN, repo / "artikel.txt")
    (repo / "notes.py").write_text("x = 'not German prose'\n", encoding="utf-8")  # not a file the hook reads
    git("add", "-A")
    clean = try_repo()
    if "Could not fetch URL" in clean.stdout + clean.stderr or "No matching distribution" in clean.stdout:
        pytest.skip("PyPI not reachable for the hook's virtualenv")
    assert clean.returncode == 0, clean.stdout[-3000:] + clean.stderr[-2000:]
    assert "Passed" in clean.stdout and "quality gate PASSED" in clean.stdout

    shutil.copy(SEED, repo / "nato.txt")
    git("add", "-A")
    failed = try_repo()
    assert failed.returncode == 1, failed.stdout[-3000:] + failed.stderr[-2000:]
    out = failed.stdout
    assert "Failed" in out and "quality gate FAILED" in out
    assert "nato.txt: FAIL: " in out and "nato.txt:6:163: critical garbled [lexical.word_order]" in out
    assert "notes.py" not in out
