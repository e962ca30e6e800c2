"""Command-line interface: thin click commands over the library.

Subcommands load lazily (click's documented LazyGroup pattern), so ``auditor
--help`` imports neither torch nor transformers nor any dictionary.
"""

from __future__ import annotations

import importlib
import logging
from typing import Any

import click

from auditor import __version__
from auditor.errors import AuditorError

#: command name → "module:attribute"; order is the order shown in --help.
COMMANDS: dict[str, str] = {
    "score": "auditor.cli.score:score_command",
    "gate": "auditor.cli.gate:gate_command",
    "eval": "auditor.cli.eval_cmd:eval_command",
    "rules": "auditor.cli.rules_cmd:rules_command",
    "explain": "auditor.cli.rules_cmd:explain_command",
    "doctor": "auditor.cli.doctor:doctor_command",
    "models": "auditor.cli.models_cmd:models_group",
    "config": "auditor.cli.config_cmd:config_command",
}


class AuditorClickError(click.ClickException):
    """A library error at the CLI edge: message on stderr, exit code 2."""

    exit_code = 2


class LazyGroup(click.Group):
    def list_commands(self, ctx: click.Context) -> list[str]:
        return [name for name in COMMANDS if self._load(name) is not None]

    def get_command(self, ctx: click.Context, cmd_name: str) -> click.Command | None:
        return self._load(cmd_name) if cmd_name in COMMANDS else None

    @staticmethod
    def _load(name: str) -> click.Command | None:
        module_name, attr = COMMANDS[name].split(":")
        try:
            module = importlib.import_module(module_name)
        except ModuleNotFoundError as e:
            if e.name == module_name:  # command not installed in this build
                return None
            raise
        cmd = getattr(module, attr)
        assert isinstance(cmd, click.Command)
        return cmd

    def invoke(self, ctx: click.Context) -> Any:
        try:
            return super().invoke(ctx)
        except AuditorError as e:
            raise AuditorClickError(str(e)) from None


@click.group(cls=LazyGroup, context_settings={"help_option_names": ["-h", "--help"]})
@click.version_option(__version__, prog_name="auditor")
@click.option("-v", "--verbose", count=True, help="More log output on stderr (-vv for debug).")
def main(verbose: int) -> None:
    """Audit German machine translation: flag garbled spans, score sentences, gate feeds.

    \b
    Examples:
      auditor score corpora/mt-sample-de.txt          # highlighted text, scores
      auditor score article.txt --source article.en.txt --format json
      auditor gate feeds/ --min-score 90 --junit report.xml
      auditor eval gold.jsonl --engine rules,lexical   # measure against annotations
      auditor doctor                                   # which resources are installed

    Exit codes: 0 success, 1 quality gate failed, 2 usage or input error.
    """
    level = logging.WARNING - 10 * verbose
    logging.basicConfig(level=max(level, logging.DEBUG), format="%(levelname)s %(name)s: %(message)s")
