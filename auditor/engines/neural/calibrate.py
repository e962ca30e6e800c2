"""Fit the forced-decoding thresholds on an annotated development set (needs real weights).

Input: JSONL records with ``source_en``, ``mt_de`` and ``spans`` (``start``, ``end``,
``severity`` ``minor``/``major``), the format of ``shared/eval/dev.jsonl``. Every German
word gets the worst severity of the human spans it overlaps and the minimum log-probability
of its pieces given the source. We then pick

- ``token``: the word log-probability threshold maximising word-level F1 of "has an error";
- ``major``: the threshold below ``token`` maximising F1 of "has a major error" among the
  words flagged by ``token``.

The round-trip chrF threshold is kept (fitting it needs round-trip translations of the dev set; not done yet).
"""

from __future__ import annotations

import json
import logging
from collections.abc import Iterable, Sequence
from pathlib import Path
from typing import Any

from auditor.engines.neural.scoring import Thresholds, forced_decode, word_logprobs
from auditor.engines.neural.tokens import split_words

log = logging.getLogger(__name__)
_RANK = {"minor": 1, "major": 2, "critical": 2}


def read_dev(path: str | Path, limit: int | None = None) -> list[dict[str, Any]]:
    records = []
    with open(path, encoding="utf-8") as fh:
        for line in fh:
            if line.strip():
                rec = json.loads(line)
                if rec.get("source_en") and rec.get("mt_de"):
                    records.append(rec)
            if limit and len(records) >= limit:
                break
    return records


def word_labels(text: str, spans: Iterable[dict[str, Any]]) -> tuple[list[Any], list[int]]:
    """Words of ``text`` and, per word, 0 (clean), 1 (minor) or 2 (major) from overlapping spans."""
    words = split_words(text)
    labels = [0] * len(words)
    for sp in spans:
        start, end = int(sp["start"]), int(sp["end"])
        if not text[start:end].strip():
            continue  # a marked gap (missing comma): no word to flag
        rank = _RANK.get(str(sp.get("severity") or "minor"), 1)
        for i, w in enumerate(words):
            if w.start < end and start < w.end:
                labels[i] = max(labels[i], rank)
    return words, labels


def _best_threshold(
    scores: Sequence[float], positive: Sequence[bool], candidates: Sequence[float]
) -> tuple[float, float]:
    """The candidate t maximising F1 of ``score < t`` predicting ``positive``; returns (t, F1)."""
    total_pos = sum(positive)
    best = (candidates[0] if candidates else 0.0, -1.0)
    pairs = sorted(zip(scores, positive))
    # sweep: for each t, predicted = scores < t
    idx = 0
    tp = fp = 0
    for t in sorted(candidates):
        while idx < len(pairs) and pairs[idx][0] < t:
            tp += pairs[idx][1]
            fp += not pairs[idx][1]
            idx += 1
        prec = tp / (tp + fp) if tp + fp else 0.0
        rec = tp / total_pos if total_pos else 0.0
        f1 = 2 * prec * rec / (prec + rec) if prec + rec else 0.0
        if f1 > best[1]:
            best = (t, f1)
    return best


def fit_thresholds(
    word_scores: Sequence[float], labels: Sequence[int], base: Thresholds | None = None
) -> Thresholds:
    """Fit ``token`` and ``major`` on word minimum log-probabilities and 0/1/2 labels."""
    base = base or Thresholds()
    grid = [-0.25 * k for k in range(1, 121)]  # -0.25 … -30
    token, f1_any = _best_threshold(word_scores, [lab > 0 for lab in labels], grid)
    flagged = [(s, lab) for s, lab in zip(word_scores, labels) if s < token]
    major, f1_major = _best_threshold(
        [s for s, _ in flagged], [lab == 2 for _, lab in flagged], [g for g in grid if g <= token] or [token]
    )
    log.info("calibrated token=%.2f (F1 %.3f), major=%.2f (F1 %.3f)", token, f1_any, major, f1_major)
    return Thresholds(
        token=token,
        major=min(major, token),
        round_trip_chrf=base.round_trip_chrf,
        calibrated=True,
        origin="calibrated",
        model_revisions=dict(base.model_revisions),
    )


def calibrate(
    engine: Any, dev_path: str | Path, *, limit: int | None = None
) -> tuple[Thresholds, dict[str, Any]]:
    """Run forced decoding of the dev set with ``engine``'s en→de model and fit thresholds.

    Returns the thresholds (with the model revisions they belong to) and a small report.
    """
    records = read_dev(dev_path, limit)
    forced = forced_decode(
        engine.en_de,
        [(r["source_en"], r["mt_de"]) for r in records],
        batch_size=engine.batch_size,
        attention=False,
    )
    scores: list[float] = []
    labels: list[int] = []
    for rec, fd in zip(records, forced):
        words, labs = word_labels(rec["mt_de"], rec.get("spans", []))
        _, mins = word_logprobs(fd, words)
        scores.extend(mins)
        labels.extend(labs)
    revisions = {"de-en": engine.de_en.revision, "en-de": engine.en_de.revision}
    base = Thresholds(model_revisions=revisions)
    thr = fit_thresholds(scores, labels, base)
    report = {
        "dev": str(dev_path),
        "segments": len(records),
        "words": len(scores),
        "words_with_error": sum(1 for lab in labels if lab > 0),
        "words_with_major": sum(1 for lab in labels if lab == 2),
        "thresholds": thr.to_dict(),
    }
    return thr, report
