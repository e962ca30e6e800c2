"""Detector selection (--select, --ignore, [severity], --min-severity), rules/explain, merging."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from click.testing import CliRunner

from auditor.cli import main
from auditor.detectors import load_all
from auditor.errors import ConfigError
from auditor.selection import Selection, expand

SAMPLE = Path(__file__).resolve().parents[1] / "corpora" / "mt-sample-de.txt"
SEED = Path(__file__).resolve().parents[2] / "shared" / "seed" / "nato-hegseth.de.txt"


def run(*args: str, cwd: Path | None = None) -> tuple[int, str, str]:
    runner = CliRunner()
    if cwd is None:
        result = runner.invoke(main, list(args))
    else:
        with runner.isolated_filesystem(temp_dir=cwd):
            result = runner.invoke(main, list(args))
    return result.exit_code, result.stdout, result.stderr


def detectors_of(out: str) -> list[str]:
    return [f["detector"] for d in json.loads(out)["documents"] for f in d["findings"]]


def test_terms_expand_to_ids_engines_categories_and_aliases() -> None:
    load_all()
    assert expand("lexical.calque") == {"lexical.calque"}
    assert "rules.glued_words" in expand("rules") and not any(i.startswith("lexical") for i in expand("rules"))
    assert expand("category:untranslated") == {
        "lexical.untranslated",
        "lexical.non_translation",
        "lexical.leftover",
        "lexical.transliteration",
    }
    assert expand("lexical.untranslated") == {"lexical.untranslated", "lexical.non_translation"}  # its former half
    assert expand("lexical.number") == {"lexical.number", "lexical.number_missing"}  # the former id: both halves
    with pytest.raises(ConfigError, match="did you mean lexical.unaligned"):
        expand("lexical.unaligne")


def test_score_ignore_and_select_on_the_command_line() -> None:
    code, out, _ = run("score", str(SAMPLE), "--engine", "rules", "--format", "json")
    assert code == 0 and "rules.detached_hyphen" in detectors_of(out)
    code, out2, _ = run("score", str(SAMPLE), "--engine", "rules", "--format", "json", "--ignore", "rules.detached_hyphen")
    assert code == 0 and "rules.detached_hyphen" not in detectors_of(out2)
    assert len(detectors_of(out2)) == len(detectors_of(out)) - detectors_of(out).count("rules.detached_hyphen")
    assert json.loads(out2)["documents"][0]["score"] > json.loads(out)["documents"][0]["score"]  # scores honour it
    assert "|sel:ignore=rules.detached_hyphen" in json.loads(out2)["signature"]
    code, out3, _ = run("score", str(SAMPLE), "--engine", "rules", "--format", "json", "--select", "category:punctuation")
    assert code == 0 and set(detectors_of(out3)) <= {"rules.straight_quote", "rules.unbalanced"}


def test_unknown_detector_is_exit_2_with_a_did_you_mean() -> None:
    code, _, err = run("score", str(SAMPLE), "--engine", "rules", "--ignore", "rules.glued_word")
    assert code == 2 and "did you mean rules.glued_words" in err


def test_min_severity_and_severity_override_in_the_config(tmp_path: Path) -> None:
    (tmp_path / "auditor.toml").write_text(
        'engine = "rules"\nignore = ["rules.straight_quote"]\n\n[severity]\n"rules.detached_hyphen" = "major"\n',
        encoding="utf-8",
    )
    text = tmp_path / "t.txt"
    text.write_text('Der NATO -Gipfel und "Zitat" und etwas etwas.\n', encoding="utf-8")
    code, out, _ = run("score", str(text), "--format", "json", "--config", str(tmp_path / "auditor.toml"))
    found = {f["detector"]: f["severity"] for f in json.loads(out)["documents"][0]["findings"]}
    assert code == 0 and found == {"rules.detached_hyphen": "major", "rules.doubled_word": "minor"}
    code, out, _ = run(
        "score", str(text), "--format", "json", "--config", str(tmp_path / "auditor.toml"), "--min-severity", "major"
    )
    assert [f["detector"] for f in json.loads(out)["documents"][0]["findings"]] == ["rules.detached_hyphen"]
    code, out, _ = run("score", str(text), "--format", "json", "--isolated", "--engine", "rules")
    assert "rules.straight_quote" in detectors_of(out)  # --isolated: the file is not read


def test_score_and_gate_read_the_same_config(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    (tmp_path / "auditor.toml").write_text(
        'engine = "rules"\nignore = ["rules.detached_hyphen"]\n[weights]\nminor = 2.0\n', encoding="utf-8"
    )
    text = tmp_path / "t.txt"
    text.write_text(SAMPLE.read_text(encoding="utf-8"), encoding="utf-8")
    monkeypatch.chdir(tmp_path)
    code, out, _ = run("score", "t.txt", "--format", "json")
    score = json.loads(out)["documents"][0]["score"]
    assert code == 0 and "rules.detached_hyphen" not in detectors_of(out)
    code, gate_out, _ = run("gate", "t.txt", "--min-score", "0")
    assert code == 0 and f"{score:.1f}" in gate_out
    code, text_out, _ = run("score", "t.txt")
    assert "config: " in text_out and "auditor.toml" in text_out


def test_a_wrong_engine_in_the_config_names_file_and_line(tmp_path: Path) -> None:
    cfg = tmp_path / "auditor.toml"
    cfg.write_text('min_score = 80\nengine = "rulez"\n', encoding="utf-8")
    code, _, err = run("score", str(SAMPLE), "--config", str(cfg))
    assert code == 2 and f"{cfg}:2:" in err and "rulez" in err
    cfg.write_text('min_score = 80\n\nignore = ["lexical.calqe"]\n', encoding="utf-8")
    code, _, err = run("gate", str(SAMPLE), "--config", str(cfg))
    assert code == 2 and f"{cfg}:3:" in err and "lexical.calque" in err


def test_gate_honours_ignore() -> None:
    code, out, _ = run("gate", str(SAMPLE), "--engine", "rules", "--min-score", "0", "--ignore", "rules")
    assert code == 0 and "100.0" in out


def test_rules_lists_every_declared_detector() -> None:
    code, out, _ = run("rules", "--format", "json")
    rows = json.loads(out)
    assert code == 0 and [r["id"] for r in rows] == list(load_all())
    calque = next(r for r in rows if r["id"] == "lexical.calque")
    assert calque["category"] == "calque" and calque["severity"] == "major" and calque["dev_precision"] is None
    unaligned = next(r for r in rows if r["id"] == "lexical.unaligned")
    assert unaligned["needs_source"] and 0 < unaligned["dev_precision"] < 1


def test_explain_prints_the_examples_and_how_to_silence() -> None:
    code, out, _ = run("explain", "lexical.calque")
    assert code == 0
    assert "[[Voller Stopp]]" in out and "→ Punkt" in out
    assert "no fitted bin: the declared default is used" in out and "--ignore lexical.calque" in out
    code, out, _ = run("explain", "lexical.unaligned")
    assert "fitted calibration bins in force" in out and "silenced" in out
    code, _, err = run("explain", "lexical.calqe")
    assert code == 2 and "did you mean lexical.calque" in err


def test_selection_keeps_everything_by_default() -> None:
    assert not Selection().active and Selection().describe() == ""


@pytest.mark.shared(SEED)
def test_colocated_findings_merge_into_the_strongest() -> None:
    code, out, _ = run("score", str(SEED), "--format", "json")
    findings = json.loads(out)["documents"][0]["findings"]
    spans = [(f["start"], f["end"]) for f in findings]
    assert len(spans) == len(set(spans))  # one finding per flagged span
    trump = [f for f in findings if f["text"] == "TrumpVerwaltung"]
    assert len(trump) == 1
    assert trump[0]["detector"] == "rules.glued_words" and "lexical.spelling" in trump[0]["also"]


def test_readme_detector_table_is_generated_from_the_catalogue() -> None:
    from auditor.detectors.docs import README_BEGIN, README_END, markdown_table
    from auditor.engines.lexical.calibration import load_calibration

    readme = (Path(__file__).resolve().parents[1] / "README.md").read_text(encoding="utf-8")
    block = readme.split(README_BEGIN, 1)[1].split(README_END, 1)[0]
    assert block.strip() == markdown_table(load_all().values(), load_calibration()).strip(), (
        "README detector table is stale: paste `auditor rules --format markdown` between the markers"
    )


def test_opt_in_detector_reports_only_when_selected(tmp_path: Path) -> None:
    from auditor.detectors import get

    assert not get("lexical.unaligned").default_enabled
    default = Selection.build()
    assert not default.enabled(get("lexical.unaligned")) and default.enabled(get("lexical.entity"))
    assert default.describe() == ""  # the default set adds nothing to the signature
    chosen = Selection.build(select=["lexical.unaligned", "rules"])
    assert chosen.enabled(get("lexical.unaligned")) and not chosen.enabled(get("lexical.entity"))


@pytest.mark.shared(SEED.parent / "nato-hegseth.jsonl")
def test_eval_honours_ignore_and_the_config(tmp_path: Path) -> None:
    seed_gold = SEED.parent / "nato-hegseth.jsonl"
    code, out, _ = run("eval", str(seed_gold), "--engine", "rules", "--format", "json")
    assert code == 0 and "rules.glued_words" in json.loads(out)["per_detector"]
    code, out, _ = run("eval", str(seed_gold), "--engine", "rules", "--format", "json", "--ignore", "rules.glued_words")
    assert code == 0 and "rules.glued_words" not in json.loads(out)["per_detector"]
    cfg = tmp_path / "auditor.toml"
    cfg.write_text('engine = "rules"\nignore = ["rules.glued_words"]\n', encoding="utf-8")
    code, out, _ = run("eval", str(seed_gold), "--format", "json", "--config", str(cfg))
    report = json.loads(out)
    assert code == 0 and report["engines"] == ["rules"] and "rules.glued_words" not in report["per_detector"]
