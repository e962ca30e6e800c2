"""``auditor eval`` end to end: bad input, predictions file, metrics reproduced independently."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from click.testing import CliRunner
from conftest import need_shared

from auditor.cli.eval_cmd import eval_command

sys_path_tests = Path(__file__).resolve().parent
SHARED = Path(__file__).resolve().parents[2] / "shared"
SEED = SHARED / "seed" / "nato-hegseth.jsonl"
DEV = SHARED / "eval" / "dev.jsonl"


def _independent():
    import importlib.util

    spec = importlib.util.spec_from_file_location("independent_eval", sys_path_tests / "independent_eval.py")
    mod = importlib.util.module_from_spec(spec)
    assert spec.loader is not None
    spec.loader.exec_module(mod)
    return mod


def run(*args):
    return CliRunner().invoke(eval_command, [str(a) for a in args], catch_exceptions=False)


def assert_close_3(ours: dict, theirs: dict, where: str = "") -> None:
    for k, v in theirs.items():
        if isinstance(v, dict):
            assert_close_3(ours[k], v, f"{where}.{k}")
        elif v is None:
            assert ours[k] is None, f"{where}.{k}"
        else:
            assert round(ours[k], 3) == round(v, 3), f"{where}.{k}: {ours[k]} != {v}"


# ----------------------------------------------------------------- bad input (no engine needed)


def test_malformed_line_exits_2_with_file_and_line(tmp_path):
    g = tmp_path / "gold.jsonl"
    g.write_text(
        '{"id": "a", "mt_de": "Das ist gut.", "spans": []}\n{"id": "b", "mt_de": "Kaputt\n', encoding="utf-8"
    )
    r = run(g, "--engine", "rules")
    assert r.exit_code == 2
    assert f"{g}:2: malformed JSON" in r.output


def test_span_outside_text_exits_2_with_file_and_line(tmp_path):
    g = tmp_path / "gold.jsonl"
    lines = [
        {
            "id": "a",
            "mt_de": "Voller Stopp.",
            "spans": [{"start": 0, "end": 12, "severity": "major", "category": "calque"}],
        },
        {"id": "b", "mt_de": "Kurz.", "spans": []},
        {
            "id": "c",
            "mt_de": "Kurz.",
            "spans": [{"start": 3, "end": 9, "severity": "minor", "category": "x"}],
        },
    ]
    g.write_text("".join(json.dumps(x) + "\n" for x in lines), encoding="utf-8")
    r = run(g, "--engine", "rules")
    assert r.exit_code == 2
    assert f"{g}:3: span 0 [3, 9) falls outside the text (length 5)" in r.output


def test_missing_file_exits_2(tmp_path):
    r = run(tmp_path / "nope.jsonl")
    assert r.exit_code == 2
    assert "nope.jsonl" in r.output


# ----------------------------------------------------------------- with the rules engine


@pytest.fixture(scope="module")
def seed_run(tmp_path_factory):
    need_shared(SEED)
    out = tmp_path_factory.mktemp("eval") / "p.jsonl"
    r = run(SEED, "--engine", "rules", "--predictions", out, "--format", "json")
    assert r.exit_code == 0, r.output
    return json.loads(r.stdout), out


@pytest.mark.shared(SEED)
def test_seed_predictions_file(seed_run):
    report, out = seed_run
    gold = [json.loads(line) for line in SEED.read_text(encoding="utf-8").splitlines() if line.strip()]
    preds = [json.loads(line) for line in out.read_text(encoding="utf-8").splitlines()]
    assert [p["id"] for p in preds] == [g["id"] for g in gold]
    n_spans = 0
    for g, p in zip(gold, preds, strict=True):
        assert {"id", "score", "penalty", "spans"} <= set(p)
        for f in p["spans"]:
            assert 0 <= f["start"] <= f["end"] <= len(g["mt_de"])
            assert g["mt_de"][f["start"] : f["end"]] == f["text"]
            n_spans += 1
    assert report["predicted_spans"] == n_spans > 0
    # the rules engine must catch the article's typographic artefacts ("NATO -Verbündeten")
    assert report["per_category"]["artifact"]["spans_hit"] > 0
    assert report["records"] == 36 and report["gold_spans"] == 48
    assert report["engines"] == ["rules"]
    assert report["correlation"] is None  # the seed has no segment scores


@pytest.mark.shared(SEED)
def test_seed_metrics_reproduced_by_independent_implementation(seed_run):
    report, out = seed_run
    theirs = _independent().compute(str(SEED), str(out))
    assert_close_3(report["auditor"], theirs["auditor"], "auditor")
    assert_close_3(report["all_minor"], theirs["all_minor"], "all_minor")
    for cat, rec in theirs["char_recall_per_category"].items():
        assert round(report["per_category"][cat]["char_recall"], 3) == round(rec, 3), cat
    for det, prec in theirs["char_precision_per_detector"].items():
        assert round(report["per_detector"][det]["char_precision"], 3) == round(prec, 3), det
    # the auditor must beat flagging everything on precision
    assert report["auditor"]["blind"]["precision"] > report["all_minor"]["blind"]["precision"]


def test_seed_throughput_and_memory_reported(seed_run):
    report, _ = seed_run
    t = report["throughput"]
    assert t["segments"] == 36
    assert t["segments_per_second"] > 0
    assert t["peak_rss_mb"] > 10


@pytest.mark.shared(DEV)
def test_scored_subset_correlation_matches_independent(tmp_path):
    g = tmp_path / "dev40.jsonl"
    g.write_text("".join(DEV.read_text(encoding="utf-8").splitlines(keepends=True)[:40]), encoding="utf-8")
    out = tmp_path / "p.jsonl"
    r = run(g, "--engine", "rules", "--predictions", out, "--format", "json")
    assert r.exit_code == 0, r.output
    report = json.loads(r.stdout)
    assert report["source_used"] is True
    theirs = _independent().compute(str(g), str(out))
    assert report["correlation"]["n"] == 40
    assert_close_3(report["auditor"], theirs["auditor"], "auditor")
    assert_close_3(report["correlation"], theirs["correlation"], "correlation")
    assert report["correlation_estimate"]["n"] == 40
    assert_close_3(report["correlation_estimate"], theirs["correlation_estimate"], "correlation_estimate")


@pytest.mark.shared(DEV)
def test_estimate_row_first_and_equal_to_scipy_on_a_real_subset(tmp_path):
    from scipy.stats import kendalltau, spearmanr

    g = tmp_path / "dev60.jsonl"
    lines = DEV.read_text(encoding="utf-8").splitlines(keepends=True)
    g.write_text("".join(lines[:30] + lines[-30:]), encoding="utf-8")  # news and TED
    out = tmp_path / "p.jsonl"
    r = run(g, "--engine", "rules", "--predictions", out, "--format", "json")
    assert r.exit_code == 0, r.output
    report = json.loads(r.stdout)
    gold = [json.loads(line)["score"] for line in g.read_text(encoding="utf-8").splitlines()]
    est = [json.loads(line)["mqm_estimate"] for line in out.read_text(encoding="utf-8").splitlines()]
    assert len(set(est)) > 20  # a real ranking, not a constant
    rho = spearmanr(est, gold).statistic
    tau = kendalltau(est, gold, variant="b").statistic
    assert report["correlation_estimate"]["spearman"] == pytest.approx(rho, abs=1e-6)
    assert report["correlation_estimate"]["kendall_tau_b"] == pytest.approx(tau, abs=1e-6)
    assert report["mqm_estimator"]["engines"] == "rules" and report["mqm_estimator"]["origin"] == "fitted"
    assert list(report).index("correlation_estimate") < list(report).index("correlation")
    # the text table: the estimate is the first correlation row, the existing rows follow
    text = run(g, "--engine", "rules").stdout
    table = text.split("segment score correlation with the gold score (n=60)")[1].splitlines()[1:5]
    labels = [row[:36].strip() for row in table]
    assert labels == [
        "auditor MQM estimate",
        "auditor score (0-100, per word)",
        "auditor -penalty (MQM sum)",
        "reference: -words (length only)",
    ]
    assert table[0].split()[-2] == f"{rho:.3f}"


@pytest.mark.shared(DEV)
def test_text_format_and_no_source(tmp_path):
    g = tmp_path / "dev5.jsonl"
    g.write_text("".join(DEV.read_text(encoding="utf-8").splitlines(keepends=True)[:5]), encoding="utf-8")
    r = run(g, "--engine", "rules", "--no-source")
    assert r.exit_code == 0, r.output
    assert "all-minor" in r.stdout and "auditor" in r.stdout
    assert "Spearman" in r.stdout
    assert "source: not used" in r.stdout
    j = json.loads(run(g, "--engine", "rules", "--no-source", "--format", "json").stdout)
    assert j["source_used"] is False


@pytest.mark.shared(SEED)
def test_unknown_engine_exits_2():
    r = run(SEED, "--engine", "nonsense")
    assert r.exit_code == 2
    assert "unknown engine" in r.output


# ----------------------------------------------------------------- bench driver


def _bench():
    import importlib.util

    spec = importlib.util.spec_from_file_location("bench_run", sys_path_tests.parent / "bench" / "run.py")
    mod = importlib.util.module_from_spec(spec)
    assert spec.loader is not None
    spec.loader.exec_module(mod)
    return mod


def test_bench_combinations_and_markdown(seed_run):
    bench = _bench()
    assert bench.combos(["rules", "lexical", "neural"]) == [
        "rules",
        "lexical",
        "neural",
        "rules,lexical",
        "rules,neural",
        "lexical,neural",
        "rules,lexical,neural",
    ]
    assert bench.combos(["rules"]) == ["rules"]
    report, _ = seed_run
    evals = {
        "../shared/seed/nato-hegseth.jsonl": {
            "rules": {
                "command": "auditor eval ../shared/seed/nato-hegseth.jsonl --engine rules",
                "report": report,
            },
            "lexical": {"command": "auditor eval x --engine lexical", "error": "exit 2: dictionary missing"},
        }
    }
    meta = {
        "date": "2026-01-01 00:00 UTC",
        "commit": "abc",
        "machine": bench.machine(),
        "engine_order": ["rules", "lexical"],
        "available": ["rules"],
        "missing": {"lexical": "not available: no hunspell dictionary"},
        "seconds": 1.0,
    }
    others = [
        {
            "title": "segmenter throughput",
            "command": "python bench/bench_seg.py",
            "figures": {"docs/s": 123.4},
        },
        {"title": "broken", "command": "python bench/bench_x.py", "error": "exit 1: boom"},
    ]
    md = bench.render(meta, evals, others)
    blind_f1 = f"{report['auditor']['blind']['f1']:.3f}"
    row = next(line for line in md.splitlines() if line.startswith("| rules |"))
    assert blind_f1 in row
    assert "*all-minor reference*" in md
    assert "`auditor eval ../shared/seed/nato-hegseth.jsonl --engine rules`" in md
    assert "`lexical`: not available: no hunspell dictionary" in md
    assert "exit 2: dictionary missing" in md
    assert "| docs/s | 123.4 |" in md
    assert "**failed**: exit 1: boom" in md
    assert "artifact (17)" in md
    assert "- load average (1/5/15 min) when the bench started: " in md  # per-category span recall header with span counts


@pytest.mark.shared(SEED)
def test_through_the_auditor_group_with_weights(tmp_path):
    from auditor.cli import main

    out = tmp_path / "p.jsonl"
    r = CliRunner().invoke(
        main, ["eval", str(SEED), "--engine", "rules", "--weights", "0,0,0", "--predictions", str(out)]
    )
    assert r.exit_code == 0, r.output
    assert "all-minor" in r.stdout
    preds = [json.loads(line) for line in out.read_text(encoding="utf-8").splitlines()]
    assert any(p["spans"] for p in preds)
    assert all(p["penalty"] == 0 for p in preds)  # --weights reaches the scorer
    bad = tmp_path / "bad.jsonl"
    bad.write_text('{"id": "x", "mt_de": "Hallo", "spans": [{"start": 0, "end": 9}]}\n', encoding="utf-8")
    r = CliRunner().invoke(main, ["eval", str(bad), "--engine", "rules"])
    assert r.exit_code == 2
    assert f"{bad}:1:" in r.output


@pytest.mark.shared(SEED)
def test_predictions_are_byte_identical_to_score_jsonl(seed_run, tmp_path):
    from auditor.cli import main

    _, out = seed_run
    r = CliRunner().invoke(main, ["score", str(SEED), "--format", "jsonl", "--engine", "rules"])
    assert r.exit_code in (0, 1), r.output
    assert r.stdout == out.read_text(encoding="utf-8")


HUMAN = SHARED / "eval" / "dev_human.jsonl"


@pytest.mark.skipif(not HUMAN.exists() or not DEV.exists(), reason="shared data missing: ../shared/eval")
def test_eval_human_prints_the_side_by_side_table(tmp_path: Path) -> None:
    """--human audits human translations of the same sources; the table pairs them by source."""
    from auditor.human_vs_mt import source_key

    humans = [json.loads(line) for line in HUMAN.read_text(encoding="utf-8").splitlines()[:30]]
    keys = {source_key(h["id"]) for h in humans}
    mts = [json.loads(line) for line in DEV.read_text(encoding="utf-8").splitlines()]
    mts = [m for m in mts if source_key(m["id"]) in keys]
    assert mts
    gold, human = tmp_path / "mt.jsonl", tmp_path / "human.jsonl"
    gold.write_text("".join(json.dumps(m) + "\n" for m in mts), encoding="utf-8")
    human.write_text("".join(json.dumps(h) + "\n" for h in humans), encoding="utf-8")
    text = run(gold, "--engine", "rules", "--human", human)
    assert text.exit_code == 0, text.output
    assert "human translations against the MT of the same sources" in text.output
    assert "| penalty per 100 words |" in text.output
    out = run(gold, "--engine", "rules", "--human", human, "--format", "json")
    table = json.loads(out.output)["human_vs_mt"]
    assert table["human_file"] == str(human)
    assert table["human"] and table["mt"]["records"] == len(mts)
    paired = [h for h in humans if source_key(h["id"]) in {source_key(m["id"]) for m in mts}]
    assert table["pairs"] == len(paired)  # one MT per source in dev part A


def test_bench_update_replaces_only_the_named_section():
    bench = _bench()
    a = {"title": "alpha", "command": "python bench/bench_a.py", "figures": {"x": 1.5}, "notes": "old a"}
    b = {"title": "beta", "command": "python bench/bench_b.py", "figures": {"y": 2}, "notes": "b stays"}
    text = "\n".join(["# Benchmarks", "", "## Other benchmarks", "", *bench.other_section(a), *bench.other_section(b)])
    fresh = {**a, "figures": {"x": 9.25}, "notes": "new a"}
    new = {"title": "gamma", "command": "python bench/bench_c.py", "figures": {"z": 3}}
    out = bench.update_sections(text, [fresh, new], "refreshed alone")
    assert "| x | 9.25 |" in out and "| x | 1.5 |" not in out and "old a" not in out
    assert out.count("### alpha") == 1 and "*refreshed alone*" in out
    # the other section is untouched and keeps its place; an unknown one is appended
    assert out.index("### alpha") < out.index("### beta") < out.index("### gamma")
    assert "| y | 2 |" in out and "b stays" in out
    assert out.count("*refreshed alone*") == 2 and out.endswith("| z | 3 |\n")


def test_bench_update_finds_a_retitled_section_by_its_script():
    bench = _bench()
    old = {"title": "speed", "command": "python bench/bench_s.py", "figures": {"x": 1}}
    text = "\n".join(["## Other benchmarks", "", *bench.other_section(old)])
    fresh = {"title": "speed against abc", "command": "python bench/bench_s.py --against abc", "figures": {"x": 2}}
    out = bench.update_sections(text, [fresh], "now")
    assert "### speed against abc" in out and "### speed\n" not in out and "| x | 1 |" not in out
