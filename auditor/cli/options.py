"""Option decorators shared by the commands that run the pipeline (score, gate, eval)."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any, TypeVar

import click

from auditor.engines import DEFAULT_ENGINES

F = TypeVar("F", bound=Callable[..., Any])


def engine_options(func: F) -> F:
    """--engine and the settings engines take (only the engines that use them read them)."""
    options = [
        click.option(
            "--engine",
            "engine",
            default=None,
            metavar="NAMES",
            help="Comma-separated engines: rules (typography/tokenisation artefacts), "
            f"lexical (offline dictionaries), neural (MarianMT models) [config, else {DEFAULT_ENGINES}].",
        ),
        click.option(
            "--model-dir",
            type=click.Path(file_okay=False),
            default=None,
            help="neural: folder holding de-en/ and en-de/ Marian models (else $AUDITOR_MODELS, "
            "else the Hugging Face cache).",
        ),
        click.option(
            "--allow-download", is_flag=True, help="neural: allow downloading missing models from the hub."
        ),
        click.option("--batch-size", type=click.IntRange(1), default=16, show_default=True, help="neural: batch size."),
        click.option("--threads", type=click.IntRange(1), default=None, help="neural: torch CPU threads."),
        click.option(
            "--device", default="auto", show_default=True, help="neural: auto, cpu, cuda or cuda:N."
        ),
        click.option("--beams", type=click.IntRange(1), default=1, show_default=True, help="neural: beam size."),
        click.option(
            "--cache-dir",
            type=click.Path(file_okay=False),
            default=None,
            help="Where compiled dictionaries and translation caches live (default: user cache dir, "
            "or $AUDITOR_CACHE); may be a shared, read-only directory every worker reads.",
        ),
    ]
    for option in reversed(options):
        func = option(func)
    return func


def engine_settings(kwargs: dict[str, Any]) -> dict[str, Any]:
    """Pop the engine settings out of a command's keyword arguments."""
    keys = ("model_dir", "allow_download", "batch_size", "threads", "device", "beams", "cache_dir")
    return {k: kwargs.pop(k) for k in keys if k in kwargs}


def input_options(func: F) -> F:
    """Options saying how to read JSONL records."""
    options = [
        click.option(
            "--text-field", default=None, metavar="NAME", help="JSONL: field with the German text [mt_de, then text]."
        ),
        click.option(
            "--source-field",
            default=None,
            metavar="NAME",
            help="JSONL: field with the English source [source_en, then source].",
        ),
        click.option("--id-field", default="id", show_default=True, metavar="NAME", help="JSONL: record id field."),
        click.option(
            "--input-format",
            type=click.Choice(["auto", "text", "jsonl"]),
            default="auto",
            show_default=True,
            help="auto: .jsonl/.ndjson files are JSONL, everything else text.",
        ),
    ]
    for option in reversed(options):
        func = option(func)
    return func


def parse_weights(value: str | None) -> tuple[float, float, float]:
    if value is None:
        return (1.0, 5.0, 25.0)
    try:
        parts = tuple(float(x) for x in value.split(","))
    except ValueError:
        parts = ()
    if len(parts) != 3 or any(p < 0 for p in parts):
        raise click.BadParameter("expected three non-negative numbers MINOR,MAJOR,CRITICAL, e.g. 1,5,25")
    return parts  # type: ignore[return-value]


weights_option = click.option(
    "--weights",
    default=None,
    metavar="MINOR,MAJOR,CRITICAL",
    help="MQM penalty per finding severity [config, else 1,5,25].",
)


def _split_terms(_ctx: click.Context, _param: click.Parameter, value: tuple[str, ...]) -> tuple[str, ...] | None:
    """``--ignore a,b --ignore c`` → ``("a", "b", "c")``; nothing given → ``None`` (the config's)."""
    terms = tuple(t.strip() for v in value for t in v.split(",") if t.strip())
    return terms or None


