"""A predicted MQM score per segment: ``mqm_estimate``, on the scale of the gold MQM score.

The 0–100 ``score`` is a density (penalty per word): right for gating documents, but by
construction blind to length, while a human MQM score is an unnormalised *sum* of error
weights that grows with the segment. ``mqm_estimate`` estimates that sum:

    predicted penalty = a + b · words + c · penalty + headline · (d + e · words)   (all ≥ 0)
    mqm_estimate      = − predicted penalty

``words`` and ``penalty`` are those of :class:`~auditor.types.SegmentResult` (the findings'
region penalty). ``b`` is the expected penalty per word that the detectors do not see, ``a``
a per-segment constant, ``c`` scales what the detectors found. ``headline`` is 1 for a
segment that does not end like a sentence (no terminal ``.``, ``!``, ``?`` or closing quote,
:func:`is_headline`): on the MQM dev set such segments (news headlines, mostly) carry about
three times the error density per word of full sentences, and the length prior alone
underestimates them; ``d``/``e`` are their extra constant and per-word penalty (0 in fits
written before the term existed). The coefficients are fitted
with non-negative least squares on the MQM dev set by ``bench/fit_mqm_estimate.py``, one
fit per engine combination, and shipped in ``auditor/mqm_estimate.json`` with their
provenance (data file and SHA-256, date, method, in-sample and cross-validated Spearman next
to a length-only reference). Be plain about what it is: mostly a length prior plus the
findings.

The estimate is a pure function of ``(words, penalty, headline)``; the JSON is read once per process
(cached), never per document. A document's estimate is the sum over its scored segments.
"""

from __future__ import annotations

import json
import logging
import math
from collections.abc import Iterable
from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path
from typing import Any

from auditor.segment import is_headline  # re-exported: the estimate's headline term

__all__ = ["ESTIMATE_PATH", "MqmEstimator", "engine_key", "estimator_for", "is_headline", "load_estimates"]

log = logging.getLogger(__name__)

ESTIMATE_PATH = Path(__file__).with_name("mqm_estimate.json")


@dataclass(frozen=True)
class MqmEstimator:
    """``mqm_estimate = −(a + b·words + c·penalty + headline·(d + e·words))`` per scored
    segment, with provenance.

    ``engines`` is the engine combination asked for (sorted, comma-separated); ``fit`` the
    key of the fitted coefficients used (``None`` when none applied); ``origin`` says how
    they were chosen: ``fitted``, ``closest fit`` or ``fallback``.
    """

    a: float
    b: float
    c: float
    d: float = 0.0
    e: float = 0.0
    engines: str = ""
    fit: str | None = None
    origin: str = "fallback"

    def __post_init__(self) -> None:
        for name in ("a", "b", "c", "d", "e"):
            v = getattr(self, name)
            if isinstance(v, bool) or not isinstance(v, (int, float)) or not math.isfinite(v) or v < 0:
                raise ValueError(f"MQM estimator coefficient {name} must be a finite number >= 0, not {v!r}")

    def predicted_penalty(self, words: int, penalty: float, headline: bool = False) -> float:
        """The expected MQM penalty sum of a scored segment (>= 0)."""
        extra = (self.d + self.e * words) if headline else 0.0
        return self.a + self.b * words + self.c * penalty + extra

    def estimate(self, words: int, penalty: float, headline: bool = False) -> float:
        """``mqm_estimate`` of a scored segment: minus its predicted penalty, rounded to 4 places."""
        return round(-self.predicted_penalty(words, penalty, headline), 4) + 0.0  # + 0.0: never -0.0

    def tag(self) -> str:
        """The fit used and a digest of its coefficients, for the signature."""
        import hashlib

        coefficients = json.dumps(self.to_dict(), sort_keys=True).encode()
        return f"{self.fit or 'fallback'}@{hashlib.sha256(coefficients).hexdigest()[:8]}"

    def to_dict(self) -> dict[str, Any]:
        return {
            "engines": self.engines,
            "fit": self.fit,
            "origin": self.origin,
            "a": self.a,
            "b": self.b,
            "c": self.c,
            "d": self.d,
            "e": self.e,
        }


def engine_key(engines: Iterable[str]) -> str:
    """The key of an engine combination in ``mqm_estimate.json``: sorted names, comma-separated."""
    return ",".join(sorted(set(engines)))


#: used when the data file is missing (a broken install): −penalty, the findings at face value
_UNFITTED: dict[str, Any] = {"fits": {}, "fallback": {"a": 0.0, "b": 0.0, "c": 1.0, "from": "no mqm_estimate.json"}}


@lru_cache(maxsize=4)
def load_estimates(path: str | None = None) -> dict[str, Any]:
    """The fitted coefficients per engine combination (cached; read once per process)."""
    p = Path(path) if path else ESTIMATE_PATH
    try:
        with p.open(encoding="utf-8") as fh:
            data = json.load(fh)
    except FileNotFoundError:
        log.warning("%s not found: mqm_estimate falls back to -penalty", p)
        return _UNFITTED
    if not isinstance(data, dict) or not isinstance(data.get("fits"), dict) or "fallback" not in data:
        raise ValueError(f"{p}: expected an object with 'fits' and 'fallback'")
    return data


def estimator_for(engines: Iterable[str], path: str | None = None) -> MqmEstimator:
    """The estimator for an engine combination.

    1. The combination was fitted: its coefficients (``origin="fitted"``).
    2. Otherwise the *closest fit* that saw every requested engine: the fitted combination
       containing all of them with the fewest extra engines (then the key), e.g. ``lexical``
       alone → ``lexical,rules``; ``c`` was fitted on findings of the same detectors.
    3. A requested engine was never fitted (e.g. ``neural`` on a machine without its models
       when the file was written): the file's ``fallback``, ``(a, b)`` of the length-only fit
       and ``c = 1``, the findings at face value, rather than weighting an unfitted engine
       with another engine's ``c``.
    """
    data = load_estimates(path)
    key = engine_key(engines)
    fits: dict[str, Any] = data["fits"]
    if key in fits:
        f = fits[key]
        return MqmEstimator(*_coefficients(f), engines=key, fit=key, origin="fitted")
    wanted = set(key.split(",")) - {""}
    covering = sorted((len(set(k.split(",")) - wanted), k) for k in fits if wanted <= set(k.split(",")))
    if covering:
        best = covering[0][1]
        f = fits[best]
        return MqmEstimator(*_coefficients(f), engines=key, fit=best, origin="closest fit")
    fb = data["fallback"]
    return MqmEstimator(*_coefficients(fb), engines=key, fit=None, origin="fallback")


def _coefficients(f: dict[str, Any]) -> tuple[float, float, float, float, float]:
    """(a, b, c, d, e) of a fit; d and e default to 0 (fits written before the headline term)."""
    return f["a"], f["b"], f["c"], f.get("d", 0.0), f.get("e", 0.0)
