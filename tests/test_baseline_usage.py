"""Baselines that match nothing say why; stale entries are reported and --prune drops them."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from click.testing import CliRunner

from auditor.cli import main

BAD = (
    "Die NATO -Verbündeten haben sich am Mittwoch in Brüssel getroffen und über die Lage gesprochen.\n"
    "Die EU -Kommission will im Sommer erneut beraten und dann weitere Beschlüsse fassen.\n"
)
RULES = ["--engine", "rules", "--max-minor", "0", "--isolated"]


def gate(*args: str):
    return CliRunner().invoke(main, ["gate", *args, *RULES], catch_exceptions=False)


@pytest.fixture
def project(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    (tmp_path / "g").mkdir()
    (tmp_path / "g" / "artikel.txt").write_text(BAD, encoding="utf-8")
    monkeypatch.chdir(tmp_path)
    assert gate("g/artikel.txt", "--write-baseline", "g/base.json").exit_code == 0
    return tmp_path


def test_a_baseline_from_another_directory_warns_and_says_where_it_was_written(
    project: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.chdir(project / "g")
    r = gate("artikel.txt", "--baseline", "base.json")
    assert r.exit_code == 1
    warning = r.stderr
    assert "none of its 2 entries matched" in warning
    assert "'g/artikel.txt' where this run has 'artikel.txt'" in warning
    assert "written from '..'" in warning
    # from where it was written it matches, and says nothing
    monkeypatch.chdir(project)
    ok = gate("g/artikel.txt", "--baseline", "g/base.json")
    assert ok.exit_code == 0 and "warning" not in ok.stderr


def test_stale_entries_are_reported_and_pruned_atomically(project: Path) -> None:
    before = json.loads((project / "g" / "base.json").read_text(encoding="utf-8"))["findings"]
    assert len(before) == 2
    (project / "g" / "artikel.txt").write_text(BAD.replace("EU -Kommission", "EU-Kommission"), encoding="utf-8")
    r = gate("g/artikel.txt", "--baseline", "g/base.json")
    assert r.exit_code == 0
    assert "1 baseline entry is stale" in r.stderr and "--prune" in r.stderr
    p = gate("g/artikel.txt", "--baseline", "g/base.json", "--prune")
    assert p.exit_code == 0 and "pruned 1 stale entry" in p.stderr
    after = json.loads((project / "g" / "base.json").read_text(encoding="utf-8"))["findings"]
    assert [e["text"] for e in after] == ["nato -verbündeten"]
    assert "stale" not in gate("g/artikel.txt", "--baseline", "g/base.json").stderr
    assert sorted(p.name for p in (project / "g").iterdir()) == ["artikel.txt", "base.json"]  # no temp file


def test_prune_keeps_entries_of_documents_not_in_this_run(project: Path) -> None:
    (project / "g" / "other.txt").write_text(BAD, encoding="utf-8")
    assert gate("g", "--write-baseline", "g/base.json").exit_code == 0
    assert gate("g/artikel.txt", "--baseline", "g/base.json", "--prune").exit_code == 0
    docs = [e["document"] for e in json.loads((project / "g" / "base.json").read_text("utf-8"))["findings"]]
    assert docs.count("g/other.txt") == 2


def test_prune_needs_a_baseline_and_never_writes_onto_an_input(project: Path) -> None:
    assert gate("g/artikel.txt", "--prune").exit_code == 2
    before = (project / "g" / "base.json").read_text(encoding="utf-8")
    r = gate("g/base.json", "--baseline", "g/base.json", "--prune")
    assert r.exit_code == 2 and "base.json" in r.stderr and "input" in r.stderr
    assert (project / "g" / "base.json").read_text(encoding="utf-8") == before
