"""``mqm_estimate``: the estimator, its shipped coefficients, the fallback policy and the fit script."""

from __future__ import annotations

import importlib.util
import json
import random
from pathlib import Path

import pytest

from auditor.estimate import (
    ESTIMATE_PATH,
    MqmEstimator,
    engine_key,
    estimator_for,
    is_headline,
    load_estimates,
)

ROOT = Path(__file__).resolve().parents[1]


def _fit_script():
    spec = importlib.util.spec_from_file_location("fit_mqm_estimate", ROOT / "bench" / "fit_mqm_estimate.py")
    assert spec is not None and spec.loader is not None
    mod = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(mod)
    return mod


# ----------------------------------------------------------------------------- the estimator


def test_estimate_is_minus_the_predicted_penalty():
    est = MqmEstimator(0.5, 0.04, 0.2)
    assert est.predicted_penalty(20, 6.0) == pytest.approx(0.5 + 0.8 + 1.2)
    assert est.estimate(20, 6.0) == pytest.approx(-2.5)
    assert est.estimate(0, 0.0) == -0.5
    zero = MqmEstimator(0.0, 0.0, 0.0).estimate(10, 3.0)
    assert zero == 0.0 and str(zero) == "0.0"  # never -0.0 in the JSON


@pytest.mark.parametrize("coef", [(0.6, 0.04, 0.1), (0.0, 0.05, 1.0), (1.0, 0.0, 0.0)])
def test_estimate_never_rises_with_words_or_penalty(coef):
    est = MqmEstimator(*coef)
    for words in range(0, 60, 7):
        for penalty in (0.0, 1.0, 5.0, 25.0):
            e = est.estimate(words, penalty)
            assert est.estimate(words + 1, penalty) <= e
            assert est.estimate(words, penalty + 1.0) <= e
            assert e <= 0.0


def test_shipped_coefficients_strictly_monotone_for_the_default_engines():
    est = estimator_for(["rules", "lexical"])
    assert est.origin == "fitted" and est.fit == "lexical,rules"
    assert est.estimate(21, 0.0) < est.estimate(20, 0.0)
    assert est.estimate(20, 1.0) < est.estimate(20, 0.0)  # findings count: c > 0


@pytest.mark.parametrize("bad", [-0.1, float("nan"), float("inf"), True, "1"])
def test_coefficients_must_be_finite_and_non_negative(bad):
    with pytest.raises(ValueError, match="coefficient b"):
        MqmEstimator(0.0, bad, 1.0)


def test_shipped_json_has_provenance_and_non_negative_coefficients():
    data = json.loads(ESTIMATE_PATH.read_text(encoding="utf-8"))
    assert data["data"]["path"].endswith("dev.jsonl")
    assert len(data["data"]["sha256"]) == 64
    assert data["date"] and data["method"] and data["weights"] == "1/5/25"
    assert {"rules", "lexical,rules"} <= set(data["fits"])
    for key, fit in data["fits"].items():
        assert key == engine_key(key.split(","))
        for name in ("a", "b", "c"):
            assert fit[name] >= 0, (key, name)
        MqmEstimator(fit["a"], fit["b"], fit["c"])  # validates
        # every figure sits next to the length-only reference of the same procedure
        assert fit["in_sample"]["n"] == fit["records"]
        assert fit["cv"]["folds"] == 5 and sum(fit["cv"]["fold_sizes"]) == fit["records"]
        assert -1 <= fit["cv"]["spearman_mean"] <= 1
        assert "spearman_mean" in fit["length_only"]["cv"]
        assert set(fit["cross_domain"]) == {"news->ted", "ted->news"}
    fb = data["fallback"]
    assert fb["c"] == 1.0 and fb["a"] >= 0 and fb["b"] > 0 and fb["from"] and fb["policy"]


# ----------------------------------------------------------------------------- fallback policy


