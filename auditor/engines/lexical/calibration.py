"""Severity and confidence of the lexical detectors, read from ``calibration.json``.

The JSON is *fitted*, not written by hand: ``bench/calibrate_lexical.py`` runs every
lexical detector on the MQM dev set (``../shared/eval/dev.jsonl``), collects each
detector's candidates per evidence-strength bin, and records for every bin

* ``confidence`` — the bin's character precision against the gold error spans
  (severity-blind share of its predicted characters inside a gold span, add-one
  smoothed towards the all-minor base rate);
* ``severity`` — the majority gold severity of the gold spans its findings overlap
  (``minor`` when the bin overlaps fewer than ``min_support`` gold spans);
* the counts it was computed from.

A bin is emitted only when its confidence reaches ``emit_min_confidence`` (recorded in
the JSON with the reason). Detectors or strengths missing from the file fall back to
``default``. The file also says which data, date and method produced it.
"""

from __future__ import annotations

import json
from functools import lru_cache
from pathlib import Path
from typing import Any, cast

from auditor.types import Severity

__all__ = ["BINS", "CALIBRATION_PATH", "bin_of", "calibrate", "emit_threshold", "load_calibration"]

CALIBRATION_PATH = Path(__file__).with_name("calibration.json")

_FALLBACK: dict[str, Any] = {"default": {"severity": "minor", "confidence": 0.2}, "detectors": {}}


@lru_cache(maxsize=4)
def load_calibration(path: str | None = None) -> dict[str, Any]:
    """The calibration table (cached); a missing file gives the uncalibrated fallback."""
    p = Path(path) if path else CALIBRATION_PATH
    try:
        with p.open(encoding="utf-8") as fh:
            data = json.load(fh)
    except FileNotFoundError:
        return _FALLBACK
    if not isinstance(data, dict):
        raise ValueError(f"{p}: calibration must be a JSON object")
    return data


#: the evidence-strength bins every detector is calibrated on: few, fixed, not fitted
BINS: tuple[tuple[float, float], ...] = ((0.0, 0.5), (0.5, 0.8), (0.8, 1.0))


def bin_of(strength: float) -> int:
    """Index into :data:`BINS` of a strength (clamped to [0, 1])."""
    s = min(1.0, max(0.0, float(strength)))
    for i, (lo, hi) in enumerate(BINS):
        if lo <= s < hi:
            return i
    return len(BINS) - 1


def _bin(detector: str, strength: float, table: dict[str, Any]) -> dict[str, Any] | None:
    det = table.get("detectors", {}).get(detector)
    if not det or not det.get("bins"):
        return None
    bins = det["bins"]
    s = min(1.0, max(0.0, float(strength)))
    for b in bins:
        if float(b["lo"]) <= s < float(b["hi"]) or (s == 1.0 and float(b["hi"]) >= 1.0):
            return cast(dict[str, Any], b)
    return None


def calibrate(
    detector: str, strength: float = 1.0, *, table: dict[str, Any] | None = None
) -> tuple[Severity, float]:
    """(severity, confidence) of a ``detector`` finding with evidence ``strength`` (0–1).

    Confidence is the fitted (smoothed, severity-aware) character precision of the
    detector's strength bin on the dev set; severity the majority gold severity of the
    gold spans its findings overlapped there."""
    table = table if table is not None else load_calibration()
    b = _bin(detector, strength, table) or table.get("default", _FALLBACK["default"])
    severity = b.get("severity", "minor")
    if severity not in ("minor", "major", "critical"):
        severity = "minor"
    return cast(Severity, severity), float(b.get("confidence", 0.2))


def emit_threshold(
    detector: str, strength: float | None = None, *, table: dict[str, Any] | None = None
) -> float:
    """Minimum calibrated confidence for a finding of ``detector`` to be reported.

    With ``strength``, the answer is exact for that strength bin: 0 if the bin is
    emitted, above 1 if not. Without it, the lowest confidence among the detector's
    emitted bins (exact when the emitted bins are the detector's most confident ones)."""
    table = table if table is not None else load_calibration()
    det = table.get("detectors", {}).get(detector)
    if not det:
        return 0.0  # not calibrated: reported with the default severity and confidence
    bins = det.get("bins", [])
    if strength is not None:
        b = _bin(detector, strength, table)
        if b is not None:
            return 0.0 if b.get("emit", True) else 1.01
    confs = [float(b["confidence"]) for b in bins if b.get("emit", True)]
    return min(confs) if confs else 1.01
