"""``auditor eval``: run the auditor on a gold JSONL file and print span/score metrics."""

from __future__ import annotations

import json
import resource
import sys
import time
from collections.abc import Callable, Sequence
from typing import TYPE_CHECKING, Any

import click

from auditor.cli.options import (
    command_config,
    config_options,
    engine_options,
    engine_settings,
    execution,
    executor_options,
    selection_options,
    weights_option,
)
from auditor.engines import DEFAULT_ENGINES
from auditor.errors import AuditorError

if TYPE_CHECKING:
    from auditor.evaluate import GoldRecord
    from auditor.pipeline import Pipeline
    from auditor.runs import Execution
    from auditor.selection import Selection
    from auditor.types import DocumentResult


class _Fail(click.ClickException):
    """A user-facing error with exit code 2 (bad input, missing resource, bad option)."""

    exit_code = 2


def peak_rss_mb() -> float:
    """Peak resident memory of this process so far, in MB."""
    rss = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss
    return rss / (1024 * 1024) if sys.platform == "darwin" else rss / 1024


@click.command("eval")
@click.argument("gold", metavar="GOLD.jsonl")
@click.option("--no-source", is_flag=True, help="Ignore source_en: evaluate target-only auditing.")
@click.option(
    "--format",
    "fmt",
    type=click.Choice(["text", "json"]),
    default="text",
    show_default=True,
    help="Metrics as a text table or one JSON object.",
)
@click.option(
    "--predictions",
    "predictions_path",
    type=click.Path(dir_okay=False),
    default=None,
    metavar="OUT.jsonl",
    help="Also write the predictions, one JSON line per record (as `score --format jsonl`).",
)
@engine_options
@weights_option
@selection_options
@executor_options
@config_options
def eval_command(gold: str, no_source: bool, fmt: str, predictions_path: str | None, **kwargs: Any) -> None:
    """Measure the auditor against human error spans in GOLD.jsonl.

    GOLD.jsonl holds one record per line: id, mt_de, optional source_en, spans
    (start, end, severity, category) and an optional segment score. Prints
    character-level micro P/R/F1 (severity-aware and severity-blind) next to a
    trivial all-minor reference, Spearman/Kendall correlation of the segment
    scores, recall per gold category, precision per detector, throughput and peak
    memory. A malformed line or a span outside its text exits with status 2.

    \b
    Examples:
      auditor eval ../shared/eval/dev.jsonl --engine rules,lexical
      auditor eval ../shared/seed/nato-hegseth.jsonl --engine rules --format json --predictions p.jsonl
    """
    try:
        config = command_config(kwargs, executor=kwargs.pop("executor"), jobs=kwargs.pop("jobs"))
        how = execution(config, kwargs.pop("scheduler"))
        weights = (config.weights.minor, config.weights.major, config.weights.critical)
        settings = engine_settings(kwargs)
        engine_spec = config.engine or DEFAULT_ENGINES
        selection = config.selection()
        report, text = run_eval(gold, engine_spec, no_source, predictions_path, settings, weights, selection, how)
    except AuditorError as exc:
        raise _Fail(str(exc)) from None
    if fmt == "json":
        click.echo(json.dumps(report, ensure_ascii=False, indent=2, sort_keys=False))
    else:
        click.echo(text, nl=False)


def audit_gold(
    gold_path: str,
    gold: Sequence[GoldRecord],
    names: list[str],
    no_source: bool = False,
    settings: dict[str, Any] | None = None,
    weights: tuple[float, float, float] = (1.0, 5.0, 25.0),
    selection: Selection | None = None,
    how: Execution | None = None,
) -> tuple[Pipeline, list[DocumentResult], float, float]:
    """Run the pipeline on every gold record: (pipeline, results, load seconds, run seconds).

    The one code path from gold records to results, shared by ``auditor eval`` and
    ``bench/fit_mqm_estimate.py``. Engines get ``source_en`` unless ``no_source``. ``how``
    picks the executor; the results are the same whichever runs them.
    """
    from auditor.engines import create_engines
    from auditor.pipeline import Pipeline
    from auditor.runs import Execution, PipelineFactory, Runner, run_stream
    from auditor.types import Document, Weights

    t0 = time.perf_counter()
    engines = create_engines(names, settings or {})
    pipeline = Pipeline(engines, Weights(*weights), selection=selection)
    load_seconds = time.perf_counter() - t0

    docs = [
        Document(
            path=gold_path, text=r.text, source=None if no_source else r.source, id=r.id, origin_line=r.line
        )
        for r in gold
    ]
    results: list[DocumentResult] = []
    t1 = time.perf_counter()
    how = how or Execution()
    factory: Callable[[], Runner]
    if how.parallel:  # workers build their own pipeline, once each
        factory = PipelineFactory(tuple(names), Weights(*weights), tuple((settings or {}).items()), selection)
    else:  # this process already has one

        def factory() -> Runner:
            return lambda batch: list(pipeline.run_many(batch))

    stream = run_stream(docs, factory, how)
    if sys.stderr.isatty() and len(docs) > 1:
        with click.progressbar(length=len(docs), label="auditing", file=sys.stderr) as bar:
            for res in stream:
                results.append(res)
                bar.update(1)
    else:
        results.extend(stream)
    return pipeline, results, load_seconds, time.perf_counter() - t1


def run_eval(
    gold_path: str,
    engine_spec: str | None,
    no_source: bool,
    predictions_path: str | None,
    settings: dict[str, Any] | None = None,
    weights: tuple[float, float, float] = (1.0, 5.0, 25.0),
    selection: Selection | None = None,
    how: Execution | None = None,
) -> tuple[dict[str, Any], str]:
    """Read the gold file, run the pipeline on every record, return (JSON report, text report)."""
    from auditor.evaluate import Prediction, Span, evaluate, read_gold, render_text
    from auditor.io.atomic import check_outputs, write_atomic

    check_outputs([predictions_path], [gold_path])  # never overwrite the gold file
    gold = read_gold(gold_path)  # validates the whole file before any engine is loaded

    from auditor.engines import DEFAULT_ENGINES, parse_engine_list
    from auditor.io.writers import dumps, jsonl_record

    names = parse_engine_list(engine_spec or DEFAULT_ENGINES)
    pipeline, results, load_seconds, run_seconds = audit_gold(
        gold_path, gold, names, no_source, settings, weights, selection, how
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

    if predictions_path:
        write_atomic(predictions_path, "".join(dumps(jsonl_record(res)) + "\n" for res in results))

    metrics = evaluate(gold, predictions)
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
    report: dict[str, Any] = {
        k: run[k] for k in ("gold", "engines", "source_used", "signature", "mqm_estimator")
    }
    report.update(metrics.to_dict())
    report["throughput"] = {
        k: run[k] for k in ("segments", "load_seconds", "run_seconds", "segments_per_second", "peak_rss_mb")
    }
    if run["segments_per_second"] is None:
        run.pop("segments_per_second")
    return report, render_text(metrics, run)
