"""`auditor gate` end to end, through the real command group and the real engines."""

from __future__ import annotations

import importlib
import json
import os
import xml.etree.ElementTree as ET
from pathlib import Path

import jsonschema
import pytest
from click.testing import CliRunner

from auditor.cli import main

ROOT = Path(__file__).resolve().parent.parent
DATA = Path(__file__).parent / "data"
NATO = ROOT.parent / "shared" / "seed" / "nato-hegseth.de.txt"
CLEAN = ROOT / "corpora" / "clean-de.txt"
SCHEMA = json.loads((DATA / "sarif-schema-2.1.0.json").read_text(encoding="utf-8"))

# One line with a detached hyphen the rules engine flags, padded with clean prose.
FLAGGED = (
    "Die NATO -Verbündeten haben sich am Mittwoch in Brüssel getroffen und über die Lage gesprochen. "
    "Die Minister wollen im Sommer erneut zusammenkommen und dann weitere Beschlüsse fassen.\n"
)
CLEAN_LINE = "Am Samstag scheint im Süden die Sonne, im Norden regnet es zeitweise bei milden Temperaturen.\n"


def lexical_available() -> bool:
    try:
        return hasattr(importlib.import_module("auditor.engines.lexical"), "LexicalEngine")
    except ImportError:
        return False


needs_lexical = pytest.mark.skipif(
    not lexical_available(), reason="default engines need auditor.engines.lexical"
)


def gate(*args: str, input: str | None = None):
    return CliRunner().invoke(main, ["gate", *args], input=input, catch_exceptions=False)


def junit_cases(path: Path) -> list[ET.Element]:
    return ET.parse(path).getroot().find("testsuite").findall("testcase")


