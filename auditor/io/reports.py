"""Gate reports: human summary table, JUnit XML, SARIF 2.1.0, GitHub Actions commands.

Every report is a pure function of a :class:`~auditor.verdicts.GateResult` (no timings,
no absolute paths), so serial and parallel runs give byte-identical reports. Files are
written atomically (:func:`write_atomic`): a temporary file in the target directory,
then ``os.replace``; a failure leaves no half-written report behind.

Locations: for text files, the finding's line and column; for feed items, the
position in the feed file that the flagged character came from (see
:func:`auditor.io.feeds.feed_position`); for JSONL records, the record's line.
Columns count Unicode code points (SARIF ``columnKind: unicodeCodePoints``).
"""

from __future__ import annotations

import heapq
import json
import os
import re
import xml.etree.ElementTree as ET
from array import array
from collections import Counter
from collections.abc import Iterable, Iterator
from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path
from urllib.parse import quote

from auditor.detectors.docs import GITHUB_COMMAND, INFORMATION_URI, LEVELS, sarif_rules
from auditor.io import atomic
from auditor.io.feeds import feed_position
from auditor.io.terminal import safe
from auditor.types import Document, Finding, LineIndex
from auditor.verdicts import GateResult, Verdict

TOOL_NAME = "mt-auditor"
#: the uriBaseId every artifact URI is relative to (GitHub code scanning's convention)
SRCROOT = "%SRCROOT%"
#: GitHub code scanning rejects a run over these (docs: "SARIF results exceed limit")
MAX_RESULTS = 25_000
MAX_BYTES = 10_000_000
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


# ---------------------------------------------------------------------------- locations


@dataclass(frozen=True)
class Location:
    uri: str  # relative to SRCROOT (uri_base set), else an absolute file: URI; URI-escaped
    path: str  # relative POSIX path, as shown to people
    start_line: int
    start_column: int
    end_line: int
    end_column: int  # exclusive
    uri_base: str | None = SRCROOT
    root_path: str | None = None  # POSIX path relative to the source root (GitHub's file=), None outside it


def relative_path(path: str) -> str:
    """The path as reports show it: relative POSIX to the working directory, ``stdin`` for ``-``."""
    return _rel(path)


def _rel(path: str) -> str:
    return _rel_to(path, os.getcwd())


@lru_cache(maxsize=4096)
def _rel_to(path: str, cwd: str) -> str:
    """``path`` as reports show it from ``cwd`` (memoised per working directory: a cache
    keyed by the path alone went stale when the working directory changed)."""
    if path in ("-", "<stdin>"):
        return "stdin"
    rel = os.path.relpath(os.path.join(cwd, path), cwd)
    if rel.startswith(".."):
        rel = os.path.normpath(path)
    return Path(rel).as_posix()


def root_path(path: str) -> str:
    """The path relative to :func:`source_root` (GitHub's ``file=``), or as shown when outside it."""
    return _uri(path, source_root())[2] or _rel(path)


def source_root() -> str:
    """The directory SARIF URIs (``%SRCROOT%``) and GitHub ``file=`` paths are relative to.

    Why not the working directory: code scanning and annotations resolve paths against the
    repository checkout, so a gate run from a subdirectory pointed at the wrong files. The
    root is ``$GITHUB_WORKSPACE`` when the working directory is inside it, else the nearest
    directory upwards holding ``.git``, else the working directory."""
    return _source_root(os.getcwd(), os.environ.get("GITHUB_WORKSPACE", ""))


@lru_cache(maxsize=16)
def _source_root(cwd: str, workspace: str) -> str:
    if workspace:
        ws = os.path.abspath(workspace)
        if cwd == ws or cwd.startswith(ws.rstrip(os.sep) + os.sep):
            return ws
    here = cwd
    while True:
        if os.path.exists(os.path.join(here, ".git")):
            return here
        parent = os.path.dirname(here)
        if parent == here:
            return cwd
        here = parent


