"""`auditor models`: list, download (the only network path) and calibrate the neural engine's models."""

from __future__ import annotations

import json

import click

from auditor.errors import AuditorError


@click.group("models")
def models_group() -> None:
    """MarianMT models of the neural engine: where they are, how to get them.

    \b
    Resolution order: --model-dir DIR (holding de-en/ and en-de/), then $AUDITOR_MODELS,
    then the Hugging Face cache. Nothing is downloaded unless you run
    `auditor models download` or pass --allow-download to a scoring command.
    """


@models_group.command("list")
@click.option(
    "--model-dir", type=click.Path(file_okay=False), default=None, help="Folder holding de-en/ and en-de/."
)
@click.option("--json", "as_json", is_flag=True, help="Machine-readable output.")
def list_command(model_dir: str | None, as_json: bool) -> None:
    """Show each model direction: found or missing, path, revision, where it was found.

    Exits 3 ("not ready") when a model is missing (1 is reserved for a failed gate).
    """
    from auditor.resources.models import install_commands, resolve_models

    locations = resolve_models(model_dir)
    if as_json:
        click.echo(json.dumps({d: loc.to_dict() for d, loc in locations.items()}, indent=2, sort_keys=True))
    else:
        for loc in locations.values():
            if loc.found:
                click.echo(
                    f"ok       {loc.direction}  {loc.model_id}  revision {loc.revision}  {loc.path}  ({loc.origin})"
                )
            else:
                click.echo(
                    f"MISSING  {loc.direction}  {loc.model_id}  (looked in {loc.expected}, {loc.origin})"
                )
        if not all(loc.found for loc in locations.values()):
            click.echo("get them with:")
            for c in install_commands(model_dir):
                click.echo(f"  {c}")
    if not all(loc.found for loc in locations.values()):
        from auditor.cli.doctor import EXIT_NOT_READY

        raise SystemExit(EXIT_NOT_READY)


@models_group.command("download")
@click.option(
    "--dir",
    "target",
    type=click.Path(file_okay=False),
    default=None,
    help="Download into DIR/de-en and DIR/en-de (use later with --model-dir DIR or AUDITOR_MODELS=DIR). "
    "Default: the Hugging Face cache.",
)
@click.option("--direction", type=click.Choice(["de-en", "en-de", "both"]), default="both", show_default=True)
@click.option("--revision", default=None, help="Hub revision (branch, tag or commit) to pin.")
def download_command(target: str | None, direction: str, revision: str | None) -> None:
    """Download the opus-mt models from the Hugging Face hub (needs network; explicit only)."""
    from auditor.resources.models import DIRECTIONS, download_models

    dirs = DIRECTIONS if direction == "both" else (direction,)
    try:
        locations = download_models(target, directions=dirs, revision=revision)
    except AuditorError:
        raise
    except Exception as exc:  # network, authentication, disk: user-facing, exit 2
        raise AuditorError(f"download failed: {exc}") from exc
    for loc in locations.values():
        click.echo(f"ok  {loc.direction}  {loc.model_id}  revision {loc.revision}  {loc.path}")


@models_group.command("calibrate")
@click.option(
    "--dev",
    "dev_path",
    type=click.Path(exists=True, dir_okay=False),
    required=True,
    help="Annotated JSONL (source_en, mt_de, spans), e.g. ../shared/eval/dev.jsonl.",
)
@click.option(
    "--model-dir", type=click.Path(file_okay=False), default=None, help="Folder holding de-en/ and en-de/."
)
@click.option(
    "-o",
    "--output",
    type=click.Path(dir_okay=False),
    default=None,
    help="Thresholds file [default: MODEL_DIR/neural-thresholds.json, else the auditor cache].",
)
@click.option("--limit", type=click.IntRange(1), default=None, help="Use only the first N records.")
@click.option("--batch-size", type=click.IntRange(1), default=16, show_default=True)
@click.option("--threads", type=click.IntRange(1), default=None)
@click.option("--device", default="auto", show_default=True)
def calibrate_command(
    dev_path: str,
    model_dir: str | None,
    output: str | None,
    limit: int | None,
    batch_size: int,
    threads: int | None,
    device: str,
) -> None:
    """Fit the forced-decoding thresholds on annotated data with the installed models."""
    from pathlib import Path

    from auditor.engines.neural import THRESHOLDS_FILE, NeuralEngine
    from auditor.engines.neural.calibrate import calibrate
    from auditor.resources import cache_dir

    engine = NeuralEngine(
        model_dir=model_dir, batch_size=batch_size, threads=threads, device=device, cache_dir="off"
    )
    thresholds, report = calibrate(engine, dev_path, limit=limit)
    out = Path(output) if output else (Path(model_dir) if model_dir else cache_dir()) / THRESHOLDS_FILE
    thresholds.save(out)
    report["written"] = str(out)
    click.echo(json.dumps(report, indent=2, sort_keys=True))
