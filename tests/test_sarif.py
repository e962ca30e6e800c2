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


def _streamed_gate(path: Path, every_other_baselined: bool) -> object:
    """The gate as the CLI runs it (validated, streamed, verdicts spilled) on a real input,
    with every other finding of each document accepted by a baseline when asked."""
    from auditor import gate
    from auditor.baseline import Baseline, entry
    from auditor.runs import PipelineFactory

    config = Config().override(engine="rules,lexical", min_score=90)
    factory = PipelineFactory(("rules", "lexical"), config.weights)

    def results():  # type: ignore[no-untyped-def]
        inputs = gate.Inputs([str(path)], config)
        return gate.results(inputs, factory, count=inputs.validate())

    baseline = None
    if every_other_baselined:
        baseline = Baseline(entry(r.document, f) for r in results() for j, f in enumerate(r.findings) if j % 2)
    decision, _ = gate.decide_stream(results(), config, baseline)
    assert isinstance(decision.verdicts, gate.SpilledVerdicts)
    return decision


def _reference_cut(results: list[dict], empty_bytes: int, max_results: int, max_bytes: int) -> list[int]:
    """The cut as the report made it before it streamed: every result ranked, then greedy."""
    sizes = [len(reports._compact(r).encode("utf-8")) + 1 for r in results]
    if len(results) <= max_results and empty_bytes + sum(sizes) - (1 if results else 0) + 1 <= max_bytes:
        return list(range(len(results)))
    rank = {"error": 3, "warning": 2, "note": 1, "none": 0}
    order = sorted(range(len(results)), key=lambda i: ("suppressions" in results[i], -rank[results[i]["level"]], i))
    room, keep = max_bytes - empty_bytes - 512, []
    for i in order:
        if len(keep) >= max_results or sizes[i] > room:
            break
        keep.append(i)
        room -= sizes[i]
    return sorted(keep)


@pytest.mark.parametrize("which", ["seed_text", "dev_jsonl"])
@pytest.mark.parametrize("baselined", [False, True])
def test_streamed_sarif_is_the_dict_log_byte_for_byte_and_cuts_the_same(
    which: str, baselined: bool, request: pytest.FixtureRequest
) -> None:
    """On real German text: the pieces the gate writes are the serialised dict log, uncut,
    cut by count and cut by size; and the bounded heap keeps what ranking every result kept."""
    decision = _streamed_gate(request.getfixturevalue(which), baselined)
    full, warning = reports.sarif_capped(decision)
    assert warning is None
    everything = full["runs"][0]["results"]
    assert len(everything) > 30
    assert any("suppressions" in r for r in everything) is baselined
    empty = json.loads(reports._compact(full))
    empty["runs"][0]["results"] = []
    empty_bytes = len(reports._compact(empty).encode("utf-8"))
    whole = len((reports._compact(full) + "\n").encode("utf-8"))
    room = whole - empty_bytes  # the bytes of the results (the rules catalogue is most of the rest)
    limits = [
        (reports.MAX_RESULTS, reports.MAX_BYTES),
        (len(everything), whole),  # exactly at both limits: no cut
        (len(everything), whole - 1),  # one byte over: cut
        (len(everything) // 3, reports.MAX_BYTES),
        (reports.MAX_RESULTS, empty_bytes + 512 + room // 4),
        (25, empty_bytes + 512 + room // 2),
        (0, reports.MAX_BYTES),
        (reports.MAX_RESULTS, empty_bytes),  # no result fits; the log is over the limit all the same
    ]
    for max_results, max_bytes in limits:
        log, warning = reports.sarif_capped(decision, max_results, max_bytes)
        pieces, streamed_warning = reports.sarif_stream(decision, max_results, max_bytes)
        assert "".join(pieces) == reports._compact(log) + "\n"
        assert streamed_warning == warning
        kept = [everything.index(r) for r in log["runs"][0]["results"]]
        assert kept == _reference_cut(everything, empty_bytes, max_results, max_bytes)
        assert (warning is None) == (len(kept) == len(everything))
        if warning and max_bytes > empty_bytes + 512:
            assert len(reports._compact(log).encode("utf-8")) + 1 <= max_bytes
            valid(log)
