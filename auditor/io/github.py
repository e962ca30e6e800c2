"""GitHub Actions output: workflow-command annotations and the Markdown step summary.

Why a budget: GitHub shows at most 10 ``error``, 10 ``warning`` and 10 ``notice``
annotations per step and silently drops the rest. Unordered, the seed article lost 15
of 29 annotations, and the line saying that a document failed came last, so it was the
first to go. Here the failure lines come first, then the findings most severe first
(critical → ``::error``, major → ``::warning``, minor → ``::notice``); each level stops
at its quota, and when anything was left out the last notice slot says how many and
where to find them (the step summary, SARIF, JUnit).

The step summary (``$GITHUB_STEP_SUMMARY``) is a Markdown table per document, appended
in one ``write`` so that other steps' summaries in the same file are never clobbered.
"""

from __future__ import annotations

import os
from collections import Counter
from collections.abc import Callable, Iterable, Iterator, Mapping
from functools import partial
from itertools import chain

from auditor.errors import AuditorError
from auditor.io.reports import GITHUB_LEVEL, describe, locate, root_path, safe
from auditor.types import SEVERITY_RANK, Finding
from auditor.verdicts import GateResult, Verdict

#: annotations GitHub displays per step and level (actions/toolkit, problem matchers)
LIMITS: Mapping[str, int] = {"error": 10, "warning": 10, "notice": 10}
#: rows of the step summary's findings table (the file is capped at 1 MiB by GitHub)
SUMMARY_FINDINGS = 50


def _data(text: str) -> str:
    return text.replace("%", "%25").replace("\r", "%0D").replace("\n", "%0A")


def _prop(text: str) -> str:
    return _data(text).replace(":", "%3A").replace(",", "%2C")


def _finding_command(v: Verdict, f: Finding) -> str:
    loc = locate(v.result.document, f)
    end_col = max(loc.start_column, loc.end_column - 1)  # GitHub's end column is inclusive
    props = (
        f"file={_prop(loc.root_path or loc.path)},line={loc.start_line},col={loc.start_column},"
        f"endLine={loc.end_line},endColumn={end_col},"
        f"title={_prop(f'{f.severity} {f.category} ({f.detector})')}"
    )
    return f"::{GITHUB_LEVEL.get(f.severity, 'warning')} {props}::{_data(describe(f))}"


def _failure_command(v: Verdict) -> str:
    return (
        f"::error file={_prop(root_path(v.result.document.path))},"
        f"line={v.result.document.origin_line or 1},title=mt-auditor gate::"
        f"{_data(v.key + ' failed the quality gate: ' + '; '.join(v.reasons))}"
    )


def _first_by_severity(
    pairs: Iterable[tuple[Verdict, Finding]], keep: Callable[[str], int]
) -> tuple[list[tuple[str, list[tuple[Verdict, Finding]]]], Counter[str]]:
    """The first ``keep(severity)`` (verdict, finding) pairs of each severity, most severe first, and the counts.

    Why: sorting every new finding by severity (stable, so in report order within one)
    held them all, and with them every verdict; the annotations and the summary table show
    only the first few of each severity, so only those are kept."""
    firsts: dict[str, list[tuple[Verdict, Finding]]] = {}
    total: Counter[str] = Counter()
    for v, f in pairs:
        total[f.severity] += 1
        bucket = firsts.setdefault(f.severity, [])
        if len(bucket) < keep(f.severity):
            bucket.append((v, f))
    order = sorted(firsts, key=lambda sev: -SEVERITY_RANK[sev])
    return [(sev, firsts[sev]) for sev in order], total


def _ranked(gate: GateResult) -> Iterator[tuple[Verdict, Finding]]:
    """Each document's new findings in start order (stable), documents in report order."""
    for v in gate.verdicts:
        yield from ((v, f) for _, f in sorted(enumerate(v.new_findings), key=lambda t: t[1].start))


