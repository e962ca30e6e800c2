"""Fit the lexical engine's operating points (``--profile``) on the MQM dev set; writes profiles.json.

    .venv/bin/python bench/fit_profiles.py             # CV report, fit on all of dev, write the JSON
    .venv/bin/python bench/fit_profiles.py --dry-run   # report only

A profile is a threshold on the *calibrated confidence* of the lexical bins
(``calibration.json``: each detector's evidence-strength bin with its fitted precision):

* ``balanced`` (the default) reports what the calibration emits, unchanged;
* ``precise`` reports the emitted bins whose confidence reaches ``min_confidence``;
* ``thorough`` reports the emitted bins and every other bin whose confidence reaches
  ``min_confidence``, and the learned combiner's ``lexical.suspect`` runs (``combiner.json``,
  fitted by ``bench/train_combiner.py``; its figures are that script's, not these).

Method (recorded in the JSON):

1. Every lexical detector runs uncalibrated on ``../shared/eval/dev.jsonl`` with
   ``source_en`` (``calibrate_lexical.collect``); only default-enabled detectors count, as
   in the default selection. The rules engine's findings are always on.
2. Metric: ``auditor eval``'s severity-blind character precision and recall.
3. Thresholds: the candidates are the distinct bin confidences. ``precise`` = the most
   recall with precision >= PRECISE_P on the fitting records; ``thorough`` = the best F1
   with recall >= THOROUGH_R if any threshold reaches it, else the best F1, among thresholds
   at or above the flag-everything precision (a bin below it adds noise, not evidence).
4. Honest figures: 5-fold CV grouped by ``doc_id``, thresholds chosen on four folds and
   measured on the fifth, pooled. The bins' confidences themselves were fitted on all of
   dev (``bench/calibrate_lexical.py``), so the CV is honest about the thresholds only.
   ``../shared/eval/dev_wordqe_mlqepe.jsonl`` (never fitted on) is the held-out check.
"""

from __future__ import annotations

import argparse
import datetime as _dt
import hashlib
import json
import sys
from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))
sys.path.insert(0, str(ROOT / "bench"))

from calibrate_lexical import collect  # noqa: E402
from fit_mqm_estimate import assign_folds  # noqa: E402  (the estimate's grouped folds)

from auditor.engines.lexical.calibration import bin_of, load_calibration  # noqa: E402
from auditor.engines.lexical.profiles import PROFILES_PATH  # noqa: E402
from auditor.evaluate import GoldRecord, char_ranks  # noqa: E402
from auditor.io.gold import read_gold  # noqa: E402

SHARED = ROOT.parent / "shared" / "eval"
DEV = SHARED / "dev.jsonl"
WORDQE = SHARED / "dev_wordqe_mlqepe.jsonl"
FOLDS = 5
PRECISE_P = 0.52  # on the fitting folds: a margin above the 0.45 for the held-out fold
THOROUGH_R = 0.30

Key = tuple[str, int]


@dataclass
class Rec:
    """One gold record reduced to what the metric needs: gold, rules and per-bin character sets."""

    group: str
    gold: frozenset[int]
    rules: frozenset[int]
    bins: dict[Key, frozenset[int]]


def default_detectors() -> set[str]:
    from auditor.detectors import for_engine

    return {d.id for d in for_engine("lexical") if d.default_enabled}


