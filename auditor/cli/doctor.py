"""`auditor doctor`: which engines and resources are installed, and how to get the rest."""

from __future__ import annotations

import json
import sys

import click

#: doctor and `models list`: a resource the engines need is missing (README, exit codes)
EXIT_NOT_READY = 3


@click.command("doctor")
@click.option("--json", "as_json", is_flag=True, help="Machine-readable output.")
@click.option("--model-dir", type=click.Path(file_okay=False), default=None, help="Also look for models here.")
def doctor_command(as_json: bool, model_dir: str | None) -> None:
    """List every resource each engine needs: found or not, version, path, install command.

    Exits 3 ("not ready") when a resource of the default engines is missing; 1 is the
    failed gate's alone, so `auditor doctor` in a CI script cannot pass for a failed gate.
    """
    from auditor.engines import DEFAULT_ENGINES, ENGINES, engine_class

    settings = {"model_dir": model_dir}
    report: dict[str, list[dict[str, object]]] = {}
    missing_default = False
    default = DEFAULT_ENGINES.split(",")
    for name in ENGINES:
        try:
            found = engine_class(name).resources(settings)
        except ImportError as e:  # the engine's Python dependencies are absent
            report[name] = [{"name": f"python package {e.name}", "found": False,
                             "install": "make setup", "version": None, "path": None, "note": str(e)}]
            missing_default |= name in default
            continue
        report[name] = [s.to_dict() for s in found]
        # optional resources (off by default) never make the default engines "not ready"
        missing_default |= name in default and not all(s.found or "(optional)" in s.name for s in found)
    if as_json:
        click.echo(json.dumps({"python": sys.version.split()[0], "engines": report}, indent=2))
    else:
        click.echo(f"python {sys.version.split()[0]}")
        for name, entries in report.items():
            click.echo(f"engine {name}:" + (" (no external resources)" if not entries else ""))
            for s in entries:
                mark = "ok     " if s["found"] else "MISSING"
                detail = " ".join(str(x) for x in (s.get("version"), s.get("path")) if x)
                click.echo(f"  {mark} {s['name']}  {detail}")
                if not s["found"] and s.get("install"):
                    click.echo(f"          install: {s['install']}")
                if s.get("note"):
                    click.echo(f"          note: {s['note']}")
    if missing_default and not as_json:
        click.echo(
            f"not ready: the default engines ({DEFAULT_ENGINES}) lack a resource above; install it, "
            "or run without dictionaries: --engine rules"
        )
    sys.exit(EXIT_NOT_READY if missing_default else 0)
