"""What the gate decided, as data: a :class:`Verdict` per document, the run's :class:`GateResult`.

Why a module of its own, below the gate: the report writers (:mod:`auditor.io`) render
these, and io must not import the gate use case (collecting inputs, running the
pipeline, deciding) to know their shape.
"""

from __future__ import annotations

import os
import pickle
import tempfile
from array import array
from collections.abc import Iterator, Sequence
from dataclasses import dataclass
from typing import IO, TYPE_CHECKING, overload

from auditor.types import DocumentResult, Finding

if TYPE_CHECKING:
    from auditor.config import Config

__all__ = ["EXIT_ERROR", "EXIT_FAILED", "EXIT_PASSED", "GateResult", "SpilledVerdicts", "Verdict"]

EXIT_PASSED = 0
EXIT_FAILED = 1
EXIT_ERROR = 2


@dataclass(frozen=True)
class Verdict:
    """The gate's judgement of one document."""

    result: DocumentResult
    key: str
    accepted: tuple[bool, ...]  # per finding of result.findings: accepted by the baseline
    score: float  # effective score (baseline-accepted findings removed)
    counts: dict[str, int]  # new findings per severity
    reasons: tuple[str, ...]  # why it failed; empty when it passed

    @property
    def passed(self) -> bool:
        return not self.reasons

    @property
    def new_findings(self) -> tuple[Finding, ...]:
        return tuple(f for f, a in zip(self.result.findings, self.accepted) if not a)

    @property
    def accepted_findings(self) -> tuple[Finding, ...]:
        return tuple(f for f, a in zip(self.result.findings, self.accepted) if a)


@dataclass(frozen=True)
class GateResult:
    verdicts: Sequence[Verdict]  # a tuple, or SpilledVerdicts for the streaming gate
    config: Config
    baseline: str | None = None

    @property
    def passed(self) -> bool:
        return not self.failed

    @property
    def exit_code(self) -> int:
        return EXIT_PASSED if self.passed else EXIT_FAILED

    @property
    def failed(self) -> Sequence[Verdict]:
        if isinstance(self.verdicts, SpilledVerdicts):
            return self.verdicts.failed  # read back from the spill file, not held
        return tuple(v for v in self.verdicts if not v.passed)


class _Offsets:
    """8-byte integers appended in order, held in an anonymous temporary file but for the
    last :data:`_OFFSETS_BUFFER` of them.

    Why: one offset per verdict was the gate's last memory that grew with its input
    (8 bytes a document, 28 MB for a 1 GB feed of short records). Reading one back is a
    seek and 8 bytes; iterating reads them a buffer at a time."""

    def __init__(self) -> None:
        self._fh: IO[bytes] | None = None
        self._on_disk = 0
        self._buffer = array("q")

    def append(self, value: int) -> None:
        self._buffer.append(value)
        if len(self._buffer) >= _OFFSETS_BUFFER:
            if self._fh is None:
                self._fh = tempfile.TemporaryFile()
            self._fh.seek(0, os.SEEK_END)
            self._buffer.tofile(self._fh)
            self._on_disk += len(self._buffer)
            del self._buffer[:]

    def __len__(self) -> int:
        return self._on_disk + len(self._buffer)

    def __getitem__(self, i: int) -> int:
        n = len(self)
        if i < 0:
            i += n
        if not 0 <= i < n:
            raise IndexError(i)
        if i >= self._on_disk:
            return self._buffer[i - self._on_disk]
        assert self._fh is not None
        self._fh.seek(8 * i)
        one = array("q")
        one.frombytes(self._fh.read(8))
        return one[0]

    def __iter__(self) -> Iterator[int]:
        done = 0
        while done < self._on_disk:
            assert self._fh is not None
            self._fh.seek(8 * done)  # again each time: another reader may have moved the file
            chunk = array("q")
            chunk.frombytes(self._fh.read(8 * min(_OFFSETS_BUFFER, self._on_disk - done)))
            done += len(chunk)
            yield from chunk
        yield from self._buffer


#: offsets :class:`_Offsets` holds in memory before it writes them out
_OFFSETS_BUFFER = 8192


class SpilledVerdicts(Sequence[Verdict]):
    """Verdicts written to an anonymous temporary file as they arrive, read back on demand.

    Why: the gate's reports read every verdict after the run (the summary table, JUnit,
    SARIF), some more than once; holding them made the gate's memory grow with its input.
    Each verdict is pickled on arrival and its file offset spilled too (:class:`_Offsets`),
    the offsets of the failing ones apart, so :attr:`GateResult.failed` needs no full pass.
    The files are deleted by the operating system when closed, even on a crash.
    """

    def __init__(self) -> None:
        self._fh = tempfile.TemporaryFile()
        self._offsets: _Offsets | array[int] = _Offsets()
        self._failing: _Offsets | array[int] = _Offsets()

    def append(self, verdict: Verdict) -> None:
        offset = self._fh.seek(0, os.SEEK_END)
        pickle.dump(verdict, self._fh, protocol=pickle.HIGHEST_PROTOCOL)
        self._offsets.append(offset)
        if not verdict.passed:
            self._failing.append(offset)

    def _view(self, offsets: _Offsets | array[int]) -> SpilledVerdicts:
        view = SpilledVerdicts.__new__(SpilledVerdicts)
        view._fh, view._offsets, view._failing = self._fh, offsets, offsets
        return view

    @property
    def failed(self) -> SpilledVerdicts:
        """The failing verdicts, in order (a view on the same file)."""
        return self._view(self._failing)

    def __len__(self) -> int:
        return len(self._offsets)

    def _load(self, offset: int) -> Verdict:
        self._fh.seek(offset)
        return pickle.load(self._fh)

    @overload
    def __getitem__(self, i: int) -> Verdict: ...
    @overload
    def __getitem__(self, i: slice) -> Sequence[Verdict]: ...
    def __getitem__(self, i: int | slice) -> Verdict | Sequence[Verdict]:
        if isinstance(i, slice):  # a slice is held in memory: nothing in the gate takes one
            return self._view(array("q", (self._offsets[k] for k in range(*i.indices(len(self))))))
        return self._load(self._offsets[i])

    def __iter__(self) -> Iterator[Verdict]:
        for offset in self._offsets:
            yield self._load(offset)
