"""The quality gate: collect inputs, run the pipeline (serially or in processes), decide.

No click here: ``auditor/cli/gate.py`` is the thin command around this module.

Decision, per document, on the findings *not* accepted by the baseline:
the document fails when its score is below ``min_score`` or it has more critical /
major / minor findings than allowed. The gate fails when any document fails.
When a baseline accepts some findings, the document's score is recomputed without
them (same formula as the pipeline, see :func:`effective_score`).
"""

from __future__ import annotations

import dataclasses
import fnmatch
import os
import sys
import time
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import TextIO

from auditor.baseline import Baseline, document_key
from auditor.config import Config
from auditor.errors import InputError
from auditor.io.feeds import looks_like_feed, read_feed
from auditor.io.terminal import safe
from auditor.runs import BATCH, Execution, PipelineFactory, Runner
from auditor.types import SEVERITIES, Document, DocumentResult, Finding, Weights

EXIT_PASSED = 0
EXIT_FAILED = 1
EXIT_ERROR = 2

# ---------------------------------------------------------------------------- inputs


def _matches(rel: str, patterns: Sequence[str]) -> bool:
    name = rel.rsplit("/", 1)[-1]
    for p in patterns:
        if "/" in p:
            if fnmatch.fnmatchcase(rel, p) or (p.startswith("**/") and fnmatch.fnmatchcase(rel, p[3:])):
                return True
        elif fnmatch.fnmatchcase(name, p):
            return True
    return False


def walk(directory: str, globs: Sequence[str], exclude: Sequence[str] = ()) -> list[str]:
    """Files under ``directory`` (recursive, sorted, hidden entries skipped) matching ``globs``."""
    found: list[str] = []
    for root, dirs, files in os.walk(directory):
        dirs[:] = sorted(d for d in dirs if not d.startswith("."))
        for name in sorted(files):
            if name.startswith("."):
                continue
            full = os.path.join(root, name)
            if not os.path.isfile(full):  # FIFOs, devices, sockets, dangling links: reading could hang
                print(f"auditor: skipped {safe(full)}: not a regular file", file=sys.stderr)
                continue
            rel = Path(os.path.relpath(full, directory)).as_posix()
            if _matches(rel, globs) and not _matches(rel, exclude):
                found.append(full)
    return found


def read_options(config: Config):  # -> auditor.io.readers.ReadOptions
    from auditor.io.readers import ReadOptions

    return ReadOptions(
        text_field=config.text_field, source_field=config.source_field, id_field=config.id_field
    )


def read_file(path: str, config: Config, source_path: str | None = None) -> list[Document]:
    """One input file → Documents: feeds per item, everything else through the core readers.

    ``source_path``: the English source of a text file, line-aligned (``gate --source``)."""
    from dataclasses import replace

    from auditor.io.readers import read_bytes, read_documents

    if looks_like_feed(path, read_bytes(path, 2048)):
        return read_feed(path)

    try:
        return list(read_documents([path], replace(read_options(config), source_path=source_path)))
    except UnicodeDecodeError as exc:
        raise InputError(path, f"cannot read as UTF-8 text: {exc.reason} at byte {exc.start}") from None
    except OSError as exc:
        raise InputError(path, f"cannot read: {exc.strerror or exc}") from None


def collect(paths: Sequence[str], config: Config, source_path: str | None = None) -> list[Document]:
    """All documents of the command-line inputs, in argument order (directories sorted).

    ``source_path`` goes with a single text file (the caller checks there is one)."""
    docs: list[Document] = []
    for path in paths:
        if path == "-":
            from auditor.io.readers import read_documents

            docs.extend(read_documents(["-"], read_options(config)))
        elif os.path.isdir(path):
            files = walk(path, config.glob, config.exclude)
            if not files:
                raise InputError(path, f"no files matching {', '.join(config.glob)} in this directory")
            for f in files:
                docs.extend(read_file(f, config))
        elif not os.path.lexists(path):
            raise InputError(path, "no such file or directory")
        else:
            docs.extend(read_file(path, config, source_path))
    return docs


# ---------------------------------------------------------------------------- running

#: Documents per batch, the pipeline factory and the runner type live in
#: :mod:`auditor.runs` (shared with score and eval); the names stay importable from here.
__all__ = ["BATCH", "Execution", "PipelineFactory", "Runner"]