#: characters left unescaped in a URI path; ``:`` is not among them, so ``de:artikel.txt``
#: cannot be read as a URI with the scheme ``de`` (RFC 3986, 4.2)
_URI_SAFE = "/@-._~!$&'()*+,;="


@lru_cache(maxsize=4096)
def _uri(path: str, root: str) -> tuple[str, str | None, str | None]:
    """(uri, uriBaseId, path relative to root) of an input path."""
    if path in ("-", "<stdin>"):
        return "stdin", SRCROOT, "stdin"
    full = os.path.abspath(path)
    rel = os.path.relpath(full, root)
    if rel == os.pardir or rel.startswith(os.pardir + os.sep) or os.path.isabs(rel):
        return Path(full).as_uri(), None, None  # outside the root: an absolute file: URI
    posix = Path(rel).as_posix()
    return quote(posix, safe=_URI_SAFE), SRCROOT, posix


@lru_cache(maxsize=64)
def _line_index(text: str) -> LineIndex:
    return LineIndex(text)


class _FileLines:
    """The lines of a file by number, without holding the file or an offset per line.

    Why: a JSONL record's findings are placed in its line of the input, and the gate reads
    inputs of any size; holding the whole file (as this once did), or the byte offset of
    every line (8 bytes a line, 28 MB for a 1 GB feed), made the report grow with the input.
    So only every :data:`_LINE_STEP`-th line's offset is kept: a line is found by seeking
    to the checkpoint before it and reading at most that many lines on. Same lines as
    reading the file as UTF-8 text and splitting at ``\n``: a file that text mode would
    split elsewhere (a lone ``\r``) is held whole as before, and one that is not UTF-8 has
    no lines.
    """

    def __init__(self, path: str) -> None:
        self.path = path
        self.checkpoints = array("q", [0])  # byte offset of lines 1, 1 + STEP, 1 + 2 STEP, ...
        self.count = 0
        self.whole: tuple[str, ...] | None = None
        try:
            with open(path, "rb") as fh:
                offset = 0
                count = 1  # lines so far; a file without a final newline still has its last line
                for raw in fh:
                    raw.decode("utf-8")
                    body = raw[:-2] if raw.endswith(b"\r\n") else raw
                    if b"\r" in body:  # text mode would split here too
                        with open(path, encoding="utf-8") as text:
                            self.whole = tuple(text.read().split("\n"))
                        return
                    offset += len(raw)
                    if raw.endswith(b"\n"):
                        if count % _LINE_STEP == 0:
                            self.checkpoints.append(offset)
                        count += 1
                self.count = count
        except (OSError, UnicodeDecodeError):
            self.checkpoints = array("q")
            self.count = 0

    def __len__(self) -> int:
        return len(self.whole) if self.whole is not None else self.count

    def line(self, lineno: int) -> str | None:
        """Line ``lineno`` (1-based) without its line break; None when it cannot be read."""
        if self.whole is not None:
            return self.whole[lineno - 1]
        if not 1 <= lineno <= self.count:
            raise IndexError(lineno)
        checkpoint, skip = divmod(lineno - 1, _LINE_STEP)
        try:
            with open(self.path, "rb") as fh:
                fh.seek(self.checkpoints[checkpoint])
                for _ in range(skip):
                    fh.readline()
                raw = fh.readline()
        except OSError:
            return None
        if raw.endswith(b"\n"):
            raw = raw[:-2] if raw.endswith(b"\r\n") else raw[:-1]
        try:
            return raw.decode("utf-8")
        except UnicodeDecodeError:  # the file changed since it was indexed
            return None


#: lines between two kept offsets of :class:`_FileLines` (8 bytes per this many lines)
_LINE_STEP = 256


@lru_cache(maxsize=8)
def _file_lines(path: str) -> _FileLines:
    return _FileLines(path)


