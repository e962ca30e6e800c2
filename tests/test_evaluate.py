"""Metric code of ``auditor eval`` against small hand-computed cases."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from conftest import need_shared

from auditor.errors import InputError
from auditor.evaluate import (
    GoldRecord,
    Prediction,
    Span,
    average_ranks,
    char_ranks,
    evaluate,
    kendall_tau_b,
    render_text,
    spearman,
    top_category,
)
from auditor.io.gold import parse_gold_line, read_gold

SEED = Path(__file__).resolve().parents[2] / "shared" / "seed" / "nato-hegseth.jsonl"
DEV = Path(__file__).resolve().parents[2] / "shared" / "eval" / "dev.jsonl"
TEXT = "abcdefghij"  # 10 characters


def rec(spans, text=TEXT, score=None, rid="r"):
    return GoldRecord(rid, text, None, tuple(Span(*s) for s in spans), score, 1)


def pred(spans, score=None):
    return Prediction(tuple(Span(*s) for s in spans), score)


def one(gold_spans, pred_spans, text=TEXT):
    return evaluate([rec(gold_spans, text)], [pred(pred_spans)])


def test_overlapping_gold_spans_most_severe_wins():
    # gold chars 0-1 minor, 2-5 major (overlap of [0,4) minor and [2,6) major)
    r = one([(0, 4, "minor"), (2, 6, "major")], [(0, 6, "minor")])
    s = r.auditor.severity
    assert s.gold_chars == 6 and s.predicted_chars == 6
    assert s.earned == pytest.approx(2 * 1 + 4 * 0.5)
    assert s.precision == pytest.approx(4 / 6) and s.recall == pytest.approx(4 / 6)
    assert r.auditor.blind.f1 == pytest.approx(1.0)


def test_overlapping_predicted_spans_most_severe_wins():
    # predicted: char 0 minor, chars 1-2 major; gold 0-2 major
    r = one([(0, 3, "major")], [(0, 3, "minor"), (1, 3, "major")])
    assert r.auditor.severity.earned == pytest.approx(0.5 + 2)
    assert r.auditor.severity.predicted_chars == 3  # union, not 5
    assert r.predicted_spans == 2


def test_severity_mismatch_earns_half():
    r = one([(0, 4, "major")], [(2, 8, "minor")])
    s, b = r.auditor.severity, r.auditor.blind
    assert s.earned == pytest.approx(1.0)
    assert s.precision == pytest.approx(1 / 6)
    assert s.recall == pytest.approx(1 / 4)
    assert s.f1 == pytest.approx(0.2)
    assert b.precision == pytest.approx(2 / 6)
    assert b.recall == pytest.approx(2 / 4)
    assert b.f1 == pytest.approx(0.4)


@pytest.mark.parametrize(
    ("gold_sev", "pred_sev", "earned"),
    [
        ("critical", "major", 5.0),
        ("major", "critical", 5.0),
        ("critical", "critical", 5.0),
        ("critical", "minor", 2.5),
        ("minor", "critical", 2.5),
        (None, "minor", 5.0),  # null gold severity counts as minor
        (None, "major", 2.5),
    ],
)
def test_critical_counts_as_major(gold_sev, pred_sev, earned):
    r = one([(0, 5, gold_sev)], [(0, 5, pred_sev)])
    assert r.auditor.severity.earned == pytest.approx(earned)
    assert r.auditor.blind.earned == pytest.approx(5.0)


def test_zero_length_gold_spans_are_ignored():
    r = one([(3, 3, "major", "Accuracy/Omission"), (5, 7, "minor", "Fluency/Grammar")], [])
    assert r.gold_spans == 2
    assert r.zero_length_gold_spans == 1
    assert r.auditor.severity.gold_chars == 2
    assert "Accuracy" not in r.per_category
    assert r.per_category["Fluency"].spans == 1
    # a prediction at the omission's offset earns nothing
    r2 = one([(3, 3, "major")], [(3, 4, "major")])
    assert r2.auditor.severity.gold_chars == 0
    assert r2.auditor.severity.earned == 0
    assert r2.auditor.severity.precision == 0.0


def test_records_with_no_prediction_count_in_micro_recall():
    gold = [rec([(0, 4, "minor")], rid="a"), rec([(0, 6, "major")], rid="b")]
    preds = [pred([(0, 4, "minor")]), pred([])]
    s = evaluate(gold, preds).auditor.severity
    assert (s.earned, s.predicted_chars, s.gold_chars) == (4.0, 4, 10)
    assert s.precision == pytest.approx(1.0)
    assert s.recall == pytest.approx(0.4)
    assert s.f1 == pytest.approx(2 * 0.4 / 1.4)


def test_empty_gold_predictions_cost_precision_only():
    gold = [rec([], rid="clean"), rec([(0, 2, "minor")], rid="err")]
    preds = [pred([(0, 3, "minor")]), pred([(0, 2, "minor")])]
    s = evaluate(gold, preds).auditor.severity
    assert (s.earned, s.predicted_chars, s.gold_chars) == (2.0, 5, 2)
    assert s.precision == pytest.approx(0.4)
    assert s.recall == pytest.approx(1.0)


def test_all_empty_gives_zeros_not_division_error():
    r = evaluate([rec([])], [pred([])])
    assert r.auditor.severity.f1 == 0.0
    assert r.auditor.blind.precision == 0.0
    assert r.all_minor.severity.recall == 0.0
    assert r.correlation is None


def test_spans_at_the_text_end():
    r = one([(7, 10, "major")], [(8, 10, "major")])
    s = r.auditor.severity
    assert s.earned == 2.0 and s.precision == 1.0 and s.recall == pytest.approx(2 / 3)
    ok = parse_gold_line(
        json.dumps({"id": "x", "mt_de": TEXT, "spans": [{"start": 7, "end": 10, "severity": "minor"}]}),
        "g.jsonl",
        4,
    )
    assert ok.spans[0].end == 10
    with pytest.raises(InputError) as exc:
        parse_gold_line(
            json.dumps({"id": "x", "mt_de": TEXT, "spans": [{"start": 7, "end": 11, "severity": "minor"}]}),
            "g.jsonl",
            4,
        )
    assert str(exc.value).startswith("g.jsonl:4: ")
    assert "outside the text" in str(exc.value)


def test_all_minor_reference():
    r = one([(0, 2, "minor"), (4, 6, "major")], [])
    m = r.all_minor
    assert m.severity.predicted_chars == 10
    assert m.severity.earned == pytest.approx(2 + 2 * 0.5)
    assert m.severity.precision == pytest.approx(0.3)
    assert m.severity.recall == pytest.approx(0.75)
    assert m.blind.precision == pytest.approx(0.4)
    assert m.blind.recall == pytest.approx(1.0)


def test_per_category_and_per_detector():
    text = "x" * 16
    gold = [
        rec(
            [
                (0, 4, "major", "Accuracy/Mistranslation"),
                (6, 10, "minor", "Fluency/Grammar"),
                (4, 4, "major", "Accuracy/Omission"),
            ],
            text,
        )
    ]
    preds = [
        pred(
            [
                (0, 2, "minor", "", "A"),
                (8, 12, "minor", "", "B"),
                (14, 15, "minor", "", "B"),
                (15, 15, "minor", "", "C"),
            ]
        )
    ]
    r = evaluate(gold, preds)
    acc, flu = r.per_category["Accuracy"], r.per_category["Fluency"]
    assert (acc.gold_chars, acc.recalled_chars, acc.spans, acc.spans_hit) == (4, 2, 1, 1)
    assert (flu.gold_chars, flu.recalled_chars, flu.spans, flu.spans_hit) == (4, 2, 1, 1)
    a, b, c = r.per_detector["A"], r.per_detector["B"], r.per_detector["C"]
    assert (a.findings, a.findings_hit, a.predicted_chars, a.correct_chars) == (1, 1, 2, 2)
    assert (b.findings, b.findings_hit, b.predicted_chars, b.correct_chars) == (2, 1, 5, 2)
    assert (c.findings, c.findings_hit, c.predicted_chars) == (1, 0, 0)
    d = r.to_dict()
    assert d["per_detector"]["B"]["char_precision"] == pytest.approx(0.4)
    assert d["per_category"]["Accuracy"]["char_recall"] == pytest.approx(0.5)


def test_top_category():
    assert top_category("Accuracy/Mistranslation") == "Accuracy"
    assert top_category("Non-translation") == "Non-translation"
    assert top_category("post-edited word(s) (HTER tag BAD)") == "post-edited word(s) (HTER tag BAD)"
    assert top_category("") == "(none)"


def test_char_ranks():
    assert char_ranks([Span(1, 3, "minor"), Span(2, 5, "critical"), Span(4, 4, "major")], 6) == [
        0,
        1,
        3,
        3,
        3,
        0,
    ]


def test_average_ranks_ties():
    assert average_ranks([3.0, 1.0, 3.0, 2.0]) == [3.5, 1.0, 3.5, 2.0]


def test_spearman_and_kendall_with_ties():
    xs, ys = [1.0, 2.0, 2.0, 3.0], [1.0, 3.0, 2.0, 4.0]
    # ranks x = 1, 2.5, 2.5, 4; Pearson of ranks = 4.5 / sqrt(4.5 * 5)
    assert spearman(xs, ys) == pytest.approx(4.5 / (4.5 * 5) ** 0.5)
    # 5 concordant, 0 discordant, 1 pair tied in x: 5 / sqrt(5 * 6)
    assert kendall_tau_b(xs, ys) == pytest.approx(5 / 30**0.5)
    assert kendall_tau_b([1, 2, 3], [3, 2, 1]) == pytest.approx(-1.0)
    assert spearman([1, 2, 3], [30, 20, 10]) == pytest.approx(-1.0)
    assert kendall_tau_b([1, 1, 1], [1, 2, 3]) is None
    assert spearman([1, 2, 3], [5, 5, 5]) is None


def test_correlation_uses_records_with_gold_score_only():
    gold = [rec([], score=-1.0), rec([], score=None), rec([], score=-5.0), rec([], score=0.0)]
    preds = [pred([], 90.0), pred([], 10.0), pred([], 50.0), pred([], 100.0)]
    c = evaluate(gold, preds).correlation
    assert c is not None and c.n == 3
    assert c.spearman == pytest.approx(1.0)
    assert c.kendall_tau_b == pytest.approx(1.0)


def test_read_gold_reports_file_and_line(tmp_path):
    p = tmp_path / "g.jsonl"
    p.write_text('{"id": "a", "mt_de": "Hallo Welt", "spans": []}\n{"id": "b", "mt_de": \n', encoding="utf-8")
    with pytest.raises(InputError) as exc:
        read_gold(str(p))
    assert str(exc.value).startswith(f"{p}:2: malformed JSON")
    p.write_text(
        '{"id": "a", "mt_de": "Hallo", "spans": [{"start": 2, "end": 1, "severity": "minor"}]}\n',
        encoding="utf-8",
    )
    with pytest.raises(InputError, match=r"g\.jsonl:1: span 0 \[2, 1\) falls outside"):
        read_gold(str(p))
    p.write_text(
        '{"id": "a", "mt_de": "Hallo", "spans": [{"start": 0, "end": 2, "severity": "fatal"}]}\n',
        encoding="utf-8",
    )
    with pytest.raises(InputError, match="unknown severity"):
        read_gold(str(p))
    p.write_text("\n\n", encoding="utf-8")
    with pytest.raises(InputError, match=r"g\.jsonl: no records"):
        read_gold(str(p))
    p.write_text('{"id": "a", "spans": []}\n', encoding="utf-8")
    with pytest.raises(InputError, match=r":1: missing or non-string 'mt_de'"):
        read_gold(str(p))


@pytest.fixture(scope="module")
def seed():
    need_shared(SEED)
    return read_gold(str(SEED))


def test_seed_reads_and_gold_against_itself_is_perfect(seed):
    assert len(seed) == 36
    assert sum(len(r.spans) for r in seed) == 48
    r3 = next(r for r in seed if r.id == "nato-hegseth:3")
    assert any(r3.text[s.start : s.end] == "Voller Stopp" for s in r3.spans)
    r = evaluate(seed, [Prediction(r.spans, None) for r in seed])
    assert r.auditor.severity.f1 == pytest.approx(1.0)
    assert r.auditor.blind.f1 == pytest.approx(1.0)
    assert r.per_category["calque"].spans == 7
    assert r.per_category["artifact"].spans_hit == 17


def test_seed_severity_flip_hurts_only_the_severity_aware_score(seed):
    flipped = [
        Prediction(tuple(Span(s.start, s.end, "minor", s.category) for s in r.spans), None) for r in seed
    ]
    r = evaluate(seed, flipped)
    assert r.auditor.blind.f1 == pytest.approx(1.0)
    assert 0.5 < r.auditor.severity.f1 < 1.0
    # all-minor reference flags every character: its blind recall is 1, precision the error density
    assert r.all_minor.blind.recall == pytest.approx(1.0)
    total = sum(len(x.text) for x in seed)
    assert r.all_minor.blind.precision == pytest.approx(r.auditor.blind.gold_chars / total)
    assert r.all_minor.severity.f1 < r.all_minor.blind.f1


def test_render_text_shows_both_rows(seed):
    r = evaluate(seed, [Prediction((), None) for _ in seed])
    out = render_text(r)
    assert "auditor" in out and "all-minor" in out
    assert "no gold scores" in out
    assert "calque" in out


def test_correlations_match_scipy_on_tied_data():
    stats = pytest.importorskip("scipy.stats")
    import random

    rng = random.Random(7)
    xs = [float(rng.randint(0, 6)) for _ in range(200)]  # many ties, like MQM scores
    ys = [x * 0.5 + rng.randint(-3, 3) for x in xs]
    assert spearman(xs, ys) == pytest.approx(stats.spearmanr(xs, ys).statistic, abs=1e-9)
    assert kendall_tau_b(xs, ys) == pytest.approx(stats.kendalltau(xs, ys).statistic, abs=1e-9)


def _naive_tau_b(xs, ys):
    n = len(xs)
    s = tx = ty = 0
    for i in range(n):
        for j in range(i + 1, n):
            a = (xs[i] > xs[j]) - (xs[i] < xs[j])
            b = (ys[i] > ys[j]) - (ys[i] < ys[j])
            s += a * b
            tx += a == 0
            ty += b == 0
    n0 = n * (n - 1) // 2
    return s / ((n0 - tx) * (n0 - ty)) ** 0.5


@pytest.mark.parametrize("seed_", range(20))
def test_kendall_matches_naive_pair_count(seed_):
    import random

    rng = random.Random(seed_)
    n = rng.randint(2, 60)
    xs = [float(rng.randint(0, rng.randint(1, 8))) for _ in range(n)]
    ys = [float(rng.randint(0, rng.randint(1, 8))) for _ in range(n)]
    if len(set(xs)) < 2 or len(set(ys)) < 2:
        assert kendall_tau_b(xs, ys) is None
    else:
        assert kendall_tau_b(xs, ys) == pytest.approx(_naive_tau_b(xs, ys), abs=1e-12)


def test_penalty_and_length_reference_correlations() -> None:
    """−penalty is compared with the gold score as is; the length reference uses −words."""
    from auditor.evaluate import GoldRecord, Prediction

    gold = [
        GoldRecord("a", "eins zwei", None, (), -1.0, 1),
        GoldRecord("b", "eins zwei drei vier", None, (), -5.0, 2),
        GoldRecord("c", "eins", None, (), 0.0, 3),
    ]
    preds = [Prediction((), 50.0, 1.0), Prediction((), 90.0, 2.0), Prediction((), 100.0, 0.0)]
    result = evaluate(gold, preds)
    assert result.correlation is not None and result.correlation.spearman == pytest.approx(0.5)
    assert result.correlation_penalty is not None and result.correlation_penalty.spearman == pytest.approx(1.0)
    assert result.correlation_length is not None and result.correlation_length.spearman == pytest.approx(1.0)
    assert result.to_dict()["correlation_penalty"]["n"] == 3


def _dev_predictions(gold: list[GoldRecord]) -> list[Prediction]:
    """Predictions for real gold records: the gold spans of every other record, with
    numbers that tie often (like MQM scores) and are sometimes missing, as a real run's."""
    out = []
    for i, r in enumerate(gold):
        spans = r.spans if i % 2 else ()
        words = len(r.text.split())
        penalty = float(sum(5 if s.severity == "major" else 1 for s in spans))
        out.append(
            Prediction(
                spans,
                None if i % 7 == 3 else round(100 - penalty / max(words, 1) * 10, 1),
                None if i % 5 == 1 else penalty,
                None if i % 3 == 2 else -penalty - 0.1 * words,
            )
        )
    return out


