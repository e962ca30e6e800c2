"""Running the auditor on a gold file: the orchestration behind ``auditor eval``.

Why a module of its own: :mod:`auditor.evaluate` holds pure metrics over spans (no
pipeline, no engines), the CLI holds option parsing. Everything between — building the
pipeline, auditing every gold record, turning findings into predicted spans, the
throughput figures — lives here, so ``auditor eval``, ``bench/fit_mqm_estimate.py`` and
the tests share one code path and the CLI stays thin.
"""

from __future__ import annotations

import resource
import sys
import time
from collections import deque
from collections.abc import Callable, Iterable, Iterator, Sequence
from contextlib import nullcontext
from typing import TYPE_CHECKING, Any

from auditor.errors import AuditorError

if TYPE_CHECKING:
    from auditor.evaluate import GoldRecord
    from auditor.human_vs_mt import Audited
    from auditor.pipeline import Pipeline
    from auditor.runs import Execution, Runner
    from auditor.selection import Selection
    from auditor.types import Document, DocumentResult

__all__ = ["Progress", "audit_gold", "peak_rss_mb", "run_eval"]

#: wraps the stream of results (and their count) to show progress; returns the same results
Progress = Callable[["Iterator[DocumentResult]", int], "Iterable[DocumentResult]"]


def peak_rss_mb() -> float:
    """Peak resident memory of this process so far, in MB."""
    rss = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss
    return rss / (1024 * 1024) if sys.platform == "darwin" else rss / 1024


def audit_gold(
    gold_path: str,
    gold: Sequence[GoldRecord],
    names: list[str],
    no_source: bool = False,
    settings: dict[str, Any] | None = None,
    weights: tuple[float, float, float] = (1.0, 5.0, 25.0),
    selection: Selection | None = None,
    progress: Progress | None = None,
    how: Execution | None = None,
) -> tuple[Pipeline, list[DocumentResult], float, float]:
    """Run the pipeline on every gold record: (pipeline, results, load seconds, run seconds).

    The one code path from gold records to results, shared by ``auditor eval`` and
    ``bench/fit_mqm_estimate.py``. Engines get ``source_en`` unless ``no_source``. ``how``
    picks the executor; the results are the same whichever runs them.
    """
    from auditor.engines import create_engines
    from auditor.pipeline import Pipeline
    from auditor.runs import Execution, run_stream
    from auditor.types import Weights

    t0 = time.perf_counter()
    engines = create_engines(names, settings or {})
    pipeline = Pipeline(engines, Weights(*weights), selection=selection)
    load_seconds = time.perf_counter() - t0

    docs = [_gold_document(gold_path, r, no_source) for r in gold]
    t1 = time.perf_counter()
    how = how or Execution()
    stream = run_stream(docs, _factory(pipeline, names, settings, weights, selection, how), how)
    results = list(progress(stream, len(docs)) if progress is not None else stream)
    return pipeline, results, load_seconds, time.perf_counter() - t1


def _gold_document(gold_path: str, r: GoldRecord, no_source: bool) -> Document:
    """The document the pipeline scores for a gold record (its source unless ``no_source``)."""
    from auditor.types import Document

    return Document(
        path=gold_path, text=r.text, source=None if no_source else r.source, id=r.id, origin_line=r.line,
        json_id=r.json_id,
    )


def _factory(
    pipeline: Pipeline,
    names: list[str],
    settings: dict[str, Any] | None,
    weights: tuple[float, float, float],
    selection: Selection | None,
    how: Execution | None,
) -> Callable[[], Runner]:
    """What runs the batches: workers build their own pipeline, once each; serially, this one."""
    from auditor.runs import PipelineFactory
    from auditor.types import Weights

    if how is not None and how.parallel:
        return PipelineFactory(tuple(names), Weights(*weights), tuple(sorted((settings or {}).items())), selection)

    def factory() -> Runner:
        return lambda batch: list(pipeline.run_many(batch))

    return factory


