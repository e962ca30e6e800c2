"""Running the pipeline over a stream of documents, in fixed batches, with the chosen executor.

Why one module: ``score``, ``gate`` and ``eval`` must cut their input into the *same*
batches whatever executor runs them, so that an engine that batches (neural) sees the
same inputs and the output is byte-identical across ``serial``, ``processes`` and
``dask``. The documents are consumed lazily and results are yielded in input order as
they arrive, so a command can write them out without holding the whole input.
"""

from __future__ import annotations

import dataclasses
from collections.abc import Callable, Iterable, Iterator
from dataclasses import dataclass, field
from itertools import islice
from typing import Any

from auditor.selection import Selection
from auditor.types import Document, DocumentResult, Weights

#: Runs one batch of documents, returning one result per document, in order.
Runner = Callable[[list[Document]], list[DocumentResult]]

#: Documents per batch. The same fixed batches are used by every executor, so engines
#: that batch (neural) see exactly the same inputs whatever the executor or --jobs.
BATCH = 16

#: Stands in for the document in a result travelling back from a worker: the parent
#: already holds the document (text, source, the whole JSONL record), so sending it
#: back would only double what is pickled per batch.
_SENT_BACK = Document(path="", text="")


@dataclass(frozen=True)
class PipelineFactory:
    """Builds the real pipeline; picklable, so each worker process builds its own once."""

    engines: tuple[str, ...]
    weights: Weights = field(default_factory=Weights)
    settings: tuple[tuple[str, Any], ...] = ()
    selection: Selection | None = None

    def __call__(self) -> Runner:
        from auditor.engines import create_engines
        from auditor.pipeline import Pipeline

        pipeline = Pipeline(
            create_engines(list(self.engines), dict(self.settings)), self.weights, selection=self.selection
        )

        def run_batch(docs: list[Document]) -> list[DocumentResult]:
            return list(pipeline.run_many(docs))

        return run_batch

    def signature(self) -> str:
        """The run signature of this pipeline (for a report of no documents, which has no result to carry it)."""
        from auditor.engines import create_engines
        from auditor.pipeline import Pipeline

        engines = create_engines(list(self.engines), dict(self.settings))
        return Pipeline(engines, self.weights, selection=self.selection).signature


@dataclass(frozen=True)
class Execution:
    """How a run is executed: ``serial``, ``processes`` (``jobs`` workers) or ``dask``."""

    executor: str = "serial"
    jobs: int = 1
    #: dask: the scheduler address to join (else $AUDITOR_DASK_SCHEDULER, else a LocalCluster)
    scheduler: str | None = None

    @property
    def parallel(self) -> bool:
        return self.executor == "dask" or self.executor == "processes" or self.jobs > 1


@dataclass(frozen=True)
class CompactFactory:
    """Wraps a factory so that a worker's results leave the document behind (see ``_SENT_BACK``)."""

    inner: Callable[[], Runner]

    def __call__(self) -> Runner:
        runner = self.inner()

        def run_batch(docs: list[Document]) -> list[DocumentResult]:
            return [dataclasses.replace(r, document=_SENT_BACK) for r in runner(docs)]

        return run_batch


def batched(docs: Iterable[Document], size: int = BATCH) -> Iterator[list[Document]]:
    """Consecutive batches of ``size`` documents (the last one shorter), read lazily."""
    it = iter(docs)
    while batch := list(islice(it, size)):
        yield batch


def run_stream(
    docs: Iterable[Document],
    factory: Callable[[], Runner],
    execution: Execution | None = None,
    on_batch: Callable[[int], None] | None = None,
    preload: bool = True,
) -> Iterator[DocumentResult]:
    """One result per document, in input order, yielded as the batches complete.

    ``on_batch(n)`` is called after each batch of ``n`` results (progress bars).
    """
    from auditor.executors import execute

    execution = execution or Execution()
    batches = batched(docs)
    if not execution.parallel:
        for out in execute(batches, factory):
            yield from out
            if on_batch:
                on_batch(len(out))
        return
    # The parent keeps each batch's documents (at most the in-flight bound of them)
    # and puts them back into the results the workers return without them.
    sent: list[list[Document]] = []

    def remember() -> Iterator[list[Document]]:
        for batch in batches:
            sent.append(batch)
            yield batch

    results = execute(
        remember(),
        CompactFactory(factory),
        executor=execution.executor,
        jobs=execution.jobs,
        scheduler=execution.scheduler,
        preload=preload,
    )
    for out in results:
        batch = sent.pop(0)
        for doc, result in zip(batch, out, strict=True):
            yield dataclasses.replace(result, document=doc)
        if on_batch:
            on_batch(len(out))