@lru_cache(maxsize=64)
def _file_line(path: str, lineno: int) -> str | None:
    """One line of a file (a record's findings come together: one read per record)."""
    lines = _file_lines(path)
    return lines.line(lineno) if 0 < lineno <= len(lines) else None


def _jsonl_columns(doc: Document, finding: Finding) -> tuple[int, int] | None:
    """Columns (1-based, end exclusive) of the finding inside the record's JSON line.

    The record's text appears JSON-escaped in the line; find it (written with or
    without ``\\uXXXX`` escapes) and count escaped characters up to the finding.
    None when it cannot be found (e.g. stdin, or unusual escaping)."""
    raw = _file_line(doc.path, doc.origin_line)
    if raw is None:
        return None
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
    uri, base, root_path = _uri(doc.path, source_root())
    extra = (base, root_path)
    start = feed_position(doc, finding.start)
    if start is not None:  # feed item: back to the feed file
        sl, sc = start
        last = max(finding.start, finding.end - 1)
        el, ec = feed_position(doc, last) or (sl, sc)
        if (el, ec) < (sl, sc):
            el, ec = sl, sc
        return Location(uri, path, sl, sc, el, ec + 1, *extra)
    if doc.origin_line:  # a JSONL record: its line, and the columns inside the JSON string
        line = doc.origin_line
        cols = _jsonl_columns(doc, finding)
        start_col, end_col = cols if cols else (1, 2)
        return Location(uri, path, line, start_col, line, end_col, *extra)
    el, ec = _line_index(doc.text).locate(finding.end)
    if (el, ec) <= (finding.line, finding.column):
        el, ec = finding.line, finding.column + 1
    return Location(uri, path, finding.line, finding.column, el, ec, *extra)


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
    return "".join(summary_lines(gate))


def _summary_row(v: Verdict) -> tuple[str, ...]:
    return (
        _cut(safe(v.key), 56),
        str(v.result.words),
        f"{v.score:.1f}",
        str(v.counts.get("critical", 0)),
        str(v.counts.get("major", 0)),
        str(v.counts.get("minor", 0)),
        str(sum(v.accepted)),
        "pass" if v.passed else "FAIL: " + safe("; ".join(v.reasons)),
    )


def summary_lines(gate: GateResult) -> Iterator[str]:
    """:func:`summary` line by line (each with its newline), in two passes over the verdicts.

    Why two passes: the columns are as wide as their widest cell, and the streaming gate
    keeps its verdicts on disk, so the rows are made twice rather than held."""
    header = ("document", "words", "score", "crit", "major", "minor", "accepted", "result")
    widths = [len(c) for c in header[:-1]]
    total = Counter[str]()
    accepted = 0
    for v in gate.verdicts:
        row = _summary_row(v)
        widths = [max(w, len(c)) for w, c in zip(widths, row)]
        total.update(v.counts)
        accepted += sum(v.accepted)

    def line(r: tuple[str, ...]) -> str:
        cells = [r[0].ljust(widths[0])] + [c.rjust(w) for c, w in zip(r[1:-1], widths[1:])] + [r[-1]]
        return "  ".join(cells).rstrip() + "\n"

    yield line(header)
    yield "  ".join("-" * w for w in widths) + "  " + "-" * 6 + "\n"
    for v in gate.verdicts:
        yield line(_summary_row(v))
    c = gate.config
    limits = [f"min score {c.min_score:g}"]
    for name, limit in (("critical", c.max_critical), ("major", c.max_major), ("minor", c.max_minor)):
        if limit is not None:
            limits.append(f"max {name} {limit}")
    yield "\n"
    yield (
        f"{len(gate.verdicts)} documents, {len(gate.failed)} failed; new findings: "
        f"{total['critical']} critical, {total['major']} major, {total['minor']} minor"
        + (f"; {accepted} accepted by baseline {safe(str(gate.baseline))}" if gate.baseline else "")
        + "\n"
    )
    verdict = "PASSED" if gate.passed else "FAILED"
    yield f"quality gate {verdict} ({', '.join(limits)})\n"


