"""``auditor config``: print a commented example configuration, or the one in force."""

from __future__ import annotations

import click

from auditor.errors import AuditorError


@click.command("config", context_settings={"help_option_names": ["-h", "--help"]})
@click.option("--example", is_flag=True, help="Print a commented example auditor.toml.")
@click.option(
    "--pyproject", is_flag=True, help="With --example: as a [tool.auditor] table for pyproject.toml."
)
@click.option(
    "--config", "config_path", metavar="FILE", default=None, help="Check this file instead of searching."
)
@click.pass_context
def config_command(ctx: click.Context, example: bool, pyproject: bool, config_path: str | None) -> None:
    """Show the configuration in force (checked strictly), or --example.

    The file is auditor.toml, or [tool.auditor] in pyproject.toml, searched from the
    current directory upwards; an unknown key is an error (exit 2).
    """
    from auditor import config as cfg

    if example:
        click.echo(cfg.example(pyproject=pyproject), nl=False)
        return
    try:
        conf = cfg.load_config(config_path)
    except AuditorError as exc:
        click.echo(f"auditor config: error: {exc}", err=True)
        ctx.exit(2)
    click.echo(f"# source: {conf.source or 'built-in defaults (no auditor.toml or [tool.auditor] found)'}")
    for key, value in cfg.as_toml_items(conf):
        click.echo(f"{key} = {value}")
