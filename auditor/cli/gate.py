"""``auditor gate``: a CI quality gate over files, directories, JSONL, RSS/Atom feeds and stdin.

Exit codes: 0 the gate passed, 1 the gate failed, 2 usage or input error (the
message names the file, and no report is written or left half-written); an
unexpected exception is also exit 2, never 1, so a crash cannot pass for a failed gate.
"""

from __future__ import annotations

import os
import sys
from collections.abc import Iterator

import click

from auditor.cli.options import (
    engine_options,
    executor_options,
    profile_option,
    selection_options,
    weights_option,
)
from auditor.errors import AuditorError
from auditor.io.terminal import safe

EPILOG = """\b
Exit codes:
  0  the quality gate passed
  1  the quality gate failed (a document is below --min-score or over a --max-* limit)
  2  usage, configuration or input error (the culprit is named; no report is written),
     or an internal error (never reported as a failed gate)

\b
Configuration: [tool.auditor] in pyproject.toml or auditor.toml (see `auditor config --example`);
flags override the file."""


@click.command(
    "gate",
    epilog=EPILOG,
    context_settings={"help_option_names": ["-h", "--help"], "max_content_width": 100},
)
@click.argument("paths", nargs=-1, required=True, metavar="PATH...")
@click.option(
    "--min-score", type=click.FloatRange(0, 100), default=None, help="Lowest document score that passes [90]."
)
@click.option(
    "--max-critical", type=click.IntRange(0), default=None, help="Most critical findings per document [0]."
)
@click.option(
    "--max-major", type=click.IntRange(0), default=None, help="Most major findings per document [no limit]."
)
@click.option(
    "--max-minor", type=click.IntRange(0), default=None, help="Most minor findings per document [no limit]."
)
@engine_options
@weights_option
@click.option(
    "--source",
    "source_path",
    type=click.Path(dir_okay=False),
    default=None,
    help="English source of a text file, line-aligned with it (one text file only; JSONL records carry theirs).",
)
@click.option(
    "--glob", "globs", multiple=True, metavar="PATTERN", help="Files a directory is walked for (repeatable)."
)
@click.option(
    "--exclude", "excludes", multiple=True, metavar="PATTERN", help="Files to leave out (repeatable)."
)
@executor_options
@click.option("--junit", "junit_path", metavar="FILE", default=None, help="Write a JUnit XML report.")
@click.option("--sarif", "sarif_path", metavar="FILE", default=None, help="Write a SARIF 2.1.0 report.")
@click.option("--html", "html_path", metavar="FILE", default=None, help="Write a self-contained HTML report.")
@click.option(
    "--github",
    is_flag=True,
    help="GitHub Actions annotations on stdout (within GitHub's per-step limits); "
    "a Markdown summary to $GITHUB_STEP_SUMMARY when set.",
)
@click.option(
    "--baseline",
    "baseline_path",
    metavar="FILE",
    default=None,
    help="Accepted findings do not fail the gate.",
)
@click.option(
    "--write-baseline",
    "write_baseline",
    metavar="FILE",
    default=None,
    help="Accept every current finding: write them to FILE and exit 0.",
)
@click.option(
    "--prune",
    is_flag=True,
    help="With --baseline: rewrite the baseline without its stale entries (findings that are gone).",
)
@click.option(
    "--config",
    "config_path",
    metavar="FILE",
    default=None,
    help="Configuration file [auditor.toml / pyproject.toml, searched upwards].",
)
@selection_options
@profile_option
@click.option("--isolated", is_flag=True, help="Ignore every configuration file (defaults and flags only).")
@click.option("--text-field", default=None, help="JSONL field with the German text [mt_de, text].")
@click.option("--source-field", default=None, help="JSONL field with the English source [source_en, source].")
@click.option("--id-field", default=None, help="JSONL field with the record id [id].")
@click.option("--progress/--no-progress", default=None, help="Progress bar on stderr [only on a terminal].")
@click.option(
    "--quiet", "-q", is_flag=True, help="No summary table; on failure only the failing documents and their findings."
)
@click.pass_context
def gate_command(ctx: click.Context, paths: tuple[str, ...], **opts: object) -> None:
    """Fail (exit 1) when machine-translated German is below the quality bar.

    PATH is a text file, a directory (walked recursively for --glob), a JSONL file
    (one document per record), an RSS or Atom feed (one document per item), or -
    for stdin.
    """
    try:
        code = _run(paths, opts)
    except AuditorError as exc:
        click.echo(f"auditor gate: error: {safe(str(exc))}", err=True)
        ctx.exit(2)
    except click.ClickException:  # a bad --weights or --config/--isolated: click's usage error, exit 2
        raise
    except Exception as exc:  # a crash must never look like "the gate failed" (exit 1)
        import traceback

        message = safe(f"{type(exc).__name__}: {exc}")
        if ctx.find_root().params.get("verbose"):
            traceback.print_exc(file=sys.stderr)
            click.echo(f"auditor gate: internal error: {message}", err=True)
        else:
            click.echo(f"auditor gate: internal error: {message} (rerun with -v for the traceback)", err=True)
        ctx.exit(2)
    ctx.exit(code)


