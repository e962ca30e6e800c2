"""Fit the coefficients of ``mqm_estimate`` (auditor/estimate.py) on the MQM dev set.

    .venv/bin/python bench/fit_mqm_estimate.py              # fit, report, write auditor/mqm_estimate.json
    .venv/bin/python bench/fit_mqm_estimate.py --dry-run    # fit and report, write nothing
    .venv/bin/python bench/fit_mqm_estimate.py --combos rules lexical,rules

Re-run it (``make calibrate`` runs it after the lexical calibration) whenever a detector,
the lexical calibration or the scoring changes: the coefficients are fitted on what the
detectors find.

Method (also recorded in the JSON):

1. Run the auditor on every record of ``../shared/eval/dev.jsonl`` exactly as ``auditor
   eval`` does (``auditor.eval_run.audit_gold``: the real engines, with ``source_en``,
   default weights 1/5/25), for every combination of the engines available here.
2. Per record (a gold segment), sum over its scored sentences the features of
   ``predicted penalty = a + b·words + c·penalty``: (number of sentences, words, findings'
   region penalty). A record the segmenter splits into k sentences gets k·a, so the record's
   estimate is exactly the sum of its sentences' ``mqm_estimate`` that ``auditor eval``
   correlates. Target: minus the gold ``score`` (the MQM penalty sum, >= 0).
3. Robust non-negative least squares: Huber loss with ``HUBER_DELTA`` = 1 penalty point
   (one minor error), solved by iteratively reweighted ``scipy.optimize.nnls``, a, b, c >= 0.
   MQM sums are heavy-tailed (a Non-translation segment costs 25): plain least squares let
   those few segments set the coefficients (5-fold CV Spearman 0.413 with plain nnls,
   0.424 with the Huber loss; δ = 3 gave 0.419; both measured, δ = 1 kept).
4. Report Spearman's rho (and Kendall's tau-b) of ``mqm_estimate = −predicted penalty`` against
   the gold score: in-sample; 5-fold cross-validation grouped by ``doc_id`` (all segments of a
   document in one fold; folds balanced by segment count, documents taken largest first, ties
   by SHA-256 of the id: deterministic); fitted on news and measured on TED and back (field
   ``domain``). Every figure sits next to the same procedure with the length-only model
   ``a + b·words`` and the plain ``−words`` reference of ``auditor eval``.
5. A combination without a fit uses the fitted combination that contains all its engines
   with the fewest extra ones (``auditor/estimate.py``); when a requested engine was never
   fitted (``neural`` without its models here), the fallback: ``(a, b)`` of the length-only
   fit of the largest combination and ``c = 1`` (its in-sample Spearman on that
   combination's findings is recorded beside it).

Deterministic: same data, same detectors → same JSON (bar the date and commit).
"""

from __future__ import annotations

import argparse
import datetime as _dt
import hashlib
import importlib.util
import json
import os
import subprocess
import sys
from collections.abc import Sequence
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from auditor.estimate import ESTIMATE_PATH, engine_key  # noqa: E402
from auditor.evaluate import GoldRecord, kendall_tau_b, spearman  # noqa: E402
from auditor.io.gold import read_gold  # noqa: E402

DEFAULT_DATA = ROOT.parent / "shared" / "eval" / "dev.jsonl"
FOLDS = 5
FULL = (0, 1, 2, 3, 4)  # the shipped model: segments, words, penalty, headline segments, headline words
NO_HEADLINE = (0, 1, 2)  # the model before the headline term: segments, words, penalty
LENGTH = (0, 1)  # length-only model: segments, words
LENGTH_HEADLINE = (0, 1, 3, 4)  # length and the headline term, no findings

#: (scored sentences, words, region penalty, headline sentences, words in headline sentences) of one record
Row = tuple[float, float, float, float, float]


# ----------------------------------------------------------------------------- fitting


HUBER_DELTA = 1.0  # residual (penalty points) beyond which a segment's weight decreases
HUBER_ITERATIONS = 30


