"""Neural engine throughput on CPU with a model of the exact opus-mt-de-en architecture.

No weights are downloaded: the architecture (Marian, d_model 512, 6+6 layers, 8 heads, FFN
2048, vocabulary 58,101, swish, sinusoidal positions) is written out below from the published
config of Helsinki-NLP/opus-mt-de-en, the weights are random, and the sentencepiece models are
trained here on the German and English of ``../shared/eval/dev.jsonl`` (8k pieces, padded to the
58,101-entry vocabulary so the embedding and output layer have the real size).

Measured on the first N sentences of the dev records (real German MT output, real lengths):

- back-translation with the engine (:func:`auditor.engines.neural.translate.translate`, cold
  sqlite cache) vs. a plain ``tokenizer → model.generate → batch_decode`` loop over the *same*
  batches with the same generation arguments: the ratio is the engine's overhead;
- forced decoding (token log-probs + cross-attention) of the German given the English source;
- the whole engine (``analyze_many``: back-translation, round trip, chrF, two forced passes,
  alignment) per segment.

Random weights never emit ``</s>``, so every generation runs to the engine's length budget
(2 × source pieces + 10): generation figures are an upper bound on a real model's.
Prints ONE JSON object ``{"title", "command", "figures", "notes"}`` on stdout.

Usage: ``python bench/bench_neural.py [--segments 8] [--batch-size 8] [--threads 1] [--reps 2]
[--full-segments 1]``
"""

from __future__ import annotations

import argparse
import json
import statistics
import sys
import tempfile
import time
import warnings
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))
DEV = ROOT.parent / "shared" / "eval" / "dev.jsonl"

#: Helsinki-NLP/opus-mt-de-en config.json, written out by hand (cannot be downloaded here).
OPUS_MT_DE_EN_CONFIG = {
    "activation_dropout": 0.0,
    "activation_function": "swish",
    "add_bias_logits": False,
    "add_final_layer_norm": False,
    "attention_dropout": 0.0,
    "bad_words_ids": [[58100]],
    "bos_token_id": 0,
    "classif_dropout": 0.0,
    "d_model": 512,
    "decoder_attention_heads": 8,
    "decoder_ffn_dim": 2048,
    "decoder_layerdrop": 0.0,
    "decoder_layers": 6,
    "decoder_start_token_id": 58100,
    "decoder_vocab_size": 58101,
    "dropout": 0.1,
    "encoder_attention_heads": 8,
    "encoder_ffn_dim": 2048,
    "encoder_layerdrop": 0.0,
    "encoder_layers": 6,
    "eos_token_id": 0,
    "forced_eos_token_id": 0,
    "init_std": 0.02,
    "is_encoder_decoder": True,
    "max_length": 512,
    "max_position_embeddings": 512,
    "model_type": "marian",
    "normalize_before": False,
    "normalize_embedding": False,
    "num_beams": 4,
    "num_hidden_layers": 6,
    "pad_token_id": 58100,
    "scale_embedding": True,
    "share_encoder_decoder_embeddings": True,
    "static_position_embeddings": True,
    "vocab_size": 58101,
}


def read_dev(n: int) -> list[dict]:
    out = []
    with DEV.open(encoding="utf-8") as fh:
        for line in fh:
            rec = json.loads(line)
            out.append(rec)
            if len(out) >= n:
                break
    return out