def prepare(path: Path) -> list[Rec]:
    from auditor.engines.rules import RulesEngine
    from auditor.segment import segment_document
    from auditor.types import Document

    records: list[GoldRecord] = read_gold(str(path))
    groups = [str(json.loads(line).get("doc_id", "")) for line in path.read_text(encoding="utf-8").splitlines()]
    cands = collect(records, verbose=False)
    rules = RulesEngine()
    wanted = default_detectors()
    out = []
    for rec, cs, group in zip(records, cands, groups, strict=True):
        n = len(rec.text)
        sdoc = segment_document(Document(path="dev", text=rec.text, source=rec.source, id=rec.id))
        # characters as auditor eval counts them: a zero-length finding covers none
        rmask = {i for f in rules.analyze(sdoc).findings for i in range(f.start, min(f.end, n))}
        bins: dict[Key, set[int]] = {}
        for c in cs:
            if c.detector in wanted:
                chars = range(c.start, min(c.end, n))
                bins.setdefault((c.detector, bin_of(c.strength)), set()).update(chars)
        gold = {i for i, r in enumerate(char_ranks(rec.spans, n)) if r}
        out.append(Rec(group or rec.id, frozenset(gold), frozenset(rmask), {k: frozenset(v) for k, v in bins.items()}))
    return out


def bin_table() -> dict[Key, tuple[float, bool]]:
    """(confidence, emitted) of every calibrated bin."""
    from auditor.engines.lexical.calibration import BINS

    table = load_calibration()
    lows = [lo for lo, _hi in BINS]
    return {
        (det, lows.index(float(b["lo"]))): (float(b["confidence"]), bool(b.get("emit", True)))
        for det, entry in table["detectors"].items()
        for b in entry["bins"]
    }


def reported(profile: str, t: float | None, table: dict[Key, tuple[float, bool]]) -> set[Key]:
    """The bins a profile at threshold ``t`` reports (the rule :mod:`profiles` applies)."""
    out = set()
    for key, (conf, emit) in table.items():
        if profile == "balanced" or t is None:
            ok = emit
        elif profile == "precise":
            ok = emit and conf >= t
        else:
            ok = emit or conf >= t
        if ok:
            out.add(key)
    return out


def prf(recs: Sequence[Rec], keys: set[Key]) -> dict[str, float]:
    tp = pred = gold = 0
    for r in recs:
        chars = set(r.rules)
        for k, cs in r.bins.items():
            if k in keys:
                chars |= cs
        pred += len(chars)
        tp += len(chars & r.gold)
        gold += len(r.gold)
    p = tp / pred if pred else 0.0
    rc = tp / gold if gold else 0.0
    f = 2 * p * rc / (p + rc) if p + rc else 0.0
    return {"precision": round(p, 4), "recall": round(rc, 4), "f1": round(f, 4)}


def choose(recs: Sequence[Rec], table: dict[Key, tuple[float, bool]]) -> dict[str, float]:
    """The precise and thorough thresholds on ``recs``."""
    confs = sorted({c for c, _e in table.values()}, reverse=True)
    prec = [(t, prf(recs, reported("precise", t, table))) for t in confs]
    ok = [(t, m) for t, m in prec if m["precision"] >= PRECISE_P and m["recall"] > 0]
    precise = max(ok, key=lambda tm: (tm[1]["recall"], tm[0]))[0] if ok else confs[0]
    # a bin below the flag-everything precision (what its confidence estimates) is noise, not recall
    floor = float(load_calibration().get("base_rates", {}).get("all_minor_precision_severity", 0.0))
    thor = [(t, prf(recs, reported("thorough", t, table))) for t in confs if t >= floor]
    reach = [(t, m) for t, m in thor if m["recall"] >= THOROUGH_R] or thor
    thorough = max(reach, key=lambda tm: (tm[1]["f1"], tm[0]))[0]
    return {"precise": precise, "thorough": thorough}



