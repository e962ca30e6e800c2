"""Forced decoding: log-probability of every German piece given the English, and runs of
improbable pieces turned into spans.

One forward pass of the en→de model with the German as ``labels`` (teacher forcing) gives,
per German piece, ``log p(piece | English, German prefix)``. Pieces are mapped back to
character spans of the German (:mod:`auditor.engines.neural.tokens`), improbable pieces are
grouped into runs of whole words, and each run's minimum log-probability decides its
severity against :class:`Thresholds`.
"""

from __future__ import annotations

import json
import math
from collections.abc import Sequence
from dataclasses import asdict, dataclass, field
from pathlib import Path
from typing import Any

from auditor.engines.neural.tokens import Word, encode_with_spans, pieces_to_words
from auditor.engines.neural.translate import length_batches


@dataclass(frozen=True)
class Thresholds:
    """Severity thresholds on natural-log probabilities of target pieces.

    The defaults are **not calibrated** (no opus-mt weights were available where they were
    chosen): ``token=-6`` flags pieces with p < 0.25 %, ``major=-11`` (p < 2e-5) marks a run as
    major. ``auditor models calibrate`` fits them on a development set with real weights.
    """

    token: float = -6.0
    major: float = -11.0
    round_trip_chrf: float = 20.0
    calibrated: bool = False
    origin: str = "default (uncalibrated)"
    model_revisions: dict[str, str] = field(default_factory=dict)

    def to_dict(self) -> dict[str, Any]:
        return asdict(self)

    @classmethod
    def load(cls, path: str | Path) -> Thresholds:
        data = json.loads(Path(path).read_text(encoding="utf-8"))
        known = {
            k: data[k]
            for k in ("token", "major", "round_trip_chrf", "calibrated", "model_revisions")
            if k in data
        }
        return cls(origin=str(path), **known)

    def save(self, path: str | Path) -> None:
        Path(path).write_text(json.dumps(self.to_dict(), indent=2, sort_keys=True) + "\n", encoding="utf-8")


@dataclass
class Forced:
    """Result of forcing one target text through a model."""

    tgt_spans: list[tuple[int, int]]  # per target piece (``</s>`` excluded)
    logprobs: list[float]  # per target piece
    expected: list[int]  # the model's own top-1 id at each position
    eos_logprob: float
    src_spans: list[tuple[int, int]]  # per source piece (``</s>`` excluded)
    attention: Any = None  # numpy (target pieces, source pieces): layers and heads averaged


def forced_decode(
    lm: Any,
    pairs: Sequence[tuple[str, str]],
    *,
    batch_size: int = 16,
    attention: bool = True,
) -> list[Forced]:
    """Score each ``(source, target)`` pair with ``lm`` by teacher forcing, batched by length."""
    import torch

    enc_src = [
        encode_with_spans(lm.src_spm, lm.src_vocab, lm.unk_id, lm.eos_id, s, lm.max_len) for s, _ in pairs
    ]
    enc_tgt = [
        encode_with_spans(lm.tgt_spm, lm.tgt_vocab, lm.unk_id, lm.eos_id, t, lm.max_len) for _, t in pairs
    ]
    results: list[Forced | None] = [None] * len(pairs)
    lengths = [len(a[0]) + len(b[0]) for a, b in zip(enc_src, enc_tgt)]
    for batch in length_batches(lengths, batch_size):
        S = max(len(enc_src[i][0]) for i in batch)
        T = max(len(enc_tgt[i][0]) for i in batch)
        n = len(batch)
        input_ids = torch.full((n, S), lm.pad_id, dtype=torch.long)
        mask = torch.zeros((n, S), dtype=torch.long)
        labels = torch.full((n, T), lm.pad_id, dtype=torch.long)
        dec_in = torch.full((n, T), lm.pad_id, dtype=torch.long)
        dec_mask = torch.zeros((n, T), dtype=torch.long)
        for r, i in enumerate(batch):
            s_ids, t_ids = enc_src[i][0], enc_tgt[i][0]
            input_ids[r, : len(s_ids)] = torch.tensor(s_ids)
            mask[r, : len(s_ids)] = 1
            labels[r, : len(t_ids)] = torch.tensor(t_ids)
            dec_in[r, : len(t_ids)] = torch.tensor([lm.decoder_start_id] + t_ids[:-1])
            dec_mask[r, : len(t_ids)] = 1
        dev = lm.device
        with torch.inference_mode():
            out = lm.model(
                input_ids=input_ids.to(dev),
                attention_mask=mask.to(dev),
                decoder_input_ids=dec_in.to(dev),
                decoder_attention_mask=dec_mask.to(dev),
                output_attentions=attention,
                use_cache=False,
            )
            logits = out.logits.float()
            logits[..., lm.pad_id] = float("-inf")  # never a target (generation bans it too)
            lab = labels.to(dev)
            lp = (logits.gather(-1, lab.unsqueeze(-1)).squeeze(-1) - torch.logsumexp(logits, dim=-1)).cpu()
            top = logits.argmax(-1).cpu()
            att = None
            if attention and out.cross_attentions:
                att = torch.stack([a.float() for a in out.cross_attentions]).mean(dim=(0, 2)).cpu().numpy()
        for r, i in enumerate(batch):
            s_ids, s_spans = enc_src[i]
            t_ids, t_spans = enc_tgt[i]
            k = len(t_ids) - 1
            results[i] = Forced(
                tgt_spans=t_spans,
                logprobs=[float(x) for x in lp[r, :k]],
                expected=[int(x) for x in top[r, :k]],
                eos_logprob=float(lp[r, k]),
                src_spans=s_spans,
                attention=None if att is None else att[r, :k, : len(s_ids) - 1].copy(),
            )
    return [r for r in results if r is not None]