def selection_options(func: F) -> F:
    """--select / --ignore (detector ids, engine prefixes, category:NAME), as ruff and Vale do."""
    options = [
        click.option(
            "--select",
            multiple=True,
            metavar="IDS",
            callback=_split_terms,
            help="Only these detectors report: ids, engines (lexical) or category:NAME; comma-separated or "
            "repeated (see `auditor rules`).",
        ),
        click.option(
            "--ignore",
            multiple=True,
            metavar="IDS",
            callback=_split_terms,
            help="These detectors never report (wins over --select), e.g. --ignore lexical.unaligned.",
        ),
    ]
    for option in reversed(options):
        func = option(func)
    return func


def profile_option(func: F) -> F:
    """--profile: the operating point (precise, balanced, thorough), over the config's ``profile``."""
    from auditor.profiles import PROFILES

    return click.option(
        "--profile",
        type=click.Choice(PROFILES),
        default=None,
        help="Operating point: precise (a gate that must not cry wolf), balanced, thorough (triage) "
        "[config, else balanced]; `auditor explain ID` shows the thresholds.",
    )(func)


def config_options(func: F) -> F:
    """--config FILE and --isolated: which configuration file is read, if any."""
    options = [
        click.option(
            "--config",
            "config_path",
            type=click.Path(dir_okay=False),
            default=None,
            metavar="FILE",
            help="Read this auditor.toml or pyproject.toml [default: the nearest one upwards].",
        ),
        click.option("--isolated", is_flag=True, help="Ignore every configuration file (defaults and flags only)."),
    ]
    for option in reversed(options):
        func = option(func)
    return func


def load_settings(config_path: str | None, isolated: bool) -> Any:
    """The configuration in force for a command (an ``auditor.config.Config``)."""
    from auditor.config import Config, load_config

    if isolated:
        if config_path:
            raise click.UsageError("--config and --isolated exclude each other")
        return Config()
    return load_config(config_path)


def command_config(kwargs: dict[str, Any], **extra: Any) -> Any:
    """The configuration in force for score and eval: the file (or none), then their flags.

    Pops ``--config``, ``--isolated``, ``--engine``, ``--weights``, ``--select``, ``--ignore`` and
    ``--profile`` from the command's keyword arguments; ``extra`` are further flag values
    (``min_severity``)."""
    given = kwargs.pop("weights")
    return load_settings(kwargs.pop("config_path"), kwargs.pop("isolated")).override(
        engine=kwargs.pop("engine"),
        weights=None if given is None else dict(zip(("minor", "major", "critical"), parse_weights(given))),
        select=kwargs.pop("select"),
        ignore=kwargs.pop("ignore"),
        profile=kwargs.pop("profile", None),
        **extra,
    )


def executor_options(func: F) -> F:
    """--executor, --jobs and --scheduler: where the batches run (the output is the same)."""
    options = [
        click.option(
            "--executor",
            type=click.Choice(["serial", "processes", "dask"]),
            default=None,
            help="Where batches run: serial (this process), processes (--jobs local workers) or dask "
            "(a cluster; see --scheduler) [config, else serial]. The output is the same.",
        ),
        click.option(
            "--jobs",
            "-j",
            type=click.IntRange(1),
            default=None,
            help="Workers: processes, or a local dask cluster's size; --jobs N alone means "
            "--executor processes [config, else 1].",
        ),
        click.option(
            "--scheduler",
            default=None,
            metavar="ADDRESS",
            help="dask: join this scheduler (tcp://host:8786) instead of starting a local cluster "
            "[$AUDITOR_DASK_SCHEDULER].",
        ),
    ]
    for option in reversed(options):
        func = option(func)
    return func


def execution(config: Any, scheduler: str | None) -> Any:
    """The :class:`auditor.runs.Execution` the settings in force ask for."""
    from auditor.runs import Execution

    if scheduler and config.executor != "dask":
        raise click.UsageError("--scheduler goes with --executor dask")
    return Execution(config.executor, config.jobs, scheduler)
