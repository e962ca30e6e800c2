"""Neural engine, fully offline: tiny Marian models built here, network access forbidden.

Two model pairs are built once per session (tests/tiny_marian.py): a random-weight pair
(seconds) for plumbing, and a pair overfitted on tiny_marian.PAIRS that really "knows" those
sentences, to prove forced decoding flags an inserted span and attention links words.
"""

from __future__ import annotations

import json
import os
import shutil
import socket
import subprocess
import sys
from pathlib import Path

import pytest

pytest.importorskip("torch")
pytest.importorskip("transformers")
pytest.importorskip("sentencepiece")
pytest.importorskip("sacrebleu")

import tiny_marian  # noqa: E402

from auditor.engines.neural.tokens import piece_spans, split_words  # noqa: E402
from auditor.errors import ResourceMissing  # noqa: E402
from auditor.resources import models as res  # noqa: E402
from auditor.segment import segment_document  # noqa: E402
from auditor.types import Document  # noqa: E402

ROOT = Path(__file__).resolve().parents[1]


# -- no network, no hub, no stray caches -------------------------------------------------
@pytest.fixture(autouse=True)
def _offline(monkeypatch, tmp_path):
    """Any attempt to open a network connection fails the test; the HF cache is empty."""

    def refuse(self, address, *a, **k):
        if self.family in (socket.AF_INET, socket.AF_INET6):
            raise AssertionError(f"network access attempted: {address!r}")
        return real_connect(self, address, *a, **k)

    real_connect = socket.socket.connect
    monkeypatch.setattr(socket.socket, "connect", refuse)
    monkeypatch.setenv("HF_HUB_OFFLINE", "1")
    monkeypatch.setenv("TRANSFORMERS_OFFLINE", "1")
    monkeypatch.setenv("HF_HOME", str(tmp_path / "hf-home"))
    monkeypatch.delenv("HF_HUB_CACHE", raising=False)
    monkeypatch.delenv("AUDITOR_MODELS", raising=False)
    monkeypatch.delenv("AUDITOR_NEURAL_THRESHOLDS", raising=False)
    monkeypatch.setenv("AUDITOR_CACHE", str(tmp_path / "auditor-cache"))


@pytest.fixture(scope="session")
def random_pair(tmp_path_factory) -> Path:
    return tiny_marian.build_tiny_pair(tmp_path_factory.mktemp("tiny-random"), train_steps=0)


@pytest.fixture(scope="session")
def trained_pair(tmp_path_factory) -> Path:
    return tiny_marian.build_overfitted_pair(tmp_path_factory.mktemp("tiny-trained"))


@pytest.fixture(scope="session")
def trained_engine(trained_pair, tmp_path_factory):
    from auditor.engines.neural import NeuralEngine

    return NeuralEngine(
        model_dir=str(trained_pair), threads=1, device="cpu", cache_dir=str(tmp_path_factory.mktemp("nc"))
    )


def _docs(*texts_and_sources):
    return [
        segment_document(Document(path=f"d{i}", text=t, source=s))
        for i, (t, s) in enumerate(texts_and_sources)
    ]


# -- pure helpers ------------------------------------------------------------------------
def test_piece_spans_survive_normalisation():
    text = "Die  Katze … ﬁel „hier“"
    pieces = ["▁Die", "▁Kat", "ze", "▁", "...", "▁", "fi", "el", "▁", "„", "hier", "“"]
    spans = piece_spans(text, pieces)
    got = [text[a:b] for a, b in spans]
    assert got == ["Die", "Kat", "ze", "", "…", "", "ﬁ", "el", "", "„", "hier", "“"]
    assert [w.text for w in split_words("Trump-Verwaltung, 3 Zölle.")] == [
        "Trump-Verwaltung",
        ",",
        "3",
        "Zölle",
        ".",
    ]


@pytest.mark.filterwarnings("ignore:Recommended. pip install sacremoses")
def test_our_ids_equal_marian_tokenizer_ids(random_pair):
    from transformers import MarianTokenizer

    from auditor.engines.neural.tokens import encode_with_spans

    tok = MarianTokenizer.from_pretrained(random_pair / "en-de", local_files_only=True)
    for de in ["Die Katze schläft im Garten.", "Banane über Öl…  123 ﬁ"]:
        ids, spans = encode_with_spans(tok.spm_target, tok.encoder, tok.unk_token_id, tok.eos_token_id, de)
        assert ids == tok(text_target=de)["input_ids"]
        assert len(spans) == len(ids) - 1
    en = "The cat sleeps at home."
    ids, _ = encode_with_spans(tok.spm_source, tok.encoder, tok.unk_token_id, tok.eos_token_id, en)
    assert ids == tok(en)["input_ids"]


