"""Operating points: how sure a finding must be before it is reported.

Why: a gate that fails a build must not cry wolf, while an editor triaging a feed wants
every lead. The same detectors serve both at different thresholds, chosen by name:

* ``precise``  — only the most precise evidence (a gate that must not cry wolf);
* ``balanced`` — the default: what the calibration emits;
* ``thorough`` — weaker evidence too, for triage (more recall, lower precision).

This module only names them (the config and the CLI validate against it); each engine
maps a profile to its fitted thresholds (the lexical engine: ``profiles.json``).
"""

from __future__ import annotations

__all__ = ["DEFAULT_PROFILE", "PROFILES", "check_profile"]

#: most precise first
PROFILES: tuple[str, ...] = ("precise", "balanced", "thorough")
DEFAULT_PROFILE = "balanced"


def check_profile(name: str) -> str:
    """``name`` if it is a profile; ValueError naming the choices otherwise."""
    if name not in PROFILES:
        raise ValueError(f"unknown profile {name!r}: choose one of {', '.join(PROFILES)}")
    return name
