"""A second, deliberately simple implementation of the ``auditor eval`` metrics.

It shares no code with ``auditor/evaluate.py``: it reads the gold JSONL and a
predictions JSONL (``auditor eval --predictions`` / ``auditor score --format jsonl``)
straight from disk and recomputes the headline numbers from the definition in the
README. Used only by ``tests/test_eval_cli.py`` to check the real implementation to
3 decimals. Run by hand: ``python tests/independent_eval.py GOLD.jsonl PRED.jsonl``.
"""

from __future__ import annotations

import json
import sys

LEVEL = {"minor": 1, "major": 2, "critical": 2, None: 1}  # critical counts as major


def paint(spans):
    """{char offset: level} where spans overlap the most severe wins (critical > major)."""
    order = {"minor": 1, None: 1, "major": 2, "critical": 3}
    chars = {}
    for s in sorted(spans, key=lambda s: order[s.get("severity")]):  # paint weakest first
        for i in range(s["start"], s["end"]):
            chars[i] = s.get("severity")
    return {i: LEVEL[sev] for i, sev in chars.items()}


def prf(earned, n_pred, n_gold):
    p = earned / n_pred if n_pred else 0.0
    r = earned / n_gold if n_gold else 0.0
    f = 2 * p * r / (p + r) if p + r else 0.0
    return {"precision": p, "recall": r, "f1": f}


def ranks(v):
    # rank = 1 + number smaller + (number equal - 1) / 2
    return [1 + sum(1 for y in v if y < x) + (sum(1 for y in v if y == x) - 1) / 2 for x in v]


def spearman(a, b):
    ra, rb = ranks(a), ranks(b)
    n = len(a)
    ma, mb = sum(ra) / n, sum(rb) / n
    cov = sum((x - ma) * (y - mb) for x, y in zip(ra, rb, strict=True))
    va = sum((x - ma) ** 2 for x in ra)
    vb = sum((y - mb) ** 2 for y in rb)
    return cov / (va * vb) ** 0.5 if va and vb else None


def kendall_b(a, b):
    n = len(a)
    s = 0
    n1 = n2 = 0  # pairs not tied in a / not tied in b
    for i in range(n):
        for j in range(n):
            if i < j:
                sa = (a[i] > a[j]) - (a[i] < a[j])
                sb = (b[i] > b[j]) - (b[i] < b[j])
                s += sa * sb
                n1 += sa != 0
                n2 += sb != 0
    return s / (n1 * n2) ** 0.5 if n1 and n2 else None


def compute(gold_path, pred_path):
    gold = [json.loads(line) for line in open(gold_path, encoding="utf-8") if line.strip()]
    pred = [json.loads(line) for line in open(pred_path, encoding="utf-8") if line.strip()]
    assert [g["id"] for g in gold] == [p["id"] for p in pred], "records out of order"
    tot = {"sev": 0.0, "blind": 0.0, "pred": 0, "gold": 0, "m_sev": 0.0, "m_pred": 0}
    cat_gold, cat_hit, det_pred, det_ok = {}, {}, {}, {}
    xs, ys = [], []
    es, eys = [], []  # mqm_estimate vs gold score
    for g, p in zip(gold, pred, strict=True):
        gc = paint(g["spans"])
        pc = paint(p["spans"])
        tot["pred"] += len(pc)
        tot["gold"] += len(gc)
        for i, lv in pc.items():
            if i in gc:
                tot["blind"] += 1
                tot["sev"] += 1 if lv == gc[i] else 0.5
        tot["m_pred"] += len(g["mt_de"])
        for lv in gc.values():
            tot["m_sev"] += 1 if lv == 1 else 0.5
        cats = {}
        for s in g["spans"]:
            c = (s.get("category") or "").split("/")[0].strip() or "(none)"
            cats.setdefault(c, set()).update(range(s["start"], s["end"]))
        for c, ch in cats.items():
            if ch:
                cat_gold[c] = cat_gold.get(c, 0) + len(ch)
                cat_hit[c] = cat_hit.get(c, 0) + len(ch & set(pc))
        dets = {}
        for s in p["spans"]:
            dets.setdefault(s.get("detector") or "?", set()).update(range(s["start"], s["end"]))
        for d, ch in dets.items():
            det_pred[d] = det_pred.get(d, 0) + len(ch)
            det_ok[d] = det_ok.get(d, 0) + len(ch & set(gc))
        if g.get("score") is not None and p.get("score") is not None:
            xs.append(p["score"])
            ys.append(g["score"])
        if g.get("score") is not None and p.get("mqm_estimate") is not None:
            es.append(p["mqm_estimate"])
            eys.append(g["score"])
    return {
        "auditor": {
            "severity": prf(tot["sev"], tot["pred"], tot["gold"]),
            "blind": prf(tot["blind"], tot["pred"], tot["gold"]),
        },
        "all_minor": {
            "severity": prf(tot["m_sev"], tot["m_pred"], tot["gold"]),
            "blind": prf(tot["gold"], tot["m_pred"], tot["gold"]),
        },
        "correlation": {"n": len(xs), "spearman": spearman(xs, ys), "kendall_tau_b": kendall_b(xs, ys)}
        if xs
        else None,
        "correlation_estimate": {"n": len(es), "spearman": spearman(es, eys), "kendall_tau_b": kendall_b(es, eys)}
        if es
        else None,
        "char_recall_per_category": {c: cat_hit[c] / cat_gold[c] for c in cat_gold},
        "char_precision_per_detector": {
            d: (det_ok[d] / det_pred[d] if det_pred[d] else 0.0) for d in det_pred
        },
    }


if __name__ == "__main__":
    json.dump(compute(sys.argv[1], sys.argv[2]), sys.stdout, indent=2)
    print()
