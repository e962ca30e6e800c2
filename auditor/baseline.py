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
from collections.abc import Iterable, Iterator, Sequence
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
        return self.match_entries(doc, findings)[0]

    def match_entries(self, doc: Document, findings: Sequence[Finding]) -> tuple[list[bool], list[Entry]]:
        """Which findings of ``doc`` are accepted, and the entries of ``doc`` left unused (stale)."""
        key = document_key(doc)
        mine = self._by_document.get(key, [])
        if not mine:
            return [False] * len(findings), []
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
        unused: list[Entry] = []
        for e in mine:
            if left[e.fingerprint] > 0:
                left[e.fingerprint] -= 1
                loose[e.loose] += 1
                unused.append(e)
        for i, e in enumerate(entries):
            if not accepted[i] and loose[e.loose] > 0:
                loose[e.loose] -= 1
                accepted[i] = True
                for j, u in enumerate(unused):
                    if u.loose == e.loose:
                        del unused[j]
                        break
        return accepted, unused

    def documents(self) -> list[str]:
        return list(self._by_document)

    def without(self, stale: Iterable[Entry]) -> Baseline:
        """A copy without ``stale`` (a multiset: each listed entry removes one equal entry)."""
        drop = Counter(stale)
        kept = []
        for e in self.entries:
            if drop[e] > 0:
                drop[e] -= 1
            else:
                kept.append(e)
        return Baseline(kept, self.path)

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


@dataclass(frozen=True)
class Usage:
    """How a baseline fared in one run: what it matched, what is stale, and why nothing matched."""

    entries: int
    matched: int
    stale: tuple[Entry, ...]  # entries of documents in this run that matched no finding (fixed)
    elsewhere: int  # entries of documents not in this run (kept as they are)
    warning: str | None  # set when the baseline matched nothing although it has entries

    def messages(self) -> list[str]:
        out = [self.warning] if self.warning else []
        if self.stale and not self.warning:
            out.append(
                f"{len(self.stale)} baseline entr{'y is' if len(self.stale) == 1 else 'ies are'} stale (the "
                "findings are gone); --prune rewrites the baseline without them"
            )
        return out


def usage(baseline: Baseline, pairs: Iterable[tuple[Document, Sequence[Finding]]]) -> Usage:
    """Match ``baseline`` against this run's documents and findings, and explain the outcome.

    Why: a baseline written from another working directory (or for other paths) matches
    nothing, and the gate then fails on every accepted finding without a word."""
    def matches() -> Iterator[tuple[str, Sequence[bool], Sequence[Entry]]]:
        for doc, findings in pairs:
            yield (document_key(doc), *baseline.match_entries(doc, findings))

    return usage_of(baseline, matches())


def usage_of(baseline: Baseline, matches: Iterable[tuple[str, Sequence[bool], Sequence[Entry]]]) -> Usage:
    """:func:`usage` from the matches already made, one (document key, accepted, unused entries) per document.

    Why: the streaming gate matches each document once as its result arrives and keeps
    only these, not the documents; a key seen twice counts once, as in :func:`usage`."""
    matched = 0
    stale: list[Entry] = []
    seen: set[str] = set()
    for key, accepted, unused in matches:
        if key in seen:
            continue
        seen.add(key)
        matched += sum(accepted)
        stale.extend(unused)
    known = set(baseline.documents())
    elsewhere = sum(1 for e in baseline.entries if e.document not in seen)
    warning = None
    if baseline.entries and matched == 0:
        name = baseline.path or "the baseline"
        if not known & seen:
            hint = _path_hint(sorted(known), sorted(seen))
            warning = (
                f"baseline {name}: none of its {len(baseline)} entries matched: it names "
                f"{len(known)} document{'s' if len(known) != 1 else ''} ({_few(sorted(known))}), none of which is "
                f"in this run ({_few(sorted(seen))}). Document keys are paths relative to the working directory "
                f"({Path.cwd().as_posix()}){hint}"
            )
        else:
            warning = (
                f"baseline {name}: none of its {len(baseline)} entries matched a finding: the documents are the "
                "same, but every accepted finding is gone or was written by other detectors or versions"
            )
    return Usage(len(baseline), matched, tuple(stale), elsewhere, warning)


def _few(items: Sequence[str], n: int = 3) -> str:
    shown = ", ".join(items[:n])
    return shown + (f" and {len(items) - n} more" if len(items) > n else "")


def _path_hint(known: Sequence[str], seen: Sequence[str]) -> str:
    """Say how the paths differ when one set is the other with a directory prefix added or removed."""
    for k in known:
        base_k = k.split("#", 1)
        for s in seen:
            base_s = s.split("#", 1)
            if base_k[1:] != base_s[1:]:
                continue
            a, b = base_k[0], base_s[0]
            if a.endswith("/" + b):  # baseline "g/x.txt", here "x.txt": written above this directory
                up = a[: -len(b)].rstrip("/")
                ups = "/".join([".."] * (up.count("/") + 1))
                return (
                    f": the baseline says {k!r} where this run has {s!r}, so it was written from {ups!r} "
                    f"(where this directory is {up!r}); run the gate from there"
                )
            if b.endswith("/" + a):  # baseline "x.txt", here "g/x.txt": written inside "g"
                down = b[: -len(a)].rstrip("/")
                return (
                    f": the baseline says {k!r} where this run has {s!r}, so it was written from {down!r}; "
                    "run the gate from that directory"
                )
    return "; was it written from another directory, or for other files?"