def build_model_dir(root: Path, train_records: list[dict]) -> Path:
    """root/de-en and root/en-de: opus-mt-de-en architecture, random weights, dev-trained spm."""
    import sentencepiece as spm
    import torch
    from transformers import MarianConfig, MarianMTModel

    torch.manual_seed(0)
    work = root / "spm"
    work.mkdir(parents=True)
    for lang, field in (("de", "mt_de"), ("en", "source_en")):
        (work / f"{lang}.txt").write_text("\n".join(r[field] for r in train_records) + "\n", encoding="utf-8")
        spm.SentencePieceTrainer.train(
            input=str(work / f"{lang}.txt"),
            model_prefix=str(work / lang),
            vocab_size=8000,
            model_type="unigram",
            character_coverage=1.0,
            pad_id=-1,
            unk_id=0,
            bos_id=-1,
            eos_id=-1,
            hard_vocab_limit=False,
            minloglevel=2,
        )
    vocab: dict[str, int] = {"</s>": 0, "<unk>": 1}
    for lang in ("de", "en"):
        sp = spm.SentencePieceProcessor(model_file=str(work / f"{lang}.model"))
        for i in range(sp.get_piece_size()):
            vocab.setdefault(sp.id_to_piece(i), len(vocab))
    v = OPUS_MT_DE_EN_CONFIG["vocab_size"]
    for i in range(len(vocab), v - 1):
        vocab[f"<unused{i}>"] = i
    vocab["<pad>"] = v - 1
    config = MarianConfig(**OPUS_MT_DE_EN_CONFIG)
    model = MarianMTModel(config)
    model.eval()
    for src, tgt in (("de", "en"), ("en", "de")):
        out = root / f"{src}-{tgt}"
        if src == "de":
            model.save_pretrained(out)
        else:
            out.mkdir()
            for f in (root / "de-en").iterdir():
                (out / f.name).symlink_to(f)
        (out / "source.spm").write_bytes((work / f"{src}.model").read_bytes())
        (out / "target.spm").write_bytes((work / f"{tgt}.model").read_bytes())
        (out / "vocab.json").write_text(json.dumps(vocab, ensure_ascii=False), encoding="utf-8")
        (out / "tokenizer_config.json").write_text(
            json.dumps(
                {
                    "tokenizer_class": "MarianTokenizer",
                    "source_lang": src,
                    "target_lang": tgt,
                    "model_max_length": 512,
                    "unk_token": "<unk>",
                    "eos_token": "</s>",
                    "pad_token": "<pad>",
                }
            ),
            encoding="utf-8",
        )
    return root


def baseline_translate(lm, texts: list[str], batches: list[list[int]], beams: int) -> tuple[float, int]:
    """Plain transformers usage over the given batches; returns seconds and generated tokens."""
    import torch

    from auditor.engines.neural.translate import generate_kwargs

    t0 = time.perf_counter()
    generated = 0
    for batch in batches:
        inputs = lm.tokenizer(
            [texts[i] for i in batch],
            padding=True,
            truncation=True,
            max_length=lm.max_len,
            return_tensors="pt",
        )
        with torch.inference_mode():
            out = lm.model.generate(
                **inputs, **generate_kwargs(beams, inputs["input_ids"].shape[1], lm.max_len)
            )
        lm.tokenizer.batch_decode(out, skip_special_tokens=True)
        generated += int(out.shape[0] * (out.shape[1] - 1))
    return time.perf_counter() - t0, generated


