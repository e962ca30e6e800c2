"""`auditor score`: flag and score German MT text."""

from __future__ import annotations

import sys
from typing import Any

import click

from auditor.cli.options import (
    command_config,
    config_options,
    engine_options,
    engine_settings,
    execution,
    executor_options,
    input_options,
    profile_option,
    selection_options,
    weights_option,
)


@click.command("score")
@click.argument("paths", nargs=-1, required=True, metavar="PATH...")
@click.option(
    "--format",
    "fmt",
    type=click.Choice(["text", "json", "jsonl", "line", "html"]),
    default="text",
    show_default=True,
    help="text: highlighted spans and scores; json: one report object; jsonl: one line per document/record; "
    "line: one finding a line, path:line:col: severity detector: message (for editors and grep); "
    "html: a self-contained page.",
)
@click.option("-q", "--only-flagged", is_flag=True, help="text: print only the sentences that have findings.")
@click.option("--statistics", is_flag=True, help="Print finding counts per detector and severity instead of the report.")
@click.option(
    "--fail-on",
    type=click.Choice(["minor", "major", "critical"]),
    default=None,
    help="Exit 1 when a finding at or above this severity remains (as linters do).",
)
@click.option(
    "--stdin-filename", default="<stdin>", show_default=True, metavar="NAME", help="The name piped input (-) carries in reports."
)
@click.option(
    "--source",
    "source_path",
    type=click.Path(dir_okay=False),
    default=None,
    help="English source of a text file, line-aligned with it (line N translates line N).",
)
@click.option("-o", "--output", type=click.Path(dir_okay=False), default=None, help="Write the report here (atomically).")
@click.option("--color/--no-color", default=None, help="Colour the flagged spans [default: when stdout is a terminal].")
@engine_options
@input_options
@weights_option
@selection_options
@executor_options
@click.option(
    "--min-severity",
    type=click.Choice(["minor", "major", "critical"]),
    default=None,
    help="Report only findings at least this severe [config, else all].",
)
@profile_option
@config_options
def score_command(paths: tuple[str, ...], fmt: str, only_flagged: bool, statistics: bool, fail_on: str | None,
                  stdin_filename: str, source_path: str | None, output: str | None,
                  color: bool | None, **kwargs: Any) -> None:
    """Flag garbled spans in German MT and score each sentence and document (0–100).

    PATH is a UTF-8 text file, a JSONL file (one record per line; .jsonl/.ndjson) or
    - for stdin. With --source, the English original of a text file is used for
    alignment checks; JSONL records carry theirs in `source_en`.

    \b
    Examples:
      auditor score corpora/mt-sample-de.txt
      auditor score article.de.txt --source article.en.txt --format json
      auditor score feed.jsonl --format jsonl --engine rules
      cat text.txt | auditor score -

    Scores: every finding costs its MQM weight (minor 1, major 5, critical 25);
    score = 100 − 100 × penalty / words, per sentence and per document.
    """
    from auditor.engines import parse_engine_list
    from auditor.io.readers import ReadOptions, read_documents
    from auditor.io.writers import (
        dumps,
        jsonl_record,
        render_line,
        render_statistics,
        render_text,
        report_json,
        use_color,
    )
    from auditor.runs import PipelineFactory, run_stream

    config = command_config(
        kwargs, min_severity=kwargs.pop("min_severity"), executor=kwargs.pop("executor"), jobs=kwargs.pop("jobs")
    )
    how = execution(config, kwargs.pop("scheduler"))
    settings = {**engine_settings(kwargs), "profile": config.profile}
    names = parse_engine_list(config.engine)
    options = ReadOptions(
        text_field=kwargs.pop("text_field"),
        source_field=kwargs.pop("source_field"),
        id_field=kwargs.pop("id_field"),
        source_path=source_path,
        input_format=kwargs.pop("input_format"),
        stdin_name=stdin_filename,
    )
    from auditor.io.atomic import check_outputs, write_atomic

    check_outputs([output], [*paths, *([source_path] if source_path else [])])  # before any work
    selection = config.selection()  # unknown detector ids fail here, before any work
    factory = PipelineFactory(tuple(names), config.weights, tuple(settings.items()), selection)
    if fmt == "jsonl" and not statistics:
        flagged = _stream_jsonl(paths, options, factory, how, output, fail_on)
        if flagged:
            sys.exit(1)
        return
    from auditor.gate import Progress

    docs = read_documents(list(paths), options)
    progress = Progress(len(docs), sys.stderr)  # drawn only when stderr is a terminal
    results = []
    for result in run_stream(docs, factory, how):
        results.append(result)
        progress.advance()
    progress.close()
    signature = results[0].signature if results else factory.signature()

    if statistics:
        out = render_statistics(results)
    elif fmt == "line":
        out = render_line(results)
    elif fmt == "json":
        out = dumps(report_json(results, signature), indent=2) + "\n"
    elif fmt == "html":
        from auditor.io.html import render_score_html

        out = render_score_html(results, signature)
    elif fmt == "jsonl":
        out = "".join(dumps(jsonl_record(r)) + "\n" for r in results)
    else:
        colored = use_color(color, output is None and sys.stdout.isatty())
        out = render_text(results, signature, color=colored, only_flagged=only_flagged)
        if config.source:
            out += f"config: {config.source}\n"
    if output:
        write_atomic(output, out)
    else:
        click.echo(out, nl=False, color=True)
    if fail_on is not None and _at_or_above(results, fail_on):
        sys.exit(1)


def _at_or_above(results: Any, fail_on: str) -> bool:
    """True when a finding of ``results`` is at least as severe as ``fail_on``."""
    from auditor.types import SEVERITY_RANK

    threshold = SEVERITY_RANK[fail_on]
    return any(SEVERITY_RANK[f.severity] >= threshold for r in results for f in r.findings)


def _stream_jsonl(paths: tuple[str, ...], options: Any, factory: Any, how: Any, output: str | None,
                  fail_on: str | None) -> bool:
    """``--format jsonl`` in bounded memory: validate every input, then score and write record by record.

    Returns whether a finding reached ``--fail-on``. A record that fails to score stops the
    run before the ``-o`` file is renamed into place (the temporary is removed)."""
    from auditor.gate import Progress
    from auditor.io.atomic import StreamingReport
    from auditor.io.stream import DocumentStream
    from auditor.io.writers import dumps, jsonl_record
    from auditor.runs import run_stream

    docs = DocumentStream(paths, options)
    count = docs.validate()  # first pass: a bad record anywhere stops the run before any output
    progress = Progress(count, sys.stderr)  # drawn only when stderr is a terminal
    flagged = False
    with StreamingReport(output) as report:
        for result in run_stream(docs, factory, how):
            report.write(dumps(jsonl_record(result)) + "\n")
            progress.advance()
            flagged = flagged or (fail_on is not None and _at_or_above([result], fail_on))
        report.commit()
    progress.close()
    return flagged
