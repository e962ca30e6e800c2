"""Gate reports: human summary table, JUnit XML, SARIF 2.1.0, GitHub Actions commands.

Every report is a pure function of a :class:`~auditor.gate.GateResult` (no timings,
no absolute paths), so serial and parallel runs give byte-identical reports. Files are
written atomically (:func:`write_atomic`): a temporary file in the target directory,
then ``os.replace``; a failure leaves no half-written report behind.

Locations: for text files, the finding's line and column; for feed items, the
position in the feed file that the flagged character came from (see
:func:`auditor.io.feeds.feed_position`); for JSONL records, the record's line.
Columns count Unicode code points (SARIF ``columnKind: unicodeCodePoints``).
"""

from __future__ import annotations

import json
import os
import re
import xml.etree.ElementTree as ET
from collections import Counter
from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path
from urllib.parse import quote

from auditor.detectors.docs import GITHUB_COMMAND, INFORMATION_URI, LEVELS, sarif_rules
from auditor.gate import GateResult, Verdict
from auditor.io import atomic
from auditor.io.feeds import feed_position
from auditor.types import Document, Finding, LineIndex

TOOL_NAME = "mt-auditor"
SARIF_SCHEMA = "https://docs.oasis-open.org/sarif/sarif/v2.1.0/errata01/os/schemas/sarif-schema-2.1.0.json"
#: one severity mapping for every report (auditor.detectors.docs.LEVELS): SARIF level, GitHub command
SARIF_LEVEL = LEVELS
GITHUB_LEVEL = {sev: GITHUB_COMMAND[level] for sev, level in LEVELS.items()}


def tool_version() -> str:
    try:
        from importlib.metadata import version

        return version("mt-auditor")
    except Exception:  # not installed as a distribution (running from a checkout)
        return "0.0.0"


# ---------------------------------------------------------------------------- writing


def write_atomic(path: str, text: str) -> None:
    """Write ``text`` to ``path`` all at once, or not at all (see :mod:`auditor.io.atomic`)."""
    atomic.write_atomic(path, text)


def check_writable(path: str) -> None:
    """Fail early (before any work) when a report could not be written."""
    atomic.check_outputs([path])


#: C0/C1 controls (incl. ESC, CR, LF), DEL, bidi overrides and line/paragraph separators.
_UNSAFE = re.compile("[\x00-\x1f\x7f-\x9f\u2028\u2029\u202a-\u202e\u2066-\u2069]")


def safe(text: str) -> str:
    """Text from input made safe for a human-readable line on a terminal or CI log.

    Why: ids, feed guids and file names are printed raw otherwise; a newline followed by
    ``::error ...`` injects GitHub Actions workflow commands, and ``\x1b]`` controls the
    terminal. Each unsafe character becomes a visible ``\\xNN``/``\\uNNNN`` escape.
    """
    return _UNSAFE.sub(lambda m: f"\\x{ord(m.group()):02x}" if ord(m.group()) < 0x100
                       else f"\\u{ord(m.group()):04x}", text)


# ---------------------------------------------------------------------------- locations


@dataclass(frozen=True)
class Location:
    uri: str  # relative POSIX path, URI-escaped
    path: str  # relative POSIX path, as shown to people
    start_line: int
    start_column: int
    end_line: int
    end_column: int  # exclusive


def relative_path(path: str) -> str:
    """The path as reports show it: relative POSIX to the working directory, ``stdin`` for ``-``."""
    return _rel(path)


@lru_cache(maxsize=4096)
def _rel(path: str) -> str:
    if path in ("-", "<stdin>"):
        return "stdin"
    rel = os.path.relpath(os.path.abspath(path), os.getcwd())
    if rel.startswith(".."):
        rel = os.path.normpath(path)
    return Path(rel).as_posix()


@lru_cache(maxsize=64)
def _line_index(text: str) -> LineIndex:
    return LineIndex(text)


@lru_cache(maxsize=8)
def _file_lines(path: str) -> tuple[str, ...]:
    try:
        with open(path, encoding="utf-8") as fh:
            return tuple(fh.read().split("\n"))
    except (OSError, UnicodeDecodeError):
        return ()


def _jsonl_columns(doc: Document, finding: Finding) -> tuple[int, int] | None:
    """Columns (1-based, end exclusive) of the finding inside the record's JSON line.

    The record's text appears JSON-escaped in the line; find it (written with or
    without ``\\uXXXX`` escapes) and count escaped characters up to the finding.
    None when it cannot be found (e.g. stdin, or unusual escaping)."""
    lines = _file_lines(doc.path)
    if not 0 < doc.origin_line <= len(lines):
        return None
    raw = lines[doc.origin_line - 1]
    for ascii_only in (False, True):
        escaped = json.dumps(doc.text, ensure_ascii=ascii_only)
        at = raw.find(escaped)
        if at < 0:
            continue
        before = len(json.dumps(doc.text[: finding.start], ensure_ascii=ascii_only)) - 2
        inside = len(json.dumps(finding.text, ensure_ascii=ascii_only)) - 2
        start = at + 1 + before + 1
        return start, start + max(1, inside)
    return None


