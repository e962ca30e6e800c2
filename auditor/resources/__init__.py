"""Finding installed resources (dictionaries, word lists, models).

This package is the only place that knows where resources live. It never downloads
anything unless asked; derived artefacts (e.g. the compiled Ding dictionary) go to the
user cache directory returned by :func:`cache_dir`.
"""

from __future__ import annotations

import os
from dataclasses import dataclass
from pathlib import Path
from typing import Any

__all__ = ["ResourceStatus", "cache_dir"]


@dataclass(frozen=True)
class ResourceStatus:
    """One resource an engine needs, as ``auditor doctor`` reports it."""

    name: str
    found: bool
    version: str | None = None
    path: str | None = None
    install: str | None = None  # exact command that installs it when missing
    note: str | None = None

    def to_dict(self) -> dict[str, Any]:
        return {
            "name": self.name,
            "found": self.found,
            "version": self.version,
            "path": self.path,
            "install": self.install,
            "note": self.note,
        }


def cache_dir(override: str | os.PathLike[str] | None = None) -> Path:
    """The auditor's cache directory (created if needed).

    Precedence: ``override`` argument, then ``$AUDITOR_CACHE``, then the platform user
    cache directory (``~/.cache/mt-auditor`` on Linux, via platformdirs).
    An unusable location raises :class:`~auditor.resources.cache.CacheError` (exit 2, one line).
    """
    if override:
        path = Path(override)
    elif os.environ.get("AUDITOR_CACHE"):
        path = Path(os.environ["AUDITOR_CACHE"])
    else:
        try:
            from platformdirs import user_cache_dir

            path = Path(user_cache_dir("mt-auditor", appauthor=False))
        except ImportError:  # pragma: no cover - platformdirs is a core dependency
            path = Path.home() / ".cache" / "mt-auditor"
    try:
        path.mkdir(parents=True, exist_ok=True)
    except OSError as exc:  # a regular file, a path below one, or a read-only parent
        from auditor.resources.cache import CacheError

        raise CacheError(
            f"{path}: cannot use as the cache directory ({exc.strerror or exc}); "
            "set AUDITOR_CACHE to a writable directory"
        ) from None
    if not path.is_dir():
        from auditor.resources.cache import CacheError

        raise CacheError(f"{path}: cannot use as the cache directory (not a directory)")
    return path