@pytest.fixture(autouse=True)
def in_tmp(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    monkeypatch.chdir(tmp_path)  # no stray auditor.toml is discovered; reports land here
    return tmp_path


# ---------------------------------------------------------------------------- acceptance


@pytest.mark.shared(NATO)
@needs_lexical
def test_nato_article_fails_with_default_thresholds_and_engines() -> None:
    r = gate(str(NATO))
    assert r.exit_code == 1, r.output
    assert "quality gate FAILED (min score 90, max critical 0)" in r.output
    # the failing reason is the scrambled clause of line 6, not a threshold artefact
    assert "FAIL: 1 critical > 0" in r.output


@needs_lexical
def test_clean_sample_passes_with_default_thresholds_and_engines() -> None:
    r = gate(str(CLEAN))
    assert r.exit_code == 0, r.output
    assert "quality gate PASSED" in r.output


@pytest.mark.shared(NATO)
def test_nato_article_fails_on_rules_findings(tmp_path: Path) -> None:
    r = gate(
        str(NATO), "--engine", "rules", "--max-major", "0", "--junit", "nato.xml", "--sarif", "nato.sarif"
    )
    assert r.exit_code == 1, r.output
    (case,) = junit_cases(tmp_path / "nato.xml")
    failure = case.find("failure")
    assert "major > 0" in failure.get("message")
    sarif = json.loads((tmp_path / "nato.sarif").read_text("utf-8"))
    results = sarif["runs"][0]["results"]
    assert len([line for line in failure.text.splitlines() if line.strip()]) == len(results) > 5
    assert not list(jsonschema.validators.validator_for(SCHEMA)(SCHEMA).iter_errors(sarif))
    # every region points at the flagged text in the article
    lines = NATO.read_text("utf-8").split("\n")
    for res in results:
        region = res["locations"][0]["physicalLocation"]["region"]
        if region["startLine"] == region["endLine"]:
            line = lines[region["startLine"] - 1]
            assert line[region["startColumn"] - 1 : region["endColumn"] - 1] == region["snippet"]["text"]


def test_clean_sample_passes_with_rules() -> None:
    r = gate(str(CLEAN), "--engine", "rules")
    assert r.exit_code == 0, r.output
    assert "quality gate PASSED (min score 90, max critical 0)" in r.output


# ---------------------------------------------------------------------------- feeds


def test_rss_feed_gates_per_item(tmp_path: Path) -> None:
    r = gate(
        str(DATA / "feeds" / "news.rss"),
        "--engine",
        "rules",
        "--max-minor",
        "0",
        "--junit",
        "rss.xml",
        "--sarif",
        "rss.sarif",
        "--github",
    )
    assert r.exit_code == 1, r.output
    cases = junit_cases(tmp_path / "rss.xml")
    assert [c.get("name").split("#", 1)[1] for c in cases] == [
        "nato-2025-02-12",
        "https://example.org/wetter",
        "item3",
    ]
    assert [c.find("failure") is not None for c in cases] == [True, False, False]
    sarif = json.loads((tmp_path / "rss.sarif").read_text("utf-8"))
    assert not list(jsonschema.validators.validator_for(SCHEMA)(SCHEMA).iter_errors(sarif))
    feed_lines = (DATA / "feeds" / "news.rss").read_text("utf-8").split("\n")
    snippets = []
    for res in sarif["runs"][0]["results"]:
        region = res["locations"][0]["physicalLocation"]["region"]
        line = feed_lines[region["startLine"] - 1]
        snippets.append(line[region["startColumn"] - 1 : region["endColumn"] - 1])
    assert "NATO -Verbündeten" in snippets and "NATO -Staaten" in snippets
    assert "::notice file=" in r.output and "news.rss,line=8," in r.output  # minor findings are notices


def test_atom_feed_gates_per_item(tmp_path: Path) -> None:
    r = gate(
        str(DATA / "feeds" / "news.atom"), "--engine", "rules", "--max-minor", "0", "--junit", "atom.xml"
    )
    assert r.exit_code == 1, r.output
    cases = junit_cases(tmp_path / "atom.xml")
    assert len(cases) == 3
    assert [c.find("failure") is not None for c in cases] == [True, False, False]
    assert "EU -Erweiterung" in cases[0].find("failure").text
    ok = gate(str(DATA / "feeds" / "news.atom"), "--engine", "rules")
    assert ok.exit_code == 0, ok.output


# ---------------------------------------------------------------------------- exit 2


def test_malformed_feed_exit_2_names_it_and_writes_nothing(tmp_path: Path) -> None:
    (tmp_path / "ok.txt").write_text(CLEAN_LINE, encoding="utf-8")
    r = gate(
        "ok.txt",
        str(DATA / "feeds" / "broken.rss"),
        "--engine",
        "rules",
        "--junit",
        "out.xml",
        "--sarif",
        "out.sarif",
    )
    assert r.exit_code == 2
    assert "broken.rss:8: malformed feed XML" in r.output
    assert not (tmp_path / "out.xml").exists() and not (tmp_path / "out.sarif").exists()


def test_unreadable_file_exit_2(tmp_path: Path) -> None:
    (tmp_path / "latin1.txt").write_bytes("Erste Zeile\nGröße\n".encode("latin-1"))
    r = gate("latin1.txt", "--engine", "rules")
    assert r.exit_code == 2
    assert "latin1.txt:2: invalid UTF-8" in r.output
    os.symlink(tmp_path / "gone.txt", tmp_path / "dangling.txt")
    r = gate("dangling.txt", "--engine", "rules")
    assert r.exit_code == 2 and "dangling.txt: no such file" in r.output
    r = gate("missing.txt", "--engine", "rules")
    assert r.exit_code == 2 and "missing.txt: no such file or directory" in r.output


def test_permission_denied_exit_2_simulated(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """As root (CI) no file is unreadable by mode, so the OS error is injected at open()."""
    import builtins

    f = tmp_path / "secret.txt"
    f.write_text(CLEAN_LINE, encoding="utf-8")
    real_open = builtins.open

    def guarded(file, *args, **kwargs):
        if str(file).endswith("secret.txt"):
            raise PermissionError(13, "Permission denied", str(file))
        return real_open(file, *args, **kwargs)

    monkeypatch.setattr(builtins, "open", guarded)
    r = gate("secret.txt", "--engine", "rules", "--junit", "out.xml")
    assert r.exit_code == 2
    assert "secret.txt: cannot read: Permission denied" in r.output
    assert not (tmp_path / "out.xml").exists()


@pytest.mark.skipif(os.name != "posix" or os.geteuid() == 0, reason="root reads files whatever their mode")
def test_permission_denied_exit_2(tmp_path: Path) -> None:
    f = tmp_path / "secret.txt"
    f.write_text(CLEAN_LINE, encoding="utf-8")
    f.chmod(0)
    r = gate("secret.txt", "--engine", "rules")
    assert r.exit_code == 2 and "secret.txt: cannot read" in r.output


def test_unknown_config_key_exit_2(tmp_path: Path) -> None:
    (tmp_path / "a.txt").write_text(CLEAN_LINE, encoding="utf-8")
    (tmp_path / "auditor.toml").write_text('engine = "rules"\nmin_scor = 80\n', encoding="utf-8")
    r = gate("a.txt", "--junit", "out.xml")
    assert r.exit_code == 2
    assert "auditor.toml:2: unknown key 'min_scor'" in r.output
    assert not (tmp_path / "out.xml").exists()


def test_usage_errors_exit_2(tmp_path: Path) -> None:
    (tmp_path / "a.txt").write_text(CLEAN_LINE, encoding="utf-8")
    assert gate().exit_code == 2  # no PATH
    r = gate("a.txt", "--engine", "rules,bogus")
    assert r.exit_code == 2 and "unknown engine 'bogus'" in r.output
    r = gate("a.txt", "--engine", "rules", "--sarif", "no/such/dir/out.sarif")
    assert r.exit_code == 2 and "no/such/dir/out.sarif: cannot write report" in r.output
    assert gate("a.txt", "--min-score", "120").exit_code == 2


# ---------------------------------------------------------------------------- config, stdin, baseline


def test_config_file_and_flag_override(tmp_path: Path) -> None:
    (tmp_path / "a.txt").write_text(FLAGGED, encoding="utf-8")
    (tmp_path / "pyproject.toml").write_text('[tool.auditor]\nengine = "rules"\nmax_minor = 0\n', "utf-8")
    r = gate("a.txt")
    assert r.exit_code == 1 and "1 minor > 0" in r.output
    assert gate("a.txt", "--max-minor", "3").exit_code == 0


def test_stdin_input() -> None:
    r = gate("-", "--engine", "rules", "--max-minor", "0", input=FLAGGED)
    assert r.exit_code == 1
    assert "<stdin>" in r.output or "stdin" in r.output
    assert gate("-", "--engine", "rules", input=CLEAN_LINE).exit_code == 0


def test_directory_with_glob(tmp_path: Path) -> None:
    d = tmp_path / "in"
    (d / "sub").mkdir(parents=True)
    (d / "good.txt").write_text(CLEAN_LINE, encoding="utf-8")
    (d / "sub" / "bad.md").write_text(FLAGGED, encoding="utf-8")
    assert gate("in", "--engine", "rules", "--max-minor", "0").exit_code == 1
    r = gate("in", "--engine", "rules", "--max-minor", "0", "--glob", "*.txt")
    assert r.exit_code == 0 and "bad.md" not in r.output and "good.txt" in r.output


def test_baseline_adoption_blocks_only_new_problems(tmp_path: Path) -> None:
    d = tmp_path / "feed"
    d.mkdir()
    (d / "a.txt").write_text(FLAGGED + CLEAN_LINE, encoding="utf-8")
    (d / "b.txt").write_text(CLEAN_LINE, encoding="utf-8")
    args = ["feed", "--engine", "rules", "--max-minor", "0"]
    assert gate(*args).exit_code == 1
    w = gate(*args, "--write-baseline", "baseline.json")
    assert w.exit_code == 0 and "wrote 1 accepted findings" in w.output
    data = json.loads((tmp_path / "baseline.json").read_text("utf-8"))
    assert [e["document"] for e in data["findings"]] == ["feed/a.txt"]
    r = gate(*args, "--baseline", "baseline.json", "--sarif", "b.sarif")
    assert r.exit_code == 0, r.output
    assert "1 accepted by baseline baseline.json" in r.output
    (res,) = json.loads((tmp_path / "b.sarif").read_text("utf-8"))["runs"][0]["results"]
    assert res["baselineState"] == "unchanged" and res["suppressions"]
    # edits elsewhere in the file do not matter
    (d / "a.txt").write_text("Ein neuer erster Absatz steht jetzt hier.\n" + CLEAN_LINE + FLAGGED, "utf-8")
    assert gate(*args, "--baseline", "baseline.json").exit_code == 0
    # a new problem does
    (d / "b.txt").write_text(CLEAN_LINE + "Die EU -Kommission widerspricht.\n", encoding="utf-8")
    r = gate(*args, "--baseline", "baseline.json")
    assert r.exit_code == 1 and "feed/b.txt" in r.output


# ---------------------------------------------------------------------------- parallel


def test_jobs_2_gives_the_same_reports_as_jobs_1(tmp_path: Path) -> None:
    d = tmp_path / "many"
    d.mkdir()
    for i in range(200):
        (d / f"doc{i:03}.txt").write_text((FLAGGED if i % 4 == 0 else "") + CLEAN_LINE * (1 + i % 3), "utf-8")
    outs = []
    for jobs in ("1", "2"):
        r = gate(
            "many",
            "--engine",
            "rules",
            "--max-minor",
            "0",
            "--jobs",
            jobs,
            "--junit",
            f"j{jobs}.xml",
            "--sarif",
            f"s{jobs}.sarif",
            "--github",
        )
        assert r.exit_code == 1
        outs.append(
            (r.output, (tmp_path / f"j{jobs}.xml").read_bytes(), (tmp_path / f"s{jobs}.sarif").read_bytes())
        )
    assert outs[0] == outs[1]
    assert len(junit_cases(tmp_path / "j2.xml")) == 200
    assert "200 documents, 50 failed" in outs[0][0]


def test_a_crash_is_exit_2_never_a_failed_gate(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    from auditor import gate as gate_lib

    def broken(self):
        raise RuntimeError("engine exploded")

    monkeypatch.setattr(gate_lib.PipelineFactory, "__call__", broken)
    (tmp_path / "a.txt").write_text(CLEAN_LINE, encoding="utf-8")
    r = gate("a.txt", "--engine", "rules", "--junit", "out.xml")
    assert r.exit_code == 2
    assert "internal error: RuntimeError: engine exploded" in r.output
    assert not (tmp_path / "out.xml").exists()


def test_quiet_failure_lists_the_new_findings_under_each_failing_document(tmp_path: Path) -> None:
    (tmp_path / "bad.txt").write_text(FLAGGED, encoding="utf-8")
    (tmp_path / "good.txt").write_text(CLEAN_LINE, encoding="utf-8")
    r = gate("bad.txt", "good.txt", "--engine", "rules", "--max-minor", "0", "-q")
    assert r.exit_code == 1
    lines = r.output.splitlines()
    assert lines[0] == "bad.txt: FAIL: 1 minor > 0"
    assert lines[1].startswith("  bad.txt:1:5: minor artifact [rules.detached_hyphen]")
    assert "good.txt" not in r.output  # passing documents are not listed
    assert gate("good.txt", "--engine", "rules", "-q").output == ""  # quiet when it passes
    full = gate("bad.txt", "--engine", "rules", "--max-minor", "0")
    assert "quality gate FAILED" in full.output and "  bad.txt:1:5: minor" in full.output


# ---------------------------------------------------------------------------- gate can do what score can

SAMPLE_DE = ROOT / "corpora" / "mt-sample-de.txt"
SAMPLE_EN = ROOT / "corpora" / "mt-sample-en.txt"


def _score_of(args: list[str]) -> float:
    out = CliRunner().invoke(main, ["score", *args, "--format", "json"], catch_exceptions=False)
    assert out.exit_code == 0, out.output
    return json.loads(out.output)["documents"][0]["score"]


def _gate_score(args: list[str]) -> float:
    r = gate(*args, "--min-score", "0", "--max-critical", "99", "--sarif", "s.sarif")
    assert r.exit_code == 0, r.output
    row = next(line for line in r.output.splitlines() if "mt-sample-de.txt" in line)
    return float(row.split()[2])


def test_gate_source_weights_and_config_give_the_scores_of_score(tmp_path: Path) -> None:
    (tmp_path / "auditor.toml").write_text(
        'engine = "rules"\n[weights]\nminor = 1\nmajor = 10\ncritical = 25\n', encoding="utf-8"
    )
    # the same configuration file, read by both
    assert _gate_score([str(SAMPLE_DE)]) == round(_score_of([str(SAMPLE_DE)]), 1)
    # --weights on the gate as on score
    heavy = ["--weights", "5,10,50"]
    assert _gate_score([str(SAMPLE_DE), *heavy]) == round(_score_of([str(SAMPLE_DE), *heavy]), 1)
    assert _gate_score([str(SAMPLE_DE), *heavy]) < _gate_score([str(SAMPLE_DE)])
    assert gate(str(SAMPLE_DE), "--weights", "1,x").exit_code == 2


@needs_lexical
def test_gate_source_runs_the_alignment_checks_on_a_text_file(tmp_path: Path) -> None:
    args = [str(SAMPLE_DE), "--source", str(SAMPLE_EN), "--isolated"]
    with_source = _gate_score(args)
    assert with_source == round(_score_of(args), 1)
    assert with_source != _gate_score([str(SAMPLE_DE), "--isolated"])  # alignment findings counted
    assert gate(str(SAMPLE_DE), str(SAMPLE_DE), "--source", str(SAMPLE_EN)).exit_code == 2


def test_the_missing_model_message_names_options_of_every_command() -> None:
    import re

    from auditor.cli import eval_cmd, score
    from auditor.cli.gate import gate_command
    from auditor.resources.models import install_commands

    named = {m for line in install_commands() for m in re.findall(r"--[a-z][a-z-]+", line)}
    named -= {"--dir"}  # an option of `auditor models download`, which its line names
    assert {"--model-dir", "--allow-download"} <= named
    for command in (score.score_command, gate_command, eval_cmd.eval_command):
        options = {o for p in command.params for o in p.opts}
        assert named <= options, (command.name, named - options)