def test_thresholds_fit_and_severity():
    from auditor.engines.neural.calibrate import fit_thresholds, word_labels
    from auditor.engines.neural.scoring import Run, Thresholds, confidence_of, severity_of

    scores = [-0.1, -0.2, -0.3, -7.0, -8.0, -15.0, -16.0, -0.5]
    labels = [0, 0, 0, 1, 1, 2, 2, 0]
    thr = fit_thresholds(scores, labels)
    assert -7.0 < thr.token <= -0.5 and -15.0 < thr.major <= -8.0 and thr.calibrated
    d = Thresholds()
    assert not d.calibrated and "uncalibrated" in d.origin
    assert severity_of(Run(0, 0, 0, 1, -20.0, -20.0, 0), d) == "major"
    assert severity_of(Run(0, 0, 0, 1, -7.0, -7.0, 0), d) == "minor"
    assert (
        0.5
        <= confidence_of(Run(0, 0, 0, 1, -7.0, -7.0, 0), d)
        < confidence_of(Run(0, 0, 0, 1, -30, -30, 0), d)
        <= 0.9
    )
    words, labs = word_labels(
        "Ein Hund bellt laut .",
        [{"start": 4, "end": 8, "severity": "major"}, {"start": 14, "end": 15, "severity": "minor"}],
    )
    assert [w.text for w in words] == ["Ein", "Hund", "bellt", "laut", "."] and labs == [0, 2, 0, 0, 0]


# -- model resolution --------------------------------------------------------------------
def test_resolution_order_and_revisions(random_pair, tmp_path, monkeypatch):
    locs = res.resolve_models(random_pair)
    assert all(loc.found and loc.origin == "model-dir" for loc in locs.values())
    assert locs["de-en"].revision.startswith("local-") and locs["de-en"].revision != locs["en-de"].revision

    monkeypatch.setenv("AUDITOR_MODELS", str(random_pair))
    assert all(loc.origin == "env:AUDITOR_MODELS" for loc in res.resolve_models().values())
    monkeypatch.delenv("AUDITOR_MODELS")

    # a Hugging Face cache laid out like huggingface_hub does it
    hub = Path(os.environ["HF_HOME"]) / "hub"
    for direction, model_id in res.DEFAULT_MODEL_IDS.items():
        repo = hub / ("models--" + model_id.replace("/", "--"))
        commit = "0123456789abcdef" + direction.replace("-", "")
        shutil.copytree(random_pair / direction, repo / "snapshots" / commit)
        (repo / "refs").mkdir(parents=True)
        (repo / "refs" / "main").write_text(commit)
    locs = res.resolve_models()
    assert locs["en-de"].found and locs["en-de"].origin == "hf-cache"
    assert locs["en-de"].revision == "0123456789abcdefende"


def test_missing_models_clear_error_and_nothing_downloaded(tmp_path):
    from auditor.engines.neural import NeuralEngine

    absent = tmp_path / "no-models"
    with pytest.raises(ResourceMissing) as e:
        NeuralEngine(model_dir=str(absent))
    msg = str(e.value)
    assert "de-en" in msg and "en-de" in msg and str(absent / "de-en") in msg
    assert f"auditor models download --dir {absent}" in msg
    assert not absent.exists()
    # HF cache empty as well: still a clear error, no network (connect is forbidden here)
    with pytest.raises(ResourceMissing, match="Hugging Face cache") as e:
        NeuralEngine()
    assert "--allow-download" in str(e.value) and "auditor models download" in str(e.value)
    statuses = NeuralEngine.resources({"model_dir": str(absent)})
    assert [s.found for s in statuses if s.name.startswith("model")] == [False, False]
    assert all(s.found for s in statuses if s.name.startswith("python package"))


