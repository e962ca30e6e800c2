"""One writer for every report: checked before any work, written as a set, never destroying a file.

Why: an ``mkstemp`` + ``os.replace`` writer replaces *whatever* is at the target,
so ``-o /dev/null`` run as root replaced the machine's ``/dev/null`` with a
regular file, a symlink lost its target and every report became mode 0600.
And reports written one after another are not atomic as a set: a full disk or
an interrupt after the JUnit write left JUnit without SARIF.

Rules implemented here:

* ``-`` is stdout.
* A regular file or a new path is written atomically (temporary beside it, then
  rename). A new file gets the umask's mode, an existing file keeps its mode.
* Anything else that exists (device, FIFO, symlink to one of those) is written
  through: opened and written in place, so ``/dev/null`` stays a device. A
  symlink to a regular file is resolved and its target replaced atomically.
* :class:`ReportSet` stages every report in its temporary first and renames them
  only when all were written; on any error (or SIGINT/SIGTERM, which arrive as
  BaseExceptions) the temporaries are removed and nothing is renamed.
* :func:`check_outputs` runs before any work: a missing directory, a directory
  as target, an output that is also an input (same resolved path or same inode),
  or two reports on one path are refused (exit 2 via :class:`AuditorError`).
"""

from __future__ import annotations

import os
import stat
import sys
import tempfile
from collections.abc import Iterable
from pathlib import Path
from typing import TextIO

from auditor.errors import AuditorError

STDOUT = "-"


def _umask_mode() -> int:
    mask = os.umask(0)
    os.umask(mask)
    return 0o666 & ~mask


def is_special(path: str) -> bool:
    """True when ``path`` exists and is not a regular file (after following symlinks)."""
    try:
        st = os.stat(path)
    except FileNotFoundError:
        return False
    return not stat.S_ISREG(st.st_mode) and not stat.S_ISDIR(st.st_mode)


def _identity(path: str) -> tuple[str, tuple[int, int] | None]:
    real = os.path.realpath(path)
    try:
        st = os.stat(path)
    except OSError:
        return real, None
    return real, (st.st_dev, st.st_ino)


def check_outputs(outputs: Iterable[str | None], inputs: Iterable[str] = ()) -> None:
    """Refuse, before any work, outputs that cannot be written or would destroy an input or each other."""
    seen: dict[object, str] = {}
    input_ids: dict[object, str] = {}
    for p in inputs:
        if p == STDOUT:
            continue
        real, inode = _identity(p)
        input_ids[real] = p
        if inode is not None:
            input_ids[inode] = p
    for path in outputs:
        if not path or path == STDOUT:
            continue
        target = Path(path)
        directory = target.parent if str(target.parent) else Path(".")
        if target.is_dir():
            raise AuditorError(f"{path}: cannot write report: is a directory")
        if not directory.is_dir():
            raise AuditorError(f"{path}: cannot write report: directory {directory} does not exist")
        if not is_special(path) and not os.access(directory, os.W_OK):
            raise AuditorError(f"{path}: cannot write report: directory {directory} is not writable")
        real, inode = _identity(path)
        if is_special(path):  # /dev/null twice, or as input and output, is harmless
            continue
        for key in (real, inode):
            if key is None:
                continue
            if key in input_ids:
                raise AuditorError(f"{path}: refusing to write a report over the input {input_ids[key]}")
            if key in seen:
                raise AuditorError(f"{path}: two reports would be written to the same file ({seen[key]})")
        seen[real] = path
        if inode is not None:
            seen[inode] = path


