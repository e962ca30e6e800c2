"""Train the lexical engine's learned combiner and its profile thresholds (writes combiner.json).

    .venv/bin/python bench/train_combiner.py             # CV report, fit on everything, write the JSON
    .venv/bin/python bench/train_combiner.py --dry-run   # CV report only

Method (recorded in the JSON):

1. Every default-enabled lexical detector runs *uncalibrated* (``LexicalEngine.all_candidates``,
   with ``source_en``) on ``../shared/eval/dev.jsonl`` (MT) and ``dev_human.jsonl`` (the human
   translations of the same WMT20 sources, with their own MQM spans: a combiner that only saw MT
   would learn that literal is good). ``dev_wordqe*`` is never read here.
2. One row per candidate: :func:`auditor.engines.lexical.combiner.features`. Label: the share of
   the candidate's characters inside a gold span (severity-blind), so that the model learns
   character precision, the quantity ``auditor eval`` scores.
3. L2-regularised logistic regression (``scipy.optimize.minimize``, L-BFGS, fractional labels).
4. Profiles: thresholds on the probability, chosen on the *training* records' MT curve of
   ``auditor eval``'s character-level blind precision and recall (the union of the reported
   lexical characters and the rules engine's, which is always on):
   ``precise`` = the most recall with P >= PRECISE_P; ``balanced`` = the most recall with
   P >= BALANCED_P; ``thorough`` = the best F1 with R >= THOROUGH_R, else the best F1.
5. Honest figures: 5-fold CV grouped by ``doc_id`` (a source's human and MT translations in one
   fold), model and thresholds fitted on four folds, measured on the fifth; the held-out
   predictions pooled. Then the shipped model: fitted on all records (its dev figures are
   in-sample and labelled so).
"""

from __future__ import annotations

import argparse
import datetime as _dt
import hashlib
import json
import sys
import time
from bisect import bisect_right
from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import numpy as np

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from auditor.engines.lexical.combiner import COMBINER_PATH, feature_names, features  # noqa: E402
from auditor.evaluate import GoldRecord, char_ranks, read_gold  # noqa: E402

SHARED = ROOT.parent / "shared" / "eval"
DEV = SHARED / "dev.jsonl"
HUMAN = SHARED / "dev_human.jsonl"
FOLDS = 5
L2 = 1.0
PRECISE_P = 0.52
BALANCED_P = 0.47
THOROUGH_R = 0.30


@dataclass
class Record:
    """One gold record's candidates, features and character masks."""

    rec: GoldRecord
    group: str
    human: bool
    gold: np.ndarray  # bool per character
    rules: np.ndarray  # bool per character: the rules engine's findings
    spans: list[tuple[int, int]]  # candidate spans (clipped), one per row
    rows: list[list[float]]
    labels: list[float]


def default_detectors() -> tuple[str, ...]:
    """Lexical detectors reported by default: the ones the combiner decides."""
    from auditor.detectors import for_engine

    return tuple(sorted(d.id for d in for_engine("lexical") if d.default_enabled))


def collect(path: Path, human: bool, detectors: tuple[str, ...]) -> list[Record]:
    from auditor.engines.lexical import LexicalEngine
    from auditor.engines.rules import RulesEngine
    from auditor.segment import segment_document
    from auditor.types import Document

    raw = [json.loads(line) for line in path.read_text(encoding="utf-8").splitlines() if line.strip()]
    records = read_gold(str(path))
    engine, rules = LexicalEngine(), RulesEngine()
    out: list[Record] = []
    t0 = time.time()
    for k, (rec, obj) in enumerate(zip(records, raw, strict=True)):
        n = len(rec.text)
        sdoc = segment_document(Document(path="dev", text=rec.text, source=rec.source, id=rec.id))
        gold = np.asarray([r > 0 for r in char_ranks(rec.spans, n)], dtype=bool)
        rmask = np.zeros(n, dtype=bool)
        for f in rules.analyze(sdoc).findings:
            rmask[f.start : max(f.end, f.start + 1)] = True
        starts = [s.start for s in sdoc.segments]
        r = Record(rec, str(obj.get("doc_id", rec.id)), human, gold, rmask, [], [], [])
        for c in engine.all_candidates(sdoc):
            if c.detector not in detectors:
                continue
            lo, hi = c.start, min(max(c.end, c.start + 1), n)
            if hi <= lo:
                continue
            seg = sdoc.segments[max(0, bisect_right(starts, c.start) - 1)]
            r.spans.append((lo, hi))
            r.rows.append(
                features(detectors, c.detector, c.strength, rec.text[c.start : c.end], seg.text,
                         c.start - seg.start, seg.source)  # fmt: skip
            )
            r.labels.append(float(gold[lo:hi].mean()))
        out.append(r)
        if (k + 1) % 500 == 0:
            print(f"  {path.name}: {k + 1}/{len(records)} records, {time.time() - t0:.0f} s", file=sys.stderr)
    return out


# ----------------------------------------------------------------------------- model


