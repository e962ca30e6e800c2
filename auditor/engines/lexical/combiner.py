"""The learned combiner: a logistic model that turns a lexical candidate into a probability.

Why: each lexical detector's evidence strength says how sure *that detector* is, but whether
a candidate is a real error also depends on things no single detector weighs — the span's
shape (one capitalised word, an acronym, a long compound), whether the segment is a headline
(three times the error density on the MQM dev set), how long the segment is, and how far its
length is from the source's. The combiner weighs them together; its probability becomes the
finding's ``confidence``, and a *profile* (an operating point) decides which probabilities
are reported:

* ``precise``  — for a gate that must not cry wolf;
* ``balanced`` — the default;
* ``thorough`` — for triage: more recall, lower precision.

The coefficients and the profile thresholds are *fitted*, not written by hand:
``bench/train_combiner.py`` trains them on the MQM dev set (machine and human translations,
5-fold cross-validation grouped by ``doc_id``, thresholds chosen inside the training folds)
and writes ``combiner.json`` with its provenance. Reading it needs only the standard library.
Severity stays fitted per detector (``calibration.json``); detectors the combiner was not
trained on (the opt-in ones) keep their calibrated confidence and emission.
"""

from __future__ import annotations

import hashlib
import json
import math
import re
from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path
from typing import Any

from auditor.segment import is_headline

__all__ = [
    "COMBINER_PATH",
    "DEFAULT_PROFILE",
    "PROFILES",
    "Combiner",
    "feature_names",
    "features",
    "load_combiner",
]

COMBINER_PATH = Path(__file__).with_name("combiner.json")

#: operating points, most precise first; ``balanced`` is the default
PROFILES: tuple[str, ...] = ("precise", "balanced", "thorough")
DEFAULT_PROFILE = "balanced"

_WORD = re.compile(r"\w+", re.UNICODE)


def feature_names(detectors: tuple[str, ...]) -> list[str]:
    """Names of the feature vector :func:`features` returns, for the JSON and the report."""
    names = ["bias"]
    for d in detectors:
        names += [f"is:{d}", f"strength:{d}", f"bin1:{d}", f"bin2:{d}"]
    names += [
        "log_chars",
        "multiword",
        "capitalised",
        "all_caps",
        "has_digit",
        "sentence_initial",
        "headline",
        "log_segment_words",
        "log_length_ratio",
        "no_source",
    ]
    return names


def features(
    detectors: tuple[str, ...],
    detector: str,
    strength: float,
    span: str,
    seg_text: str,
    offset_in_segment: int,
    source: str | None,
) -> list[float]:
    """The feature vector of one candidate: what its detector says and what its span and
    segment look like. Pure and cheap (no dictionary lookups), so train and run agree."""
    from auditor.engines.lexical.calibration import bin_of

    row = [1.0]
    b = bin_of(strength)
    for d in detectors:
        hit = d == detector
        row += [1.0 if hit else 0.0, float(strength) if hit else 0.0, float(hit and b == 1), float(hit and b == 2)]
    words = _WORD.findall(span)
    first = words[0] if words else ""
    seg_words = len(_WORD.findall(seg_text))
    src_words = len(_WORD.findall(source)) if source else 0
    row += [
        math.log1p(len(span)),
        1.0 if len(words) > 1 else 0.0,
        1.0 if first[:1].isupper() else 0.0,
        1.0 if len(first) > 1 and first.isupper() else 0.0,
        1.0 if any(ch.isdigit() for ch in span) else 0.0,
        1.0 if not seg_text[:offset_in_segment].strip() else 0.0,
        1.0 if is_headline(seg_text) else 0.0,
        math.log1p(seg_words),
        math.log((seg_words + 1) / (src_words + 1)) if source else 0.0,
        0.0 if source else 1.0,
    ]
    return row


@dataclass(frozen=True)
class Combiner:
    """Logistic combiner over candidate features, at one profile's threshold."""

    detectors: tuple[str, ...]
    weights: tuple[float, ...]
    thresholds: dict[str, float]
    profile: str = DEFAULT_PROFILE
    version: str = "1"
    sha256: str = ""

    def __post_init__(self) -> None:
        if self.profile not in self.thresholds:
            raise ValueError(f"unknown profile {self.profile!r}: choose one of {', '.join(self.thresholds)}")
        if len(self.weights) != len(feature_names(self.detectors)):
            raise ValueError("combiner weights do not match its feature list")

    @property
    def threshold(self) -> float:
        """The minimum probability a candidate needs to be reported in this profile."""
        return self.thresholds[self.profile]

    def covers(self, detector: str) -> bool:
        return detector in self.detectors

    def probability(
        self,
        detector: str,
        strength: float,
        span: str,
        seg_text: str,
        offset_in_segment: int,
        source: str | None,
    ) -> float:
        """The model's probability that the candidate's characters are an error."""
        x = features(self.detectors, detector, strength, span, seg_text, offset_in_segment, source)
        z = sum(w * v for w, v in zip(self.weights, x, strict=True))
        return 1.0 / (1.0 + math.exp(-max(-50.0, min(50.0, z))))

    def tag(self) -> str:
        """Version, file digest and profile, for the engine signature."""
        return f"comb{self.version}:{self.sha256[:12]}:{self.profile}"


@lru_cache(maxsize=8)
def load_combiner(profile: str = DEFAULT_PROFILE, path: str | None = None) -> Combiner | None:
    """The shipped combiner at ``profile`` (cached); ``None`` when no ``combiner.json`` is installed
    (the calibrated bins then decide alone, and the signature says so)."""
    p = Path(path) if path else COMBINER_PATH
    try:
        raw = p.read_bytes()
    except FileNotFoundError:
        if profile not in PROFILES:
            raise ValueError(f"unknown profile {profile!r}: choose one of {', '.join(PROFILES)}") from None
        return None
    data: dict[str, Any] = json.loads(raw)
    return Combiner(
        detectors=tuple(data["detectors"]),
        weights=tuple(float(w) for w in data["weights"]),
        thresholds={k: float(v["threshold"]) for k, v in data["profiles"].items()},
        profile=profile,
        version=str(data.get("version", "1")),
        sha256=hashlib.sha256(raw).hexdigest(),
    )
