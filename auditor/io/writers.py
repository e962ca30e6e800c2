"""Writers: results → JSON, JSONL and human-readable text.

JSON is byte-stable: keys in a fixed order, no timestamps, floats rounded, so the
same input always produces identical output (tools diff it).
"""

from __future__ import annotations

import json
import os
import re
from collections import Counter
from collections.abc import Mapping, Sequence
from typing import Any

from auditor import __version__
from auditor.io.terminal import safe
from auditor.score import assign_findings
from auditor.types import SEVERITY_RANK, Document, DocumentResult, Finding

SEVERITY_COLOR = {"minor": "33", "major": "31", "critical": "1;35"}  # yellow, red, bold magenta


_SURROGATE = re.compile("[\ud800-\udfff]")


def dumps(obj: Any, indent: int | None = None) -> str:
    """JSON text that is always encodable as UTF-8: a lone surrogate (which the readers refuse,
    but a library caller may pass) is written as its ``\\udXXX`` escape, the same JSON value."""
    text = json.dumps(obj, ensure_ascii=False, indent=indent, separators=None if indent else (",", ":"))
    if _SURROGATE.search(text):
        text = _SURROGATE.sub(lambda m: f"\\u{ord(m.group()):04x}", text)
    return text


def document_json(result: DocumentResult) -> dict[str, Any]:
    doc = result.document
    out: dict[str, Any] = {"path": doc.path}
    if doc.id is not None:
        out["id"] = output_id(doc)
    out.update(
        {
            "score": result.score,
            "penalty": result.penalty,
            "words": result.words,
            "mqm_estimate": result.mqm_estimate,
            "findings": [f.to_dict() for f in result.findings],
            "segments": [],
        }
    )
    for sr in result.segments:
        seg = sr.segment
        entry: dict[str, Any] = {
            "index": seg.index,
            "start": seg.start,
            "end": seg.end,
            "line": seg.line,
            "kind": seg.kind,
            "score": sr.score,
            "mqm_estimate": sr.mqm_estimate,
            "text": seg.text,
        }
        for engine_name, extra in sorted(sr.annotations.items()):
            entry[engine_name] = extra
        out["segments"].append(entry)
    return out


def report_json(results: Sequence[DocumentResult], signature: str) -> dict[str, Any]:
    return {
        "version": __version__,
        "signature": signature,
        "documents": [document_json(r) for r in results],
    }


def output_id(doc: Document) -> Any:
    """The id JSON outputs carry: a JSONL record's id as the JSON value given, else the text id.

    A JSONL record without an id gets ``null`` (the same in ``score`` and ``eval``), never
    its line number, which could collide with a real id.
    """
    return doc.json_id[0] if doc.json_id is not None else doc.id


def jsonl_record(result: DocumentResult) -> dict[str, Any]:
    """One line of ``--format jsonl``: offsets are into the record's own text."""
    return {
        "id": output_id(result.document),
        "score": result.score,
        "penalty": result.penalty,
        "mqm_estimate": result.mqm_estimate,
        "spans": [f.to_dict() for f in result.findings],
        "path": result.document.path,  # added last: several files' records can be told apart
    }


def use_color(flag: bool | None, isatty: bool, environ: Mapping[str, str] | None = None) -> bool:
    """Whether to colour: an explicit flag wins, then NO_COLOR, FORCE_COLOR, TERM=dumb, then the terminal.

    Follows https://no-color.org and the FORCE_COLOR convention (any non-empty value
    except ``0``): CI logs are not terminals but render ANSI, and some users never want it.
    """
    env = os.environ if environ is None else environ
    if flag is not None:
        return flag
    if env.get("NO_COLOR"):
        return False
    force = env.get("FORCE_COLOR")
    if force and force != "0":
        return True
    if env.get("TERM") == "dumb":
        return False
    return isatty


