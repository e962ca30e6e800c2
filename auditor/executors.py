"""Where batches run: ``serial`` (in this process), ``processes`` (local worker processes), ``dask``.

Every executor takes the same fixed batches a serial run uses and yields their results
in input order, so output never depends on how a run was executed. At most a bounded
number of batches is in flight (back-pressure), so a large input never sits in a queue
or in a scheduler all at once.

No engine is imported here: an executor only receives a picklable *factory* that builds
the batch runner, and each worker calls it once (not per batch).
"""

from __future__ import annotations

import ctypes
import gc
import multiprocessing
import os
import signal
import sys
import uuid
from collections import deque
from collections.abc import Callable, Iterable, Iterator
from concurrent.futures import Future, ProcessPoolExecutor
from typing import Any

from auditor.errors import AuditorError, BatchError, ConfigError
from auditor.types import Document, DocumentResult

#: Runs one batch of documents, returning one result per document, in order.
Runner = Callable[[list[Document]], list[DocumentResult]]
Factory = Callable[[], Runner]

EXECUTORS = ("serial", "processes", "dask")

#: Batches in flight per worker: enough to keep a worker busy while its last result
#: travels back, few enough that memory stays bounded by the batch size.
IN_FLIGHT_PER_WORKER = 2

SCHEDULER_ENV = "AUDITOR_DASK_SCHEDULER"


def _label(doc: Document) -> str:
    line = getattr(doc, "origin_line", 0)
    where = f"{doc.path}:{line}" if line else doc.path
    return f"{where} (id {doc.id})" if doc.id is not None else where


def run_checked(runner: Runner, batch: list[Document]) -> list[DocumentResult]:
    """Run a batch; when it raises, find the record that fails on its own and name it."""
    try:
        return runner(batch)
    except AuditorError:
        raise
    except Exception as exc:
        for doc in batch:
            try:
                runner([doc])
            except Exception as one:
                raise BatchError(f"{_label(doc)}: cannot score: {type(one).__name__}: {one}") from one
        raise BatchError(
            f"batch starting at {_label(batch[0])}: cannot score: {type(exc).__name__}: {exc}"
        ) from exc


# ---------------------------------------------------------------------------- serial


def run_serial(batches: Iterable[list[Document]], factory: Factory) -> Iterator[list[DocumentResult]]:
    """The embedded executor: one runner, built once, in this process."""
    runner = factory()
    for batch in batches:
        yield run_checked(runner, batch)


# ---------------------------------------------------------------------------- processes

# The runner of a worker process. A process-wide slot is how ProcessPoolExecutor hands
# an initializer's product to its tasks; it lives only in worker processes (or, with
# fork, is set in the parent just before the workers are forked and cleared after).
_worker_runner: Runner | None = None

_PR_SET_PDEATHSIG = 1


def _die_with_parent() -> None:
    """Ask Linux to SIGTERM this worker when its parent dies (by SIGTERM, SIGKILL, anything).

    Without it, a parent killed mid-run leaves its workers orphaned and blocked for ever
    writing a result into a pipe nobody reads.
    """
    if sys.platform.startswith("linux"):
        libc = ctypes.CDLL(None, use_errno=True)
        libc.prctl(_PR_SET_PDEATHSIG, signal.SIGTERM, 0, 0, 0)
        if os.getppid() == 1:  # the parent died before prctl took effect
            os._exit(1)
    # SIGINT goes to the whole process group on Ctrl-C; the parent handles it and stops us.
    signal.signal(signal.SIGINT, signal.SIG_IGN)
    # A forked worker inherits the parent's SIGTERM handler, which raises an exception
    # that the pool sends back as a result while the worker lives on: die of it instead.
    signal.signal(signal.SIGTERM, signal.SIG_DFL)


def _init_worker(factory: Factory | None) -> None:
    global _worker_runner
    _die_with_parent()
    if factory is not None:  # spawn/forkserver: build here; fork: inherited from the parent
        _worker_runner = factory()