@pytest.mark.shared(DEV)
def test_streamed_correlations_equal_scipy_over_records_spilled_in_several_chunks(monkeypatch):
    """The accumulator spills its correlation columns and reads them back per correlation,
    and sorts in pieces: every pair must come back to its own record, only where its x was
    present, and the merged pieces rank as one sort would."""
    stats = pytest.importorskip("scipy.stats")
    from auditor import evaluate as ev

    monkeypatch.setattr(ev, "_CHUNK", 70)  # 35 pairs a flush, sorted 70 values a piece
    gold = read_gold(str(DEV))[:1217]
    preds = _dev_predictions(gold)
    result = evaluate(gold, preds)
    columns = {
        "correlation": [(p.score, r.score) for r, p in zip(gold, preds) if p.score is not None],
        "correlation_penalty": [(-p.penalty, r.score) for r, p in zip(gold, preds) if p.penalty is not None],
        "correlation_length": [(-len(r.text.split()), r.score) for r in gold],
        "correlation_estimate": [(p.mqm_estimate, r.score) for r, p in zip(gold, preds) if p.mqm_estimate is not None],
    }
    for name, pairs in columns.items():
        xs, ys = [float(x) for x, _ in pairs], [y for _, y in pairs]
        corr = getattr(result, name)
        assert corr.n == len(pairs) < len(gold) or name == "correlation_length"
        assert corr.spearman == pytest.approx(stats.spearmanr(xs, ys).statistic, abs=1e-9)
        assert corr.kendall_tau_b == pytest.approx(stats.kendalltau(xs, ys).statistic, abs=1e-9)
        assert corr.spearman == spearman(xs, ys) and corr.kendall_tau_b == kendall_tau_b(xs, ys)


