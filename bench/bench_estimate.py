"""The ``mqm_estimate`` measured: grouped-CV Spearman overall and per domain, next to the models without it.

    python bench/bench_estimate.py

Runs ``bench/fit_mqm_estimate.py``'s procedure for ``rules,lexical`` without writing anything:
5-fold CV grouped by ``doc_id`` on dev.jsonl, the shipped model (length + penalty + headline term)
next to the same model without the headline term and the length-only model, per domain (news,
TED) as well, so a term that helps news but not TED shows. The estimate is fitted once, on the
default profile's findings, and used unchanged in every profile.
"""

from __future__ import annotations

import json
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))
sys.path.insert(0, str(ROOT / "bench"))

from fit_mqm_estimate import DEFAULT_DATA, fit_all  # noqa: E402


def main() -> int:
    if not DEFAULT_DATA.exists():
        print(f"shared data missing: {DEFAULT_DATA}", file=sys.stderr)
        return 2
    fit = fit_all(DEFAULT_DATA, ["lexical,rules"], verbose=False)["fits"]["lexical,rules"]
    rows = {
        "estimate (length + penalty + headline)": fit["cv"],
        "without the headline term": fit["without_headline"]["cv"],
        "length + headline": fit["length_headline"]["cv"],
        "length only": fit["length_only"]["cv"],
    }
    figures: dict[str, object] = {}
    for name, cv in rows.items():
        dom = cv.get("spearman_pooled_per_domain", {})
        figures[f"{name}: CV Spearman fold-mean / pooled"] = f"{cv['spearman_mean']:.3f} / {cv['spearman_pooled']:.3f}"
        figures[f"{name}: CV Spearman news / TED (pooled)"] = (
            f"{dom.get('news', float('nan')):.3f} / {dom.get('ted', float('nan')):.3f}"
        )
    figures["in-sample Spearman (shipped coefficients' fit)"] = fit["in_sample"]["spearman"]
    with_h = fit["cv"].get("spearman_pooled_per_domain", {})
    without = fit["without_headline"]["cv"].get("spearman_pooled_per_domain", {})
    delta = {d: with_h.get(d, 0.0) - without.get(d, 0.0) for d in ("news", "ted")}
    figures["headline term's effect, news / TED (CV pooled)"] = f"{delta['news']:+.3f} / {delta['ted']:+.3f}"
    print(
        json.dumps(
            {
                "title": "mqm_estimate: grouped 5-fold CV Spearman on dev.jsonl (rules,lexical), per domain",
                "command": "python bench/bench_estimate.py",
                "figures": figures,
                "notes": "folds grouped by doc_id; per-domain figures are pooled over the held-out folds. "
                "The headline term's effect per domain is its own row: it lifts news and does not help TED "
                "(TED talks have almost no headlines; a negative TED figure is a cost of the term). Fitted on "
                "the default profile, used unchanged in every profile.",
            }
        )
    )
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