def test_local_files_only_unless_download_allowed(random_pair, monkeypatch):
    import transformers

    from auditor.engines.neural import NeuralEngine
    from auditor.engines.neural.loading import load_model, pick_device

    calls: list[dict] = []
    for cls in (transformers.MarianMTModel, transformers.MarianTokenizer):
        orig = cls.from_pretrained

        def spy(*a, _orig=orig, **k):
            calls.append(k)
            return _orig(*a, **k)

        monkeypatch.setattr(cls, "from_pretrained", staticmethod(spy))
    NeuralEngine(model_dir=str(random_pair), threads=1, cache_dir="off")
    assert len(calls) == 4 and all(k.get("local_files_only") is True for k in calls)

    # explicitly allowed: the (empty) HF cache gives way to a hub download, and only then
    # does loading pass local_files_only=False (stopped here before any network access)
    locs = res.resolve_models(allow_download=True)
    assert locs["de-en"].origin == "hub-download" and locs["de-en"].path == "Helsinki-NLP/opus-mt-de-en"
    calls.clear()

    class Stop(Exception):
        pass

    def stop(*a, **k):
        calls.append(k)
        raise Stop

    monkeypatch.setattr(transformers.MarianTokenizer, "from_pretrained", staticmethod(stop))
    with pytest.raises(Stop):
        load_model(locs["de-en"], pick_device("cpu"), allow_download=True)
    assert calls == [{"local_files_only": False}]


def test_import_is_light():
    code = (
        "import sys, auditor.engines.neural as n, auditor.resources.models as m, auditor.cli.models_cmd;"
        "n.NeuralEngine.resources({});"
        "print(sorted(x for x in ('torch','transformers','sacrebleu') if x in sys.modules))"
    )
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, cwd=ROOT, check=True)
    assert out.stdout.strip() == "[]"


# -- the engine on random weights: plumbing ----------------------------------------------
def test_engine_outputs_on_random_pair(random_pair, tmp_path):
    from auditor.engines.neural import NeuralEngine

    docs = _docs(
        ("Die Katze schläft.\nhttps://example.com/x\nDer Hund singt zu Hause. Das Kind wartet.", None),
        ("Im Garten schläft die Katze.", "In the garden, the cat sleeps."),
    )
    eng = NeuralEngine(model_dir=str(random_pair), threads=1, batch_size=2, cache_dir=str(tmp_path / "c"))
    outs = eng.analyze_many(docs)
    assert len(outs) == 2
    for doc, out in zip(docs, outs):
        scored = [s.index for s in doc.segments if s.scored]
        assert sorted(out.annotations) == scored and sorted(out.signals) == scored
        for i in scored:
            ann = out.annotations[i]
            assert {"back_translation", "round_trip", "chrf", "alignment", "de_words", "en_words"} <= set(ann)
            assert set(out.signals[i]) >= {"chrf", "mean_logprob"}
            assert 0.0 <= ann["chrf"] <= 100.0
            seg = doc.segments[i]
            assert all(seg.start <= a <= b <= seg.end for a, b, _ in ann["tokens"])
            json.dumps(ann)
        for f in out.findings:
            assert f.detector in ("neural.forced_decoding", "neural.forced_decoding_fluency", "neural.round_trip")
            assert f.text == doc.document.text[f.start : f.end]
    assert outs[1].annotations[0]["english"] == "source"
    assert outs[0].annotations[0]["english"] == "back_translation"
    assert "chrF:nrefs:1,case:mixed" in eng.signature() and "local-" in eng.signature()


def test_translation_cache_skips_done_work(random_pair, tmp_path):
    from auditor.engines.neural import NeuralEngine

    docs = _docs(("Die Katze schläft im Garten. Der Hund singt.", None))
    cache = str(tmp_path / "c")
    first = NeuralEngine(model_dir=str(random_pair), threads=1, cache_dir=cache)
    ref = first.analyze_many(docs)
    assert first.cache.misses > 0 and len(first.cache) > 0

    second = NeuralEngine(model_dir=str(random_pair), threads=1, cache_dir=cache)

    def boom(*a, **k):
        raise AssertionError("generate called although everything is cached")

    second.de_en.model.generate = boom
    second.en_de.model.generate = boom
    assert second.analyze_many(docs)[0].annotations == ref[0].annotations
    assert second.cache.hits > 0