def cross_validate(recs: Sequence[Rec], table: dict[Key, tuple[float, bool]]) -> dict[str, Any]:
    """Thresholds from four folds applied to the fifth; figures pooled over the held-out folds."""
    fold = assign_folds([r.group for r in recs])
    held: dict[str, list[tuple[Rec, set[Key]]]] = {p: [] for p in ("precise", "balanced", "thorough")}
    per_fold = []
    for i in range(FOLDS):
        train = [r for r in recs if fold[r.group] != i]
        test = [r for r in recs if fold[r.group] == i]
        t = choose(train, table)
        per_fold.append({k: round(v, 4) for k, v in t.items()})
        for prof in held:
            keys = reported(prof, t.get(prof), table)
            held[prof].extend((r, keys) for r in test)
    pooled = {}
    for prof, pairs in held.items():
        tp = pred = gold = 0
        for r, keys in pairs:  # each held-out record under its own fold's thresholds
            chars = set(r.rules).union(*(cs for k, cs in r.bins.items() if k in keys))
            pred += len(chars)
            tp += len(chars & r.gold)
            gold += len(r.gold)
        p, rc = (tp / pred if pred else 0.0), (tp / gold if gold else 0.0)
        pooled[prof] = {"precision": round(p, 4), "recall": round(rc, 4), "f1": round(2 * p * rc / (p + rc), 4)}
    return {"folds": FOLDS, "thresholds_per_fold": per_fold, "profiles": pooled}


def main(argv: Sequence[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--out", type=Path, default=PROFILES_PATH)
    ap.add_argument("--dry-run", action="store_true")
    args = ap.parse_args(argv)
    if not DEV.exists():
        raise SystemExit(f"{DEV} not found: the profiles are fitted on ../shared/eval/dev.jsonl")
    table = bin_table()
    dev = prepare(DEV)
    cv = cross_validate(dev, table)
    thresholds = choose(dev, table)
    in_sample = {p: prf(dev, reported(p, thresholds.get(p), table)) for p in ("precise", "balanced", "thorough")}
    held_out: dict[str, Any] = {}
    if WORDQE.exists():
        wq = prepare(WORDQE)
        held_out = {p: prf(wq, reported(p, thresholds.get(p), table)) for p in ("precise", "balanced", "thorough")}
    result = {
        "version": "1",
        "what": "operating points of the lexical engine: thresholds on the calibrated confidence of "
        "calibration.json's bins (auditor/engines/lexical/profiles.py)",
        "fitted": {
            "script": "bench/fit_profiles.py",
            "command": "python bench/fit_profiles.py",
            "data": "../shared/eval/dev.jsonl",
            "data_sha256": hashlib.sha256(DEV.read_bytes()).hexdigest(),
            "calibration_sha256": hashlib.sha256(
                (ROOT / "auditor" / "engines" / "lexical" / "calibration.json").read_bytes()
            ).hexdigest(),
            "date": _dt.datetime.now(_dt.UTC).strftime("%Y-%m-%d"),
            "targets": {"precise_min_p_on_fit": PRECISE_P, "thorough_min_r": THOROUGH_R},
            "method": (
                "rules findings always on; default-enabled lexical detectors' candidates by calibration bin; "
                "severity-blind character P/R as in auditor eval. precise = most recall at P >= "
                "precise_min_p_on_fit among the emitted bins with confidence >= t; thorough = best F1 (at R >= "
                "thorough_min_r if reachable) with the emitted bins plus every bin with confidence >= t; "
                "balanced = the calibration's emission. cv: 5 folds grouped by doc_id, thresholds chosen on "
                "four folds, pooled held-out figures (the bin confidences are fitted on all of dev)."
            ),
            "cv": cv,
            "in_sample_dev": in_sample,
            "held_out_dev_wordqe": held_out,
        },
        "profiles": {
            "precise": {"min_confidence": round(thresholds["precise"], 6), "bins": "emitted"},
            "balanced": {"min_confidence": None, "bins": "emitted"},
            "thorough": {"min_confidence": round(thresholds["thorough"], 6), "bins": "all", "combiner": True},
        },
    }
    print(json.dumps({k: result["fitted"][k] for k in ("cv", "in_sample_dev", "held_out_dev_wordqe")}, indent=1))
    print(json.dumps(result["profiles"]))
    if not args.dry_run:
        tmp = args.out.with_suffix(".json.tmp")
        tmp.write_text(json.dumps(result, indent=1) + "\n", encoding="utf-8")
        tmp.replace(args.out)
        print(f"wrote {args.out}", file=sys.stderr)
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
