"""Command-line interface: thin click commands over the library.

Subcommands load lazily (click's documented LazyGroup pattern), so ``auditor
--help`` imports neither torch nor transformers nor any dictionary.
"""

from __future__ import annotations

import importlib
import logging
import signal
import sys
import traceback
from typing import Any, NoReturn

import click

from auditor import __version__
from auditor.errors import AuditorError, BatchError
from auditor.io.terminal import safe

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
        """Exit codes: 2 for user and internal errors, 130 SIGINT, 143 SIGTERM; 1 only for a failed gate."""
        try:
            return super().invoke(ctx)
        except BatchError as e:  # an engine crashed on a named document: internal, not the input's fault
            self._internal(ctx, safe(str(e)), e.__cause__)
        except AuditorError as e:
            raise AuditorClickError(safe(str(e))) from None
        except KeyboardInterrupt:
            click.echo("auditor: interrupted", err=True)
            raise click.exceptions.Exit(EXIT_SIGINT) from None
        except Terminated:
            click.echo("auditor: terminated", err=True)
            raise click.exceptions.Exit(EXIT_SIGTERM) from None
        except (click.exceptions.ClickException, click.exceptions.Exit, click.exceptions.Abort):
            raise
        except Exception as e:  # a crash must never read as "the gate failed" (exit 1)
            self._internal(ctx, safe(f"{type(e).__name__}: {e}"), e)

    @staticmethod
    def _internal(ctx: click.Context, message: str, exc: BaseException | None) -> NoReturn:
        """One line on stderr, exit 2; the traceback only with ``-v``."""
        if ctx.params.get("verbose") or ctx.find_root().params.get("verbose"):
            if exc is not None:
                traceback.print_exception(exc, file=sys.stderr)
            click.echo(f"auditor: internal error: {message}", err=True)
        else:
            click.echo(f"auditor: internal error: {message} (rerun with -v for the traceback)", err=True)
        raise click.exceptions.Exit(2) from None


class Terminated(BaseException):
    """SIGTERM, raised in the main thread so that `finally` blocks remove temporary files."""


EXIT_SIGINT = 130
EXIT_SIGTERM = 143


def _on_sigterm(signum: int, frame: object) -> None:
    raise Terminated()


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

    Exit codes: 0 success, 1 quality gate failed (or score --fail-on), 2 usage, input,
    resource or internal error, 3 not ready (doctor, models list: a resource is missing),
    130 interrupted (SIGINT), 143 terminated (SIGTERM).
    """
    signal.signal(signal.SIGTERM, _on_sigterm)
    level = logging.WARNING - 10 * verbose
    logging.basicConfig(level=max(level, logging.DEBUG), format="%(levelname)s %(name)s: %(message)s")
