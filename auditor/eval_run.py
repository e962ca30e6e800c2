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
from collections.abc import Callable, Iterable, Iterator, Sequence
from typing import TYPE_CHECKING, Any

from auditor.errors import AuditorError

if TYPE_CHECKING:
    from auditor.evaluate import GoldRecord
    from auditor.pipeline import Pipeline
    from auditor.runs import Execution, Runner
    from auditor.selection import Selection
    from auditor.types import DocumentResult

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
    from auditor.runs import Execution, PipelineFactory, run_stream
    from auditor.types import Document, Weights

    t0 = time.perf_counter()
    engines = create_engines(names, settings or {})
    pipeline = Pipeline(engines, Weights(*weights), selection=selection)
    load_seconds = time.perf_counter() - t0

    docs = [
        Document(
            path=gold_path, text=r.text, source=None if no_source else r.source, id=r.id, origin_line=r.line,
            json_id=r.json_id,
        )
        for r in gold
    ]
    t1 = time.perf_counter()
    how = how or Execution()
    factory: Callable[[], Runner]
    if how.parallel:  # workers build their own pipeline, once each
        factory = PipelineFactory(tuple(names), Weights(*weights), tuple(sorted((settings or {}).items())), selection)
    else:  # this process already has one

        def factory() -> Runner:
            return lambda batch: list(pipeline.run_many(batch))

    stream = run_stream(docs, factory, how)
    results = list(progress(stream, len(docs)) if progress is not None else stream)
    return pipeline, results, load_seconds, time.perf_counter() - t1


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
    ``predictions_path`` and ``html_path`` are written as one set, after all the work."""
    from auditor.engines import DEFAULT_ENGINES, parse_engine_list
    from auditor.evaluate import Prediction, Span, evaluate, read_gold, render_text
    from auditor.io.atomic import check_outputs, write_reports
    from auditor.io.writers import dumps, jsonl_record

    check_outputs([predictions_path, html_path], [gold_path, *([human_path] if human_path else [])])  # never overwrite input
    gold = read_gold(gold_path)  # validates the whole file before any engine is loaded
    human = read_gold(human_path) if human_path else None

    names = parse_engine_list(engine_spec or DEFAULT_ENGINES)
    pipeline, results, load_seconds, run_seconds = audit_gold(
        gold_path, gold, names, no_source, settings, weights, selection, progress, how
    )

    predictions = []
    for rec, res in zip(gold, results, strict=True):
        spans = []
        for f in res.findings:
            if not 0 <= f.start <= f.end <= len(rec.text):
                raise AuditorError(
                    f"{gold_path}:{rec.line}: internal error: finding [{f.start}, {f.end}) "
                    f"of {f.detector} outside the record text"
                )
            spans.append(Span(f.start, f.end, f.severity, f.category, f.detector))
        predictions.append(Prediction(tuple(spans), res.score, res.penalty, res.mqm_estimate))

    metrics = evaluate(gold, predictions)
    outputs: list[tuple[str, str]] = []
    if predictions_path:
        outputs.append((predictions_path, "".join(dumps(jsonl_record(res)) + "\n" for res in results)))
    if html_path:
        from auditor.io.html_eval import render_eval_html

        outputs.append((html_path, render_eval_html(gold_path, gold, results, metrics, pipeline.signature)))
    write_reports(outputs)  # all or nothing
    table = None
    if human is not None and human_path is not None:
        from auditor.human_vs_mt import audited, side_by_side
        from auditor.types import Document

        docs = [
            Document(path=human_path, text=r.text, source=None if no_source else r.source, id=r.id, origin_line=r.line)
            for r in human
        ]
        table = side_by_side(audited(pipeline.run_many(docs)), audited(results))
    run = {
        "gold": gold_path,
        "engines": names,
        "source_used": not no_source and any(r.source for r in gold),
        "signature": pipeline.signature,
        "mqm_estimator": pipeline.estimator.to_dict(),
        "segments": len(gold),
        "load_seconds": round(load_seconds, 3),
        "run_seconds": round(run_seconds, 3),
        "segments_per_second": round(len(gold) / run_seconds, 2) if run_seconds > 0 else None,
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