def _write(tmp_path, fits):
    p = tmp_path / "est.json"
    fb = {"a": 0.6, "b": 0.04, "c": 1.0, "from": "test"}
    p.write_text(json.dumps({"fits": fits, "fallback": fb}), encoding="utf-8")
    return str(p)


def test_fallback_policy(tmp_path):
    path = _write(
        tmp_path,
        {
            "rules": {"a": 0.6, "b": 0.044, "c": 0.0},
            "lexical,rules": {"a": 0.59, "b": 0.042, "c": 0.07},
        },
    )
    exact = estimator_for(["rules", "lexical"], path)
    assert (exact.origin, exact.fit, exact.c) == ("fitted", "lexical,rules", 0.07)
    assert estimator_for(["rules"], path).c == 0.0
    closest = estimator_for(["lexical"], path)  # fitted only together with rules
    assert (closest.origin, closest.fit, closest.engines) == ("closest fit", "lexical,rules", "lexical")
    # neural was never fitted: never weight its findings with another engine's c
    for engines in (["neural"], ["rules", "neural"], ["rules", "lexical", "neural"]):
        fb = estimator_for(engines, path)
        assert (fb.origin, fb.fit, (fb.a, fb.b, fb.c)) == ("fallback", None, (0.6, 0.04, 1.0))
    assert estimator_for(["neural", "rules"], path).to_dict()["engines"] == "neural,rules"


def test_missing_file_falls_back_to_minus_penalty(tmp_path):
    est = estimator_for(["rules"], str(tmp_path / "nope.json"))
    assert est.origin == "fallback" and est.estimate(30, 6.0) == -6.0


def test_malformed_file_is_an_error(tmp_path):
    p = tmp_path / "bad.json"
    p.write_text('{"fits": []}', encoding="utf-8")
    with pytest.raises(ValueError, match="fits"):
        load_estimates(str(p))


# ----------------------------------------------------------------------------- the fit script


def test_nnls_recovers_known_coefficients():
    fit = _fit_script()
    rng = random.Random(7)
    X, y = [], []
    for _ in range(300):
        words = float(rng.randint(3, 60))
        head = float(rng.random() < 0.2)
        row = (float(rng.randint(1, 3)), words, float(rng.choice([0, 0, 1, 2, 5, 6, 10])), head, head * words)
        X.append(row)
        y.append(0.5 * row[0] + 0.04 * row[1] + 0.3 * row[2] + 0.1 * row[4] + rng.gauss(0, 0.01))
    a, b, c, d, e = fit.nnls_fit(X, y)
    assert (a, b, c) == (pytest.approx(0.5, abs=0.01), pytest.approx(0.04, abs=0.001), pytest.approx(0.3, abs=0.01))
    assert (d, e) == (pytest.approx(0.0, abs=0.02), pytest.approx(0.1, abs=0.002))
    # a negative true effect is clipped to 0, not fitted negative
    y_neg = [0.5 * r[0] + 0.04 * r[1] - 0.2 * r[2] - 0.1 * r[4] for r in X]
    assert min(fit.nnls_fit(X, y_neg)) >= 0
    # the length-only model leaves c at 0
    assert fit.nnls_fit(X, y, fit.LENGTH)[2] == 0.0


def test_fit_resists_heavy_tailed_segments():
    """A few 25-point (Non-translation-like) segments must not set the coefficients."""
    fit = _fit_script()
    rng = random.Random(11)
    X, y = [], []
    for i in range(400):
        row = (1.0, float(rng.randint(3, 60)), float(rng.choice([0, 0, 1, 2, 5])), 0.0, 0.0)
        X.append(row)
        y.append(0.5 + 0.04 * row[1] + 0.3 * row[2] + (25.0 if i % 40 == 0 else rng.gauss(0, 0.05)))
    a, b, c, _d, _e = fit.nnls_fit(X, y)
    assert (b, c) == (pytest.approx(0.04, abs=0.005), pytest.approx(0.3, abs=0.05))


