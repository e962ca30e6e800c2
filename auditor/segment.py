"""Document → segments: lines, then German-aware sentences, with exact offsets.

A hand-written splitter, not somajo: somajo costs ~2 ms a sentence, and the
``rules`` engine must read 10 MB in seconds. The splitter only decides *where* to
cut; it never rewrites text, so ``doc.text[seg.start:seg.end] == seg.text`` always.

Non-prose lines (Markdown images and links on their own, bare URLs, copyright
lines, horizontal and table rules; in Markdown files also YAML front matter and fenced
code) become ``skipped:*`` segments: shown in reports, never scored.

URLs, e-mail addresses and (in Markdown) inline code inside prose are recorded as
``SegmentedDocument.protected`` spans: the text stays intact for the engines (offsets are
exact), and the pipeline drops any finding that lies on one, so no detector can flag
``world`` in ``https://www.reuters.com/world/`` or ``example`` in ``support@example.com``.
"""

from __future__ import annotations

import re
from collections.abc import Iterator

from auditor.types import Document, LineIndex, Segment, SegmentedDocument

# Abbreviations that end with a period but rarely end a sentence (compared lowercased).
#: Name and version of the segmentation, part of every signature (:func:`auditor.score.signature`).
#: Bump it whenever a change can move a segment boundary, a skipped segment or a protected span:
#: @2 skips Markdown front matter, fenced code and rules and protects URLs and inline code.
SEGMENTATION = "lines+sentences@2"

ABBREVIATIONS = frozenset(
    """
    abb abs abt adr allg anm art aufl bd bspw bzgl bzw ca chr co corp dgl dipl dr dt ebd engl etc
    evtl exkl fa fr frl gebr gegr ggf hl hr hrsg inc inkl insb jh jr kap kfz kl ltd max mind min mio
    mr mrs mrd ms nr nrn o.ä od orig pkw prof rd s sog sr st std str tel u.a usw v.a vgl vs z.b z.t
    zzgl ziff jan feb febr mär apr aug sep sept okt nov dez mo di mi do fr sa so
    """.split()
)

MONTHS = frozenset(
    "Januar Februar März April Mai Juni Juli August September Oktober November Dezember Jänner".split()
)

# End of a sentence: terminal punctuation, optional closing quotes/brackets, whitespace.
_BOUNDARY = re.compile(r"[.!?…]+[\"'“”’»«)\]]*(?=\s+)")
_NEXT_START = re.compile(r"\s+([\"'„“‚‘»«(\[]?)(\S)")
_WORD_BEFORE = re.compile(r"([\w.]+)\.$")

_MD_IMAGE = r"!\[[^\]\n]*\]\([^)\n]*\)"
_MD_LINK = r"\[[^\]\n]*\]\([^)\n]*\)"
_URL = r"(?:https?://|www\.)\S+"
_NON_PROSE_LINE = re.compile(
    rf"^\s*(?:(?:{_MD_IMAGE}|{_MD_LINK}|{_URL})[\s.,;|·•-]*)+$"
)
#: ``---``, ``***``, ``___`` (horizontal rules, front-matter fences) and table rules ``|---|:--:|``
_RULE_LINE = re.compile(r"^\s*(?:(?:[-*_]\s*){3,}|\|?\s*:?-{3,}:?\s*(?:\|\s*:?-{3,}:?\s*)*\|?)\s*$")
_FENCE = re.compile(r"^\s{0,3}(`{3,}|~{3,})")
_FRONT_MATTER_END = re.compile(r"^(?:---|\.\.\.)\s*$")
#: a URL (scheme or www.) up to whitespace, without trailing sentence punctuation or closing brackets
_URL_IN_TEXT = re.compile(r"(?:\b[a-zA-Z][a-zA-Z0-9+.-]*://|\bwww\.)[^\s<>\"“”„»«]+?(?=[.,;:!?)\]'’]*(?:\s|$|[<>\"“”„»«]))")
_EMAIL = re.compile(r"\b[\w.+-]+@[\w-]+(?:\.[\w-]+)+\b")
_INLINE_CODE = re.compile(r"(`+)[^`\n]+?\1")
MARKDOWN_SUFFIXES = (".md", ".markdown", ".mdx")
_COPYRIGHT_LINE = re.compile(r"^\s*(?:©|\(c\)\s|copyright\b|alle rechte vorbehalten)", re.IGNORECASE)


def is_markdown(doc: Document) -> bool:
    return doc.path.lower().endswith(MARKDOWN_SUFFIXES)


def protected_spans(text: str, markdown: bool = False) -> tuple[tuple[int, int], ...]:
    """Sorted (start, end) of URLs, e-mail addresses and, in Markdown, inline code."""
    spans = [m.span() for m in _URL_IN_TEXT.finditer(text)]
    spans += [m.span() for m in _EMAIL.finditer(text)]
    if markdown:
        spans += [m.span() for m in _INLINE_CODE.finditer(text)]
    return tuple(sorted(spans))