class Progress:
    """A one-line progress bar on a terminal stream; silent when the stream is not a terminal."""

    def __init__(self, total: int, stream: TextIO | None = None, enabled: bool | None = None) -> None:
        self.total = total
        self.stream = stream if stream is not None else sys.stderr
        if enabled is None:
            enabled = bool(getattr(self.stream, "isatty", lambda: False)()) and total > 1
        self.enabled = enabled
        self.done = 0
        self._last = 0.0

    def advance(self, n: int = 1) -> None:
        self.done += n
        if not self.enabled:
            return
        now = time.monotonic()
        if self.done < self.total and now - self._last < 0.1:
            return
        self._last = now
        width = 30
        filled = int(width * self.done / max(1, self.total))
        self.stream.write(f"\r[{'#' * filled}{'.' * (width - filled)}] {self.done}/{self.total} documents")
        self.stream.flush()

    def close(self) -> None:
        if self.enabled:
            self.stream.write("\r" + " " * 60 + "\r")
            self.stream.flush()


def run(
    docs: Iterable[Document],
    factory: Callable[[], Runner],
    jobs: int = 1,
    progress: Progress | None = None,
    execution: Execution | None = None,
) -> list[DocumentResult]:
    """Results for ``docs`` in input order, whatever the executor (``jobs > 1``: worker processes)."""
    from auditor.runs import run_stream

    execution = execution or Execution(jobs=jobs)
    if isinstance(docs, Sequence) and execution.executor != "dask":
        # a pool larger than the number of batches only costs start-up
        n_batches = -(-len(docs) // BATCH)
        if n_batches <= 1:
            execution = Execution()
        elif execution.jobs > n_batches:
            execution = dataclasses.replace(execution, jobs=n_batches)
    results = list(run_stream(docs, factory, execution, on_batch=progress.advance if progress else None))
    if progress:
        progress.close()
    return results


# ---------------------------------------------------------------------------- decision


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
    verdicts: tuple[Verdict, ...]
    config: Config
    baseline: str | None = None

    @property
    def passed(self) -> bool:
        return all(v.passed for v in self.verdicts)

    @property
    def exit_code(self) -> int:
        return EXIT_PASSED if self.passed else EXIT_FAILED

    @property
    def failed(self) -> tuple[Verdict, ...]:
        return tuple(v for v in self.verdicts if not v.passed)


def effective_score(result: DocumentResult, accepted: Sequence[bool], weights: Weights) -> float:
    """The document score over the findings not accepted by the baseline.

    Same formula as the pipeline (:mod:`auditor.score`): region penalties per segment,
    total penalty per word; with nothing accepted it is the pipeline's own score.
    """
    if not any(accepted):
        return result.score
    from auditor.score import assign_findings, region_penalty, score_from_penalty

    new = [f for f, a in zip(result.findings, accepted) if not a]
    by_segment = assign_findings([s.segment for s in result.segments], new)
    penalty = sum(region_penalty(found, weights) for found in by_segment.values())
    return score_from_penalty(penalty, result.words)


def _fmt(x: float) -> str:
    return f"{x:.1f}".rstrip("0").rstrip(".") if x != int(x) else str(int(x))


def judge(result: DocumentResult, config: Config, baseline: Baseline | None = None) -> Verdict:
    accepted = (
        tuple(baseline.match(result.document, result.findings))
        if baseline
        else (False,) * len(result.findings)
    )
    counts: dict[str, int] = dict.fromkeys(SEVERITIES, 0)
    for f, a in zip(result.findings, accepted):
        if not a:
            counts[f.severity] = counts.get(f.severity, 0) + 1
    score = effective_score(result, accepted, config.weights)
    reasons = []
    if score < config.min_score:
        reasons.append(f"score {score:.1f} < {_fmt(config.min_score)}")
    for sev, limit in (
        ("critical", config.max_critical),
        ("major", config.max_major),
        ("minor", config.max_minor),
    ):
        if limit is not None and counts[sev] > limit:
            reasons.append(f"{counts[sev]} {sev} > {limit}")
    return Verdict(result, document_key(result.document), accepted, score, counts, tuple(reasons))


def decide(results: Sequence[DocumentResult], config: Config, baseline: Baseline | None = None) -> GateResult:
    return GateResult(
        tuple(judge(r, config, baseline) for r in results), config, baseline.path if baseline else None
    )
