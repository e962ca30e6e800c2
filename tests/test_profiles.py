"""Operating points (``--profile``): nested finding sets, the fitted thresholds, config and CLI."""

from __future__ import annotations

import json
from itertools import islice
from pathlib import Path

import pytest
from click.testing import CliRunner
from conftest import DEV

from auditor.config import load_config
from auditor.engines.lexical.profiles import Emission, emission_for, profile_table
from auditor.errors import ConfigError
from auditor.profiles import DEFAULT_PROFILE, PROFILES
from auditor.resources import lexical as lx

needs_resources = pytest.mark.skipif(
    lx.find_ding() is None or lx.find_hunspell_dict() is None, reason="Ding or Hunspell de_DE not installed"
)


def test_emission_rules() -> None:
    balanced, precise = Emission("balanced"), Emission("precise", 0.3)
    thorough = Emission("thorough", 0.15, all_bins=True)
    assert balanced.reports(0.2, True) and not balanced.reports(0.9, False)
    assert precise.reports(0.31, True) and not precise.reports(0.29, True) and not precise.reports(0.9, False)
    assert thorough.reports(0.01, True) and thorough.reports(0.16, False) and not thorough.reports(0.14, False)


def test_shipped_profiles_are_fitted_and_ordered() -> None:
    table = profile_table()
    assert set(table) == set(PROFILES) and DEFAULT_PROFILE == "balanced"
    assert emission_for("balanced").min_confidence is None  # the default is the calibration's emission
    precise, thorough = emission_for("precise"), emission_for("thorough")
    assert precise.min_confidence is not None and thorough.min_confidence is not None
    assert precise.min_confidence > thorough.min_confidence and thorough.all_bins and not precise.all_bins
    with pytest.raises(ValueError, match="unknown profile"):
        emission_for("sloppy")


@needs_resources
@pytest.mark.skipif(not DEV.exists(), reason="shared data missing: ../shared/eval/dev.jsonl")
def test_profiles_nest_on_real_mt() -> None:
    """precise ⊆ balanced ⊆ thorough on 150 dev records with their source, and each differs."""
    from auditor.engines import create_engines
    from auditor.pipeline import Pipeline
    from auditor.types import Document

    with DEV.open(encoding="utf-8") as fh:
        recs = [json.loads(line) for line in islice(fh, 150)]
    docs = [Document(path="dev", text=r["mt_de"], source=r["source_en"], id=r["id"]) for r in recs]
    # spans, not (span, detector): where two detectors flag one span the pipeline keeps the
    # strongest, and thorough's lexical.suspect may be that one
    found: dict[str, set[tuple[str, int, int]]] = {}
    signatures = set()
    for p in PROFILES:
        pipeline = Pipeline(create_engines(["rules", "lexical"], {"profile": p}))
        signatures.add(pipeline.signature)
        results = list(pipeline.run_many(docs))
        found[p] = {(r.document.id or "", f.start, f.end) for r in results for f in r.findings}
        if p == "precise":
            t = emission_for("precise").min_confidence
            assert t is not None
            lexical = [f for r in results for f in r.findings if f.detector.startswith("lexical.")]
            assert lexical and all(f.confidence >= t for f in lexical)
    assert found["precise"] < found["balanced"] < found["thorough"]
    assert len(signatures) == 3  # the profile is part of the signature


def test_profile_in_the_config_file(tmp_path: Path) -> None:
    (tmp_path / "auditor.toml").write_text('profile = "precise"\n', encoding="utf-8")
    assert load_config(start=tmp_path).profile == "precise"
    assert load_config(start=tmp_path).override(profile="thorough").profile == "thorough"
    (tmp_path / "auditor.toml").write_text('min_score = 80\nprofile = "sloppy"\n', encoding="utf-8")
    with pytest.raises(ConfigError, match=r"auditor\.toml:2.*precise, balanced, thorough"):
        load_config(start=tmp_path)


def test_cli_profile_flag_and_explain() -> None:
    from auditor.cli import main

    runner = CliRunner()
    bad = runner.invoke(main, ["score", "--profile", "sloppy", "--engine", "rules", "-"], input="Hallo.\n")
    assert bad.exit_code == 2 and "precise" in bad.output
    ok = runner.invoke(main, ["score", "--profile", "precise", "--engine", "rules", "-"], input="Hallo.\n")
    assert ok.exit_code == 0, ok.output
    explained = runner.invoke(main, ["explain", "lexical.untranslated"])
    assert explained.exit_code == 0
    assert "operating points (--profile" in explained.output
    assert f"precise: the bins the calibration reports with confidence >= {emission_for('precise').min_confidence:g}" in (
        explained.output
    )