@pytest.mark.shared(DEV)
def test_the_accumulator_gives_the_same_metrics_when_read_midway(monkeypatch):
    """``result()`` may be called while records still come (the spilled pairs are read, not
    consumed): the final metrics equal those of one pass over the same records."""
    from auditor import evaluate as ev

    monkeypatch.setattr(ev, "_CHUNK", 64)
    gold = read_gold(str(DEV))
    preds = _dev_predictions(gold)
    tally = ev.Evaluation()
    for i, (r, p) in enumerate(zip(gold, preds)):
        tally.add(r, p)
        if i in (5, 31, 32, 900):
            tally.result()
    assert tally.result().to_dict() == evaluate(gold, preds).to_dict()
    assert tally.result().correlation.n == sum(1 for p in preds if p.score is not None)


@pytest.mark.parametrize("seed_", range(6))
def test_inversions_of_an_array_equal_a_count_by_insertion(seed_):
    """The merge count on the compact array the accumulator uses, against counting, for
    each value, the greater ones before it; and the array is sorted afterwards."""
    import bisect
    import random
    from array import array

    from auditor.evaluate import _sort_count_inversions

    rng = random.Random(seed_)
    n = rng.choice([2, 3, 17, 1000, 2049, 3000])
    values = [rng.randint(0, rng.choice([1, 5, 40, 5000])) for _ in range(n)]
    seen: list[int] = []
    expected = 0
    for v in values:
        expected += len(seen) - bisect.bisect_right(seen, v)
        bisect.insort(seen, v)
    packed = array("q", values)
    assert _sort_count_inversions(packed) == expected
    assert list(packed) == sorted(values)