def failing_findings(gate: GateResult) -> str:
    """Each failing document with its reasons and, indented below it, its new findings.

    Why: a gate that fails with only a table (or, with ``-q``, nothing) tells a
    pre-commit or CI user *that* it failed, not *which words* to fix."""
    return "".join(failing_lines(gate))


def failing_lines(gate: GateResult) -> Iterator[str]:
    """:func:`failing_findings` line by line (each with its newline), not held whole."""
    for v in gate.failed:
        yield f"{safe(v.key)}: FAIL: {safe('; '.join(v.reasons))}\n"
        for f in v.new_findings:
            yield "  " + finding_line(v, f) + "\n"


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
    return "".join(junit_parts(gate))


#: stands for the test cases in the skeleton of a JUnit report (see :func:`junit_parts`)
_CASES = "\ue000cases\ue000"


def junit_parts(gate: GateResult) -> Iterator[str]:
    """:func:`junit` piece by piece: the test cases serialised one at a time, never one tree of all.

    Why: the tree of every test case grew with the input. The skeleton (suites, suite,
    properties and one placeholder case) is indented and serialised as ElementTree always
    did, then each case is built alone, indented at its depth (``ET.indent(level=2)``) and
    serialised with the whitespace the whole tree gave it, so the bytes are the same."""
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
    declaration = '<?xml version="1.0" encoding="UTF-8"?>\n'
    if not n:
        ET.indent(suites)
        yield declaration + ET.tostring(suites, encoding="unicode") + "\n"
        return
    placeholder = ET.SubElement(suite, "testcase")
    ET.indent(suites)
    placeholder.tail = _CASES  # the cases bring their own whitespace, the last one none
    head, tail = ET.tostring(suites, encoding="unicode").split("<testcase />" + _CASES)
    yield declaration + head
    for i, v in enumerate(gate.verdicts):
        case = _junit_case(v)
        ET.indent(case, level=2)
        case.tail = "\n    " if i < n - 1 else "\n  "
        yield ET.tostring(case, encoding="unicode")
    yield tail + "\n"


def _junit_case(v: Verdict) -> ET.Element:
    """The test case of one verdict."""
    case = ET.Element("testcase", classname=_x(_rel(v.result.document.path)), name=_x(v.key), time="0")
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
    return case


# ---------------------------------------------------------------------------- SARIF


def _compact(obj: object) -> str:
    # compact: json's C encoder is several times faster than the indenting Python one
    return json.dumps(obj, ensure_ascii=False, sort_keys=True, separators=(",", ":"))


def _result(v: Verdict, f: Finding, accepted: bool, index: dict[str, int], baseline: str | None) -> dict:
    from auditor.baseline import entry

    doc = v.result.document
    loc = locate(doc, f)
    region = {
        "startLine": loc.start_line,
        "startColumn": loc.start_column,
        "endLine": loc.end_line,
        "endColumn": loc.end_column,
        "snippet": {"text": f.text},
    }
    artifact = {"uri": loc.uri}
    if loc.uri_base:
        artifact["uriBaseId"] = loc.uri_base
    physical = {"artifactLocation": artifact, "region": region}
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
    if baseline is not None:
        res["baselineState"] = "unchanged" if accepted else "new"
    if accepted:
        res["suppressions"] = [
            {"kind": "external", "status": "accepted", "justification": f"accepted in baseline {baseline}"}
        ]
    return res


def _sarif_results(gate: GateResult, index: dict[str, int]) -> Iterator[tuple[dict, bool]]:
    """(result, accepted) of every finding, in report order: document by document."""
    for v in gate.verdicts:
        for f, accepted in zip(v.result.findings, v.accepted):
            yield _result(v, f, accepted, index, gate.baseline), accepted


