"""The signature names everything that can change a number: detector versions, fitted files."""

from __future__ import annotations

import dataclasses
import json
from pathlib import Path

import pytest

from auditor.detectors import REGISTRY, load_all
from auditor.engines.rules import RulesEngine
from auditor.estimate import MqmEstimator
from auditor.pipeline import Pipeline
from auditor.resources import lexical as lx


def test_a_detector_version_changes_the_engine_signature(monkeypatch: pytest.MonkeyPatch) -> None:
    load_all()
    before = RulesEngine().signature()
    assert before.startswith("rules@1+det:")
    bumped = dataclasses.replace(REGISTRY["rules.glued_words"], version=2)
    monkeypatch.setitem(REGISTRY, "rules.glued_words", bumped)
    assert RulesEngine().signature() != before


def test_the_estimate_coefficients_change_the_pipeline_signature() -> None:
    a = Pipeline([RulesEngine()], estimator=MqmEstimator(0.1, 0.02, 0.5, engines="rules", fit="rules"))
    b = Pipeline([RulesEngine()], estimator=MqmEstimator(0.1, 0.02, 0.51, engines="rules", fit="rules"))
    assert "|est:rules@" in a.signature
    assert a.signature != b.signature


@pytest.mark.skipif(lx.find_ding() is None or lx.find_hunspell_dict() is None, reason="Ding or Hunspell missing")
def test_one_calibration_bin_changes_the_lexical_signature(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    from auditor.engines.lexical import LexicalEngine, calibration

    engine = LexicalEngine()
    before = engine.signature()
    table = json.loads(calibration.CALIBRATION_PATH.read_text(encoding="utf-8"))
    table["detectors"]["lexical.spelling"]["bins"][0]["confidence"] += 0.01
    changed = tmp_path / "calibration.json"
    changed.write_text(json.dumps(table), encoding="utf-8")
    monkeypatch.setattr(calibration, "CALIBRATION_PATH", changed)
    assert engine.signature() != before
    assert engine.signature().split("+det:")[0] == before.split("+det:")[0]