class ReportSet:
    """Stage reports, then :meth:`commit` all of them or none.

    Use as a context manager: leaving the block by an exception removes every
    temporary and renames nothing.
    """

    def __init__(self) -> None:
        self._staged: list[tuple[str, str]] = []  # (temporary, final target)
        self._through: list[tuple[str, str]] = []  # (path, text): devices, FIFOs, stdout
        self._committed = False

    def __enter__(self) -> ReportSet:
        return self

    def __exit__(self, exc_type: object, exc: object, tb: object) -> None:
        if exc_type is not None or not self._committed:
            self.discard()

    def add(self, path: str, text: str | Iterable[str]) -> None:
        """Write ``text`` to the temporary of ``path`` (or keep it for write-through targets).

        ``text`` may come in pieces (an iterable of strings): they are written one by one,
        so a large report is never held whole (except for a write-through target)."""
        if path == STDOUT or is_special(path):
            self._through.append((path, text if isinstance(text, str) else "".join(text)))
            return
        target = os.path.realpath(path) if os.path.islink(path) else path
        directory = os.path.dirname(target) or "."
        try:
            old_mode = stat.S_IMODE(os.stat(target).st_mode)
        except FileNotFoundError:
            old_mode = _umask_mode()
        except OSError as exc:
            raise AuditorError(f"{path}: cannot write report: {exc.strerror or exc}") from None
        try:
            fd, tmp = tempfile.mkstemp(prefix=f".{os.path.basename(target)}.", suffix=".tmp", dir=directory)
        except OSError as exc:
            raise AuditorError(f"{path}: cannot write report: {exc.strerror or exc}") from None
        self._staged.append((tmp, target))
        try:
            with os.fdopen(fd, "w", encoding="utf-8", newline="\n") as fh:
                if isinstance(text, str):
                    fh.write(text)
                else:
                    for piece in text:
                        fh.write(piece)
                fh.flush()
                os.fsync(fh.fileno())
            os.chmod(tmp, old_mode)
        except OSError as exc:
            raise AuditorError(f"{path}: cannot write report: {exc.strerror or exc}") from None

    def commit(self) -> None:
        """Rename every staged temporary onto its target, then write the write-through targets."""
        try:
            for tmp, target in self._staged:
                os.replace(tmp, target)
        except OSError as exc:
            raise AuditorError(f"{exc.filename2 or target}: cannot write report: {exc.strerror or exc}") from None
        self._staged = []
        for path, text in self._through:
            if path == STDOUT:
                sys.stdout.write(text)
                sys.stdout.flush()
                continue
            try:
                with open(path, "w", encoding="utf-8", newline="\n") as fh:
                    fh.write(text)
            except OSError as exc:
                raise AuditorError(f"{path}: cannot write report: {exc.strerror or exc}") from None
        self._through = []
        self._committed = True

    def discard(self) -> None:
        """Remove every temporary not yet renamed (called on any error or interrupt)."""
        for tmp, _ in self._staged:
            try:
                os.unlink(tmp)
            except FileNotFoundError:
                pass
        self._staged = []
        self._through = []


def write_reports(items: Iterable[tuple[str, str | Iterable[str]]]) -> None:
    """Write several reports all together or not at all."""
    with ReportSet() as reports:
        for path, text in items:
            reports.add(path, text)
        reports.commit()


def write_atomic(path: str, text: str) -> None:
    """Write one report (see module docstring for what happens to special files and modes)."""
    write_reports([(path, text)])


class StreamingReport:
    """A report written piece by piece as results arrive, to ``-``, a special file or a temporary.

    Why: ``score --format jsonl`` writes each record as soon as it is scored (flat memory),
    yet a regular ``-o`` file must only ever hold a complete report. So the pieces go to a
    temporary beside the target, renamed onto it by :meth:`commit`; leaving the ``with``
    block by an exception (a record that fails, SIGINT, SIGTERM) removes the temporary and
    leaves any existing target untouched. ``-`` and special files are written through.
    """

    def __init__(self, path: str | None) -> None:
        self.path = path or STDOUT
        self._tmp: str | None = None
        self._target: str | None = None
        self._mode = 0
        self._fh: TextIO | None = None

    def __enter__(self) -> StreamingReport:
        path = self.path
        if path == STDOUT:
            self._fh = sys.stdout
            return self
        if is_special(path):
            try:
                self._fh = open(path, "w", encoding="utf-8", newline="\n")
            except OSError as exc:
                raise AuditorError(f"{path}: cannot write report: {exc.strerror or exc}") from None
            return self
        target = os.path.realpath(path) if os.path.islink(path) else path
        try:
            self._mode = stat.S_IMODE(os.stat(target).st_mode)
        except FileNotFoundError:
            self._mode = _umask_mode()
        except OSError as exc:
            raise AuditorError(f"{path}: cannot write report: {exc.strerror or exc}") from None
        try:
            fd, self._tmp = tempfile.mkstemp(
                prefix=f".{os.path.basename(target)}.", suffix=".tmp", dir=os.path.dirname(target) or "."
            )
        except OSError as exc:
            raise AuditorError(f"{path}: cannot write report: {exc.strerror or exc}") from None
        self._target = target
        self._fh = os.fdopen(fd, "w", encoding="utf-8", newline="\n")
        return self

    def write(self, text: str) -> None:
        assert self._fh is not None, "use StreamingReport in a with block"
        try:
            self._fh.write(text)
        except OSError as exc:
            raise AuditorError(f"{self.path}: cannot write report: {exc.strerror or exc}") from None

    def commit(self) -> None:
        """The report is complete: flush it, and rename the temporary onto the target."""
        fh = self._fh
        if fh is None:
            return
        try:
            fh.flush()
            if self._tmp is not None and self._target is not None:
                os.fsync(fh.fileno())
                fh.close()
                os.chmod(self._tmp, self._mode)
                os.replace(self._tmp, self._target)
                self._tmp = None
            elif fh is not sys.stdout:
                fh.close()
        except OSError as exc:
            raise AuditorError(f"{self.path}: cannot write report: {exc.strerror or exc}") from None
        self._fh = None

    def __exit__(self, exc_type: object, exc: object, tb: object) -> None:
        fh, self._fh = self._fh, None
        if fh is not None and fh is not sys.stdout:
            fh.close()
        if self._tmp is not None:
            try:
                os.unlink(self._tmp)
            except FileNotFoundError:
                pass
            self._tmp = None