def _sarif_log(gate: GateResult, rules: list[dict], results: object) -> dict:
    """The SARIF log around ``results`` (the list, or a placeholder for it)."""
    root = source_root()
    run: dict = {
        "tool": {
            "driver": {
                "name": TOOL_NAME,
                "version": tool_version(),
                "informationUri": INFORMATION_URI,
                "rules": rules,
            }
        },
        "columnKind": "unicodeCodePoints",
        "originalUriBaseIds": {
            SRCROOT: {
                "uri": Path(root).as_uri().rstrip("/") + "/",
                "description": {"text": "the repository root (GITHUB_WORKSPACE, or the directory holding .git)"},
            }
        },
        "results": results,
        "invocations": [{"executionSuccessful": True, "exitCode": gate.exit_code}],
    }
    return {"$schema": SARIF_SCHEMA, "version": "2.1.0", "runs": [run]}


def _notify(log: dict, warning: str) -> None:
    log["runs"][0]["invocations"][0]["toolExecutionNotifications"] = [
        {"level": "warning", "message": {"text": warning}, "descriptor": {"id": "results-capped"}}
    ]


@dataclass(frozen=True)
class SarifCut:
    """Which results a SARIF log keeps (see :func:`sarif_cut`)."""

    #: results in all
    total: int
    #: the indices (in report order) of the results kept; None: every one
    keep: frozenset[int] | None
    #: the warning the run carries when it was cut
    warning: str | None


def sarif_cut(
    results: Iterable[tuple[bool, str, int]], empty_bytes: int, max_results: int, max_bytes: int
) -> SarifCut:
    """The one cut to GitHub code scanning's limits, from each result's (accepted, level,
    bytes of its JSON + 1 for the comma) in report order and the bytes of the log with no
    result (``empty_bytes``, without its final newline).

    When the results are more than ``max_results`` or the file more than ``max_bytes``, the
    most severe new results are kept (accepted ones last, report order among equals), greedily
    in that rank order until one does not fit. Why a bounded heap: the greedy takes a prefix
    of the rank order no longer than ``max_results``, so only that many candidates are held,
    whatever the number of results."""
    best: list[tuple[bool, int, int, int]] = []  # (new, level rank, -index, size): largest = first in rank
    total = size_sum = 0
    for i, (accepted, level, size) in enumerate(results):
        total += 1
        size_sum += size
        if max_results <= 0:
            continue
        item = (not accepted, _LEVEL_RANK.get(level, 0), -i, size)
        if len(best) < max_results:
            heapq.heappush(best, item)
        elif item > best[0]:
            heapq.heapreplace(best, item)
    full_bytes = empty_bytes + (size_sum - 1 if total else 0) + 1  # "," between results; final newline
    if total <= max_results and full_bytes <= max_bytes:
        return SarifCut(total, None, None)
    room = max_bytes - empty_bytes - 512  # for the notification
    keep: list[int] = []
    for _, _, neg_index, size in sorted(best, reverse=True):
        if len(keep) >= max_results or size > room:
            break
        keep.append(-neg_index)
        room -= size
    warning = (
        f"SARIF report cut to {len(keep)} of {total} results, the most severe first: GitHub code "
        f"scanning accepts at most {max_results:,} results and {max_bytes / 1e6:g} MB per run"
    )
    return SarifCut(total, frozenset(keep), warning)


def _encoded_size(obj: object) -> int:
    return len(_compact(obj).encode("utf-8"))


