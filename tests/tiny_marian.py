"""Build tiny MarianMT model pairs offline, for the neural engine's tests and demos.

Nothing here downloads anything: a sentencepiece vocabulary is trained on a few lines,
a :class:`transformers.MarianConfig` with ``d_model`` 32–64 gives random weights, and
:func:`build_tiny_pair` optionally overfits both directions on :data:`PAIRS` in a few
seconds, so that the model "knows" those sentences (it reproduces them exactly, assigns
them high probability and attends from each German word to its English word).

Layout written (what ``--model-dir`` expects)::

    DIR/de-en/{config.json, model.safetensors, source.spm, target.spm, vocab.json, ...}
    DIR/en-de/{...}
"""

from __future__ import annotations

import itertools
import json
import tempfile
import warnings
from pathlib import Path

# English/German pairs built from a small grammar, so that each word occurs in several
# contexts and the model has to learn which source word each target word comes from.
_SUBJECTS = [("the cat", "die Katze"), ("the dog", "der Hund"), ("the child", "das Kind")]
_VERBS = [("sleeps", "schläft"), ("sings", "singt")]
_PLACES = [("in the garden", "im Garten"), ("at home", "zu Hause")]


def _cap(s: str) -> str:
    return s[0].upper() + s[1:]


def _pairs() -> list[tuple[str, str]]:
    """Subject–verb–place sentences, and the same with the place first: German inverts
    verb and subject there (V2), so word positions differ and attention must follow content."""
    out = []
    for (se, sd), (ve, vd), (pe, pd) in itertools.product(_SUBJECTS, _VERBS, _PLACES):
        out.append((_cap(f"{se} {ve} {pe}."), _cap(f"{sd} {vd} {pd}.")))
        out.append((_cap(f"{pe}, {se} {ve}."), _cap(f"{pd} {vd} {sd}.")))
    return out


#: The (English, German) sentence pairs the overfitted models know.
PAIRS: list[tuple[str, str]] = _pairs()

#: Extra text used only to train the sentencepiece vocabularies (more characters).
_EXTRA_DE = ["Äpfel über Öl, Größe und Maß; schön!", "Banane Zitrone Quatsch Xylophon 123 456 7890 ?"]
_EXTRA_EN = ["Apples over oil, size and measure; nice!", "Banana lemon nonsense xylophone 123 456 7890 ?"]


def _train_spm(lines: list[str], prefix: Path, vocab_size: int, model_type: str = "bpe") -> None:
    import sentencepiece as spm

    text = prefix.with_suffix(".txt")
    text.write_text("\n".join(lines) + "\n", encoding="utf-8")
    spm.SentencePieceTrainer.train(
        input=str(text),
        model_prefix=str(prefix),
        vocab_size=vocab_size,
        model_type=model_type,
        character_coverage=1.0,
        pad_id=-1,
        unk_id=0,
        bos_id=-1,
        eos_id=-1,
        hard_vocab_limit=False,
        minloglevel=2,
    )


def build_tokenizer_files(work: Path, vocab_size: int = 200) -> dict[str, Path]:
    """Train English and German sentencepiece models; return their paths and a shared vocab.json."""
    import sentencepiece as spm

    en_lines = [e for e, _ in PAIRS] * 3 + _EXTRA_EN
    de_lines = [d for _, d in PAIRS] * 3 + _EXTRA_DE
    work.mkdir(parents=True, exist_ok=True)
    _train_spm(en_lines, work / "en", vocab_size)
    _train_spm(de_lines, work / "de", vocab_size)
    vocab: dict[str, int] = {"</s>": 0, "<unk>": 1, "<pad>": 2}
    for name in ("en", "de"):
        sp = spm.SentencePieceProcessor(model_file=str(work / f"{name}.model"))
        for i in range(sp.get_piece_size()):
            vocab.setdefault(sp.id_to_piece(i), len(vocab))
    vocab_path = work / "vocab.json"
    vocab_path.write_text(json.dumps(vocab, ensure_ascii=False), encoding="utf-8")
    return {"en": work / "en.model", "de": work / "de.model", "vocab": vocab_path}