def _work(batch: list[Document]) -> list[DocumentResult]:
    if _worker_runner is None:
        raise RuntimeError("worker not initialised")
    return run_checked(_worker_runner, batch)


def _ordered(
    submit: Callable[[list[Document]], Future], batches: Iterable[list[Document]], limit: int
) -> Iterator[list[DocumentResult]]:
    """Submit at most ``limit`` batches ahead; yield results in submission order."""
    pending: deque[Future] = deque()
    for batch in batches:
        pending.append(submit(batch))
        if len(pending) >= limit:
            yield pending.popleft().result()
    while pending:
        yield pending.popleft().result()


def run_processes(
    batches: Iterable[list[Document]], factory: Factory, workers: int, preload: bool = True
) -> Iterator[list[DocumentResult]]:
    """Local worker processes.

    With ``preload`` (and where fork exists) the runner is built once in the parent and
    the workers are forked from it: they start with warm engines and compiled
    dictionaries already in memory (copy-on-write), so no worker pays the engine start-up.
    Without it (engines that must not be forked, e.g. a torch runtime with threads) each
    worker builds its own runner once, in a fresh interpreter.
    """
    global _worker_runner
    use_fork = preload and "fork" in multiprocessing.get_all_start_methods()
    ctx = multiprocessing.get_context("fork" if use_fork else "spawn")
    head: list[DocumentResult] | None = None
    if use_fork:
        _worker_runner = factory()
        # The parent scores the first batch itself before it forks: engines finish their
        # lazy set-up (dictionary views, key sets, the first cache entries) once, and every
        # worker inherits it warm, instead of each paying it again (about a second of CPU
        # per worker for rules,lexical, which a 2-core machine cannot hide).
        batches = iter(batches)
        first = next(batches, None)
        if first is None:
            _worker_runner = None
            return
        head = run_checked(_worker_runner, first)
        gc.freeze()  # the inherited heap stays shared: the workers' collections do not touch it
    pool = ProcessPoolExecutor(
        max_workers=workers, mp_context=ctx, initializer=_init_worker, initargs=(None if use_fork else factory,)
    )
    previous = _terminate_on_sigterm(pool)
    try:
        if head is not None:
            yield head
        yield from _ordered(lambda b: pool.submit(_work, b), batches, workers * IN_FLIGHT_PER_WORKER)
    except BaseException:
        processes = _kill_workers(pool)
        pool.shutdown(wait=False, cancel_futures=True)  # waiting could block on a dead worker's pipe
        for proc in processes:
            proc.join(5)
            if proc.is_alive():
                proc.kill()
        raise
    else:
        pool.shutdown(wait=True)
    finally:
        if use_fork:
            _worker_runner = None
            gc.unfreeze()
        if previous is not None:
            signal.signal(signal.SIGTERM, previous)


def _kill_workers(pool: ProcessPoolExecutor) -> list[Any]:
    """SIGTERM every live worker of ``pool``; returns them so the caller can reap them."""
    processes = list((getattr(pool, "_processes", None) or {}).values())
    for proc in processes:
        if proc.is_alive():
            proc.terminate()
    return processes


def _terminate_on_sigterm(pool: ProcessPoolExecutor) -> Any:
    """On SIGTERM, stop the workers, then die of SIGTERM as before (exit status 143)."""
    import threading

    if threading.current_thread() is not threading.main_thread():
        return None
    previous = signal.getsignal(signal.SIGTERM)

    def handler(signum: int, frame: Any) -> None:
        _kill_workers(pool)
        signal.signal(signal.SIGTERM, previous if callable(previous) else signal.SIG_DFL)
        os.kill(os.getpid(), signal.SIGTERM)

    signal.signal(signal.SIGTERM, handler)
    return previous


# ---------------------------------------------------------------------------- dask