# -- the overfitted pair: real behaviour -------------------------------------------------
def test_forced_decoding_flags_an_inserted_span(trained_engine):
    clean = "Der Hund singt zu Hause."
    bad = "Der Hund singt Banane zu Hause."
    docs = _docs((f"{clean}\n{bad}", "The dog sings at home.\nThe dog sings at home."), (bad, None))
    with_source, without_source = trained_engine.analyze_many(docs)
    fd = [f for f in with_source.findings if f.detector == "neural.forced_decoding"]
    assert fd, "the inserted word was not flagged"
    assert all(f.line == 2 for f in fd), "the correct sentence must stay clean"
    worst = fd[0]
    assert "Banane" in worst.text and worst.category == "mistranslation" and worst.severity == "major"
    ann0, ann1 = with_source.annotations[0], with_source.annotations[1]
    assert ann0["back_translation"] == "The dog sings at home." and ann0["round_trip"] == clean
    assert ann0["chrf"] == 100.0 and ann0["mean_logprob"] > -0.5
    assert ann1["mean_logprob"] < ann0["mean_logprob"] - 1.0
    # without a source the German is scored against its back-translation: still flagged
    nf = [f for f in without_source.findings if f.detector == "neural.forced_decoding_fluency"]
    assert nf and "Banane" in nf[0].text and nf[0].category == "fluency"


def test_batching_does_not_change_results(trained_pair):
    from auditor.engines.neural import NeuralEngine

    docs = _docs(("\n".join(d for _, d in tiny_marian.PAIRS[:9]) + "\nDer Hund singt Banane zu Hause.", None))
    one = NeuralEngine(model_dir=str(trained_pair), threads=1, batch_size=1, cache_dir="off").analyze_many(
        docs
    )[0]
    many = NeuralEngine(model_dir=str(trained_pair), threads=1, batch_size=4, cache_dir="off").analyze_many(
        docs
    )[0]
    for i, ann in one.annotations.items():
        other = many.annotations[i]
        for key in ("back_translation", "round_trip", "chrf", "alignment", "de_words"):
            assert ann[key] == other[key], (i, key)
        assert ann["mean_logprob"] == pytest.approx(other["mean_logprob"], abs=1e-2)
    assert [(f.start, f.end, f.severity) for f in one.findings] == [
        (f.start, f.end, f.severity) for f in many.findings
    ]


def test_alignment_links_learned_words(trained_engine):
    gold = {
        "Katze": "cat",
        "Hund": "dog",
        "Kind": "child",
        "schläft": "sleeps",
        "singt": "sings",
        "Garten": "garden",
        "Hause": "home",
    }
    docs = _docs(("\n".join(d for _, d in tiny_marian.PAIRS), "\n".join(e for e, _ in tiny_marian.PAIRS)))
    out = trained_engine.analyze_many(docs)[0]
    correct = proposed = expected = 0
    for ann in out.annotations.values():
        de, en = ann["de_words"], [w.lower() for w in ann["en_words"]]
        links = {(de[i], en[j]) for i, j in ann["alignment"]}
        content = {(d, e) for d, e in links if d in gold}
        correct += sum(gold[d] == e for d, e in content)
        proposed += len(content)
        expected += sum(w in gold for w in de)
        assert set(ann["unaligned_de"]) == set(range(len(de))) - {i for i, _ in ann["alignment"]}
    assert proposed and correct / proposed >= 0.7, (correct, proposed)
    assert correct / expected >= 0.4, (correct, expected)


def test_calibration_writes_thresholds_the_engine_uses(trained_engine, trained_pair, tmp_path):
    from auditor.engines.neural import NeuralEngine
    from auditor.engines.neural.calibrate import calibrate

    dev = tmp_path / "dev.jsonl"
    with dev.open("w", encoding="utf-8") as fh:
        for k, (en, de) in enumerate(tiny_marian.PAIRS[:8]):
            if k % 2:
                words = de.split(" ")
                words.insert(2, "Quatsch")
                bad = " ".join(words)
                start = bad.index("Quatsch")
                spans = [{"start": start, "end": start + 7, "severity": "major", "text": "Quatsch"}]
                fh.write(json.dumps({"source_en": en, "mt_de": bad, "spans": spans}) + "\n")
            else:
                fh.write(json.dumps({"source_en": en, "mt_de": de, "spans": []}) + "\n")
    thr, report = calibrate(trained_engine, dev)
    assert report["segments"] == 8 and report["words_with_major"] == 4
    assert thr.calibrated and thr.major <= thr.token < -0.1
    out = tmp_path / "thr.json"
    thr.save(out)
    eng = NeuralEngine(model_dir=str(trained_pair), threads=1, cache_dir="off", thresholds=str(out))
    assert eng.thresholds.calibrated and "thresholds=calibrated" in eng.signature()