def nnls_fit(X: Sequence[Sequence[float]], y: Sequence[float], cols: Sequence[int] = FULL) -> list[float]:
    """Huber-robust non-negative least squares of ``y`` on the columns ``cols`` of ``X``
    (iteratively reweighted ``scipy.optimize.nnls``); the other coefficients are 0."""
    import numpy as np
    from scipy.optimize import nnls

    A = np.asarray([[row[j] for j in cols] for row in X], dtype=float)
    b = np.asarray(y, dtype=float)
    w = np.ones(len(b))
    coef = np.zeros(len(cols))
    for _ in range(HUBER_ITERATIONS):
        root = np.sqrt(w)
        new, _residual = nnls(A * root[:, None], b * root)
        r = np.abs(b - A @ new)
        w = np.where(r <= HUBER_DELTA, 1.0, HUBER_DELTA / np.maximum(r, 1e-12))
        if np.allclose(new, coef, rtol=0, atol=1e-9):
            coef = new
            break
        coef = new
    out = [0.0] * len(FULL)
    for j, v in zip(cols, coef, strict=True):
        out[j] = float(v)
    return out


def predict(coef: Sequence[float], X: Sequence[Sequence[float]]) -> list[float]:
    """``mqm_estimate`` of each row: minus the predicted penalty."""
    return [-sum(c * x for c, x in zip(coef, row, strict=True)) for row in X]


def correlation(estimates: Sequence[float], gold: Sequence[float]) -> dict[str, Any]:
    rho = spearman(list(estimates), list(gold))
    tau = kendall_tau_b(list(estimates), list(gold))
    return {
        "n": len(gold),
        "spearman": None if rho is None else round(rho, 4),
        "kendall_tau_b": None if tau is None else round(tau, 4),
    }


def assign_folds(groups: Sequence[str], k: int = FOLDS) -> dict[str, int]:
    """Deterministic grouped folds: each group (document) whole in one fold, folds balanced.

    Groups are taken largest first (ties broken by the SHA-256 of the id, independent of
    file order) and each goes to the fold with the fewest segments so far (lowest index on
    a tie).
    """
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


def cross_validate(
    X: Sequence[Row],
    y: Sequence[float],
    groups: Sequence[str],
    cols: Sequence[int],
    k: int = FOLDS,
    domains: Sequence[str] | None = None,
) -> dict[str, Any]:
    """Grouped k-fold CV: per-fold Spearman (mean, min, max) and Spearman of the pooled held-out
    estimates, overall and (with ``domains``) per domain, so that a term that helps one domain
    and hurts the other shows."""
    fold = assign_folds(groups, k)
    pooled = [0.0] * len(y)
    per_fold: list[float] = []
    sizes: list[int] = []
    for i in range(k):
        test = [n for n, g in enumerate(groups) if fold[g] == i]
        train = [n for n, g in enumerate(groups) if fold[g] != i]
        coef = nnls_fit([X[n] for n in train], [y[n] for n in train], cols)
        est = predict(coef, [X[n] for n in test])
        for n, e in zip(test, est, strict=True):
            pooled[n] = e
        rho = spearman(est, [-y[n] for n in test])
        per_fold.append(float("nan") if rho is None else rho)
        sizes.append(len(test))
    mean = sum(per_fold) / len(per_fold)
    pooled_rho = spearman(pooled, [-v for v in y])
    out: dict[str, Any] = {
        "folds": k,
        "fold_sizes": sizes,
        "spearman_mean": round(mean, 4),
        "spearman_min": round(min(per_fold), 4),
        "spearman_max": round(max(per_fold), 4),
        "spearman_pooled": None if pooled_rho is None else round(pooled_rho, 4),
    }
    if domains is not None:
        per_domain: dict[str, Any] = {}
        for d in sorted(set(domains)):
            idx = [n for n, dd in enumerate(domains) if dd == d]
            rho = spearman([pooled[n] for n in idx], [-y[n] for n in idx])
            per_domain[d] = None if rho is None else round(rho, 4)
        out["spearman_pooled_per_domain"] = per_domain
    return out


def transfer(
    X: Sequence[Row], y: Sequence[float], domains: Sequence[str], train: str, test: str, cols: Sequence[int]
) -> dict[str, Any]:
    """Fit on one domain, Spearman on the other."""
    tr = [n for n, d in enumerate(domains) if d == train]
    te = [n for n, d in enumerate(domains) if d == test]
    coef = nnls_fit([X[n] for n in tr], [y[n] for n in tr], cols)
    out = correlation(predict(coef, [X[n] for n in te]), [-y[n] for n in te])
    out["coefficients"] = [round(c, 6) for c in coef]
    return out


