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

__all__ = ["CALIBRATION_PATH", "calibrate", "emit_threshold", "load_calibration"]

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


def _bin(detector: str, strength: float, table: dict[str, Any]) -> dict[str, Any] | None:
    det = table.get("detectors", {}).get(detector)
    if not det or not det.get("bins"):
        return None
    bins = det["bins"]
    return cast(dict[str, Any], min(bins, key=lambda b: (abs(float(b["strength"]) - strength), -float(b["strength"]))))


def calibrate(detector: str, strength: float = 1.0, *, table: dict[str, Any] | None = None) -> tuple[Severity, float]:
    """(severity, confidence) of a ``detector`` finding with evidence ``strength`` (0–1)."""
    table = table if table is not None else load_calibration()
    b = _bin(detector, strength, table) or table.get("default", _FALLBACK["default"])
    severity = b.get("severity", "minor")
    if severity not in ("minor", "major", "critical"):
        severity = "minor"
    return cast(Severity, severity), float(b.get("confidence", 0.2))


def emit_threshold(detector: str, *, table: dict[str, Any] | None = None) -> float:
    """Minimum calibrated confidence for a finding of ``detector`` to be reported."""
    table = table if table is not None else load_calibration()
    det = table.get("detectors", {}).get(detector, {})
    return float(det.get("emit_min_confidence", table.get("emit_min_confidence", 0.0)))
