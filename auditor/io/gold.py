"""Reading gold JSONL files for ``auditor eval``: one record per line, validated.

Why in io: reading and validating an input is this layer's job, with the decoding, line
splitting and messages of every other reader (``auditor score``'s); the metrics in
:mod:`auditor.evaluate` only receive the records.
"""

from __future__ import annotations

import math
from collections.abc import Iterator

from auditor.errors import InputError
from auditor.evaluate import GOLD_SEVERITIES, GoldRecord, Span
from auditor.io import readers, stream
from auditor.io.readers import id_label, load_json_line

__all__ = ["GoldFile", "parse_gold_line", "read_gold"]


def read_gold(path: str) -> list[GoldRecord]:
    """Read a gold JSONL file; raise :class:`InputError` naming file and line on bad input.

    Decoding and line splitting are those of ``auditor score`` (one reader: a BOM is
    dropped, U+2028 inside a string is not a line break, line numbers agree).
    """
    lines = readers.jsonl_lines(readers.read_text(path))
    records = []
    for lineno, raw in lines:
        records.append(parse_gold_line(raw, path, lineno))
    if not records:
        raise InputError(path, "no records (expected one JSON object per line)")
    return records


class GoldFile:
    """A gold file read twice: :meth:`validate` checks every line (keeping only the count),
    iterating reads the records again, one line at a time.

    Why: ``auditor eval`` must refuse a bad file before any work (no output at all) and
    yet not hold the file; same decoding, lines and messages as :func:`read_gold`."""

    def __init__(self, path: str) -> None:
        self.path = path

    def __iter__(self) -> Iterator[GoldRecord]:
        for lineno, raw in stream.jsonl_lines(self.path):
            if raw.strip():
                yield parse_gold_line(raw, self.path, lineno)

    def validate(self) -> int:
        """Read every record, raising :class:`InputError` on the first bad one; the record count."""
        n = sum(1 for _ in self)
        if not n:
            raise InputError(self.path, "no records (expected one JSON object per line)")
        return n


def parse_gold_line(raw: str, path: str, lineno: int) -> GoldRecord:
    """Parse and validate one gold record."""

    def bad(msg: str) -> InputError:
        return InputError(path, msg, lineno)

    obj = load_json_line(path, raw, lineno)
    if not isinstance(obj, dict):
        raise bad("record is not a JSON object")
    text = obj.get("mt_de")
    if not isinstance(text, str):
        raise bad("missing or non-string 'mt_de'")
    rid = obj.get("id")
    try:
        label = id_label(rid) if rid is not None else str(lineno)  # as `auditor score` labels it
    except (RecursionError, ValueError):
        raise bad("the 'id' value cannot be used as an id") from None
    source = obj.get("source_en")
    if source is not None and not isinstance(source, str):
        raise bad("'source_en' must be a string or null")
    score = obj.get("score")
    if score is not None:
        if isinstance(score, bool) or not isinstance(score, (int, float)) or not math.isfinite(score):
            raise bad("'score' must be a finite number or null")
        score = float(score)
    raw_spans = obj.get("spans", [])
    if not isinstance(raw_spans, list):
        raise bad("'spans' must be a list")
    spans = []
    for i, s in enumerate(raw_spans):
        if not isinstance(s, dict):
            raise bad(f"span {i} is not an object")
        start, end = s.get("start"), s.get("end")
        if (
            not isinstance(start, int)
            or not isinstance(end, int)
            or isinstance(start, bool)
            or isinstance(end, bool)
        ):
            raise bad(f"span {i}: 'start' and 'end' must be integers")
        if not 0 <= start <= end <= len(text):
            raise bad(f"span {i} [{start}, {end}) falls outside the text (length {len(text)})")
        severity = s.get("severity")
        if severity not in GOLD_SEVERITIES:
            raise bad(f"span {i}: unknown severity {severity!r}")
        category = s.get("category") or ""
        if not isinstance(category, str):
            raise bad(f"span {i}: 'category' must be a string")
        spans.append(Span(start, end, severity, category))
    return GoldRecord(label, text, source, tuple(spans), score, lineno, (rid,))
