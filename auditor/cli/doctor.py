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
@click.option(
    "--compile",
    "compile_now",
    is_flag=True,
    help="Compile (or repair) the dictionary caches now, with progress, instead of on the first run.",
)
def doctor_command(as_json: bool, model_dir: str | None, compile_now: bool) -> None:
    """List every resource each engine needs: found or not, version, path, install command.

    Also verifies the compiled dictionary caches (whole-file hash and row counts against
    what was recorded when they were compiled). Exits 3 ("not ready") when a resource of the
    default engines is missing or a compiled cache is damaged; 1 is the failed gate's alone,
    so `auditor doctor` in a CI script cannot pass for a failed gate.
    """
    from auditor.engines import DEFAULT_ENGINES, ENGINES, engine_class

    if compile_now:
        from auditor.resources.lexical import compile_caches

        compile_caches(echo=lambda line: click.echo(line, err=as_json))

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
    caches = _cache_report()
    missing_default |= not all(c["found"] for c in caches)
    if as_json:
        click.echo(json.dumps({"python": sys.version.split()[0], "engines": report, "caches": caches}, indent=2))
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
        if caches:
            click.echo("compiled caches:")
        for c in caches:
            mark = "ok     " if c["found"] else "DAMAGED"
            click.echo(f"  {mark} {c['name']}  {c['path'] or ''}")
            if c.get("note"):
                click.echo(f"          note: {c['note']}")
            if not c["found"] and c.get("install"):
                click.echo(f"          repair: {c['install']}")
    if missing_default and not as_json:
        click.echo(
            f"not ready: the default engines ({DEFAULT_ENGINES}) lack a resource or a sound cache above; "
            "install or repair it, or run without dictionaries: --engine rules"
        )
    sys.exit(EXIT_NOT_READY if missing_default else 0)


def _cache_report() -> list[dict[str, object]]:
    """The deep check of the compiled dictionary caches (empty when the lexical engine is not installed)."""
    try:
        from auditor.resources.lexical import cache_statuses
    except ImportError:
        return []
    return [s.to_dict() for s in cache_statuses()]