def evaluate_fit(
    X: Sequence[Row], y: Sequence[float], groups: Sequence[str], domains: Sequence[str], words_ref: Sequence[int]
) -> dict[str, Any]:
    """Coefficients and every figure of the full model next to the length-only references."""
    gold = [-v for v in y]
    coef = nnls_fit(X, y, FULL)
    length = nnls_fit(X, y, LENGTH)
    est = predict(coef, X)
    domain_names = sorted(set(domains))
    per_domain: dict[str, Any] = {}
    for d in domain_names:
        idx = [n for n, dd in enumerate(domains) if dd == d]
        per_domain[d] = {
            "in_sample": correlation([est[n] for n in idx], [gold[n] for n in idx]),
            "length_only_in_sample": correlation(
                predict(length, [X[n] for n in idx]), [gold[n] for n in idx]
            ),
            "minus_words": correlation([-words_ref[n] for n in idx], [gold[n] for n in idx]),
        }
    cross: dict[str, Any] = {}
    if len(domain_names) == 2:
        for a, b in (domain_names, domain_names[::-1]):
            cross[f"{a}->{b}"] = {
                "model": transfer(X, y, domains, a, b, FULL),
                "length_only": transfer(X, y, domains, a, b, LENGTH),
            }
    def reference(cols: Sequence[int]) -> dict[str, Any]:
        c = nnls_fit(X, y, cols)
        return {
            "coefficients": [round(v, 6) for v in c],
            "in_sample": correlation(predict(c, X), gold),
            "cv": cross_validate(X, y, groups, cols, domains=domains),
        }

    return {
        "a": round(coef[0], 6),
        "b": round(coef[1], 6),
        "c": round(coef[2], 6),
        "d": round(coef[3], 6),
        "e": round(coef[4], 6),
        "records": len(y),
        "records_with_findings": sum(1 for row in X if row[2] > 0),
        "records_with_headline": sum(1 for row in X if row[3] > 0),
        "in_sample": correlation(est, gold),
        "cv": cross_validate(X, y, groups, FULL, domains=domains),
        "without_headline": reference(NO_HEADLINE),
        "length_headline": reference(LENGTH_HEADLINE),
        "length_only": {
            "a": round(length[0], 6),
            "b": round(length[1], 6),
            "in_sample": correlation(predict(length, X), gold),
            "cv": cross_validate(X, y, groups, LENGTH, domains=domains),
        },
        "minus_words": correlation([-w for w in words_ref], gold),
        "per_domain": per_domain,
        "cross_domain": cross,
    }


# ----------------------------------------------------------------------------- running


def rows_of(results: Sequence[Any]) -> list[Row]:
    """(scored sentences, words, region penalty, headline sentences, headline words) per record,
    from the pipeline's SegmentResults."""
    from auditor.estimate import is_headline

    out: list[Row] = []
    for res in results:
        scored = [sr for sr in res.segments if sr.segment.scored]
        heads = [sr for sr in scored if is_headline(sr.segment.text)]
        out.append(
            (
                float(len(scored)),
                float(sum(sr.words for sr in scored)),
                float(sum(sr.penalty for sr in scored)),
                float(len(heads)),
                float(sum(sr.words for sr in heads)),
            )
        )
    return out


def _bench_run() -> Any:
    spec = importlib.util.spec_from_file_location("bench_run", ROOT / "bench" / "run.py")
    assert spec is not None and spec.loader is not None
    mod = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(mod)
    return mod


def _commit() -> str:
    def git(*args: str) -> str:
        return subprocess.run(["git", *args], cwd=ROOT, capture_output=True, text=True).stdout.strip()

    head = git("rev-parse", "--short=12", "HEAD") or "unknown"
    dirty = git("status", "--porcelain", "--", "auditor")
    return f"{head} (+ uncommitted changes under auditor/)" if dirty else head


def _display_path(path: Path) -> str:
    """The data path relative to the repository (``../shared/eval/dev.jsonl``), as the docs give it."""
    return os.path.relpath(path.absolute(), ROOT)


