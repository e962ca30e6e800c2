"""SARIF for GitHub code scanning: URIs against %SRCROOT%, safe file names, the size caps, the Multitool."""

from __future__ import annotations

import json
import os
import shutil
import subprocess
from pathlib import Path
from urllib.parse import unquote, urlsplit

import jsonschema
import pytest
from test_reports import SCHEMA, make_result, sample_gate

from auditor.config import Config
from auditor.gate import decide
from auditor.io import reports
from auditor.types import Document

ROOT = Path(__file__).resolve().parents[1]


def artifact(log: dict, n: int = 0) -> dict:
    return log["runs"][0]["results"][n]["locations"][0]["physicalLocation"]["artifactLocation"]


def valid(log: dict) -> None:
    cls = jsonschema.validators.validator_for(SCHEMA)
    errors = list(cls(SCHEMA).iter_errors(log))
    assert not errors, errors[0]


def one_doc_gate(path: str) -> object:
    doc = Document(path, "Die NATO -Verbündeten trafen sich.")
    return decide([make_result(doc, [("NATO -Verbündeten", "minor", "rules.detached_hyphen", "artifact")])],
                  Config())


def test_uris_are_relative_to_srcroot_even_from_a_subdirectory(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    repo = tmp_path / "repo"
    (repo / ".git").mkdir(parents=True)
    (repo / "content").mkdir()
    monkeypatch.delenv("GITHUB_WORKSPACE", raising=False)
    monkeypatch.chdir(repo / "content")
    log = reports.sarif(one_doc_gate("artikel.txt"))
    assert artifact(log) == {"uri": "content/artikel.txt", "uriBaseId": "%SRCROOT%"}
    base = log["runs"][0]["originalUriBaseIds"]["%SRCROOT%"]["uri"]
    assert base == repo.as_uri() + "/"
    valid(log)
    # GitHub annotations resolve against the checkout too
    assert "file=content/artikel.txt," in reports.github(one_doc_gate("artikel.txt"))
    # GITHUB_WORKSPACE wins when the working directory is inside it
    monkeypatch.setenv("GITHUB_WORKSPACE", str(tmp_path))
    assert artifact(reports.sarif(one_doc_gate("artikel.txt")))["uri"] == "repo/content/artikel.txt"


def test_a_colon_in_a_file_name_does_not_become_a_uri_scheme(tmp_path: Path, monkeypatch) -> None:
    (tmp_path / ".git").mkdir()
    monkeypatch.delenv("GITHUB_WORKSPACE", raising=False)
    monkeypatch.chdir(tmp_path)
    loc = artifact(reports.sarif(one_doc_gate("de:artikel.txt")))
    assert urlsplit(loc["uri"]).scheme == ""
    assert unquote(loc["uri"]) == "de:artikel.txt"


def test_a_file_outside_the_root_gets_an_absolute_file_uri(tmp_path: Path, monkeypatch) -> None:
    (tmp_path / "repo" / ".git").mkdir(parents=True)
    (tmp_path / "elsewhere").mkdir()
    monkeypatch.delenv("GITHUB_WORKSPACE", raising=False)
    monkeypatch.chdir(tmp_path / "repo")
    outside = tmp_path / "elsewhere" / "x.txt"
    loc = artifact(reports.sarif(one_doc_gate(str(outside))))
    assert loc == {"uri": outside.as_uri()}


def test_results_are_capped_most_severe_first_with_a_warning() -> None:
    gate = sample_gate()
    full, warning = reports.sarif_capped(gate)
    assert warning is None and "toolExecutionNotifications" not in full["runs"][0]["invocations"][0]
    log, warning = reports.sarif_capped(gate, max_results=2)
    results = log["runs"][0]["results"]
    assert [r["level"] for r in results] == ["error", "warning"]  # critical and major, in report order
    assert warning and "2 of 4 results" in warning and "at most 2 results" in warning
    note = log["runs"][0]["invocations"][0]["toolExecutionNotifications"][0]
    assert note["level"] == "warning" and note["message"]["text"] == warning
    valid(log)


def test_results_are_capped_by_size() -> None:
    gate = sample_gate()
    text = reports.sarif_json(gate)
    limit = len(text.encode("utf-8")) - 100  # too big by a little
    log, warning = reports.sarif_capped(gate, max_bytes=limit)
    assert warning and len(reports._compact(log).encode("utf-8")) <= limit
    assert 0 < len(log["runs"][0]["results"]) < 4
    assert log["runs"][0]["results"][-1]["level"] in ("error", "warning")  # minor ones went first


def multitool() -> str | None:
    """The SARIF Multitool: $SARIF_MULTITOOL, on PATH, or the copy `make setup` puts in .venv/npm."""
    for candidate in (
        os.environ.get("SARIF_MULTITOOL"),
        shutil.which("Sarif.Multitool"),
        str(ROOT / ".venv/npm/node_modules/@microsoft/sarif-multitool-linux/Sarif.Multitool"),
    ):
        if candidate and os.access(candidate, os.X_OK):
            return candidate
    return None


@pytest.mark.skipif(multitool() is None, reason="SARIF Multitool not installed (make setup installs it with npm)")
def test_multitool_finds_no_error_or_warning_with_the_github_rules(tmp_path: Path, monkeypatch) -> None:
    (tmp_path / ".git").mkdir()
    monkeypatch.delenv("GITHUB_WORKSPACE", raising=False)
    monkeypatch.chdir(tmp_path)
    (tmp_path / "in.sarif").write_text(reports.sarif_json(sample_gate()), encoding="utf-8")
    tool = multitool()
    assert tool
    proc = subprocess.run(
        [tool, "validate", "in.sarif", "-o", "out.sarif", "--rule-kind", "Gh;Sarif", "--level", "Error;Warning"],
        capture_output=True, text=True, timeout=300, env={**os.environ, "DOTNET_CLI_TELEMETRY_OPTOUT": "1"},
    )
    assert proc.returncode == 0, proc.stdout + proc.stderr
    found = json.loads((tmp_path / "out.sarif").read_text(encoding="utf-8-sig"))["runs"][0]["results"]
    assert found == [], [(r["ruleId"], r["message"]) for r in found]
