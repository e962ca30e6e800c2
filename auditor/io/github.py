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
from collections.abc import Mapping

from auditor.errors import AuditorError
from auditor.gate import GateResult, Verdict
from auditor.io.reports import GITHUB_LEVEL, describe, locate, root_path, safe
from auditor.types import SEVERITY_RANK, Finding

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


def commands(gate: GateResult, limits: Mapping[str, int] = LIMITS) -> list[str]:
    """The workflow commands to print, within ``limits``: failures, then findings by severity."""
    candidates: list[tuple[str, str | tuple[Verdict, Finding]]] = [
        ("error", _failure_command(v)) for v in gate.failed
    ]
    ranked = [
        (-SEVERITY_RANK[f.severity], n, f.start, v, f)
        for n, v in enumerate(gate.verdicts)
        for f in v.new_findings
    ]
    ranked.sort(key=lambda t: t[:3])
    candidates += [(GITHUB_LEVEL.get(f.severity, "warning"), (v, f)) for _, _, _, v, f in ranked]
    left = dict(limits)
    shown: list[str] = []
    dropped: Counter[str] = Counter()
    for level, item in candidates:
        if left.get(level, 0) > 0:
            left[level] -= 1
            shown.append(item if isinstance(item, str) else _finding_command(*item))
        else:
            dropped[level] += 1
    if dropped:
        if left.get("notice", 0) == 0 and limits.get("notice", 0) > 0:
            # the closing line takes the last notice slot: that notice joins the left-out ones
            for i in range(len(shown) - 1, -1, -1):
                if shown[i].startswith("::notice "):
                    del shown[i]
                    dropped["notice"] += 1
                    break
        parts = ", ".join(f"{dropped[k]} {k}{'s' if dropped[k] != 1 else ''}" for k in limits if dropped[k])
        total = sum(dropped.values())
        shown.append(
            "::notice title=mt-auditor gate::"
            + _data(
                f"{total} more annotation{'s' if total != 1 else ''} left out ({parts}): GitHub shows "
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
    for v in sorted(gate.verdicts, key=lambda v: v.passed):  # failed documents first (stable)
        result = "pass" if v.passed else "**FAIL**: " + _cell("; ".join(v.reasons))
        lines.append(
            f"| {_cell(v.key)} | {v.result.words} | {v.score:.1f} | {v.counts.get('critical', 0)} | "
            f"{v.counts.get('major', 0)} | {v.counts.get('minor', 0)} | {sum(v.accepted)} | {result} |"
        )
    new = sorted(
        ((v, f) for v in gate.failed for f in v.new_findings),
        key=lambda vf: -SEVERITY_RANK[vf[1].severity],
    )
    if new:
        lines += ["", "| location | severity | detector | text | message |", "|---|---|---|---|---|"]
        for v, f in new[:limit]:
            loc = locate(v.result.document, f)
            lines.append(
                f"| {_cell(f'{loc.path}:{loc.start_line}:{loc.start_column}')} | {f.severity} | "
                f"{f.detector} | {_cell(f.text)} | {_cell(f.message)} |"
            )
        if len(new) > limit:
            lines += ["", f"{len(new) - limit} more findings in the SARIF and JUnit reports."]
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
