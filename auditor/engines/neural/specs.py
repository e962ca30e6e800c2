"""Declarations of the neural engine's detectors (see :mod:`auditor.detectors`).

No German–English MarianMT weights can be had here, so these examples run in
``tests/test_neural.py`` on a tiny pair overfitted on ``tests/tiny_marian.PAIRS`` (it knows
those sentences and nothing else); with real opus-mt weights the same sentences behave alike.
The thresholds are documented defaults until ``auditor models calibrate`` fits them.
"""

from __future__ import annotations

from auditor.detectors import register
from auditor.detectors.spec import Detector, Example

__all__ = ["DECLARATIONS"]

_NEEDS = "MarianMT weights: tests/test_neural.py runs them on the overfitted tiny pair"
_DEFAULTS = (
    "declared default: thresholds are uncalibrated until `auditor models calibrate` fits them on dev.jsonl "
    "with real opus-mt weights (severity: a run of improbable words is major at the strong threshold)"
)

FORCED_DECODING = Detector(
    id="neural.forced_decoding",
    engine="neural",
    category="mistranslation",
    severity="major",
    confidence=0.5,
    needs_source=True,
    examples_need=_NEEDS,
    summary="a run of German words the en→de model finds improbable as a translation of the source",
    doc=(
        "The German sentence is force-decoded by the en→de model given the English source: every subword "
        "gets a log-probability, and a run of words far below the sentence's own level is a span the model "
        "would not have produced from this source: a mistranslation or an insertion."
    ),
    severity_source=_DEFAULTS,
    flags=(Example("Der Hund singt [[Banane zu]] Hause.", source="The dog sings at home.", note="the tiny model also doubts the word after the insertion"),),
    passes=(Example("Der Hund singt zu Hause.", source="The dog sings at home."),),
)
FORCED_DECODING_FLUENCY = Detector(
    id="neural.forced_decoding_fluency",
    engine="neural",
    category="fluency",
    severity="major",
    confidence=0.5,
    examples_need=_NEEDS,
    aliases=("neural.forced_decoding",),
    summary="without a source: German words improbable given the sentence's own back-translation",
    doc=(
        "Without an English source the German is force-decoded against its own back-translation. A run of "
        "improbable words then says that the German reads unlike anything the model would write for that "
        "meaning: a fluency problem, weaker evidence than against the source. Until version 1 this was "
        "reported as neural.forced_decoding with category fluency; the old id still selects it."
    ),
    severity_source=_DEFAULTS,
    flags=(Example("Der Hund singt [[Banane zu]] Hause."),),
    passes=(Example("Der Hund singt zu Hause."),),
)
ROUND_TRIP = Detector(
    id="neural.round_trip",
    engine="neural",
    category="garbled",
    severity="minor",
    confidence=0.35,
    examples_need=_NEEDS,
    summary="the round trip de→en→de differs strongly from the sentence (low chrF)",
    doc=(
        "The sentence is translated to English and back; when the round trip shares little with the "
        "sentence (sentence chrF below the threshold), the model could not make sense of it. Weak on its "
        "own (free phrasing also changes in a round trip), so minor."
    ),
    severity_source=_DEFAULTS,
    flags=(Example("[[Banane Zitrone Quatsch Xylophon.]]"),),
    passes=(Example("Der Hund singt zu Hause."),),
)

DECLARATIONS: tuple[Detector, ...] = (FORCED_DECODING, FORCED_DECODING_FLUENCY, ROUND_TRIP)

register(*DECLARATIONS)