def locate(doc: Document, finding: Finding) -> Location:
    path = _rel(doc.path)
    uri = quote(path, safe="/:@-._~!$&'()*+,;=")
    start = feed_position(doc, finding.start)
    if start is not None:  # feed item: back to the feed file
        sl, sc = start
        last = max(finding.start, finding.end - 1)
        el, ec = feed_position(doc, last) or (sl, sc)
        if (el, ec) < (sl, sc):
            el, ec = sl, sc
        return Location(uri, path, sl, sc, el, ec + 1)
    if doc.origin_line:  # a JSONL record: its line, and the columns inside the JSON string
        line = doc.origin_line
        cols = _jsonl_columns(doc, finding)
        start_col, end_col = cols if cols else (1, 2)
        return Location(uri, path, line, start_col, line, end_col)
    el, ec = _line_index(doc.text).locate(finding.end)
    if (el, ec) <= (finding.line, finding.column):
        el, ec = finding.line, finding.column + 1
    return Location(uri, path, finding.line, finding.column, el, ec)


def describe(f: Finding) -> str:
    """One line: what is wrong, for messages."""
    text = f.message
    if f.suggestion:
        text += f" (suggestion: {f.suggestion})"
    return text if f.text in f.message else f"{text}: \u00bb{f.text}\u00ab"  # never the text twice


# ---------------------------------------------------------------------------- summary


def _cut(text: str, width: int) -> str:
    return text if len(text) <= width else "\u2026" + text[-(width - 1) :]


def summary(gate: GateResult) -> str:
    """The human table on stdout: one row per document, then the verdict."""
    rows = [("document", "words", "score", "crit", "major", "minor", "accepted", "result")]
    for v in gate.verdicts:
        rows.append(
            (
                _cut(safe(v.key), 56),
                str(v.result.words),
                f"{v.score:.1f}",
                str(v.counts.get("critical", 0)),
                str(v.counts.get("major", 0)),
                str(v.counts.get("minor", 0)),
                str(sum(v.accepted)),
                "pass" if v.passed else "FAIL: " + safe("; ".join(v.reasons)),
            )
        )
    widths = [max(len(r[i]) for r in rows) for i in range(len(rows[0]) - 1)]
    lines = []
    for n, r in enumerate(rows):
        cells = [r[0].ljust(widths[0])] + [c.rjust(w) for c, w in zip(r[1:-1], widths[1:])] + [r[-1]]
        lines.append("  ".join(cells).rstrip())
        if n == 0:
            lines.append("  ".join("-" * w for w in widths) + "  " + "-" * 6)
    c = gate.config
    limits = [f"min score {c.min_score:g}"]
    for name, limit in (("critical", c.max_critical), ("major", c.max_major), ("minor", c.max_minor)):
        if limit is not None:
            limits.append(f"max {name} {limit}")
    total = Counter[str]()
    for v in gate.verdicts:
        total.update(v.counts)
    accepted = sum(sum(v.accepted) for v in gate.verdicts)
    lines.append("")
    lines.append(
        f"{len(gate.verdicts)} documents, {len(gate.failed)} failed; new findings: "
        f"{total['critical']} critical, {total['major']} major, {total['minor']} minor"
        + (f"; {accepted} accepted by baseline {safe(str(gate.baseline))}" if gate.baseline else "")
    )
    verdict = "PASSED" if gate.passed else "FAILED"
    lines.append(f"quality gate {verdict} ({', '.join(limits)})")
    return "\n".join(lines) + "\n"


def failing_findings(gate: GateResult) -> str:
    """Each failing document with its reasons and, indented below it, its new findings.

    Why: a gate that fails with only a table (or, with ``-q``, nothing) tells a
    pre-commit or CI user *that* it failed, not *which words* to fix."""
    lines: list[str] = []
    for v in gate.failed:
        lines.append(f"{safe(v.key)}: FAIL: {safe('; '.join(v.reasons))}")
        lines.extend("  " + finding_line(v, f) for f in v.new_findings)
    return "".join(line + "\n" for line in lines)


# ---------------------------------------------------------------------------- JUnit

_XML_BAD = re.compile("[\x00-\x08\x0b\x0c\x0e-\x1f\ufffe\uffff]")


def _x(text: str) -> str:
    return _XML_BAD.sub("\ufffd", text)


def finding_line(v: Verdict, f: Finding) -> str:
    loc = locate(v.result.document, f)
    return safe(
        f"{loc.path}:{loc.start_line}:{loc.start_column}: {f.severity} {f.category} [{f.detector}] {describe(f)}"
    )


