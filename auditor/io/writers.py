"""Writers: results → JSON, JSONL and human-readable text.

JSON is byte-stable: keys in a fixed order, no timestamps, floats rounded, so the
same input always produces identical output (tools diff it).
"""

from __future__ import annotations

import json
from collections import Counter
from collections.abc import Sequence
from typing import Any

from auditor import __version__
from auditor.score import assign_findings
from auditor.types import DocumentResult, Finding

SEVERITY_COLOR = {"minor": "33", "major": "31", "critical": "1;35"}  # yellow, red, bold magenta


def dumps(obj: Any, indent: int | None = None) -> str:
    return json.dumps(obj, ensure_ascii=False, indent=indent, separators=None if indent else (",", ":"))


def document_json(result: DocumentResult) -> dict[str, Any]:
    doc = result.document
    out: dict[str, Any] = {"path": doc.path}
    if doc.id is not None:
        out["id"] = doc.id
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


def jsonl_record(result: DocumentResult) -> dict[str, Any]:
    """One line of ``--format jsonl``: offsets are into the record's own text."""
    return {
        "id": result.document.id,
        "score": result.score,
        "penalty": result.penalty,
        "mqm_estimate": result.mqm_estimate,
        "spans": [f.to_dict() for f in result.findings],
    }


def _highlight(text: str, offset: int, findings: Sequence[Finding], color: bool) -> str:
    """Mark flagged spans: ANSI colour on a terminal, ``[[…]]`` otherwise."""
    pieces: list[str] = []
    pos = 0
    for f in sorted(findings, key=lambda f: (f.start, -f.end)):
        s, e = max(f.start - offset, pos), min(f.end - offset, len(text))
        if e <= s:
            continue
        pieces.append(text[pos:s])
        span = text[s:e]
        pieces.append(f"\x1b[{SEVERITY_COLOR[f.severity]}m{span}\x1b[0m" if color else f"[[{span}]]")
        pos = e
    pieces.append(text[pos:])
    return "".join(pieces)


def render_text(results: Sequence[DocumentResult], signature: str, color: bool = False) -> str:
    """The default report: text with flagged spans, per-sentence scores, a summary."""
    lines: list[str] = []
    for r in results:
        name = r.document.path + (f"#{r.document.id}" if r.document.id is not None else "")
        lines.append(f"== {name}")
        # The same assignment the pipeline scored with (bisect: linear in findings).
        by_seg = assign_findings([sr.segment for sr in r.segments], r.findings)
        for sr in r.segments:
            seg = sr.segment
            if not seg.scored:
                lines.append(f"  {seg.line:>4}  {'skip':>5}  ({seg.kind.split(':', 1)[1]}) {seg.text[:60]}")
                continue
            found = by_seg.get(seg.index, [])
            lines.append(f"  {seg.line:>4}  {sr.score:>5.1f}  {_highlight(seg.text, seg.start, found, color)}")
            for f in found:
                fix = f" → {f.suggestion}" if f.suggestion else ""
                quoted = "" if f.text in f.message else f"'{f.text}': "  # never the text twice
                lines.append(
                    f"{'':13}{f.line}:{f.column} {f.severity} {f.category} [{f.detector}] {quoted}{f.message}{fix}"
                )
        counts = Counter(f.severity for f in r.findings)
        lines.append(
            f"  score {r.score:.1f}/100  penalty {r.penalty:g}  words {r.words}  findings "
            f"{len(r.findings)} (critical {counts['critical']}, major {counts['major']}, minor {counts['minor']})"
        )
        lines.append("")
    lines.append(f"signature: {signature}")
    return "\n".join(lines) + "\n"