def fit_all(data: Path, combos: Sequence[str], verbose: bool = True) -> dict[str, Any]:
    from auditor.eval_run import audit_gold

    records: list[GoldRecord] = read_gold(str(data))
    raw = [json.loads(line) for line in data.read_text(encoding="utf-8").splitlines() if line.strip()]
    keep = [n for n, r in enumerate(records) if r.score is not None]
    if len(keep) < 10:
        raise SystemExit(f"{data}: only {len(keep)} records with a gold score")
    y = [-float(records[n].score or 0.0) for n in keep]
    groups = [str(raw[n].get("doc_id", records[n].id)) for n in keep]
    domains = [str(raw[n].get("domain", "all")) for n in keep]
    words_ref = [len(records[n].text.split()) for n in keep]

    fits: dict[str, Any] = {}
    rows_by_key: dict[str, list[Row]] = {}
    for combo in combos:
        names = combo.split(",")
        pipeline, results, load_s, run_s = audit_gold(str(data), records, names)
        rows = rows_of(results)
        X = [rows[n] for n in keep]
        key = engine_key(names)
        rows_by_key[key] = X
        fit = evaluate_fit(X, y, groups, domains, words_ref)
        fit["signature"] = pipeline.signature
        fits[key] = fit
        if verbose:
            print(
                f"  {key}: {len(records)} records in {run_s:.1f} s (load {load_s:.1f} s); "
                f"a={fit['a']:.4f} b={fit['b']:.4f} c={fit['c']:.4f}",
                file=sys.stderr,
            )
    largest = max(fits, key=lambda k: (len(k.split(",")), k))
    lh = fits[largest]["length_headline"]["coefficients"]
    fallback = [lh[0], lh[1], 1.0, lh[3], lh[4]]
    return {
        "what": "coefficients of mqm_estimate = -(a + b*words + c*penalty + headline*(d + e*words)) per "
        "scored sentence (auditor/estimate.py; headline = the sentence lacks terminal . ! ? or closing quote); "
        "a document's estimate is the sum over its sentences",
        "data": {
            "path": _display_path(data),
            "sha256": hashlib.sha256(data.read_bytes()).hexdigest(),
            "records": len(records),
            "records_with_score": len(keep),
            "domains": {d: domains.count(d) for d in sorted(set(domains))},
            "documents": len(set(groups)),
        },
        "date": _dt.datetime.now(_dt.UTC).strftime("%Y-%m-%d"),
        "commit": _commit(),
        "command": "python bench/fit_mqm_estimate.py",
        "weights": "1/5/25",
        "method": (
            "auditor eval's code path (audit_gold: real engines, source_en, weights 1/5/25) on every record; "
            "per record the sums over its scored sentences of (1, words, region penalty, headline, headline*words); "
            f"target = -gold score; Huber-robust non-negative least squares (delta {HUBER_DELTA:g} penalty point, "
            "iteratively reweighted scipy.optimize.nnls; a..e >= 0). Spearman/Kendall of -predicted penalty vs "
            "gold score: "
            f"in-sample, {FOLDS}-fold CV grouped by doc_id (folds balanced by segments, documents largest "
            "first, ties by sha256 of doc_id; spearman_mean = mean over folds, spearman_pooled = over all "
            "held-out estimates, also per domain), fit on one domain and measured on the other; each next to the "
            "model without the headline term (without_headline), length + headline (length_headline), the "
            "length-only model a + b*words under the same procedure and the plain -words reference of auditor eval"
        ),
        "fits": fits,
        "fallback": {
            "a": lh[0],
            "b": lh[1],
            "c": 1.0,
            "d": lh[3],
            "e": lh[4],
            "from": f"length + headline fit (a, b, d, e) of '{largest}', c = 1: the findings at face value",
            "policy": "a combination without a fit uses the fitted combination that contains all its engines "
            "with the fewest extra ones (then the key); this fallback only when a requested engine was never "
            "fitted",
            "in_sample_on": largest,
            "in_sample": correlation(predict(fallback, rows_by_key[largest]), [-v for v in y]),
        },
    }


