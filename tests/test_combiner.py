"""The learned combiner's runtime half: features, the model file, profiles."""

from __future__ import annotations

import json
import math
from pathlib import Path

import pytest

from auditor.engines.lexical.combiner import PROFILES, Combiner, feature_names, features, load_combiner

DETS = ("lexical.a", "lexical.b")


def test_feature_vector_matches_its_names_and_marks_the_headline() -> None:
    names = feature_names(DETS)
    head = features(DETS, "lexical.b", 0.7, "Trump", "Trump trifft Putin in Helsinki", 0, "Trump meets Putin")
    body = features(DETS, "lexical.b", 0.7, "Trump", "Trump trifft Putin in Helsinki.", 0, "Trump meets Putin.")
    assert len(head) == len(names) == len(body)
    row = dict(zip(names, head, strict=True))
    assert row["is:lexical.b"] == 1.0 and row["is:lexical.a"] == 0.0
    assert row["strength:lexical.b"] == pytest.approx(0.7)
    assert row["headline"] == 1.0 and dict(zip(names, body, strict=True))["headline"] == 0.0
    assert row["capitalised"] == 1.0 and row["sentence_initial"] == 1.0


def _model(tmp_path: Path, weights: list[float]) -> Path:
    p = tmp_path / "combiner.json"
    data = {
        "version": "1",
        "detectors": list(DETS),
        "weights": weights,
        "profiles": {"precise": {"threshold": 0.7}, "balanced": {"threshold": 0.5}, "thorough": {"threshold": 0.2}},
    }
    p.write_text(json.dumps(data), encoding="utf-8")
    return p


def test_probability_is_the_logistic_of_the_weighted_features(tmp_path: Path) -> None:
    n = len(feature_names(DETS))
    w = [0.0] * n
    w[0] = -1.0  # bias
    w[feature_names(DETS).index("strength:lexical.a")] = 3.0
    comb = load_combiner("precise", str(_model(tmp_path, w)))
    assert comb is not None and comb.threshold == 0.7
    p = comb.probability("lexical.a", 1.0, "xyz", "ein xyz Satz.", 4, None)
    assert p == pytest.approx(1 / (1 + math.exp(-2.0)))
    # a detector it does not cover only gets the bias
    assert comb.probability("lexical.b", 1.0, "xyz", "ein xyz Satz.", 4, None) < p
    assert comb.tag().startswith("comb1:") and comb.tag().endswith(":precise")


def test_unknown_profile_and_wrong_weight_count_are_refused(tmp_path: Path) -> None:
    n = len(feature_names(DETS))
    with pytest.raises(ValueError, match="unknown profile"):
        load_combiner("sloppy", str(_model(tmp_path, [0.0] * n)))
    with pytest.raises(ValueError, match="do not match"):
        Combiner(DETS, (0.0,), {"balanced": 0.5})
    assert load_combiner("balanced", str(tmp_path / "absent.json")) is None
    with pytest.raises(ValueError, match="unknown profile"):
        load_combiner("sloppy", str(tmp_path / "absent.json"))
    assert PROFILES == ("precise", "balanced", "thorough")
