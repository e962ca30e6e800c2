"""Scores derive from findings: region penalties, per-word normalisation, signature."""

from __future__ import annotations

from auditor.pipeline import Pipeline
from auditor.score import region_penalty, score_from_penalty, signature
from auditor.types import Document, Finding, Weights


def f(start: int, end: int, severity: str) -> Finding:
    return Finding(start, end, 1, start + 1, "x", "artifact", severity, 1.0, "t", "m")  # type: ignore[arg-type]


def test_overlapping_findings_cost_their_most_severe_weight_once() -> None:
    w = Weights()
    assert region_penalty([], w) == 0
    assert region_penalty([f(0, 5, "minor"), f(10, 12, "major")], w) == 6
    assert region_penalty([f(0, 5, "minor"), f(3, 8, "major"), f(7, 9, "minor")], w) == 5
    assert region_penalty([f(0, 5, "critical"), f(5, 8, "minor")], w) == 26  # touching, not overlapping
    assert region_penalty([f(0, 5, "minor")], Weights(2, 10, 50)) == 2


def test_score_is_penalty_per_100_words() -> None:
    assert score_from_penalty(0, 0) == 100
    assert score_from_penalty(1, 20) == 95
    assert score_from_penalty(5, 20) == 75
    assert score_from_penalty(25, 20) == 0


def test_signature_names_engines_and_weights() -> None:
    sig = signature(["rules@1", "lexical@1[ding:abc]"], Weights(1, 5, 25))
    assert sig.startswith("auditor:") and "engines:rules@1+lexical@1[ding:abc]" in sig and "weights:1/5/25" in sig


def test_pipeline_scores_segments_and_document() -> None:
    from auditor.engines.rules import RulesEngine

    text = "Der US -Präsident sprach lange.\n![Bild](https://x.org/a.jpg)\nAlles andere war gut."
    result = Pipeline([RulesEngine()]).run(Document(path="t", text=text))
    scores = [(s.segment.kind, s.score, s.words) for s in result.segments]
    assert scores == [("sentence", 80.0, 5), ("skipped:image", None, 0), ("sentence", 100.0, 4)]
    assert result.penalty == 1 and result.words == 9 and result.score == round(100 - 100 / 9, 2)