def _run(paths: tuple[str, ...], opts: dict) -> int:
    from auditor import gate
    from auditor.baseline import Baseline
    from auditor.cli.options import engine_settings, execution, load_settings, parse_weights
    from auditor.engines import parse_engine_list
    from auditor.io import reports

    config = load_settings(opts["config_path"], bool(opts["isolated"])).override(
        min_score=opts["min_score"],
        max_critical=opts["max_critical"],
        max_major=opts["max_major"],
        max_minor=opts["max_minor"],
        engine=opts["engine"],
        weights=None
        if opts["weights"] is None
        else dict(zip(("minor", "major", "critical"), parse_weights(str(opts["weights"])))),
        glob=opts["globs"] or None,
        exclude=opts["excludes"] or None,
        jobs=opts["jobs"],
        executor=opts["executor"],
        baseline=opts["baseline_path"],
        text_field=opts["text_field"],
        source_field=opts["source_field"],
        id_field=opts["id_field"],
        select=opts["select"],
        ignore=opts["ignore"],
        profile=opts["profile"],
    )
    engines = parse_engine_list(config.engine)
    selection = config.selection()  # unknown detector ids fail here, before any work
    how = execution(config, opts["scheduler"])
    outputs = [p for p in (opts["junit_path"], opts["sarif_path"], opts["html_path"], opts["write_baseline"]) if p]
    from auditor.io import atomic

    atomic.check_outputs(outputs, [p for p in paths if os.path.isfile(p)])
    baseline = Baseline.load(config.baseline) if config.baseline and not opts["write_baseline"] else None
    if opts["prune"]:
        if baseline is None or not config.baseline:
            raise click.UsageError("--prune needs --baseline FILE (or baseline in the configuration)")
        atomic.check_outputs([config.baseline], [p for p in paths if os.path.isfile(p)])

    source_path = opts["source_path"]
    if source_path:
        if len(paths) != 1 or not os.path.isfile(paths[0]):
            raise AuditorError(f"{source_path}: --source goes with exactly one input file")
        atomic.check_outputs(outputs, [source_path])
    inputs = gate.Inputs(paths, config, source_path=source_path)
    count = inputs.validate()  # every input read and checked before any work; nothing kept
    if not count:
        raise AuditorError(f"{', '.join(paths)}: no documents to check")
    settings = tuple(sorted({**engine_settings(opts), "profile": config.profile}.items()))
    factory = gate.PipelineFactory(tuple(engines), config.weights, settings, selection=selection)
    progress = gate.Progress(count, sys.stderr, enabled=opts["progress"])
    results = gate.results(inputs, factory, progress=progress, execution=how, count=count)

    if opts["write_baseline"]:
        # from_results consumes the stream: it keeps the entries, not the documents
        accepted = Baseline.from_results((r.document, r.findings) for r in results)
        reports.write_atomic(opts["write_baseline"], accepted.to_json())
        click.echo(f"wrote {len(accepted)} accepted findings of {count} documents to {opts['write_baseline']}")
        return gate.EXIT_PASSED

    decision, use = gate.decide_stream(results, config, baseline, keep_full=bool(opts["html_path"]))
    if baseline is not None and use is not None:
        for message in use.messages():
            click.echo(f"auditor gate: warning: {message}", err=True)
        if opts["prune"] and config.baseline:
            reports.write_atomic(config.baseline, baseline.without(use.stale).to_json())
            click.echo(
                f"auditor gate: pruned {len(use.stale)} stale entr{'y' if len(use.stale) == 1 else 'ies'} "
                f"from {config.baseline} ({len(baseline) - len(use.stale)} left)",
                err=True,
            )
    rendered: list[tuple[str, str | Iterator[str]]] = []
    if opts["junit_path"]:
        rendered.append((opts["junit_path"], reports.junit_parts(decision)))  # written as it is made
    if opts["sarif_path"]:
        sarif_pieces, sarif_warning = reports.sarif_stream(decision)  # measured now, written as it is made
        if sarif_warning:
            click.echo(f"auditor gate: warning: {sarif_warning}", err=True)
        rendered.append((opts["sarif_path"], sarif_pieces))
    if opts["html_path"]:
        from auditor.io.html import render_gate_html

        rendered.append((opts["html_path"], render_gate_html(decision)))
    atomic.write_reports(rendered)  # all reports or none
    if opts["github"]:
        from auditor.io import github

        click.echo(github.render(decision), nl=False)
        github.append_step_summary(decision)
    # line by line: the verdicts are read back from their spill file, the text is never held whole
    if not opts["quiet"]:
        for line in reports.summary_lines(decision):
            click.echo(line, nl=False)
    if not decision.passed and not (opts["quiet"] and opts["github"]):  # -q --github: annotations only
        if not opts["quiet"]:
            click.echo("")
        for line in reports.failing_lines(decision):
            click.echo(line, nl=False)
    return decision.exit_code