def test_grouped_folds_are_deterministic_balanced_and_keep_documents_whole():
    fit = _fit_script()
    groups = [f"doc{i % 23}" for i in range(200)] + ["big"] * 40
    folds = fit.assign_folds(groups)
    assert set(folds) == set(groups) and set(folds.values()) == set(range(5))
    shuffled = list(reversed(groups))
    assert fit.assign_folds(shuffled) == folds  # independent of record order
    sizes = [sum(1 for g in groups if folds[g] == i) for i in range(5)]
    assert max(sizes) - min(sizes) <= 9  # within one document of balanced


def test_cross_validation_on_synthetic_data_prefers_the_true_model():
    fit = _fit_script()
    rng = random.Random(3)
    X, y, groups = [], [], []
    for d in range(40):
        for _ in range(10):
            words = float(rng.randint(3, 60))
            head = float(rng.random() < 0.3)
            row = (1.0, words, float(rng.choice([0, 0, 0, 1, 5])), head, head * words)
            X.append(row)
            y.append(0.3 + 0.03 * row[1] + 0.8 * row[2] + 0.1 * row[4] + abs(rng.gauss(0, 0.5)))
            groups.append(f"d{d}")
    domains = ["news" if g < "d2" else "ted" for g in groups]
    full = fit.cross_validate(X, y, groups, fit.FULL, domains=domains)
    no_head = fit.cross_validate(X, y, groups, fit.NO_HEADLINE)
    length = fit.cross_validate(X, y, groups, fit.LENGTH)
    assert full["fold_sizes"] == [80] * 5
    assert full["spearman_mean"] > no_head["spearman_mean"] > length["spearman_mean"] + 0.1
    assert set(full["spearman_pooled_per_domain"]) == {"news", "ted"}


# ----------------------------------------------------------------------------- pipeline and output


def test_pipeline_fills_the_estimate_from_words_and_penalty():
    from auditor.engines.rules import RulesEngine
    from auditor.pipeline import Pipeline
    from auditor.types import Document

    est = MqmEstimator(0.6, 0.04, 0.5)
    text = "Der US -Präsident sprach lange.\n![Bild](https://x.org/a.jpg)\nAlles andere war gut."
    result = Pipeline([RulesEngine()], estimator=est).run(Document(path="t", text=text))
    got = [(s.segment.kind, s.penalty, s.words, s.mqm_estimate) for s in result.segments]
    assert got == [
        ("sentence", 1.0, 5, pytest.approx(-(0.6 + 0.2 + 0.5))),
        ("skipped:image", 0.0, 0, None),  # not scored, like its score
        ("sentence", 0.0, 4, pytest.approx(-(0.6 + 0.16))),
    ]
    assert result.mqm_estimate == pytest.approx(-(1.3 + 0.76))
    # the default estimator is the one fitted for the pipeline's engines
    assert Pipeline([RulesEngine()]).estimator == estimator_for(["rules"])


def test_more_findings_give_a_lower_estimate_than_a_clean_sentence_of_the_same_length():
    from auditor.engines import create_engines
    from auditor.pipeline import Pipeline
    from auditor.types import Document

    pipeline = Pipeline(create_engines(["rules", "lexical"]))  # shipped coefficients, default engines
    clean, flawed = pipeline.run_many(
        [
            Document(path="a", text="Der Präsident der USA sprach am Mittwoch in Berlin."),
            Document(path="b", text="Der US -Präsident sprach am Mittwoch in der TrumpVerwaltung."),
        ]
    )
    assert clean.words == flawed.words == 9
    assert clean.penalty == 0 and flawed.penalty >= 2
    assert flawed.mqm_estimate < clean.mqm_estimate < 0
    assert flawed.score < clean.score  # consistent with the 0-100 score


