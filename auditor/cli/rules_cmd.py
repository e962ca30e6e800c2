"""``auditor rules`` and ``auditor explain ID``: the detector catalogue, from the declarations."""

from __future__ import annotations

import json
from typing import Any

import click

from auditor.errors import ConfigError


def _calibration() -> dict[str, Any]:
    from auditor.engines.lexical.calibration import load_calibration

    return load_calibration()


@click.command("rules")
@click.option("--engine", "engine", default=None, metavar="NAME", help="Only this engine's detectors.")
@click.option(
    "--format",
    "fmt",
    type=click.Choice(["text", "json", "markdown"]),
    default="text",
    show_default=True,
    help="text: a table; json: one object per detector; markdown: the README table.",
)
def rules_command(engine: str | None, fmt: str) -> None:
    """List every detector: id, engine, category, default severity, source need, summary.

    Precision on dev is the finding precision of the detector's reported calibration bins on
    ../shared/eval/dev.jsonl, where it was measured ("–" where it was not).

    \b
    Examples:
      auditor rules
      auditor rules --engine lexical --format json
      auditor explain lexical.calque
    """
    from auditor.detectors import load_all
    from auditor.detectors.docs import markdown_table, rule_rows

    detectors = list(load_all().values())
    if engine is not None:
        detectors = [d for d in detectors if d.engine == engine]
        if not detectors:
            raise ConfigError(f"no detectors for engine {engine!r} (engines: rules, lexical, neural)")
    calibration = _calibration()
    if fmt == "markdown":
        click.echo(markdown_table(detectors, calibration), nl=False)
        return
    rows = rule_rows(detectors, calibration)
    if fmt == "json":
        click.echo(json.dumps(rows, ensure_ascii=False, indent=2))
        return
    width = max(len(r["id"]) for r in rows)
    click.echo(f"{'id':<{width}}  {'engine':<7}  {'category':<14}  {'severity':<8}  src  dev P  summary")
    for r in rows:
        p = "  –  " if r["dev_precision"] is None else f"{r['dev_precision']:.2f} "
        src = "yes" if r["needs_source"] else "   "
        click.echo(
            f"{r['id']:<{width}}  {r['engine']:<7}  {r['category']:<14}  {r['severity']:<8}  {src}  {p}  {r['summary']}"
        )


@click.command("explain")
@click.argument("detector_id", metavar="ID")
def explain_command(detector_id: str) -> None:
    """Explain one detector: why it flags, its examples, the calibration in force, how to silence it.

    \b
    Example:
      auditor explain lexical.calque
    """
    from auditor.detectors import get
    from auditor.detectors.docs import explain_text
    from auditor.selection import unknown_id_error

    try:
        detector = get(detector_id)
    except KeyError:
        raise unknown_id_error(detector_id) from None
    entry = _calibration().get("detectors", {}).get(detector.id) if detector.engine == "lexical" else None
    if not entry:
        click.echo(explain_text(detector, None), nl=False)
        return
    from auditor.engines.lexical.profiles import emission_for
    from auditor.profiles import PROFILES

    rules = [emission_for(p) for p in PROFILES]
    bins = [
        {**b, "profiles": [r.profile for r in rules if r.reports(float(b["confidence"]), b.get("emit", True))]}
        for b in entry.get("bins", [])
    ]
    click.echo(explain_text(detector, bins, [r.describe() for r in rules]), nl=False)