def fit_logistic(X: np.ndarray, y: np.ndarray, l2: float = L2) -> np.ndarray:
    """L2-regularised logistic regression with fractional labels (bias unpenalised)."""
    from scipy.optimize import minimize

    penal = np.ones(X.shape[1])
    penal[0] = 0.0

    def loss(w: np.ndarray) -> tuple[float, np.ndarray]:
        z = X @ w
        p = 1.0 / (1.0 + np.exp(-np.clip(z, -50, 50)))
        ll = np.sum(np.logaddexp(0.0, z) - y * z)
        grad = X.T @ (p - y)
        return float(ll + 0.5 * l2 * np.sum(penal * w * w)), grad + l2 * penal * w

    res = minimize(loss, np.zeros(X.shape[1]), jac=True, method="L-BFGS-B")
    return np.asarray(res.x)


def probabilities(records: Sequence[Record], w: np.ndarray) -> list[np.ndarray]:
    out = []
    for r in records:
        if r.rows:
            z = np.asarray(r.rows) @ w
            out.append(1.0 / (1.0 + np.exp(-np.clip(z, -50, 50))))
        else:
            out.append(np.zeros(0))
    return out


def curve(records: Sequence[Record], probs: Sequence[np.ndarray]) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """(thresholds, P, R) of the character-level blind metric over every threshold: a character
    is reported when the rules engine flags it or a candidate covering it reaches the threshold."""
    scores: list[np.ndarray] = []
    golds: list[np.ndarray] = []
    total_gold = 0
    for r, p in zip(records, probs, strict=True):
        total_gold += int(r.gold.sum())
        best = np.where(r.rules, np.inf, 0.0)
        for (lo, hi), pi in zip(r.spans, p, strict=True):
            np.maximum(best[lo:hi], pi, out=best[lo:hi])
        keep = best > 0
        scores.append(best[keep])
        golds.append(r.gold[keep])
    s = np.concatenate(scores) if scores else np.zeros(0)
    g = np.concatenate(golds) if golds else np.zeros(0, dtype=bool)
    order = np.argsort(-s, kind="stable")
    s, g = s[order], g[order]
    tp = np.cumsum(g)
    n = np.arange(1, len(s) + 1)
    last = np.r_[s[1:] != s[:-1], True]  # one point per distinct threshold
    return s[last], (tp / n)[last], (tp / max(1, total_gold))[last]


def at_threshold(records: Sequence[Record], probs: Sequence[np.ndarray], t: float) -> dict[str, float]:
    th, p, r = curve(records, probs)
    idx = np.nonzero(th >= t)[0]
    if len(idx) == 0:
        return {"precision": 0.0, "recall": 0.0, "f1": 0.0}
    i = idx[-1]
    f1 = 2 * p[i] * r[i] / (p[i] + r[i]) if p[i] + r[i] else 0.0
    return {"precision": round(float(p[i]), 4), "recall": round(float(r[i]), 4), "f1": round(float(f1), 4)}


def choose_thresholds(records: Sequence[Record], probs: Sequence[np.ndarray]) -> dict[str, float]:
    """The three profile thresholds from the (training) MT records' curve."""
    th, p, r = curve(records, probs)
    finite = np.isfinite(th)
    th, p, r = th[finite], p[finite], r[finite]
    f1 = np.where(p + r > 0, 2 * p * r / np.maximum(p + r, 1e-12), 0.0)

    def most_recall(min_p: float) -> float:
        ok = np.nonzero((p >= min_p) & (r >= 0.02))[0]
        return float(th[ok[-1]]) if len(ok) else float(th[0])

    reach = np.nonzero(r >= THOROUGH_R)[0]
    pool = reach if len(reach) else np.arange(len(th))
    best = pool[np.argmax(f1[pool])]
    return {"precise": most_recall(PRECISE_P), "balanced": most_recall(BALANCED_P), "thorough": float(th[best])}


def assign_folds(groups: Sequence[str], k: int = FOLDS) -> dict[str, int]:
    """Documents whole in one fold, folds balanced by records, deterministic (largest first)."""
    sizes: dict[str, int] = {}
    for g in groups:
        sizes[g] = sizes.get(g, 0) + 1
    order = sorted(sizes, key=lambda g: (-sizes[g], hashlib.sha256(g.encode()).hexdigest()))
    load = [0] * k
    fold: dict[str, int] = {}
    for g in order:
        i = min(range(k), key=lambda j: (load[j], j))
        fold[g] = i
        load[i] += sizes[g]
    return fold


def matrix(records: Sequence[Record]) -> tuple[np.ndarray, np.ndarray]:
    rows = [row for r in records for row in r.rows]
    labels = [y for r in records for y in r.labels]
    return np.asarray(rows, dtype=float), np.asarray(labels, dtype=float)


