"""``auditor eval``: run the auditor on a gold JSONL file and print span/score metrics."""

from __future__ import annotations

import json
import sys
from collections.abc import Iterator
from typing import TYPE_CHECKING, Any

import click

from auditor.cli.options import (
    command_config,
    config_options,
    engine_options,
    engine_settings,
    execution,
    executor_options,
    profile_option,
    selection_options,
    weights_option,
)
from auditor.engines import DEFAULT_ENGINES
from auditor.errors import AuditorError, BatchError
from auditor.eval_run import audit_gold, run_eval  # audit_gold: re-exported for older callers
from auditor.io.terminal import safe

__all__ = ["audit_gold", "eval_command", "run_eval"]

if TYPE_CHECKING:
    from auditor.types import DocumentResult


class _Fail(click.ClickException):
    """A user-facing error with exit code 2 (bad input, missing resource, bad option)."""

    exit_code = 2


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
@click.option("--html", "html_path", type=click.Path(dir_okay=False), default=None, metavar="FILE",
              help="Also write the figures as a self-contained HTML page (inline SVG charts).")
@click.option(
    "--human",
    "human_path",
    type=click.Path(dir_okay=False, exists=True),
    default=None,
    metavar="HUMAN.jsonl",
    help="Also audit human translations of the same sources and print the human-vs-MT table.",
)
@engine_options
@weights_option
@selection_options
@profile_option
@executor_options
@config_options
def eval_command(
    gold: str,
    no_source: bool,
    fmt: str,
    predictions_path: str | None,
    html_path: str | None,
    human_path: str | None,
    **kwargs: Any,
) -> None:
    """Measure the auditor against human error spans in GOLD.jsonl.

    GOLD.jsonl holds one record per line: id, mt_de, optional source_en, spans
    (start, end, severity, category) and an optional segment score. Prints
    character-level micro P/R/F1 (severity-aware and severity-blind) next to a
    trivial all-minor reference, Spearman/Kendall correlation of the segment
    scores, recall per gold category, precision per detector, throughput and peak
    memory. With --human, the human translations of the same sources are audited too
    and the human-vs-MT table follows (share flagged, penalty per 100 words, findings
    per detector, how often a human translation scores above the MT of its source).
    A malformed line or a span outside its text exits with status 2.

    \b
    Examples:
      auditor eval ../shared/eval/dev.jsonl --engine rules,lexical
      auditor eval ../shared/seed/nato-hegseth.jsonl --engine rules --format json --predictions p.jsonl
      auditor eval ../shared/eval/dev.jsonl --human ../shared/eval/dev_human.jsonl --profile precise
    """
    try:
        config = command_config(kwargs, executor=kwargs.pop("executor"), jobs=kwargs.pop("jobs"))
        how = execution(config, kwargs.pop("scheduler"))
        weights = (config.weights.minor, config.weights.major, config.weights.critical)
        settings = {**engine_settings(kwargs), "profile": config.profile}
        engine_spec = config.engine or DEFAULT_ENGINES
        selection = config.selection()
        report, text = run_eval(
            gold, engine_spec, no_source, predictions_path, settings, weights, selection, _progress, human_path,
            html_path=html_path, how=how,
        )
    except BatchError:
        raise  # an engine crashed: the group reports it as an internal error
    except AuditorError as exc:
        raise _Fail(safe(str(exc))) from None
    if fmt == "json":
        click.echo(json.dumps(report, ensure_ascii=False, indent=2, sort_keys=False))
    else:
        click.echo(text, nl=False)


def _progress(stream: Iterator[DocumentResult], n: int) -> Iterator[DocumentResult]:
    """A progress bar on stderr when it is a terminal and there is more than one record."""
    if not sys.stderr.isatty() or n <= 1:
        yield from stream
        return
    with click.progressbar(length=n, label="auditing", file=sys.stderr) as bar:
        for res in stream:
            bar.update(1)
            yield res