def summary(result: dict[str, Any]) -> str:
    """The figures as a small text table."""

    def f(x: Any) -> str:
        return "  n/a" if x is None else f"{x:.3f}"

    out = [
        f"data: {result['data']['path']} (sha256 {result['data']['sha256'][:12]}…, "
        f"{result['data']['records_with_score']} scored records, {result['data']['documents']} documents)",
        "Spearman of the estimate vs the gold score; length-only = a + b·words under the same procedure",
    ]
    for key, fit in result["fits"].items():
        lo = fit["length_only"]
        out.append("")
        out.append(
            f"[{key}]  a={fit['a']:.4f}  b={fit['b']:.4f}  c={fit['c']:.4f}  d={fit['d']:.4f}  e={fit['e']:.4f}   "
            f"(length-only a={lo['a']:.4f} b={lo['b']:.4f}; {fit['records_with_findings']} records with findings)"
        )
        out.append(f"  {'':34} {'estimate':>9} {'length':>9}")
        out.append(f"  {'in-sample':34} {f(fit['in_sample']['spearman']):>9} {f(lo['in_sample']['spearman']):>9}")
        cv, lcv = fit["cv"], lo["cv"]
        label = f"{cv['folds']}-fold CV by doc_id, mean of folds"
        out.append(
            f"  {label:34} "
            f"{f(cv['spearman_mean']):>9} {f(lcv['spearman_mean']):>9}"
        )
        out.append(
            f"  {'  min / max over folds':34} {f(cv['spearman_min'])}/{f(cv['spearman_max'])} "
            f"{f(lcv['spearman_min'])}/{f(lcv['spearman_max'])}"
        )
        out.append(
            f"  {'  pooled held-out estimates':34} {f(cv['spearman_pooled']):>9} {f(lcv['spearman_pooled']):>9}"
        )
        for d, pd in fit["per_domain"].items():
            label = f"in-sample, {d} only"
            out.append(
                f"  {label:34} {f(pd['in_sample']['spearman']):>9} "
                f"{f(pd['length_only_in_sample']['spearman']):>9}"
            )
        for name, cd in fit["cross_domain"].items():
            label = "fit " + name.replace("->", ", measure ")
            out.append(
                f"  {label:34} {f(cd['model']['spearman']):>9} "
                f"{f(cd['length_only']['spearman']):>9}"
            )
        out.append(f"  {'reference -words (auditor eval)':34} {'':>9} {f(fit['minus_words']['spearman']):>9}")
        models = (
            ("estimate", fit["cv"]),
            ("no headline", fit["without_headline"]["cv"]),
            ("len+headline", fit["length_headline"]["cv"]),
            ("length", lcv),
        )
        out.append("  CV Spearman (grouped by doc_id)   " + " ".join(f"{m:>12}" for m, _ in models))
        out.append(f"  {'  mean of folds':34}" + " ".join(f"{f(c['spearman_mean']):>12}" for _, c in models))
        out.append(f"  {'  pooled':34}" + " ".join(f"{f(c['spearman_pooled']):>12}" for _, c in models))
        for d in cv.get("spearman_pooled_per_domain", {}):
            label = f"  pooled, {d} only"
            out.append(
                f"  {label:34}" + " ".join(f"{f(c['spearman_pooled_per_domain'][d]):>12}" for _, c in models)
            )
    fb = result["fallback"]
    out.append("")
    out.append(
        f"fallback: a={fb['a']:.4f} b={fb['b']:.4f} c={fb['c']:.1f} d={fb['d']:.4f} e={fb['e']:.4f} ({fb['from']})"
    )
    out.append(f"  in-sample Spearman on {fb['in_sample_on']}: {f(fb['in_sample']['spearman'])}")
    return "\n".join(out)


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("--data", type=Path, default=DEFAULT_DATA, help="gold JSONL with MQM segment scores")
    ap.add_argument(
        "--combos",
        nargs="*",
        default=None,
        help="engine combinations to fit, e.g. rules lexical,rules (default: every combination of "
        "the engines available here)",
    )
    ap.add_argument("--out", type=Path, default=ESTIMATE_PATH, help="where to write the JSON")
    ap.add_argument("--dry-run", action="store_true", help="fit and report, write nothing")
    args = ap.parse_args(argv)

    if args.combos:
        from auditor.engines import parse_engine_list

        combos = [",".join(parse_engine_list(c)) for c in args.combos]
    else:
        bench = _bench_run()
        available, missing = bench.probe_engines()
        for name, why in missing.items():
            print(f"  {name}: {why.splitlines()[0]}", file=sys.stderr)
        combos = bench.combos(available)
    result = fit_all(args.data, combos)
    print(summary(result))
    if args.dry_run:
        print("\n--dry-run: nothing written")
        return 0
    text = json.dumps(result, ensure_ascii=False, indent=2) + "\n"
    tmp = args.out.with_suffix(".json.tmp")
    tmp.write_text(text, encoding="utf-8")
    tmp.replace(args.out)
    print(f"\nwrote {args.out}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