def cross_validate(records: Sequence[Record]) -> dict[str, Any]:
    """Grouped CV: model and thresholds from four folds, applied to the fifth; pooled figures."""
    fold = assign_folds([r.group for r in records])
    held: list[np.ndarray] = [np.zeros(0)] * len(records)
    emitted: dict[str, list[np.ndarray]] = {p: [np.zeros(0)] * len(records) for p in ("precise", "balanced", "thorough")}
    per_fold: list[dict[str, float]] = []
    for i in range(FOLDS):
        train = [n for n, r in enumerate(records) if fold[r.group] != i]
        test = [n for n, r in enumerate(records) if fold[r.group] == i]
        X, y = matrix([records[n] for n in train])
        w = fit_logistic(X, y)
        mt_train = [records[n] for n in train if not records[n].human]
        t = choose_thresholds(mt_train, probabilities(mt_train, w))
        per_fold.append({k: round(v, 4) for k, v in t.items()})
        for n, pr in zip(test, probabilities([records[n] for n in test], w), strict=True):
            held[n] = pr
            for prof, thr in t.items():
                # 1.0 marks an emitted candidate, 0 one below the fold's threshold
                emitted[prof][n] = np.where(pr >= thr, 1.0, 0.0)
    out: dict[str, Any] = {"folds": FOLDS, "thresholds_per_fold": per_fold, "profiles": {}}
    for side, want_human in (("mt", False), ("human", True)):
        idx = [n for n, r in enumerate(records) if r.human == want_human]
        recs = [records[n] for n in idx]
        for prof in emitted:
            out["profiles"].setdefault(prof, {})[side] = at_threshold(recs, [emitted[prof][n] for n in idx], 0.5)
        th, p, r = curve(recs, [held[n] for n in idx])
        out.setdefault("curve", {})[side] = {
            f"P@R{target:.2f}": round(float(p[np.nonzero(r >= target)[0][0]]), 4) if (r >= target).any() else None
            for target in (0.05, 0.093, 0.10, 0.136, 0.14, 0.20, 0.30)
        }
        out["curve"][side]["max_recall"] = round(float(r[-1]), 4) if len(r) else 0.0
    return out


def main(argv: Sequence[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--out", type=Path, default=COMBINER_PATH)
    ap.add_argument("--dry-run", action="store_true")
    args = ap.parse_args(argv)
    for p in (DEV, HUMAN):
        if not p.exists():
            raise SystemExit(f"{p} not found: the combiner is trained on ../shared/eval")
    detectors = default_detectors()
    records = collect(DEV, False, detectors) + collect(HUMAN, True, detectors)
    X, y = matrix(records)
    print(f"{len(records)} records, {len(y)} candidates, {X.shape[1]} features", file=sys.stderr)
    cv = cross_validate(records)
    w = fit_logistic(X, y)
    mt = [r for r in records if not r.human]
    thresholds = choose_thresholds(mt, probabilities(mt, w))
    in_sample = {
        prof: {
            side: at_threshold([r for r in records if r.human == hum],
                               probabilities([r for r in records if r.human == hum], w), t)  # fmt: skip
            for side, hum in (("mt", False), ("human", True))
        }
        for prof, t in thresholds.items()
    }
    names = feature_names(detectors)
    result = {
        "version": "1",
        "what": "logistic combiner over lexical candidate features (auditor/engines/lexical/combiner.py); "
        "confidence = probability; a profile reports candidates with probability >= its threshold",
        "fitted": {
            "script": "bench/train_combiner.py",
            "command": "python bench/train_combiner.py",
            "data": {
                str(p.relative_to(ROOT.parent).as_posix()).replace("shared/", "../shared/"): hashlib.sha256(
                    p.read_bytes()
                ).hexdigest()
                for p in (DEV, HUMAN)
            },
            "records": {"mt": len(mt), "human": len(records) - len(mt)},
            "candidates": len(y),
            "date": _dt.datetime.now(_dt.UTC).strftime("%Y-%m-%d"),
            "l2": L2,
            "targets": {"precise_min_p": PRECISE_P, "balanced_min_p": BALANCED_P, "thorough_min_r": THOROUGH_R},
            "method": (
                "one row per uncalibrated candidate of a default-enabled lexical detector on dev.jsonl (MT) and "
                "dev_human.jsonl; label = share of its characters inside a gold span; L2 logistic regression "
                "(scipy L-BFGS). Thresholds on the MT records' character-level blind curve (rules findings "
                "always on): precise = most recall at P >= precise_min_p, balanced = most recall at P >= "
                "balanced_min_p, thorough = best F1 at R >= thorough_min_r (else best F1). cv: 5 folds grouped "
                "by doc_id, model and thresholds fitted on four folds, pooled held-out figures."
            ),
            "cv": cv,
            "in_sample": in_sample,
        },
        "detectors": list(detectors),
        "features": names,
        "weights": [round(float(v), 6) for v in w],
        "profiles": {k: {"threshold": round(v, 6)} for k, v in thresholds.items()},
    }
    print(json.dumps({"cv": cv, "in_sample": in_sample, "thresholds": thresholds}, indent=1))
    for n, v in sorted(zip(names, w, strict=True), key=lambda t: -abs(t[1]))[:15]:
        print(f"  {n:32s} {v:+.3f}")
    if not args.dry_run:
        tmp = args.out.with_suffix(".json.tmp")
        tmp.write_text(json.dumps(result, indent=1) + "\n", encoding="utf-8")
        tmp.replace(args.out)
        print(f"wrote {args.out}", file=sys.stderr)
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