@dataclass(frozen=True)
class Run:
    """Consecutive words containing improbable pieces (offsets in the scored text)."""

    first_word: int
    last_word: int
    start: int
    end: int
    min_logprob: float
    mean_logprob: float
    expected_piece_at: int  # index of the worst piece (for the model's expectation)


def word_logprobs(forced: Forced, words: Sequence[Word]) -> tuple[list[int], list[float]]:
    """Word index of each piece and the minimum piece log-probability of each word."""
    owner = pieces_to_words(forced.tgt_spans, words)
    # A bare "▁" piece is the decision that the previous word ended: it belongs to that word.
    prev = -1
    for k, (a, b) in enumerate(forced.tgt_spans):
        if a == b:
            owner[k] = prev
        elif owner[k] >= 0:
            prev = owner[k]
    mins = [0.0] * len(words)
    for w, lp in zip(owner, forced.logprobs):
        if w >= 0:
            mins[w] = min(mins[w], lp)
    return owner, mins


def improbable_runs(forced: Forced, words: Sequence[Word], thresholds: Thresholds) -> list[Run]:
    """Group words whose worst piece is below ``thresholds.token`` into runs of adjacent words."""
    owner, mins = word_logprobs(forced, words)
    bad = [m < thresholds.token for m in mins]
    runs: list[Run] = []
    i = 0
    while i < len(words):
        if not bad[i]:
            i += 1
            continue
        j = i
        while j + 1 < len(words) and bad[j + 1]:
            j += 1
        idx = [k for k, w in enumerate(owner) if i <= w <= j]
        lps = [forced.logprobs[k] for k in idx] or [mins[i]]
        worst = min(idx, key=lambda k: forced.logprobs[k]) if idx else -1
        runs.append(Run(i, j, words[i].start, words[j].end, min(lps), sum(lps) / len(lps), worst))
        i = j + 1
    return runs


def severity_of(run: Run, thresholds: Thresholds) -> str:
    return "major" if run.min_logprob < thresholds.major else "minor"


def confidence_of(run: Run, thresholds: Thresholds) -> float:
    """0.5 at the token threshold, rising to 0.9 at (and beyond) twice the major distance."""
    span = max(1e-6, thresholds.token - thresholds.major)
    x = (thresholds.token - run.min_logprob) / (2 * span)
    return round(0.5 + 0.4 * max(0.0, min(1.0, x)), 4)


def probability(logprob: float) -> float:
    return math.exp(max(-700.0, logprob))