def test_json_and_jsonl_output_carry_the_estimate(tmp_path):
    from click.testing import CliRunner

    from auditor.cli import main

    text = "Der US -Präsident sprach lange.\n![Bild](https://x.org/a.jpg)\nAlles andere war gut. Wirklich gut.\n"
    src = tmp_path / "t.txt"
    src.write_text(text, encoding="utf-8")
    r = CliRunner().invoke(main, ["score", str(src), "--engine", "rules", "--format", "json"])
    assert r.exit_code == 0, r.output
    doc = json.loads(r.stdout)["documents"][0]
    assert list(doc)[:5] == ["path", "score", "penalty", "words", "mqm_estimate"]
    segs = doc["segments"]
    assert [list(s)[:7] for s in segs][0] == ["index", "start", "end", "line", "kind", "score", "mqm_estimate"]
    assert [s["mqm_estimate"] is None for s in segs] == [s["kind"] != "sentence" for s in segs]
    scored = [s["mqm_estimate"] for s in segs if s["kind"] == "sentence"]
    assert len(scored) == 3 and all(e < 0 for e in scored)
    assert doc["mqm_estimate"] == pytest.approx(sum(scored), abs=1e-9)
    rules = estimator_for(["rules"])
    assert scored[0] == rules.estimate(5, 1.0) and scored[2] == rules.estimate(2, 0.0)

    feed = tmp_path / "f.jsonl"
    feed.write_text(json.dumps({"id": "x", "mt_de": text}) + "\n", encoding="utf-8")
    r = CliRunner().invoke(main, ["score", str(feed), "--engine", "rules", "--format", "jsonl"])
    row = json.loads(r.stdout)
    assert row["mqm_estimate"] == doc["mqm_estimate"]


# ----------------------------------------------------------------------------- the headline term


@pytest.mark.parametrize(
    ("text", "headline"),
    [
        ("Trump droht China mit neuen Zöllen", True),
        ("Brexit: Was Sie jetzt wissen müssen", True),
        ("Er kam am Montag an.", False),
        ("Kommst du?", False),
        ("„Wir bleiben“", False),  # a quoted sentence ends with its closing quote
        ("Sie sagte: „Nein!“ ", False),
        ("", False),
    ],
)
def test_is_headline_means_no_sentence_end(text, headline):
    assert is_headline(text) is headline


def test_headline_term_adds_to_the_predicted_penalty_only_for_headlines():
    est = MqmEstimator(0.1, 0.04, 0.2, d=0.05, e=0.1)
    assert est.predicted_penalty(10, 1.0, headline=True) == pytest.approx(0.1 + 0.4 + 0.2 + 0.05 + 1.0)
    assert est.predicted_penalty(10, 1.0) == pytest.approx(0.7)
    assert est.estimate(10, 1.0, headline=True) < est.estimate(10, 1.0)


def test_shipped_fit_has_the_headline_term_and_reports_it_per_domain():
    """The refit's headline term is non-zero and its CV figures sit per domain next to the
    model without it and the length-only model (a term that hurts TED must show)."""
    data = load_estimates()
    fit = data["fits"]["lexical,rules"]
    assert fit["e"] > 0
    for ref in ("cv", "without_headline", "length_headline", "length_only"):
        cv = fit[ref] if ref == "cv" else fit[ref]["cv"]
        assert set(cv["spearman_pooled_per_domain"]) == {"news", "ted"}
    assert fit["cv"]["spearman_mean"] >= 0.445
    est = estimator_for(["rules", "lexical"])
    assert est.estimate(8, 0.0, headline=True) < est.estimate(8, 0.0)


def test_pipeline_estimates_a_headline_lower_than_the_same_words_as_a_sentence():
    from auditor.engines.rules import RulesEngine
    from auditor.pipeline import Pipeline
    from auditor.types import Document

    est = MqmEstimator(0.1, 0.04, 0.0, d=0.0, e=0.1)
    pipe = Pipeline([RulesEngine()], estimator=est)
    head = pipe.run(Document(path="h", text="Regierung kündigt neue Maßnahmen gegen Inflation an"))
    sent = pipe.run(Document(path="s", text="Regierung kündigt neue Maßnahmen gegen Inflation an."))
    assert head.segments[0].mqm_estimate < sent.segments[0].mqm_estimate
