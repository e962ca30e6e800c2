"""Input readers: UTF-8 text files, stdin and JSONL records → :class:`Document`.

Everything is read and validated before any document is processed, so a bad line
late in a file stops the run with an error naming the file and line and no partial
output. The text is kept byte-for-byte (only a leading BOM is dropped): offsets in
findings index into exactly what the user gave us.
"""

from __future__ import annotations

import json
import re
import sys
from collections.abc import Iterator, Sequence
from dataclasses import dataclass
from typing import Any

from auditor.errors import InputError
from auditor.io.feeds import looks_like_feed, read_feed
from auditor.types import Document

DEFAULT_TEXT_FIELDS = ("mt_de", "text")
DEFAULT_SOURCE_FIELDS = ("source_en", "source")
JSONL_SUFFIXES = (".jsonl", ".ndjson")


@dataclass(frozen=True)
class ReadOptions:
    """How to read inputs. ``None`` fields mean "use the defaults in order"."""

    text_field: str | None = None
    source_field: str | None = None
    id_field: str = "id"
    source_path: str | None = None
    input_format: str = "auto"  # auto | text | jsonl
    stdin_name: str = "<stdin>"  # --stdin-filename: the name piped input carries in every report


def read_bytes(path: str, limit: int = -1) -> bytes:
    """The file's bytes (``-``: stdin), or its first ``limit`` bytes; OS errors become
    :class:`InputError` naming the file."""
    try:
        if path == "-":
            return sys.stdin.buffer.read(limit)
        with open(path, "rb") as fh:
            return fh.read(limit)
    except IsADirectoryError:
        raise InputError(path, "is a directory (give files, or use `auditor gate` for directories)") from None
    except FileNotFoundError:
        raise InputError(path, "no such file") from None
    except OSError as e:
        raise InputError(path, f"cannot read: {e.strerror or e}") from None


def decode_text(path: str, data: bytes) -> str:
    """Strict UTF-8 decoding; binary files and bad bytes are errors with a line number."""
    if b"\x00" in data:
        line = data[: data.index(b"\x00")].count(b"\n") + 1
        raise InputError(path, "looks like a binary file (NUL byte); expected UTF-8 text", line)
    try:
        text = data.decode("utf-8")
    except UnicodeDecodeError as e:
        line = data[: e.start].count(b"\n") + 1
        raise InputError(path, f"invalid UTF-8 (byte 0x{data[e.start]:02x} at offset {e.start})", line) from None
    return text[1:] if text.startswith("\ufeff") else text


def _is_jsonl(path: str, text: str, input_format: str) -> bool:
    if input_format != "auto":
        return input_format == "jsonl"
    if path.lower().endswith(JSONL_SUFFIXES):
        return True
    if path == "-":
        first = text.lstrip()[:1]
        return first == "{" and all(
            line.lstrip().startswith("{") for line in text.splitlines() if line.strip()
        )
    return False


def _pick(record: dict[str, object], explicit: str | None, defaults: Sequence[str]) -> tuple[str | None, object]:
    if explicit is not None:
        return (explicit, record[explicit]) if explicit in record else (None, None)
    for name in defaults:
        if name in record:
            return name, record[name]
    return None, None


#: a ``\\uD800``–``\\uDFFF`` escape: only then can a parsed string hold a lone surrogate
_SURROGATE_ESCAPE = re.compile(r"\\u[dD][89a-fA-F][0-9a-fA-F]{2}")
_SURROGATE = re.compile("[\ud800-\udfff]")


def jsonl_lines(text: str) -> Iterator[tuple[int, str]]:
    """(1-based line number, line) of the non-blank lines of a JSONL text.

    Why split on ``\\n`` only: ``str.splitlines`` also splits at U+2028, U+0085 and
    \\x1c–\\x1e, which are valid inside JSON strings, so a reader using it rejected valid
    records and numbered lines differently from the other readers.
    """
    for lineno, line in enumerate(text.split("\n"), start=1):
        if line.strip():
            yield lineno, line


def _lone_surrogate(value: Any) -> bool:
    """Does any string in a parsed JSON value (keys included) hold a lone surrogate? Iterative: no depth limit."""
    stack = [value]
    while stack:
        v = stack.pop()
        if isinstance(v, str):
            if _SURROGATE.search(v):
                return True
        elif isinstance(v, dict):
            stack.extend(v.keys())
            stack.extend(v.values())
        elif isinstance(v, list):
            stack.extend(v)
    return False


