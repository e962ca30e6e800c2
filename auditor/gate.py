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
from collections.abc import Callable, Iterable, Iterator, Sequence
from pathlib import Path
from typing import TextIO

from auditor.baseline import Baseline, Entry, Usage, document_key
from auditor.config import Config
from auditor.errors import InputError
from auditor.io.feeds import looks_like_feed, read_feed
from auditor.io.terminal import safe
from auditor.runs import BATCH, Execution, PipelineFactory, Runner
from auditor.types import SEVERITIES, Document, DocumentResult, Weights
from auditor.verdicts import EXIT_ERROR, EXIT_FAILED, EXIT_PASSED, GateResult, SpilledVerdicts, Verdict

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

    ``source_path`` goes with a single text file (the caller checks there is one). Holds
    every document: the gate itself streams them through :class:`Inputs`."""
    return list(Inputs(paths, config, source_path))


class Inputs:
    """The documents of the command-line inputs, read twice: to validate, then lazily to score.

    Why two passes: "a bad input produces no output" needs every input checked before
    the first report is written, and flat memory needs the documents *not* kept between
    the check and the scoring. :meth:`validate` reads everything once (same checks and
    messages as :func:`collect` always had) and keeps only the count and the file list
    (a directory is walked once, so its "skipped" notes are printed once); iterating reads
    the files again, a JSONL file one record at a time. Feeds and text files are one
    parse each (as the core readers do); stdin cannot be read twice, so it is kept.
    """

    def __init__(self, paths: Sequence[str], config: Config, source_path: str | None = None) -> None:
        self.paths = list(paths)
        self.config = config
        self.source_path = source_path
        self._files: dict[str, list[str]] = {}  # directory -> its matching files, walked once
        self._stdin: list[Document] | None = None

    def _directory(self, path: str) -> list[str]:
        if path not in self._files:
            files = walk(path, self.config.glob, self.config.exclude)
            if not files:
                raise InputError(path, f"no files matching {', '.join(self.config.glob)} in this directory")
            self._files[path] = files
        return self._files[path]

    def _file(self, path: str, source_path: str | None = None) -> Iterator[Document]:
        from auditor.io.stream import jsonl_documents, streams_by_line

        options = read_options(self.config)
        if streams_by_line(path, options):
            yield from jsonl_documents(path, options)
        else:
            yield from read_file(path, self.config, source_path)

    def __iter__(self) -> Iterator[Document]:
        for path in self.paths:
            if path == "-":
                if self._stdin is None:
                    from auditor.io.readers import read_documents

                    self._stdin = read_documents(["-"], read_options(self.config))
                yield from self._stdin
            elif os.path.isdir(path):
                for f in self._directory(path):
                    yield from self._file(f)
            elif not os.path.lexists(path):
                raise InputError(path, "no such file or directory")
            else:
                yield from self._file(path, self.source_path)

    def validate(self) -> int:
        """Read every input, raising :class:`InputError` on the first bad one; the document count."""
        return sum(1 for _ in self)


# ---------------------------------------------------------------------------- running

#: Documents per batch, the pipeline factory and the runner type live in
#: :mod:`auditor.runs` (shared with score and eval); the names stay importable from here.
__all__ = [
    "BATCH", "EXIT_ERROR", "EXIT_FAILED", "EXIT_PASSED", "Execution", "GateResult", "PipelineFactory", "Runner",
    "SpilledVerdicts", "Verdict",
]


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
    count = len(docs) if isinstance(docs, Sequence) else None
    return list(results(docs, factory, progress, execution or Execution(jobs=jobs), count))


def results(
    docs: Iterable[Document],
    factory: Callable[[], Runner],
    progress: Progress | None = None,
    execution: Execution | None = None,
    count: int | None = None,
) -> Iterator[DocumentResult]:
    """Results for ``docs`` in input order, yielded as they arrive (the documents are read lazily).

    ``count`` (the documents there will be, from :meth:`Inputs.validate`) trims the pool:
    one larger than the number of batches only costs start-up."""
    from auditor.runs import run_stream

    execution = execution or Execution()
    if count is not None and execution.executor != "dask":
        n_batches = -(-count // BATCH)
        if n_batches <= 1:
            execution = Execution()
        elif execution.jobs > n_batches:
            execution = dataclasses.replace(execution, jobs=n_batches)
    yield from run_stream(docs, factory, execution, on_batch=progress.advance if progress else None)
    if progress:
        progress.close()


# ---------------------------------------------------------------------------- decision


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


def judge(
    result: DocumentResult,
    config: Config,
    baseline: Baseline | None = None,
    accepted: Sequence[bool] | None = None,
) -> Verdict:
    """The verdict on one document; ``accepted``: the baseline's match, when already made."""
    if accepted is None:
        accepted = baseline.match(result.document, result.findings) if baseline else (False,) * len(result.findings)
    accepted = tuple(accepted)
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


def slim(result: DocumentResult) -> DocumentResult:
    """``result`` with only what the gate's reports read after the run, so verdicts stay small.

    Why: the gate keeps one verdict per document until every report is written. Its text
    reports (summary, failures, JUnit, SARIF, GitHub) read a document's text only to place
    and fingerprint its findings, and its record or feed metadata only to place a feed
    item's findings; none reads the segments or the source. So a document without
    findings keeps no text at all, one with findings its text and (feed items only) its
    metadata. The HTML page shows every document whole: it needs the full results.
    """
    doc = result.document
    if result.findings:
        meta = doc.meta if "feed_kind" in doc.meta else {}
        doc = dataclasses.replace(doc, source=None, meta=meta)
    else:
        doc = dataclasses.replace(doc, text="", source=None, meta={})
    return dataclasses.replace(result, document=doc, segments=())


def decide_stream(
    results: Iterable[DocumentResult],
    config: Config,
    baseline: Baseline | None = None,
    keep_full: bool = False,
) -> tuple[GateResult, Usage | None]:
    """:func:`decide` on results judged as they arrive, and the baseline's usage (with a baseline).

    Each document is matched against the baseline once, and only its verdict is kept,
    :func:`slim` unless ``keep_full`` (the HTML page needs whole documents), and spilled to
    a temporary file (:class:`SpilledVerdicts`)."""
    from auditor.baseline import usage_of

    verdicts = SpilledVerdicts()
    matches: list[tuple[str, Sequence[bool], Sequence[Entry]]] = []
    for r in results:
        accepted = None
        if baseline is not None:
            accepted, unused = baseline.match_entries(r.document, r.findings)
            matches.append((document_key(r.document), tuple(accepted), tuple(unused)))
        v = judge(r, config, baseline, accepted)
        verdicts.append(v if keep_full else dataclasses.replace(v, result=slim(r)))
    decision = GateResult(verdicts, config, baseline.path if baseline else None)
    return decision, (usage_of(baseline, matches) if baseline is not None else None)
