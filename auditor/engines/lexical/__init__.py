"""Engine ``lexical``: the offline default engine built on installed dictionaries.

Signals (one detector module each, every finding names its detector):

* ``gloss``      — dictionary back-translation of each sentence, longest-match multiword
  entries (kept in the JSON output under ``segments[i].lexical.gloss``);
* ``calques``    — ``lexical.calque``: German word pairs that are English fixed
  expressions translated word by word ("Voller Stopp" ← full stop → "Punkt");
* ``leftovers``  — ``lexical.leftover`` / ``lexical.transliteration``: English words and
  English transliterations of names ("Zelenskyy") in German text;
* ``spelling``   — ``lexical.spelling``: words the German spell checker rejects that are
  not names, numbers, acronyms or valid compounds;
* ``agreement``  — ``lexical.agreement``: determiner–noun gender and numeral–noun number;
* ``align``      — with an English source: lexical alignment findings (omission,
  untranslated, numbers, entities), see :mod:`auditor.engines.lexical.align`.

Resources: Ding (``trans-de-en``), Hunspell ``de_DE`` (``hunspell-de-de`` + the ``hunspell``
binding), ``wordfreq``, ``simplemma``; optional ``lingua`` (confirms English) and HanTa.
The constructor raises :class:`~auditor.errors.ResourceMissing` naming what is missing and
how to install it. Severity and confidence come from the calibration table fitted on the
dev set (:mod:`auditor.engines.lexical.calibration`).
"""

from __future__ import annotations

import logging
from collections.abc import Mapping
from typing import Any

from auditor.engines import Engine, ResourceStatus
from auditor.types import EngineOutput, Finding, SegmentedDocument

log = logging.getLogger(__name__)

__all__ = ["LexicalEngine", "DETECTORS"]

#: every detector name this package emits (besides the aligner's)
DETECTORS = (
    "lexical.calque",
    "lexical.leftover",
    "lexical.transliteration",
    "lexical.spelling",
    "lexical.agreement",
)

#: used only if calibration.json has no entry for a detector (see calibration.py)
_DEFAULTS: dict[str, tuple[str, float]] = {
    "lexical.calque": ("major", 0.5),
    "lexical.leftover": ("minor", 0.5),
    "lexical.transliteration": ("minor", 0.5),
    "lexical.spelling": ("minor", 0.4),
    "lexical.agreement": ("minor", 0.5),
}


def severity_confidence(detector: str, strength: float) -> tuple[Any, float, float]:
    """(severity, confidence, emit threshold) of a candidate, from the fitted calibration."""
    try:
        from auditor.engines.lexical.calibration import calibrate, emit_threshold, load_calibration

        if detector in load_calibration().get("detectors", {}):
            sev, conf = calibrate(detector, strength)
            return sev, conf, emit_threshold(detector)
    except ImportError:  # pragma: no cover - calibration module absent
        pass
    sev, conf = _DEFAULTS.get(detector, ("minor", 0.3))
    return sev, conf * (0.5 + 0.5 * strength), 0.0


class LexicalEngine(Engine):
    """Dictionary gloss, calques, English leftovers, spelling, agreement, source alignment."""

    name = "lexical"
    version = "1"

    def __init__(self, cache_dir: str | None = None) -> None:
        from auditor.resources.lexical import load_resources

        self.res = load_resources(cache_dir)  # raises ResourceMissing with install commands
        try:
            from auditor.engines.lexical import align

            self._align: Any = align.analyze_segment_with_source
        except ImportError:  # pragma: no cover - aligner not installed
            self._align = None

    @classmethod
    def resources(cls, settings: Mapping[str, Any] | None = None) -> list[ResourceStatus]:
        from auditor.resources.lexical import statuses

        return statuses()

    def signature(self) -> str:
        ding = self.res.ding
        return f"{self.name}@{self.version}+ding:{ding.sha256[:12]}+{self.res.speller.backend}"

    def candidates(self, doc: SegmentedDocument) -> tuple[list[Any], dict[int, dict[str, Any]]]:
        """All monolingual candidates (before calibration) and the gloss annotations."""
        from auditor.engines.lexical import agreement, calques, leftovers, spelling
        from auditor.engines.lexical.base import make_context
        from auditor.engines.lexical.gloss import gloss_segment

        res = self.res
        cands: list[Any] = []
        annotations: dict[int, dict[str, Any]] = {}
        for seg in doc.segments:
            if not seg.scored:
                continue
            ctx = make_context(seg.text, seg.start)
            gloss, _units = gloss_segment(ctx, res)
            annotations[seg.index] = {"gloss": gloss}
            left = leftovers.detect(ctx, res)
            english = {w.start for c in left for w in ctx.words if c.start <= w.start < c.end}
            seg_cands = left + calques.detect(ctx, res) + agreement.detect(ctx, res)
            seg_cands += spelling.detect(ctx, res, skip=english, source=seg.source)
            cands.extend((seg, c) for c in seg_cands)
        return cands, annotations

    def analyze(self, doc: SegmentedDocument) -> EngineOutput:
        cands, annotations = self.candidates(doc)
        findings: list[Finding] = []
        for _seg, c in cands:
            severity, confidence, threshold = severity_confidence(c.detector, c.strength)
            if confidence < threshold:
                continue
            findings.append(
                doc.finding(
                    c.start,
                    c.end,
                    category=c.category,
                    severity=severity,
                    confidence=confidence,
                    detector=c.detector,
                    message=c.message,
                    suggestion=c.suggestion,
                )
            )
        if self._align is not None:
            from auditor.engines.lexical.tokens import tokenize

            for seg in doc.segments:
                if seg.source is None or not seg.scored:
                    continue
                found, ann = self._align(doc, seg, tokenize(seg.text, seg.start), self.res)
                findings.extend(found)
                if ann:
                    annotations.setdefault(seg.index, {})["alignment"] = ann
        findings.sort(key=lambda f: (f.start, f.end, f.detector))
        return EngineOutput(findings=tuple(findings), annotations=annotations)