def main() -> None:
    ap = argparse.ArgumentParser()
    ap.add_argument("--segments", type=int, default=8)
    ap.add_argument("--batch-size", type=int, default=8)
    ap.add_argument("--threads", type=int, default=1, help="torch threads (1: stable on a shared machine)")
    ap.add_argument("--full-segments", type=int, default=1, help="dev records for the whole-engine timing")
    ap.add_argument("--reps", type=int, default=2)
    ap.add_argument("--beams", type=int, default=1)
    args = ap.parse_args()
    warnings.filterwarnings("ignore")

    import torch

    from auditor.engines.neural import NeuralEngine
    from auditor.engines.neural.cache import TranslationCache
    from auditor.engines.neural.scoring import forced_decode
    from auditor.engines.neural.translate import length_batches, translate
    from auditor.segment import segment_document
    from auditor.types import Document

    if args.threads:
        torch.set_num_threads(args.threads)
    train = read_dev(1500)
    # the engine scores sentences: benchmark on the first N sentences of the dev records,
    # each with its record's English source
    records = []
    for r in train:
        doc = segment_document(Document(path="dev", text=r["mt_de"], source=r["source_en"], id="x"))
        records += [{"mt_de": s.text, "source_en": r["source_en"]} for s in doc.segments if s.scored]
        if len(records) >= args.segments:
            break
    records = records[: args.segments]
    with tempfile.TemporaryDirectory() as tmp:
        t0 = time.perf_counter()
        root = build_model_dir(Path(tmp) / "models", train)
        build_s = time.perf_counter() - t0
        engine = NeuralEngine(
            model_dir=str(root),
            batch_size=args.batch_size,
            threads=args.threads,
            device="cpu",
            beams=args.beams,
            cache_dir="off",
        )
        lm = engine.de_en
        n_params = sum(p.numel() for p in lm.model.parameters())
        texts = [r["mt_de"] for r in records]
        lengths = [len(lm.tokenizer(t, truncation=True, max_length=lm.max_len)["input_ids"]) for t in texts]
        batches = length_batches(lengths, args.batch_size)

        # warm-up (allocator, kernels) on one batch, outside the timings
        baseline_translate(lm, texts, batches[-1:], args.beams)
        # Interleaved batch by batch (plain, then engine, on the same batch), so that the load
        # of a shared machine hits both alike; the engine runs with a cold sqlite cache.
        base_times, eng_times = [], []
        generated = 0
        for rep in range(args.reps):
            cache = TranslationCache(Path(tmp) / f"cache-{rep}.sqlite")
            b_total = e_total = 0.0
            for k, batch in enumerate(batches):
                for which in (
                    ("plain", "engine") if (rep + k) % 2 == 0 else ("engine", "plain")
                ):  # alternate order
                    if which == "plain":
                        seconds, generated_b = baseline_translate(lm, texts, [batch], args.beams)
                        b_total += seconds
                        generated += generated_b if rep == 0 else 0
                    else:
                        t0 = time.perf_counter()
                        translate(
                            lm,
                            [texts[i] for i in batch],
                            batch_size=args.batch_size,
                            beams=args.beams,
                            cache=cache,
                        )
                        e_total += time.perf_counter() - t0
            base_times.append(b_total)
            eng_times.append(e_total)
            cache.close()
        warm_cache = TranslationCache(Path(tmp) / "cache-0.sqlite")
        t0 = time.perf_counter()
        translate(lm, texts, batch_size=args.batch_size, beams=args.beams, cache=warm_cache)
        warm_s = time.perf_counter() - t0

        pairs = [(r["source_en"], r["mt_de"]) for r in records]
        fd_times = []
        for _ in range(args.reps):
            t0 = time.perf_counter()
            forced_decode(engine.en_de, pairs, batch_size=args.batch_size, attention=True)
            fd_times.append(time.perf_counter() - t0)

        docs = [
            segment_document(Document(path=f"r{i}", text=r["mt_de"], source=r["source_en"], id=str(i)))
            for i, r in enumerate(train[: args.full_segments])
        ]
        n_seg = sum(1 for d in docs for s in d.segments if s.scored)
        t0 = time.perf_counter()
        engine.analyze_many(docs)
        full_s = time.perf_counter() - t0

    n = len(texts)
    base, eng = min(base_times), min(eng_times)
    figures = {
        "segments": n,
        "mean_source_pieces": round(statistics.mean(lengths), 1),
        "batch_size": args.batch_size,
        "torch_threads": torch.get_num_threads(),
        "parameters_millions": round(n_params / 1e6, 1),
        "build_random_model_s": round(build_s, 1),
        "back_translation_plain_generate_s_per_segment": round(base / n, 4),
        "back_translation_engine_s_per_segment": round(eng / n, 4),
        "back_translation_generated_tokens_per_s": round(generated / base, 1),
        "back_translation_engine_overhead_ratio": round(eng / base, 3),
        "back_translation_overhead_ratio_median": round(
            statistics.median(eng_times) / statistics.median(base_times), 3
        ),
        "back_translation_warm_cache_s_per_segment": round(warm_s / n, 5),
        "forced_decoding_s_per_segment": round(min(fd_times) / n, 4),
        "forced_decoding_segments_per_s": round(n / min(fd_times), 1),
        "full_engine_s_per_scored_sentence": round(full_s / max(1, n_seg), 4),
        "full_engine_scored_sentences": n_seg,
    }
    print(
        json.dumps(
            {
                "title": "neural engine, opus-mt-de-en architecture (random weights), CPU",
                "command": f"python bench/bench_neural.py --segments {args.segments} --batch-size {args.batch_size}"
                + f" --threads {args.threads} --reps {args.reps} --full-segments {args.full_segments}",
                "figures": figures,
                "notes": "Random weights built offline from the hand-written opus-mt-de-en config (Marian 6+6 layers, "
                "d_model 512, 8 heads, FFN 2048, vocab 58,101); spm vocabularies (8k pieces) trained on dev.jsonl "
                "split news sentences into about twice as many pieces as the real 58k vocabulary would. Random weights "
                "never emit </s>, so generation always runs to the length budget (2x source pieces + 10): generation "
                "times are an upper bound. Overhead ratio = engine translate() with a cold sqlite cache / plain "
                "tokenizer+generate+batch_decode over the same length-sorted batches, interleaved batch by batch in alternating order; "
                "ratio of the best of reps, and of the medians; "
                "target <= 1.2. Full engine = back-translation + round trip + chrF + two forced passes + alignment.",
            },
            sort_keys=False,
        )
    )


if __name__ == "__main__":
    main()
