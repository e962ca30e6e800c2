"""The lexical engine's operating points, read from ``profiles.json``.

A profile is a threshold on the calibrated confidence of a detector's evidence-strength
bin (:mod:`auditor.engines.lexical.calibration`), *fitted*, not chosen by hand:
``bench/fit_profiles.py`` picks the thresholds on the MQM dev set (grouped CV, thresholds
chosen inside the training folds) and records its figures and provenance in the JSON.

* ``balanced`` reports what the calibration emits (the default, unchanged);
* ``precise`` reports the emitted bins whose confidence reaches its ``min_confidence``;
* ``thorough`` reports the emitted bins and every other bin reaching its ``min_confidence``,
  and the learned combiner's ``lexical.suspect`` runs (:mod:`auditor.engines.lexical.combiner`).

Detectors without a calibration bin are reported in every profile (their declared default).
Severity never depends on the profile. Reading the file needs only the standard library.
"""

from __future__ import annotations

import json
from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path

from auditor.profiles import DEFAULT_PROFILE, check_profile

__all__ = ["PROFILES_PATH", "Emission", "emission_for", "profile_table", "profiles_bytes"]

PROFILES_PATH = Path(__file__).with_name("profiles.json")


@dataclass(frozen=True)
class Emission:
    """Which calibrated bins one profile reports."""

    profile: str = DEFAULT_PROFILE
    #: None: the calibration's emit flags alone
    min_confidence: float | None = None
    #: True: bins the calibration does not emit may be reported too (when confident enough)
    all_bins: bool = False
    #: True: the learned combiner's ``lexical.suspect`` findings are reported (combiner.json)
    combiner: bool = False

    def reports(self, confidence: float, emitted: bool) -> bool:
        """Whether a candidate with this calibrated ``confidence`` in a bin the calibration
        ``emitted`` (or not) is reported in this profile."""
        if self.min_confidence is None:
            return emitted
        if self.all_bins:
            return emitted or confidence >= self.min_confidence
        return emitted and confidence >= self.min_confidence

    def describe(self) -> str:
        """One line for ``explain`` and the README: the profile's rule."""
        if self.min_confidence is None:
            rule = f"{self.profile}: the bins the calibration reports"
        elif self.all_bins:
            rule = f"{self.profile}: the bins the calibration reports, and any bin with confidence >= {self.min_confidence:g}"
        else:
            rule = f"{self.profile}: the bins the calibration reports with confidence >= {self.min_confidence:g}"
        return rule + ("; and lexical.suspect (the learned combiner)" if self.combiner else "")


@lru_cache(maxsize=4)
def profile_table(path: str | None = None) -> dict[str, dict[str, object]]:
    """The fitted ``profiles`` table (cached); empty when no ``profiles.json`` is installed,
    and then every profile is the calibration's emission (the digest says so)."""
    p = Path(path or PROFILES_PATH)
    try:
        raw = p.read_bytes()
    except FileNotFoundError:
        return {}
    data = json.loads(raw)
    profiles = data.get("profiles") if isinstance(data, dict) else None
    if not isinstance(profiles, dict):
        raise ValueError(f"{p}: expected an object with a 'profiles' table")
    return profiles


def emission_for(profile: str = DEFAULT_PROFILE, path: str | None = None) -> Emission:
    """The emission rule of ``profile`` (ValueError for an unknown name)."""
    check_profile(profile)
    entry = profile_table(path).get(profile, {})
    t = entry.get("min_confidence")
    return Emission(
        profile=profile,
        min_confidence=None if t is None else float(t),  # type: ignore[arg-type]
        all_bins=entry.get("bins") == "all",
        combiner=entry.get("combiner") is True,
    )


def profiles_bytes(path: str | None = None) -> bytes | None:
    """The file's content for the engine's fitted-file digest; None when absent."""
    try:
        return Path(path or PROFILES_PATH).read_bytes()
    except FileNotFoundError:
        return None