def _make_direction(
    files: dict[str, Path], src: str, tgt: str, out: Path, d_model: int, seed: int, heads: int = 2
):
    import torch
    from transformers import MarianConfig, MarianMTModel, MarianTokenizer

    torch.manual_seed(seed)
    with warnings.catch_warnings():
        warnings.filterwarnings("ignore", message=".*sacremoses.*")
        tok = MarianTokenizer(
            source_spm=str(files[src]),
            target_spm=str(files[tgt]),
            vocab=str(files["vocab"]),
            source_lang=src,
            target_lang=tgt,
        )
    v = len(tok.encoder)
    config = MarianConfig(
        vocab_size=v,
        decoder_vocab_size=v,
        d_model=d_model,
        encoder_layers=1,
        decoder_layers=1,
        encoder_attention_heads=heads,
        decoder_attention_heads=heads,
        encoder_ffn_dim=2 * d_model,
        decoder_ffn_dim=2 * d_model,
        max_position_embeddings=128,
        max_length=128,
        num_beams=1,
        pad_token_id=2,
        eos_token_id=0,
        decoder_start_token_id=2,
        forced_eos_token_id=0,
        dropout=0.0,
        attention_dropout=0.0,
        activation_dropout=0.0,
        scale_embedding=True,
        share_encoder_decoder_embeddings=True,
    )
    model = MarianMTModel(config)
    return tok, model


def _overfit(tok, model, pairs: list[tuple[str, str]], steps: int, lr: float, seed: int) -> None:
    import torch

    torch.manual_seed(seed)
    batch = tok([s for s, _ in pairs], text_target=[t for _, t in pairs], padding=True, return_tensors="pt")
    labels = batch["labels"].masked_fill(batch["labels"] == tok.pad_token_id, -100)
    opt = torch.optim.AdamW(model.parameters(), lr=lr, weight_decay=0.0)
    model.train()
    for _ in range(steps):
        opt.zero_grad()
        loss = model(input_ids=batch["input_ids"], attention_mask=batch["attention_mask"], labels=labels).loss
        loss.backward()
        opt.step()
    model.eval()


def build_tiny_pair(
    root: str | Path,
    *,
    train_steps: int = 0,
    d_model: int = 32,
    lr: float = 1e-2,
    seed: int = 0,
    heads: int = 4,
) -> Path:
    """Write ``root/de-en`` and ``root/en-de`` tiny Marian models; return ``root``.

    ``train_steps=0`` gives random weights (seconds); ``train_steps`` ≈ 300 overfits both
    directions on :data:`PAIRS` so that they reproduce and score those sentences.
    """
    import torch

    root = Path(root)
    root.mkdir(parents=True, exist_ok=True)
    threads = torch.get_num_threads()
    torch.set_num_threads(1)  # tiny matrices: one thread is fastest, and immune to busy CPUs
    try:
        with tempfile.TemporaryDirectory() as tmp:
            files = build_tokenizer_files(Path(tmp))
            for src, tgt, s in (("de", "en", seed), ("en", "de", seed + 1)):
                tok, model = _make_direction(files, src, tgt, root, d_model, s, heads)
                if train_steps:
                    pairs = PAIRS if src == "en" else [(d, e) for e, d in PAIRS]
                    _overfit(tok, model, pairs, train_steps, lr, s)
                out = root / f"{src}-{tgt}"
                model.save_pretrained(out)
                tok.save_pretrained(out)
    finally:
        torch.set_num_threads(threads)
    return root


def build_overfitted_pair(root: str | Path) -> Path:
    """Both directions overfitted on :data:`PAIRS` (≈ 15 s on one core): they translate
    those sentences exactly and their cross-attention links the words (cat ↔ Katze ...)."""
    return build_tiny_pair(root, train_steps=300, d_model=64, heads=4, lr=5e-3, seed=0)


if __name__ == "__main__":  # pragma: no cover - manual use: python tests/tiny_marian.py DIR [steps]
    import sys

    print(build_tiny_pair(sys.argv[1], train_steps=int(sys.argv[2]) if len(sys.argv) > 2 else 0))