def markdown_blocks(lines: list[str]) -> dict[int, str]:
    """Line index → skip kind for YAML front matter and fenced code blocks of a Markdown file."""
    kinds: dict[int, str] = {}
    n = 0
    if lines and lines[0].rstrip("\r").strip() == "---":
        for end in range(1, len(lines)):
            if _FRONT_MATTER_END.match(lines[end].rstrip("\r")):
                for i in range(end + 1):
                    kinds[i] = "skipped:front-matter"
                n = end + 1
                break
    fence: str | None = None
    for i in range(n, len(lines)):
        m = _FENCE.match(lines[i])
        if fence is None:
            if m:
                fence = m.group(1)
                kinds[i] = "skipped:code"
        else:
            kinds[i] = "skipped:code"
            if m and m.group(1)[0] == fence[0] and len(m.group(1)) >= len(fence) and not lines[i].strip()[
                len(m.group(1)) :
            ].strip():
                fence = None
    return kinds


def classify_line(line: str) -> str:
    """Return ``"sentence"`` for prose, ``"skipped:<why>"`` for non-prose lines."""
    if _RULE_LINE.match(line):
        return "skipped:rule"
    if _NON_PROSE_LINE.match(line):
        stripped = line.strip()
        if stripped.startswith("!["):
            return "skipped:image"
        if stripped.startswith("["):
            return "skipped:link"
        return "skipped:url"
    if _COPYRIGHT_LINE.match(line):
        return "skipped:copyright"
    return "sentence"


def _is_boundary(text: str, end: int, next_char: str, opener: str) -> bool:
    """Decide whether a candidate boundary ending at ``end`` really ends a sentence."""
    if not (next_char.isupper() or next_char.isdigit() or opener):
        return False
    # Walk back over closing quotes/brackets and the punctuation itself.
    j = end
    while j > 0 and text[j - 1] in "\"'“”’»«)]":
        j -= 1
    if text[j - 1] != ".":
        return True  # ! ? … end sentences
    m = _WORD_BEFORE.search(text[max(0, j - 40) : j])
    if not m:
        return True
    word = m.group(1)
    low = word.lower().rstrip(".")
    if low in ABBREVIATIONS or low.replace(".", "") in ABBREVIATIONS:
        return False
    if "." in word.strip("."):  # z.B. / U.S. / e.V.
        return False
    if len(word) == 1 and word.isalpha():  # initials: "John F. Kennedy"
        return False
    if word.isdigit():
        # "11. September", "am 3. Oktober", "der 2. Weltkrieg": ordinals.
        if len(word) <= 2:
            return False
        following = text[end:].lstrip()
        first_word = re.match(r"\w+", following)
        if first_word and first_word.group(0) in MONTHS:
            return False
    return True


def split_sentences(text: str, start: int, end: int) -> Iterator[tuple[int, int]]:
    """Yield (start, end) of sentences inside ``text[start:end]``, whitespace-trimmed."""
    chunk = text[start:end]
    cut = 0
    for m in _BOUNDARY.finditer(chunk):
        nxt = _NEXT_START.match(chunk, m.end())
        if not nxt:
            continue
        if _is_boundary(chunk, m.end(), nxt.group(2), nxt.group(1)):
            yield from _trimmed(text, start + cut, start + m.end())
            cut = m.end()
    yield from _trimmed(text, start + cut, end)


def _trimmed(text: str, start: int, end: int) -> Iterator[tuple[int, int]]:
    while start < end and text[start].isspace():
        start += 1
    while end > start and text[end - 1].isspace():
        end -= 1
    if end > start:
        yield start, end


def _line_spans(text: str) -> Iterator[tuple[int, int]]:
    # Split on "\n" only, like LineIndex, so line numbers agree everywhere.
    pos = 0
    for line in text.split("\n"):
        body = line[:-1] if line.endswith("\r") else line
        yield pos, pos + len(body)
        pos += len(line) + 1


def segment_document(doc: Document) -> SegmentedDocument:
    """Split a document into lines (units) and sentences with exact offsets."""
    text = doc.text
    lines = LineIndex(text)
    source_lines = doc.source.split("\n") if doc.source is not None else None
    single_unit_source = doc.id is not None  # JSONL record: one source for the record
    segments: list[Segment] = []
    markdown = is_markdown(doc) and doc.id is None
    blocks = markdown_blocks(text.split("\n")) if markdown else {}
    for unit, (lstart, lend) in enumerate(_line_spans(text)):
        line_text = text[lstart:lend]
        if not line_text.strip():
            continue
        if source_lines is None:
            source = None
        elif single_unit_source:
            source = doc.source
        else:
            source = source_lines[unit] if unit < len(source_lines) else None
        kind = blocks.get(unit) or classify_line(line_text)
        spans = _trimmed(text, lstart, lend) if kind != "sentence" else split_sentences(text, lstart, lend)
        for s, e in spans:
            line, column = lines.locate(s)
            segments.append(
                Segment(
                    index=len(segments),
                    start=s,
                    end=e,
                    line=line,
                    column=column,
                    text=text[s:e],
                    kind=kind,
                    unit=unit,
                    source=source,
                )
            )
    return SegmentedDocument(
        document=doc, segments=tuple(segments), lines=lines, protected=protected_spans(text, markdown)
    )


#: what ends a full sentence: terminal punctuation, or a closing quotation mark after it
_TERMINAL = frozenset(".!?\"'“”»«’‘…")


def is_headline(text: str) -> bool:
    """True for a segment that does not end like a sentence (a headline, a title, a list item).

    Why it matters to the estimate: translated headlines are terse, capitalised, often
    left half in English, and raters mark them about three times as densely per word."""
    stripped = text.rstrip()
    return bool(stripped) and stripped[-1] not in _TERMINAL
