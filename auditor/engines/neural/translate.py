"""Batched, cached MarianMT translation (back-translation and round trip)."""

from __future__ import annotations

import logging
from collections.abc import Sequence
from typing import Any

from auditor.engines.neural.cache import TranslationCache, cache_key
from auditor.engines.neural.loading import LoadedModel

log = logging.getLogger(__name__)


def max_new_tokens(src_len: int, cap: int) -> int:
    """Length budget of a translation: twice the source pieces plus slack, capped."""
    return int(min(cap, 2 * src_len + 10))


def length_batches(lengths: Sequence[int], batch_size: int) -> list[list[int]]:
    """Indices sorted by length (longest first, stable), cut into batches: little padding."""
    order = sorted(range(len(lengths)), key=lambda i: -lengths[i])
    return [order[i : i + batch_size] for i in range(0, len(order), max(1, batch_size))]


def generate_kwargs(beams: int, src_len: int, cap: int) -> dict[str, Any]:
    kw: dict[str, Any] = {
        "num_beams": max(1, int(beams)),
        "do_sample": False,
        "max_new_tokens": max_new_tokens(src_len, cap),
    }
    if beams > 1:
        kw["early_stopping"] = True
    return kw


def translate(
    lm: LoadedModel,
    texts: Sequence[str],
    *,
    batch_size: int = 16,
    beams: int = 1,
    cache: TranslationCache | None = None,
) -> list[str]:
    """Translate ``texts`` with ``lm``; duplicates and cached texts are translated once."""
    import torch

    settings = f"beams={beams};v1"
    unique = list(dict.fromkeys(texts))
    keys = {t: cache_key(lm.name, lm.revision, settings, t) for t in unique}
    done: dict[str, str] = {}
    if cache is not None:
        hit = cache.get_many([keys[t] for t in unique])
        done = {t: hit[keys[t]] for t in unique if keys[t] in hit}
    todo = [t for t in unique if t not in done]
    if todo:
        tok = lm.tokenizer
        encoded = [tok(t, truncation=True, max_length=lm.max_len)["input_ids"] for t in todo]
        for batch in length_batches([len(e) for e in encoded], batch_size):
            ids = [encoded[i] for i in batch]
            width = max(len(x) for x in ids)
            input_ids = torch.full((len(ids), width), lm.pad_id, dtype=torch.long)
            mask = torch.zeros((len(ids), width), dtype=torch.long)
            for r, x in enumerate(ids):
                input_ids[r, : len(x)] = torch.tensor(x, dtype=torch.long)
                mask[r, : len(x)] = 1
            with torch.inference_mode():
                out = lm.model.generate(
                    input_ids=input_ids.to(lm.device),
                    attention_mask=mask.to(lm.device),
                    **generate_kwargs(beams, width, lm.max_len),
                )
            decoded = tok.batch_decode(out, skip_special_tokens=True)
            new = {todo[i]: d.strip() for i, d in zip(batch, decoded)}
            done.update(new)
            if cache is not None:
                cache.put_many((keys[t], v) for t, v in new.items())
    return [done[t] for t in texts]