class _RunnerPlugin:
    """A distributed worker plugin holding one runner per worker, built on first use."""

    name = "mt-auditor-runner"

    def __init__(self, factory: Factory) -> None:
        self.factory = factory
        self.runner: Runner | None = None

    def setup(self, worker: Any) -> None:
        self.runner = None

    def teardown(self, worker: Any) -> None:
        self.runner = None

    def get(self) -> Runner:
        if self.runner is None:
            self.runner = self.factory()
        return self.runner


def _dask_work(batch: list[Document], plugin_name: str) -> list[DocumentResult]:
    from distributed import get_worker

    plugin = get_worker().plugins[plugin_name]
    return run_checked(plugin.get(), batch)  # type: ignore[attr-defined]


def run_dask(
    batches: Iterable[list[Document]],
    factory: Factory,
    workers: int | None = None,
    scheduler: str | None = None,
) -> Iterator[list[DocumentResult]]:
    """Batches as tasks on a distributed cluster: ``scheduler`` (or $AUDITOR_DASK_SCHEDULER), else a LocalCluster.

    A killed worker's batches are rerun by the scheduler elsewhere; results still come
    back in input order, so the output is the same as a serial run.
    """
    try:
        from distributed import Client, LocalCluster, WorkerPlugin
    except ImportError:
        raise ConfigError(
            "--executor dask needs the dask extra: pip install 'mt-auditor[dask]'"
        ) from None

    import logging

    if logging.getLogger().getEffectiveLevel() > logging.INFO:  # distributed logs every connection at INFO
        logging.getLogger("distributed").setLevel(logging.WARNING)
    address = scheduler or os.environ.get(SCHEDULER_ENV) or None
    cluster = None
    if address is None:
        n = workers or os.cpu_count() or 1
        cluster = LocalCluster(
            n_workers=n, threads_per_worker=1, processes=True, dashboard_address=None, host="127.0.0.1"
        )
        client = Client(cluster)
    else:
        try:
            client = Client(address, timeout="10s")
        except OSError as exc:
            raise ConfigError(f"cannot join the dask scheduler at {address}: {exc}") from None

    plugin_cls = type("AuditorRunnerPlugin", (_RunnerPlugin, WorkerPlugin), {})
    token = uuid.uuid4().hex[:12]
    name = f"{_RunnerPlugin.name}-{token}"
    plugin = plugin_cls(factory)
    plugin.name = name
    try:
        client.register_plugin(plugin, name=name)
        n_workers = max(1, len(client.scheduler_info().get("workers", {})))
        counter = iter(range(1 << 62))

        def submit(batch: list[Document]) -> Any:
            return client.submit(_dask_work, batch, name, key=f"auditor-{token}-{next(counter)}", pure=False)

        yield from _ordered(submit, batches, n_workers * IN_FLIGHT_PER_WORKER)
    finally:
        try:
            client.unregister_worker_plugin(name)
        except Exception as exc:  # the cluster may already be gone; the run's outcome stands
            print(f"auditor: dask: could not remove the worker plugin: {exc}", file=sys.stderr)
        client.close()
        if cluster is not None:
            cluster.close()


# ---------------------------------------------------------------------------- choice


def execute(
    batches: Iterable[list[Document]],
    factory: Factory,
    executor: str = "serial",
    jobs: int = 1,
    scheduler: str | None = None,
    preload: bool = True,
) -> Iterator[list[DocumentResult]]:
    """Results per batch, in input order, from the chosen executor.

    ``executor="serial"`` with ``jobs > 1`` means ``processes`` (the historical ``--jobs``).
    """
    if executor not in EXECUTORS:
        raise ConfigError(f"unknown executor {executor!r} (expected one of {', '.join(EXECUTORS)})")
    if executor == "dask":
        return run_dask(batches, factory, workers=jobs if jobs > 1 else None, scheduler=scheduler)
    if executor == "processes" or jobs > 1:
        return run_processes(batches, factory, max(1, jobs), preload=preload)
    return run_serial(batches, factory)
