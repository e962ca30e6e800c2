"""The learned combiner: a logistic model that rates every German word of a segment.

Why: each lexical detector's calibrated bins rank only what that detector proposes, so their
recall stops near 0.11 on the MQM dev set (the ``thorough`` profile of the bins alone). Most
errors sit on words no detector singles out; weak evidence that is worthless alone — a rare
word, a headline, a word Hunspell or Ding does not know, a weak raw candidate — adds up. The
combiner weighs it per word; its probability is the ``lexical.suspect`` finding's
``confidence``, and the ``thorough`` profile reports runs of words reaching its threshold.

What it does *not* use, on purpose: alignment to the source (linked or not, coverage, length
ratio) and the ``lexical.unaligned`` / ``lexical.omission`` candidates. Those measure how
literal a translation is; with them, the model flagged professional human translations
(dev_human.jsonl) 1.6 times as often as the MT of the same sources.

The coefficients, the feature standardisation and the threshold are *fitted*, not written by
hand: ``bench/train_combiner.py`` trains them on dev.jsonl and dev_human.jsonl (5-fold CV
grouped by ``doc_id``, the threshold chosen inside the training folds) and writes
``combiner.json`` with its provenance and held-out figures. Reading it needs only the standard
library; the version and the file's digest are in the engine signature (its fitted files).
"""

from __future__ import annotations

import json
import math
from collections.abc import Sequence
from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path
from typing import Any

from auditor.engines.lexical.base import Candidate
from auditor.segment import is_headline

__all__ = ["COMBINER_PATH", "EXCLUDED", "SUSPECT", "Combiner", "feature_names", "load_combiner", "token_rows"]

COMBINER_PATH = Path(__file__).with_name("combiner.json")

#: the detector id of the combiner's findings
SUSPECT = "lexical.suspect"
#: candidates the combiner never reads: they measure literalness (see the module docstring)
EXCLUDED = frozenset({"lexical.unaligned", "lexical.omission", SUSPECT})

_SHAPE = (
    "reported",
    "zipf_de",
    "zipf_lower",
    "zipf_lemma",
    "zipf_en",
    "hunspell",
    "ding",
    "log_len",
    "capitalised",
    "all_caps",
    "number",
    "hyphen",
    "first",
    "content",
    "has_source",
    "headline",
    "headline_content",
    "log_segment_words",
    "position",
)


def feature_names(detectors: Sequence[str]) -> list[str]:
    """Names of the columns :func:`token_rows` returns (bias first), for the JSON and reports."""
    return ["bias", *(f"strength:{d}" for d in detectors), *_SHAPE]


def token_rows(
    detectors: Sequence[str],
    words: Sequence[Any],
    seg_text: str,
    has_source: bool,
    cands: Sequence[Candidate],
    reported: Sequence[bool],
    res: Any,
) -> list[list[float]]:
    """One feature row per German word/number token of a segment.

    ``words`` are the segment's word and number tokens (document offsets), ``cands`` the raw
    candidates overlapping the segment and ``reported[i]`` whether the default profile reports
    ``cands[i]``. Train and run call this one function, so they cannot disagree."""
    from auditor.engines.lexical.align import is_de_content

    n = len(words)
    headline = 1.0 if is_headline(seg_text) else 0.0
    log_n = math.log1p(n)
    index = {d: k for k, d in enumerate(detectors)}
    rows: list[list[float]] = []
    for i, t in enumerate(words):
        strength = [0.0] * len(detectors)
        rep = 0.0
        for c, r in zip(cands, reported, strict=True):
            if c.start < t.end and c.end > t.start:
                k = index.get(c.detector)
                if k is not None:
                    strength[k] = max(strength[k], float(c.strength))
                    rep = max(rep, 1.0 if r else 0.0)
        w = t.text
        is_word = t.kind == "word"
        lemma = res.lemma(w)
        content = 1.0 if is_de_content(t) else 0.0
        rows.append(
            [
                1.0,
                *strength,
                rep,
                res.zipf(w, "de") / 8,
                res.zipf(w.lower(), "de") / 8,
                res.zipf(lemma, "de") / 8,
                res.zipf(w.lower(), "en") / 8,
                1.0 if is_word and res.speller.check(w) else 0.0,
                1.0 if is_word and (res.ding.has_de(w) or res.ding.has_de(lemma)) else 0.0,
                math.log1p(len(w)),
                1.0 if w[:1].isupper() else 0.0,
                1.0 if len(w) > 1 and w.isupper() else 0.0,
                0.0 if is_word else 1.0,
                1.0 if "-" in w else 0.0,
                1.0 if i == 0 else 0.0,
                content,
                1.0 if has_source else 0.0,
                headline,
                headline * content,
                log_n,
                i / n,
            ]
        )
    return rows


@dataclass(frozen=True)
class Combiner:
    """Standardised logistic model over :func:`token_rows`, with its reporting threshold."""

    detectors: tuple[str, ...]
    mean: tuple[float, ...]
    scale: tuple[float, ...]
    weights: tuple[float, ...]
    threshold: float
    version: str = "1"

    def __post_init__(self) -> None:
        n = len(feature_names(self.detectors))
        if not len(self.mean) == len(self.scale) == len(self.weights) == n:
            raise ValueError(f"combiner: {n} features, but the coefficients do not match")

    def probability(self, row: Sequence[float]) -> float:
        """The model's probability that the token touches an error."""
        z = self.weights[0]
        for w, x, mu, sd in zip(self.weights[1:], row[1:], self.mean[1:], self.scale[1:], strict=True):
            z += w * (x - mu) / sd
        return 1.0 / (1.0 + math.exp(-max(-50.0, min(50.0, z))))

    def suspects(self, words: Sequence[Any], rows: Sequence[Sequence[float]]) -> list[Candidate]:
        """Runs of adjacent tokens at or above the threshold, one candidate each; its
        strength is the run's highest probability."""
        out: list[Candidate] = []
        run: list[tuple[Any, float]] = []

        def close() -> None:
            if run:
                p = max(q for _t, q in run)
                text = " ".join(t.text for t, _q in run)
                out.append(
                    Candidate(
                        SUSPECT,
                        run[0][0].start,
                        run[-1][0].end,
                        "mistranslation",
                        p,
                        f"the learned combiner rates {text!r} as likely wrong (p = {p:.2f})",
                    )
                )
                run.clear()

        for t, row in zip(words, rows, strict=True):
            p = self.probability(row)
            if p >= self.threshold:
                run.append((t, p))
            else:
                close()
        close()
        return out


@lru_cache(maxsize=4)
def load_combiner(path: str | None = None) -> Combiner | None:
    """The shipped combiner (cached); ``None`` when no ``combiner.json`` is installed (then
    ``lexical.suspect`` never fires, and the engine's fitted-file digest says so)."""
    p = Path(path) if path else COMBINER_PATH
    try:
        data: dict[str, Any] = json.loads(p.read_text(encoding="utf-8"))
    except FileNotFoundError:
        return None
    return Combiner(
        detectors=tuple(data["detectors"]),
        mean=tuple(float(v) for v in data["mean"]),
        scale=tuple(float(v) for v in data["scale"]),
        weights=tuple(float(v) for v in data["weights"]),
        threshold=float(data["threshold"]),
        version=str(data.get("version", "1")),
    )
