"""Input readers: UTF-8 text files, stdin and JSONL records → :class:`Document`.

Everything is read and validated before any document is processed, so a bad line
late in a file stops the run with an error naming the file and line and no partial
output. The text is kept byte-for-byte (only a leading BOM is dropped): offsets in
findings index into exactly what the user gave us.
"""

from __future__ import annotations

import json
import sys
from collections.abc import Sequence
from dataclasses import dataclass

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


def parse_jsonl(path: str, text: str, options: ReadOptions) -> list[Document]:
    docs: list[Document] = []
    for lineno, line in enumerate(text.split("\n"), start=1):
        doc = jsonl_document(path, line, lineno, options)
        if doc is not None:
            docs.append(doc)
    return docs


def jsonl_document(path: str, line: str, lineno: int, options: ReadOptions) -> Document | None:
    """One JSONL line → its Document (``None`` for a blank line); a bad record names the line.

    Shared by the whole-file reader and the streaming one (:mod:`auditor.io.stream`), so both
    accept and refuse exactly the same records."""
    if not line.strip():
        return None
    try:
        record = json.loads(line)
    except json.JSONDecodeError as e:
        raise InputError(path, f"malformed JSON: {e.msg} (column {e.colno})", lineno) from None
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
    doc_id = str(rid) if rid is not None else str(lineno)
    return Document(path=path, text=value, source=source, id=doc_id, origin_line=lineno, meta=record)


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