def junit(gate: GateResult) -> str:
    """JUnit XML: one test case per document / record / feed item; failures list the new findings."""
    n, failures = len(gate.verdicts), len(gate.failed)
    suites = ET.Element(
        "testsuites", name="auditor gate", tests=str(n), failures=str(failures), errors="0", time="0"
    )
    suite = ET.SubElement(
        suites,
        "testsuite",
        name="auditor gate",
        tests=str(n),
        failures=str(failures),
        errors="0",
        skipped="0",
        time="0",
    )
    props = ET.SubElement(suite, "properties")
    c = gate.config
    for name, value in (
        ("min_score", f"{c.min_score:g}"),
        ("max_critical", c.max_critical),
        ("max_major", c.max_major),
        ("max_minor", c.max_minor),
        ("engine", c.engine),
        ("baseline", gate.baseline),
    ):
        if value is not None:
            ET.SubElement(props, "property", name=name, value=_x(str(value)))
    for v in gate.verdicts:
        case = ET.SubElement(
            suite, "testcase", classname=_x(_rel(v.result.document.path)), name=_x(v.key), time="0"
        )
        new = v.new_findings
        if not v.passed:
            fail = ET.SubElement(
                case,
                "failure",
                message=_x(f"{'; '.join(v.reasons)} ({len(new)} new findings)"),
                type="quality-gate",
            )
            fail.text = _x("\n".join(finding_line(v, f) for f in new)) + ("\n" if new else "")
        out = [f"score {v.score:.1f}, {v.result.words} words"]
        if v.passed and new:
            out += ["findings below the thresholds:"] + [finding_line(v, f) for f in new]
        if v.accepted_findings:
            out += ["accepted by the baseline:"] + [finding_line(v, f) for f in v.accepted_findings]
        ET.SubElement(case, "system-out").text = _x("\n".join(out) + "\n")
    ET.indent(suites)
    return '<?xml version="1.0" encoding="UTF-8"?>\n' + ET.tostring(suites, encoding="unicode") + "\n"


# ---------------------------------------------------------------------------- SARIF


def sarif(gate: GateResult) -> dict:
    """A SARIF 2.1.0 log: one result per finding (baselined ones suppressed).

    ``rules[]`` is the detector catalogue, the same table in every run, in declaration order."""
    rules = sarif_rules()
    index = {r["id"]: i for i, r in enumerate(rules)}
    results = []
    for v in gate.verdicts:
        doc = v.result.document
        from auditor.baseline import entry

        for f, accepted in zip(v.result.findings, v.accepted):
            loc = locate(doc, f)
            region = {
                "startLine": loc.start_line,
                "startColumn": loc.start_column,
                "endLine": loc.end_line,
                "endColumn": loc.end_column,
                "snippet": {"text": f.text},
            }
            physical = {"artifactLocation": {"uri": loc.uri}, "region": region}
            res: dict = {
                "ruleId": f.detector,
                "ruleIndex": index[f.detector],
                "level": SARIF_LEVEL.get(f.severity, "warning"),
                "message": {"text": describe(f)},
                "locations": [{"physicalLocation": physical}],
                "partialFingerprints": {"mtAuditorFinding/v1": entry(doc, f, v.key).fingerprint},
                "properties": {
                    "severity": f.severity,
                    "category": f.category,
                    "confidence": round(f.confidence, 4),
                    "document": v.key,
                    "documentLine": f.line,
                    "documentColumn": f.column,
                },
            }
            if doc.id:
                res["locations"][0]["logicalLocations"] = [{"fullyQualifiedName": v.key, "kind": "element"}]
            if gate.baseline is not None:
                res["baselineState"] = "unchanged" if accepted else "new"
            if accepted:
                res["suppressions"] = [
                    {
                        "kind": "external",
                        "status": "accepted",
                        "justification": f"accepted in baseline {gate.baseline}",
                    }
                ]
            results.append(res)
    return {
        "$schema": SARIF_SCHEMA,
        "version": "2.1.0",
        "runs": [
            {
                "tool": {
                    "driver": {
                        "name": TOOL_NAME,
                        "version": tool_version(),
                        "informationUri": INFORMATION_URI,
                        "rules": rules,
                    }
                },
                "columnKind": "unicodeCodePoints",
                "results": results,
                "invocations": [{"executionSuccessful": True, "exitCode": gate.exit_code}],
            }
        ],
    }


def sarif_json(gate: GateResult) -> str:
    # compact: json's C encoder is several times faster than the indenting Python one
    return json.dumps(sarif(gate), ensure_ascii=False, sort_keys=True, separators=(",", ":")) + "\n"


# ---------------------------------------------------------------------------- GitHub


def github(gate: GateResult) -> str:
    """GitHub Actions workflow commands within GitHub's per-step limits (see :mod:`auditor.io.github`)."""
    from auditor.io import github as gh

    return gh.render(gate)