def commands(gate: GateResult, limits: Mapping[str, int] = LIMITS) -> list[str]:
    """The workflow commands to print, within ``limits``: failures, then findings by severity.

    Within a severity, findings in document order, then by start; only the first of each
    severity that can be shown are kept (see :func:`_first_by_severity`), the rest counted."""
    left = dict(limits)
    shown: list[str] = []
    dropped: Counter[str] = Counter()

    def offer(level: str, make: Callable[[], str]) -> None:
        if left.get(level, 0) > 0:
            left[level] -= 1
            shown.append(make())
        else:
            dropped[level] += 1

    for v in gate.failed:
        offer("error", partial(_failure_command, v))
    firsts, total = _first_by_severity(_ranked(gate), lambda sev: limits.get(GITHUB_LEVEL.get(sev, "warning"), 0))
    for sev, pairs in firsts:
        lvl = GITHUB_LEVEL.get(sev, "warning")
        for v, f in pairs:
            offer(lvl, partial(_finding_command, v, f))
        dropped[lvl] += total[sev] - len(pairs)  # past the first ones: the quota is spent
    dropped = +dropped  # no zero counts
    if dropped:
        if left.get("notice", 0) == 0 and limits.get("notice", 0) > 0:
            # the closing line takes the last notice slot: that notice joins the left-out ones
            for i in range(len(shown) - 1, -1, -1):
                if shown[i].startswith("::notice "):
                    del shown[i]
                    dropped["notice"] += 1
                    break
        parts = ", ".join(f"{dropped[k]} {k}{'s' if dropped[k] != 1 else ''}" for k in limits if dropped[k])
        total_dropped = sum(dropped.values())
        shown.append(
            "::notice title=mt-auditor gate::"
            + _data(
                f"{total_dropped} more annotation{'s' if total_dropped != 1 else ''} left out ({parts}): GitHub shows "
                + ", ".join(f"{n} {k}s" for k, n in limits.items())
                + " per step. Every finding is in the step summary, --sarif and --junit reports."
            )
        )
    return shown


def render(gate: GateResult, limits: Mapping[str, int] = LIMITS) -> str:
    return "".join(line + "\n" for line in commands(gate, limits))


# ---------------------------------------------------------------------------- step summary


def _cell(text: str) -> str:
    return safe(text).replace("\\", "\\\\").replace("|", "\\|").replace("`", "\\`")


def step_summary(gate: GateResult, limit: int = SUMMARY_FINDINGS) -> str:
    """Markdown for ``$GITHUB_STEP_SUMMARY``: the verdict, a table per document, the top findings."""
    verdict = "passed" if gate.passed else "FAILED"
    lines = [
        f"### mt-auditor quality gate {verdict}",
        "",
        f"{len(gate.verdicts)} document{'s' if len(gate.verdicts) != 1 else ''}, {len(gate.failed)} failed.",
        "",
        "| document | words | score | critical | major | minor | accepted | result |",
        "|---|---:|---:|---:|---:|---:|---:|---|",
    ]
    for v in chain(gate.failed, (v for v in gate.verdicts if v.passed)):  # failed documents first
        result = "pass" if v.passed else "**FAIL**: " + _cell("; ".join(v.reasons))
        lines.append(
            f"| {_cell(v.key)} | {v.result.words} | {v.score:.1f} | {v.counts.get('critical', 0)} | "
            f"{v.counts.get('major', 0)} | {v.counts.get('minor', 0)} | {sum(v.accepted)} | {result} |"
        )
    # the first `limit` new findings of the failing documents, most severe first (stable)
    firsts, total = _first_by_severity(
        ((v, f) for v in gate.failed for f in v.new_findings), lambda sev: limit
    )
    new = [vf for _, pairs in firsts for vf in pairs]
    n_new = sum(total.values())
    if n_new:
        lines += ["", "| location | severity | detector | text | message |", "|---|---|---|---|---|"]
        for v, f in new[:limit]:
            loc = locate(v.result.document, f)
            lines.append(
                f"| {_cell(f'{loc.path}:{loc.start_line}:{loc.start_column}')} | {f.severity} | "
                f"{f.detector} | {_cell(f.text)} | {_cell(f.message)} |"
            )
        if n_new > limit:
            lines += ["", f"{n_new - limit} more findings in the SARIF and JUnit reports."]
    return "\n".join(lines) + "\n\n"


def append_step_summary(gate: GateResult, environ: Mapping[str, str] | None = None) -> str | None:
    """Append the summary to ``$GITHUB_STEP_SUMMARY`` when set; the path written, or None.

    Appended with one ``write`` on an ``O_APPEND`` descriptor, never replaced: the file
    belongs to the whole job and earlier steps' summaries stay."""
    env = os.environ if environ is None else environ
    path = env.get("GITHUB_STEP_SUMMARY")
    if not path:
        return None
    data = step_summary(gate).encode("utf-8")
    try:
        fd = os.open(path, os.O_WRONLY | os.O_APPEND | os.O_CREAT, 0o644)
        try:
            os.write(fd, data)
        finally:
            os.close(fd)
    except OSError as exc:
        raise AuditorError(f"{path}: cannot append the step summary ($GITHUB_STEP_SUMMARY): {exc.strerror}") from exc
    return path