def load_json_line(path: str, line: str, lineno: int) -> Any:
    """One JSONL line parsed, or :class:`InputError` naming the file and line.

    Besides malformed JSON this refuses what ``json`` accepts but the rest of the tool
    cannot carry: nesting deeper than the recursion limit (``RecursionError``), integers
    longer than Python's int-string limit (``ValueError``) and lone surrogates from
    ``\\ud800`` escapes, which cannot be encoded as UTF-8 and used to crash the report
    writer after the whole run.
    """
    try:
        value = json.loads(line)
    except json.JSONDecodeError as e:
        raise InputError(path, f"malformed JSON: {e.msg} (column {e.colno})", lineno) from None
    except RecursionError:
        raise InputError(path, "JSON nested too deeply", lineno) from None
    except ValueError as e:  # e.g. "Exceeds the limit (4300 digits) for integer string conversion"
        raise InputError(path, f"unsupported JSON value: {str(e).split(';')[0]}", lineno) from None
    if _SURROGATE_ESCAPE.search(line) and _lone_surrogate(value):
        raise InputError(path, "a \\uD800-\\uDFFF escape that is not a surrogate pair (not valid Unicode)", lineno)
    return value


def id_label(value: Any) -> str:
    """The id as text, for human-readable output, file keys and baselines.

    A string stays itself; any other JSON value is its compact JSON text (``7``,
    ``{"a":1}``, ``true``), never a Python repr. Reports that carry JSON keep the value
    itself (:attr:`Document.json_id`).
    """
    if isinstance(value, str):
        return value
    return json.dumps(value, ensure_ascii=False, separators=(",", ":"))


def parse_jsonl(path: str, text: str, options: ReadOptions) -> list[Document]:
    """Documents of the JSONL records in ``text``; the id is kept as the JSON value given."""
    docs = (jsonl_document(path, line, lineno, options) for lineno, line in jsonl_lines(text))
    return [d for d in docs if d is not None]


def jsonl_document(path: str, line: str, lineno: int, options: ReadOptions) -> Document | None:
    """One JSONL line → its Document (``None`` for a blank line); a bad record names the line.

    Shared by the whole-file reader and the streaming one (:mod:`auditor.io.stream`), so both
    accept and refuse exactly the same records."""
    if not line.strip():
        return None
    record = load_json_line(path, line, lineno)
    if not isinstance(record, dict):
        raise InputError(path, "a JSONL line must be a JSON object", lineno)
    fields = options.text_field or " or ".join(DEFAULT_TEXT_FIELDS)
    name, value = _pick(record, options.text_field, DEFAULT_TEXT_FIELDS)
    if name is None:
        raise InputError(path, f"missing text field {fields!r}", lineno)
    if not isinstance(value, str):
        raise InputError(path, f"field {name!r} must be a string", lineno)
    _, source = _pick(record, options.source_field, DEFAULT_SOURCE_FIELDS)
    if source is not None and not isinstance(source, str):
        raise InputError(path, "the source field must be a string or null", lineno)
    rid = record.get(options.id_field)
    try:
        doc_id = id_label(rid) if rid is not None else str(lineno)
    except (RecursionError, ValueError):
        raise InputError(path, f"the {options.id_field!r} value cannot be used as an id", lineno) from None
    return Document(path=path, text=value, source=source, id=doc_id, origin_line=lineno, meta=record, json_id=(rid,))


def read_text(path: str) -> str:
    """A whole file (``-``: stdin) as strict UTF-8 text, a leading BOM dropped: the one way every command reads."""
    return decode_text(path, read_bytes(path))


def read_documents(paths: Sequence[str], options: ReadOptions | None = None) -> list[Document]:
    """Read every input fully; raise :class:`InputError` on the first problem."""
    options = options or ReadOptions()
    if options.source_path is not None and len(paths) != 1:
        raise InputError(options.source_path, "--source goes with exactly one input file")
    docs: list[Document] = []
    for path in paths:
        data = read_bytes(path)
        name = options.stdin_name if path == "-" else path
        # Feeds are read per item, as the gate reads them (not as raw XML text).
        if options.input_format == "auto" and looks_like_feed(name, data[:2048]):
            docs.extend(read_feed(name, data))
            continue
        text = decode_text(path, data)
        if _is_jsonl(path, text, options.input_format):
            docs.extend(parse_jsonl(name, text, options))
            continue
        source = None
        if options.source_path is not None:
            source = decode_text(options.source_path, read_bytes(options.source_path))
        docs.append(Document(path=name, text=text, source=source))
    return docs
