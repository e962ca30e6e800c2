"""Inputs read twice, lazily: a validating pass, then the scoring pass.

Why two passes: the promise "a bad input produces no output" needs the whole input
checked before the first result is written, and flat memory needs the documents *not*
kept between the check and the scoring. So :meth:`DocumentStream.validate` reads every
input once (decode, parse, fields, the same checks and messages as
:func:`auditor.io.readers.read_documents`) and keeps nothing but a count, and iterating
the stream reads the inputs again, one JSONL record at a time.

Only JSONL files are streamed per line. A text file is one document and a feed is
parsed whole (both as the core readers do); stdin cannot be read twice, so it is read
once into memory.
"""

from __future__ import annotations

from collections.abc import Iterator, Sequence

from auditor.errors import InputError
from auditor.io.feeds import looks_like_feed
from auditor.io.readers import (
    JSONL_SUFFIXES,
    ReadOptions,
    jsonl_document,
    read_bytes,
    read_documents,
)
from auditor.types import Document


def jsonl_lines(path: str) -> Iterator[tuple[int, str]]:
    """(line number, decoded line) of a file, read in binary one line at a time.

    Errors match :func:`decode_text` on the whole file: a NUL byte names its line, bad
    UTF-8 its byte offset in the file and its line; a leading BOM is dropped."""
    offset = 0
    try:
        fh = open(path, "rb")
    except IsADirectoryError:
        raise InputError(path, "is a directory (give files, or use `auditor gate` for directories)") from None
    except FileNotFoundError:
        raise InputError(path, "no such file") from None
    except OSError as e:
        raise InputError(path, f"cannot read: {e.strerror or e}") from None
    with fh:
        for lineno, raw in enumerate(fh, start=1):
            if b"\x00" in raw:
                raise InputError(path, "looks like a binary file (NUL byte); expected UTF-8 text", lineno)
            try:
                line = raw.decode("utf-8")
            except UnicodeDecodeError as e:
                at = offset + e.start
                raise InputError(
                    path, f"invalid UTF-8 (byte 0x{raw[e.start]:02x} at offset {at})", lineno
                ) from None
            if lineno == 1 and line.startswith("\ufeff"):
                line = line[1:]
            offset += len(raw)
            yield lineno, line[:-1] if line.endswith("\n") else line


def streams_by_line(path: str, options: ReadOptions) -> bool:
    """True for a file read one JSONL line at a time (not stdin, not a feed with a .jsonl name)."""
    if path == "-":
        return False
    fmt = options.input_format
    if fmt == "jsonl":
        return True
    if fmt == "text":
        return False
    return path.lower().endswith(JSONL_SUFFIXES) and not looks_like_feed(path, read_bytes(path, 2048))


def jsonl_documents(path: str, options: ReadOptions) -> Iterator[Document]:
    """The documents of a JSONL file, one record at a time (blank lines skipped)."""
    for lineno, line in jsonl_lines(path):
        doc = jsonl_document(path, line, lineno, options)
        if doc is not None:
            yield doc


class DocumentStream:
    """The documents of ``paths``, readable once to validate and again (lazily) to score."""

    def __init__(self, paths: Sequence[str], options: ReadOptions | None = None) -> None:
        self.paths = list(paths)
        self.options = options or ReadOptions()
        if self.options.source_path is not None and len(self.paths) != 1:
            raise InputError(self.options.source_path, "--source goes with exactly one input file")
        self._stdin: list[Document] | None = None

    def _documents(self, path: str) -> Iterator[Document]:
        if path == "-":
            if self._stdin is None:
                self._stdin = read_documents(["-"], self.options)
            yield from self._stdin
        elif streams_by_line(path, self.options):
            yield from jsonl_documents(path, self.options)
        else:
            yield from read_documents([path], self.options)

    def validate(self) -> int:
        """Read every input, raising :class:`InputError` on the first bad one; the document count."""
        return sum(1 for path in self.paths for _ in self._documents(path))

    def __iter__(self) -> Iterator[Document]:
        for path in self.paths:
            yield from self._documents(path)