def _highlight(text: str, offset: int, findings: Sequence[Finding], color: bool) -> str:
    """Mark flagged spans: ANSI colour on a terminal, ``[[…]]`` otherwise.

    Overlapping findings are merged into one marked run covering the whole extent of
    each (the earlier version cut the later span at the end of the first). The run takes
    the colour of its most severe finding.
    """
    runs: list[list[Any]] = []  # [start, end, severity]
    for f in sorted(findings, key=lambda f: (f.start, -f.end)):
        s, e = max(f.start - offset, 0), min(f.end - offset, len(text))
        if e <= s:
            continue
        if runs and s < runs[-1][1]:
            runs[-1][1] = max(runs[-1][1], e)
            if SEVERITY_RANK[f.severity] > SEVERITY_RANK[runs[-1][2]]:
                runs[-1][2] = f.severity
        else:
            runs.append([s, e, f.severity])
    pieces: list[str] = []
    pos = 0
    for s, e, severity in runs:
        pieces.append(safe(text[pos:s]))
        span = safe(text[s:e])
        pieces.append(f"\x1b[{SEVERITY_COLOR[severity]}m{span}\x1b[0m" if color else f"[[{span}]]")
        pos = e
    pieces.append(safe(text[pos:]))
    return "".join(pieces)


def _name(r: DocumentResult) -> str:
    """``path`` or ``path#id``: how human-readable reports name a document (escape with :func:`safe`)."""
    return r.document.path + (f"#{r.document.id}" if r.document.id is not None else "")


def render_line(results: Sequence[DocumentResult]) -> str:
    """``--format line``: ``path:line:col: severity detector: message [→ suggestion]``, one finding a line.

    The shape of Vale's ``line`` and ruff's ``concise`` output, so editors' error
    parsers and ``grep`` read it. Paths of JSONL records carry ``#id`` like the text report.
    """
    out: list[str] = []
    for r in results:
        name = safe(_name(r))
        for f in sorted(r.findings, key=lambda f: (f.start, f.end, f.detector)):
            fix = f" → {safe(f.suggestion)}" if f.suggestion else ""
            message = safe(f.message.replace("\n", " "))
            out.append(f"{name}:{f.line}:{f.column}: {f.severity} {f.detector}: {message}{fix}")
    return "".join(line + "\n" for line in out)


def render_statistics(results: Sequence[DocumentResult]) -> str:
    """``--statistics``: finding counts per detector and severity, most frequent first (like ruff)."""
    counts: Counter[tuple[str, str]] = Counter(
        (f.detector, f.severity) for r in results for f in r.findings
    )
    if not counts:
        return "no findings\n"
    width = max(len(str(n)) for n in counts.values())
    det_width = max(len(d) for d, _ in counts)
    rows = sorted(counts.items(), key=lambda kv: (-kv[1], kv[0][0], kv[0][1]))
    lines = [f"{n:>{width}}  {det:<{det_width}}  {sev}" for (det, sev), n in rows]
    lines.append(f"{sum(counts.values()):>{width}}  total")
    return "\n".join(lines) + "\n"


def render_text(
    results: Sequence[DocumentResult], signature: str, color: bool = False, only_flagged: bool = False
) -> str:
    """The default report: text with flagged spans, per-sentence scores, a summary.

    ``only_flagged`` keeps only the sentences that have findings (``score -q``), so a
    long clean article does not bury the few lines worth reading.
    """
    lines: list[str] = []
    for r in results:
        lines.append(f"== {safe(_name(r))}")
        # The same assignment the pipeline scored with (bisect: linear in findings).
        by_seg = assign_findings([sr.segment for sr in r.segments], r.findings)
        for sr in r.segments:
            seg = sr.segment
            found = by_seg.get(seg.index, [])
            if only_flagged and not found:
                continue
            if not seg.scored:
                lines.append(f"  {seg.line:>4}  {'skip':>5}  ({seg.kind.split(':', 1)[1]}) {safe(seg.text[:60])}")
                continue
            lines.append(f"  {seg.line:>4}  {sr.score:>5.1f}  {_highlight(seg.text, seg.start, found, color)}")
            for f in found:
                fix = f" → {safe(f.suggestion)}" if f.suggestion else ""
                quoted = "" if f.text in f.message else f"'{safe(f.text)}': "  # never the text twice
                lines.append(
                    f"{'':13}{f.line}:{f.column} {f.severity} {f.category} [{f.detector}] {quoted}{safe(f.message)}{fix}"
                )
        counts = Counter(f.severity for f in r.findings)
        lines.append(
            f"  score {r.score:.1f}/100  penalty {r.penalty:g}  words {r.words}  findings "
            f"{len(r.findings)} (critical {counts['critical']}, major {counts['major']}, minor {counts['minor']})"
        )
        lines.append("")
    lines.append(f"signature: {signature}")
    return "\n".join(lines) + "\n"