def sarif_capped(
    gate: GateResult, max_results: int = MAX_RESULTS, max_bytes: int = MAX_BYTES
) -> tuple[dict, str | None]:
    """A SARIF 2.1.0 log within GitHub code scanning's limits, and the warning when it was cut.

    One result per finding (baselined ones suppressed). ``rules[]`` is the detector
    catalogue, the same table in every run, in declaration order. When the results would
    exceed ``max_results`` or the file ``max_bytes`` (code scanning rejects the whole upload
    then), the most severe new findings are kept (accepted ones go first), in report order,
    and the run says so in ``invocations[0].toolExecutionNotifications`` (:func:`sarif_cut`).

    This builds every result, for callers that want the log as a dict; the gate writes
    its file with :func:`sarif_stream`, which holds none of them."""
    rules = sarif_rules()
    index = {r["id"]: i for i, r in enumerate(rules)}
    pairs = list(_sarif_results(gate, index))
    log = _sarif_log(gate, rules, [])
    cut = sarif_cut(
        ((accepted, r["level"], _encoded_size(r) + 1) for r, accepted in pairs),
        _encoded_size(log),
        max_results,
        max_bytes,
    )
    log["runs"][0]["results"] = [r for i, (r, _) in enumerate(pairs) if cut.keep is None or i in cut.keep]
    if cut.warning:
        _notify(log, cut.warning)
    return log, cut.warning


#: stands for the results in the skeleton of a SARIF log (see :func:`sarif_stream`)
_RESULTS = "\ue000results\ue000"


def sarif_stream(
    gate: GateResult, max_results: int = MAX_RESULTS, max_bytes: int = MAX_BYTES
) -> tuple[Iterator[str], str | None]:
    """The text of :func:`sarif_capped`'s log (with its newline) in pieces, and the warning.

    Why: building every result to cut them made the gate's memory grow with its findings
    (247 MB peak for 10 MB of JSONL). So the verdicts are read twice: a first pass, done
    before this returns, makes each result only to measure it for :func:`sarif_cut`; the
    pieces then make the kept results again, one at a time, and serialise each as the
    whole log would (compact, sorted keys), between the two halves of the log serialised
    around a placeholder. Same bytes as ``_compact(sarif_capped(gate)[0]) + "\\n"``."""
    rules = sarif_rules()
    index = {r["id"]: i for i, r in enumerate(rules)}
    log = _sarif_log(gate, rules, [])
    cut = sarif_cut(
        ((accepted, r["level"], _encoded_size(r) + 1) for r, accepted in _sarif_results(gate, index)),
        _encoded_size(log),
        max_results,
        max_bytes,
    )
    log["runs"][0]["results"] = _RESULTS
    if cut.warning:
        _notify(log, cut.warning)
    head, tail = _compact(log).split(_compact(_RESULTS))  # the placeholder occurs once
    return _sarif_pieces(gate, index, cut.keep, head, tail), cut.warning


def _sarif_pieces(
    gate: GateResult, index: dict[str, int], keep: frozenset[int] | None, head: str, tail: str
) -> Iterator[str]:
    """The log's text: ``head``, the kept results (only they are made), ``tail``."""
    yield head + "["
    i = 0
    first = True
    for v in gate.verdicts:
        for f, accepted in zip(v.result.findings, v.accepted):
            if keep is None or i in keep:
                yield ("" if first else ",") + _compact(_result(v, f, accepted, index, gate.baseline))
                first = False
            i += 1
    yield "]" + tail + "\n"


_LEVEL_RANK = {"error": 3, "warning": 2, "note": 1, "none": 0}


def sarif(gate: GateResult) -> dict:
    """The SARIF log of :func:`sarif_capped`, without the warning."""
    return sarif_capped(gate)[0]


def sarif_json(gate: GateResult) -> str:
    return "".join(sarif_stream(gate)[0])


def sarif_report(gate: GateResult) -> tuple[str, str | None]:
    """The SARIF file's text and the warning to print when it had to be cut (see :func:`sarif_stream`)."""
    pieces, warning = sarif_stream(gate)
    return "".join(pieces), warning


# ---------------------------------------------------------------------------- GitHub


def github(gate: GateResult) -> str:
    """GitHub Actions workflow commands within GitHub's per-step limits (see :mod:`auditor.io.github`)."""
    from auditor.io import github as gh

    return gh.render(gate)
