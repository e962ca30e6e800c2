"""Exceptions the CLI turns into exit codes (2 for all of these)."""

from __future__ import annotations


class AuditorError(Exception):
    """Base class: a user-facing problem, reported without a traceback, exit 2."""


class InputError(AuditorError):
    """Bad input: names the file and, where known, the line."""

    def __init__(self, path: str, message: str, line: int | None = None) -> None:
        self.path = path
        self.line = line
        where = f"{path}:{line}" if line else path
        super().__init__(f"{where}: {message}")


class ResourceMissing(AuditorError):
    """An engine needs a resource (dictionary, model) that is not installed.

    The message must say what is missing and the exact command that installs it.
    """


class ConfigError(AuditorError):
    """Bad configuration file or option."""


class BatchError(AuditorError):
    """An engine crashed on a batch; names the first document of the batch that fails alone.

    It is an internal error (exit 2, never the gate's 1); the original exception is kept as
    ``__cause__`` when it was raised in this process, for ``-v``. It lives here, not in the
    executors, so that the CLI can tell it apart without importing multiprocessing."""