# -- CLI ---------------------------------------------------------------------------------
def _cli():
    cli = pytest.importorskip("auditor.cli")
    from click.testing import CliRunner

    return cli.main, CliRunner()


def test_cli_score_end_to_end(trained_pair, tmp_path):
    main, runner = _cli()
    de = tmp_path / "mt.de.txt"
    de.write_text("Der Hund singt zu Hause.\nDer Hund singt Banane zu Hause.\n", encoding="utf-8")
    en = tmp_path / "src.en.txt"
    en.write_text("The dog sings at home.\nThe dog sings at home.\n", encoding="utf-8")
    args = [
        "score",
        str(de),
        "--source",
        str(en),
        "--engine",
        "neural",
        "--model-dir",
        str(trained_pair),
        "--format",
        "json",
        "--threads",
        "1",
        "--cache-dir",
        str(tmp_path / "cache"),
    ]
    result = runner.invoke(main, args, catch_exceptions=False)
    assert result.exit_code == 0, result.output
    data = json.loads(result.output)
    doc = data[0] if isinstance(data, list) else data
    if "documents" in doc:
        doc = doc["documents"][0]
    segs = doc["segments"]
    assert segs[0]["neural"]["back_translation"] == "The dog sings at home."
    assert segs[1]["neural"]["alignment"] and "chrf" in segs[1]["neural"]
    assert any(f["detector"] == "neural.forced_decoding" and "Banane" in f["text"] for f in doc["findings"])
    assert not any(f["line"] == 1 and f["detector"] == "neural.forced_decoding" for f in doc["findings"])


def test_cli_missing_models_exit_2_offline(tmp_path):
    main, runner = _cli()
    de = tmp_path / "mt.de.txt"
    de.write_text("Der Hund singt.\n", encoding="utf-8")
    absent = tmp_path / "absent"
    result = runner.invoke(main, ["score", str(de), "--engine", "neural", "--model-dir", str(absent)])
    assert result.exit_code == 2
    out = result.output + (result.stderr if hasattr(result, "stderr") else "")
    assert "auditor models download" in out and "de-en" in out
    assert not absent.exists()


def test_cli_models_list(random_pair, tmp_path):
    main, runner = _cli()
    ok = runner.invoke(main, ["models", "list", "--model-dir", str(random_pair), "--json"])
    assert ok.exit_code == 0, ok.output
    data = json.loads(ok.output)
    assert data["de-en"]["found"] and data["en-de"]["revision"].startswith("local-")
    missing = runner.invoke(main, ["models", "list", "--model-dir", str(tmp_path / "x")])
    assert missing.exit_code == 3 and "auditor models download --dir" in missing.output


def test_cli_models_download_fails_cleanly_offline(tmp_path):
    main, runner = _cli()
    target = tmp_path / "models"
    result = runner.invoke(main, ["models", "download", "--dir", str(target)])
    assert result.exit_code == 2, result.output
    assert "download failed" in result.output
    assert not (target / "de-en" / "config.json").exists()


# -- the neural detectors' declared examples, on the overfitted pair ---------------------
def _neural_examples(kind: str):  # type: ignore[no-untyped-def]
    from auditor.detectors import for_engine

    return [
        pytest.param(d, ex, id=f"{d.id}-{kind}{i}") for d in for_engine("neural") for i, ex in enumerate(getattr(d, kind))
    ]


def _neural_run(engine, det, ex):  # type: ignore[no-untyped-def]
    (out,) = engine.analyze_many(_docs((ex.plain, ex.source)))
    return [(f.start, f.end, f.suggestion) for f in out.findings if f.detector == det.id]


@pytest.mark.parametrize(("det", "ex"), _neural_examples("flags"))
def test_neural_example_must_flag(trained_engine, det, ex):  # type: ignore[no-untyped-def]
    assert _neural_run(trained_engine, det, ex) == [(a, b, ex.suggestion) for a, b, _ in ex.spans]


@pytest.mark.parametrize(("det", "ex"), _neural_examples("passes"))
def test_neural_example_must_not_flag(trained_engine, det, ex):  # type: ignore[no-untyped-def]
    assert _neural_run(trained_engine, det, ex) == []
