"""Candidates become findings: calibrated severity and confidence, and what a profile reports.

Why a module of its own: the monolingual detectors (through the engine) and the aligner
both turn their candidates into findings here, and the aligner must not import the engine
package that uses it.
"""

from __future__ import annotations

from collections.abc import Iterable
from typing import Any

from auditor.engines.lexical.profiles import Emission
from auditor.types import Finding, SegmentedDocument

__all__ = ["calibrated_findings", "reported_by_default", "severity_confidence"]


def severity_confidence(detector: str, strength: float) -> tuple[Any, float, float]:
    """(severity, confidence, emit threshold) of a candidate.

    From the fitted calibration bin when ``calibration.json`` has one for the detector;
    otherwise the detector's declared default (:mod:`auditor.engines.lexical.specs`),
    scaled by the evidence strength, and always emitted (threshold ``-1``: below any
    confidence, so no profile drops it)."""
    from auditor.detectors import get
    from auditor.engines.lexical.calibration import calibrate, emit_threshold, load_calibration

    if detector in load_calibration().get("detectors", {}):
        sev, conf = calibrate(detector, strength)
        return sev, conf, emit_threshold(detector, strength)
    spec = get(detector)
    return spec.severity, spec.confidence * (0.5 + 0.5 * strength), -1.0


def reported_by_default(c: Any) -> bool:
    """Whether the default profile reports candidate ``c`` (a default-enabled detector, and a
    bin the calibration emits): one of the combiner's features, the same in training."""
    from auditor.detectors import get

    _sev, confidence, threshold = severity_confidence(c.detector, c.strength)
    return (threshold < 0 or confidence >= threshold) and get(c.detector).default_enabled


def calibrated_findings(
    doc: SegmentedDocument, cands: Iterable[Any], emission: Emission | None = None
) -> list[Finding]:
    """Candidates → findings with calibrated severity and confidence; candidates the
    profile's ``emission`` does not report are dropped (default: the calibration's own
    emission, the ``balanced`` profile), repeats of a (span, detector) too.
    The one place both the monolingual detectors and the aligner go through."""
    from auditor.detectors import get

    rule = emission or Emission()
    findings: list[Finding] = []
    seen: set[tuple[int, int, str]] = set()
    for c in cands:
        severity, confidence, threshold = severity_confidence(c.detector, c.strength)
        key = (c.start, c.end, c.detector)
        report = threshold < 0 or rule.reports(confidence, confidence >= threshold)
        if not report or key in seen:
            continue
        seen.add(key)
        findings.append(
            doc.finding(
                c.start,
                c.end,
                category=get(c.detector).category,  # the declaration's, one per detector
                severity=severity,
                confidence=confidence,
                detector=c.detector,
                message=c.message,
                suggestion=c.suggestion,
            )
        )
    return findings