def run_eval(
    gold_path: str,
    engine_spec: str | None,
    no_source: bool,
    predictions_path: str | None,
    settings: dict[str, Any] | None = None,
    weights: tuple[float, float, float] = (1.0, 5.0, 25.0),
    selection: Selection | None = None,
    progress: Progress | None = None,
    human_path: str | None = None,
    html_path: str | None = None,
    how: Execution | None = None,
) -> tuple[dict[str, Any], str]:
    """Read the gold file, run the pipeline on every record, return (JSON report, text report).

    With ``human_path`` (human translations of the same sources, e.g. dev_human.jsonl), the
    same pipeline audits them too and the report gains the human-vs-MT side-by-side table
    (``human_vs_mt``): a detector that measures literalness rather than error shows there.
    ``predictions_path`` and ``html_path`` are written as one set, after all the work.

    The gold file is streamed: validated in a first pass, then read again record by record
    as the pipeline takes them; only the metric tallies are kept (and, for ``html_path``,
    which shows every record, the records and results; for ``human_path`` a few numbers
    per record)."""
    from auditor.engines import DEFAULT_ENGINES, create_engines, parse_engine_list
    from auditor.evaluate import Evaluation, Prediction, Span, render_text
    from auditor.human_vs_mt import audited
    from auditor.io.atomic import STDOUT, ReportSet, StreamingReport, check_outputs, is_special
    from auditor.io.gold import GoldFile, read_gold
    from auditor.io.writers import dumps, jsonl_record
    from auditor.pipeline import Pipeline
    from auditor.runs import run_stream
    from auditor.types import Document, Weights

    check_outputs([predictions_path, html_path], [gold_path, *([human_path] if human_path else [])])  # never overwrite input
    gold = GoldFile(gold_path)
    count = gold.validate()  # the whole file checked before any engine is loaded; nothing kept
    human = read_gold(human_path) if human_path else None

    names = parse_engine_list(engine_spec or DEFAULT_ENGINES)
    t0 = time.perf_counter()
    pipeline = Pipeline(create_engines(names, settings or {}), Weights(*weights), selection=selection)
    load_seconds = time.perf_counter() - t0

    # Kept only for the reports that show every record: the HTML page (records and
    # results) and the human-vs-MT table (a few numbers per record).
    kept_gold: list[GoldRecord] = []
    kept_results: list[DocumentResult] = []
    mt_audited: list[Audited] = []
    tally = Evaluation()
    source_used = False
    in_flight: deque[GoldRecord] = deque()  # records sent to the pipeline, results not yet back

    def documents() -> Iterator[Document]:
        for r in gold:
            in_flight.append(r)
            yield _gold_document(gold_path, r, no_source)

    t1 = time.perf_counter()
    stream = run_stream(documents(), _factory(pipeline, names, settings, weights, selection, how), how)
    # --predictions to a regular file is written as the results arrive (a temporary beside
    # it, renamed once complete); to stdout or a special file it is written after the work,
    # as before, so that a failure leaves no partial output there.
    streamed = predictions_path is not None and predictions_path != STDOUT and not is_special(predictions_path)
    buffered: list[str] = []
    with ReportSet() as staged, StreamingReport(predictions_path) if streamed else nullcontext() as out:
        for res in progress(stream, count) if progress is not None else stream:
            rec = in_flight.popleft()
            spans = []
            for f in res.findings:
                if not 0 <= f.start <= f.end <= len(rec.text):
                    raise AuditorError(
                        f"{gold_path}:{rec.line}: internal error: finding [{f.start}, {f.end}) "
                        f"of {f.detector} outside the record text"
                    )
                spans.append(Span(f.start, f.end, f.severity, f.category, f.detector))
            tally.add(rec, Prediction(tuple(spans), res.score, res.penalty, res.mqm_estimate))
            source_used = source_used or bool(rec.source)
            if predictions_path:
                line = dumps(jsonl_record(res)) + "\n"
                if out is not None:
                    out.write(line)
                else:
                    buffered.append(line)
            if human is not None:
                mt_audited.extend(audited([res]))
            if html_path:
                kept_gold.append(rec)
                kept_results.append(res)
        run_seconds = time.perf_counter() - t1
        metrics = tally.result()
        if predictions_path and not streamed:
            staged.add(predictions_path, "".join(buffered))
        if html_path:
            from auditor.io.html_eval import render_eval_html

            staged.add(html_path, render_eval_html(gold_path, kept_gold, kept_results, metrics, pipeline.signature))
        if out is not None:
            out.commit()  # every report complete before the first is renamed: all or nothing
        staged.commit()
    table = None
    if human is not None and human_path is not None:
        from auditor.human_vs_mt import side_by_side

        docs = [
            Document(path=human_path, text=r.text, source=None if no_source else r.source, id=r.id, origin_line=r.line)
            for r in human
        ]
        table = side_by_side(audited(pipeline.run_many(docs)), mt_audited)
    run = {
        "gold": gold_path,
        "engines": names,
        "source_used": not no_source and source_used,
        "signature": pipeline.signature,
        "mqm_estimator": pipeline.estimator.to_dict(),
        "segments": count,
        "load_seconds": round(load_seconds, 3),
        "run_seconds": round(run_seconds, 3),
        "segments_per_second": round(count / run_seconds, 2) if run_seconds > 0 else None,
        "peak_rss_mb": round(peak_rss_mb(), 1),
    }
    report: dict[str, Any] = {k: run[k] for k in ("gold", "engines", "source_used", "signature", "mqm_estimator")}
    report.update(metrics.to_dict())
    report["throughput"] = {
        k: run[k] for k in ("segments", "load_seconds", "run_seconds", "segments_per_second", "peak_rss_mb")
    }
    if run["segments_per_second"] is None:
        run.pop("segments_per_second")
    text = render_text(metrics, run)
    if table is not None:
        from auditor.human_vs_mt import render_side_by_side

        report["human_vs_mt"] = {"human_file": human_path, **table}
        text += "\nhuman translations against the MT of the same sources\n" + render_side_by_side(table, "this run")
    return report, text
