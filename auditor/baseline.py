"""Baselines: findings a team has accepted, so the gate blocks only new ones.

A finding is fingerprinted by what it is, not where it is: the document key (path,
plus the record / feed-item id), the detector, the category, the normalised flagged
text and a little normalised context on each side. Offsets and line numbers are left
out, so edits elsewhere in the file do not change it. Matching is a multiset match in
two passes: first on the full fingerprint, then — for findings whose context changed
because of an edit close by — on the fingerprint without context; every accepted
finding absorbs at most one current finding.

The file is sorted JSON (byte-stable), written by ``auditor gate --write-baseline``.
"""

from __future__ import annotations

import hashlib
import json
import os
import re
from collections import Counter
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from pathlib import Path

from auditor.errors import InputError
from auditor.types import Document, Finding

VERSION = 1
CONTEXT = 24  # characters of context on each side, before normalisation


def document_key(doc: Document) -> str:
    """Stable name of a document: relative POSIX path, plus ``#id`` for records and feed items."""
    path = doc.path
    if path not in ("-", "<stdin>"):
        try:
            path = Path(os.path.relpath(Path(path).resolve(), Path.cwd())).as_posix()
        except ValueError:  # another drive on Windows
            path = Path(path).as_posix()
        if path.startswith("../") or path == "..":
            path = Path(os.path.normpath(doc.path)).as_posix()
    return f"{path}#{doc.id}" if doc.id else path


def _norm(text: str) -> str:
    return re.sub(r"\s+", " ", text).strip().casefold()


@dataclass(frozen=True)
class Entry:
    document: str
    detector: str
    category: str
    text: str
    context: str

    @property
    def loose(self) -> str:
        return _hash(self.document, self.detector, self.category, self.text)

    @property
    def fingerprint(self) -> str:
        return _hash(self.document, self.detector, self.category, self.text, self.context)

    def to_dict(self) -> dict[str, str]:
        return {
            "document": self.document,
            "detector": self.detector,
            "category": self.category,
            "text": self.text,
            "context": self.context,
            "fingerprint": self.fingerprint,
        }


def _hash(*parts: str) -> str:
    return hashlib.sha256("\x1f".join(parts).encode("utf-8")).hexdigest()[:20]


def entry(doc: Document, finding: Finding, key: str | None = None) -> Entry:
    text = doc.text
    before = text[max(0, finding.start - CONTEXT) : finding.start]
    after = text[finding.end : finding.end + CONTEXT]
    # context stays within the finding's line: an edit on another line never touches it
    before = before.rsplit("\n", 1)[-1]
    after = after.split("\n", 1)[0]
    return Entry(
        document=key or document_key(doc),
        detector=finding.detector,
        category=finding.category,
        text=_norm(finding.text),
        context=_norm(before) + "\u2026" + _norm(after),
    )


def fingerprint(doc: Document, finding: Finding) -> str:
    return entry(doc, finding).fingerprint


class Baseline:
    """Accepted findings, as multisets of full and loose fingerprints."""

    def __init__(self, entries: Iterable[Entry] = (), path: str | None = None) -> None:
        self.entries = sorted(entries, key=lambda e: (e.document, e.detector, e.category, e.text, e.context))
        self.path = path
        self._by_document: dict[str, list[Entry]] = {}
        for e in self.entries:
            self._by_document.setdefault(e.document, []).append(e)

    def __len__(self) -> int:
        return len(self.entries)

    def match(self, doc: Document, findings: Sequence[Finding]) -> list[bool]:
        """For each finding of ``doc``: is it accepted by this baseline?"""
        key = document_key(doc)
        mine = self._by_document.get(key, [])
        if not mine:
            return [False] * len(findings)
        entries = [entry(doc, f, key) for f in findings]
        full = Counter(e.fingerprint for e in mine)
        accepted = [False] * len(findings)
        for i, e in enumerate(entries):
            if full[e.fingerprint] > 0:
                full[e.fingerprint] -= 1
                accepted[i] = True
        # what is left of the baseline may match findings whose context was edited
        loose: Counter[str] = Counter()
        left = full.copy()
        for e in mine:
            if left[e.fingerprint] > 0:
                left[e.fingerprint] -= 1
                loose[e.loose] += 1
        for i, e in enumerate(entries):
            if not accepted[i] and loose[e.loose] > 0:
                loose[e.loose] -= 1
                accepted[i] = True
        return accepted

    def to_json(self) -> str:
        data = {
            "tool": "mt-auditor",
            "version": VERSION,
            "findings": [e.to_dict() for e in self.entries],
        }
        return json.dumps(data, ensure_ascii=False, indent=2, sort_keys=True) + "\n"

    @classmethod
    def from_results(cls, pairs: Iterable[tuple[Document, Sequence[Finding]]]) -> Baseline:
        return cls(entry(doc, f) for doc, findings in pairs for f in findings)

    @classmethod
    def load(cls, path: str) -> Baseline:
        try:
            text = Path(path).read_text(encoding="utf-8")
        except FileNotFoundError:
            raise InputError(
                path, "baseline file not found (write one with auditor gate --write-baseline FILE)"
            ) from None
        except (OSError, UnicodeDecodeError) as exc:
            raise InputError(path, f"cannot read baseline: {exc}") from None
        try:
            data = json.loads(text)
        except json.JSONDecodeError as exc:
            raise InputError(path, f"baseline is not valid JSON: {exc.msg}", exc.lineno) from None
        if (
            not isinstance(data, dict)
            or data.get("version") != VERSION
            or not isinstance(data.get("findings"), list)
        ):
            raise InputError(
                path, f"not an mt-auditor baseline (version {VERSION} with a findings list expected)"
            )
        entries = []
        for n, item in enumerate(data["findings"]):
            try:
                entries.append(
                    Entry(*(str(item[k]) for k in ("document", "detector", "category", "text", "context")))
                )
            except (KeyError, TypeError):
                raise InputError(
                    path, f"baseline finding #{n + 1} lacks document/detector/category/text/context"
                ) from None
        return cls([_current_id(e) for e in entries], path)


def _current_id(entry: Entry) -> Entry:
    """An entry written under a former detector id, under the id that now reports it.

    When an id was split by category (``lexical.number`` → ``lexical.number`` and
    ``lexical.number_missing``), the entry's category says which detector it was."""
    from dataclasses import replace

    from auditor.detectors import resolve

    matches = [d for d in resolve(entry.detector) if d.category == entry.category]
    if len(matches) == 1 and matches[0].id != entry.detector:
        return replace(entry, detector=matches[0].id)
    return entry
