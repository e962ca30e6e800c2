"""RSS and Atom feeds as gate input: one :class:`~auditor.types.Document` per item.

An item's text is its title, a blank line, and its description / content with the
markup stripped (``html.parser``; block elements become line breaks, whitespace runs
become one space). Offsets of findings are into that plain item text. Every character
of it also remembers where it came from in the feed file, so reports can point at the
feed's own line and column: see :func:`feed_position`.

The XML is parsed with expat directly, hardened: DTD entity declarations are refused
(no "billion laughs"), external entities are never fetched.

``Document`` of an item: ``path`` is the feed file, ``id`` the item's ``guid`` / Atom
``id`` / link (or ``item<n>``), ``origin_line`` the line of the ``<item>`` / ``<entry>``
start tag, ``meta`` = ``{"feed_kind": "rss"|"atom", "feed_item": n, "feed_lines": (...),
"feed_columns": (...)}`` (1-based feed-file line/column of each text character, 0 for
characters the stripping inserted).
"""

from __future__ import annotations

import codecs
import html
import re
import xml.parsers.expat as expat
from bisect import bisect_right
from dataclasses import dataclass, field
from html.parser import HTMLParser
from pathlib import Path

from auditor.errors import InputError
from auditor.types import Document

FEED_SUFFIXES = (".rss", ".atom")
XML_SUFFIXES = (".xml", ".rdf")

_NS_ATOM = "http://www.w3.org/2005/Atom"
_NS_RSS1 = "http://purl.org/rss/1.0/"
_NS_CONTENT = "http://purl.org/rss/1.0/modules/content/"
_NS_RDF = "http://www.w3.org/1999/02/22-rdf-syntax-ns#"
_NS_XHTML = "http://www.w3.org/1999/xhtml"

_BLOCK = {
    "p",
    "div",
    "br",
    "li",
    "ul",
    "ol",
    "h1",
    "h2",
    "h3",
    "h4",
    "h5",
    "h6",
    "blockquote",
    "pre",
    "table",
    "tr",
    "section",
    "article",
    "header",
    "footer",
    "figure",
    "figcaption",
    "hr",
    "dd",
    "dt",
    "dl",
}
_SKIP = {"script", "style", "head", "template"}
_BREAK = "\x00"  # marker of a block boundary during stripping, never in the output


def looks_like_feed(path: str, head: bytes) -> bool:
    """Is this file a feed? By suffix (.rss/.atom), or .xml/.rdf/unknown sniffed by root element."""
    suffix = Path(path).suffix.lower()
    if suffix in FEED_SUFFIXES:
        return True
    if suffix not in XML_SUFFIXES and suffix not in ("", ".feed"):
        return False
    text = head.decode("utf-8", "replace")
    text = re.sub(r"<\?.*?\?>|<!--.*?-->|<!DOCTYPE[^>]*>", "", text, flags=re.S).lstrip("\ufeff \t\r\n")
    return bool(re.match(r"<(?:[\w.-]+:)?(?:rss|feed|RDF)\b", text))


@dataclass
class _Node:
    tag: str  # "namespace local" or "local"
    attrs: dict[str, str]
    line: int
    children: list[_Node] = field(default_factory=list)
    #: character data directly in this element: (text, feed-file char offset) in document order,
    #: interleaved with children as ("", -1 - child_index) placeholders.
    parts: list[tuple[str, int]] = field(default_factory=list)

    @property
    def local(self) -> str:
        return self.tag.rsplit(" ", 1)[-1]

    @property
    def ns(self) -> str:
        return self.tag.rsplit(" ", 1)[0] if " " in self.tag else ""

    def find(self, local: str, ns: str | None = None) -> _Node | None:
        for c in self.children:
            if c.local == local and (ns is None or c.ns == ns):
                return c
        return None

    def chars(self) -> list[tuple[str, int]]:
        """All character data under this element, one (char, file offset) per character.

        Iterative (an explicit stack), because expat accepts elements nested far deeper
        than Python's recursion limit: ``<b>`` 990 deep in a description used to crash.
        """
        out: list[tuple[str, int]] = []
        stack: list[tuple[_Node, int]] = [(self, 0)]
        while stack:
            node, i = stack.pop()
            while i < len(node.parts):
                text, off = node.parts[i]
                i += 1
                if off < 0:
                    stack.append((node, i))
                    node, i = node.children[-1 - off], 0
                    continue
                out.extend((ch, off + k if off + k >= 0 else -1) for k, ch in enumerate(text))
        return out


#: codecs Python has but that are not character encodings of a document: honouring
#: ``encoding="unicode_escape"`` would audit other text than the file's, ``punycode`` crashed
_NOT_DOCUMENT_ENCODINGS = {"punycode", "idna", "unicode-escape", "raw-unicode-escape", "undefined", "mbcs", "oem"}


def _decode(path: str, raw: bytes) -> str:
    if raw.startswith(b"\xef\xbb\xbf"):
        raw = raw[3:]
    m = re.match(rb"<\?xml[^>]*encoding=[\"']([A-Za-z0-9._-]+)[\"']", raw)
    encoding = m.group(1).decode("ascii") if m else "utf-8"
    try:
        name = codecs.lookup(encoding).name
    except LookupError as exc:
        raise InputError(path, f"cannot decode feed as {encoding}: {exc}", 1) from None
    if name in _NOT_DOCUMENT_ENCODINGS:
        raise InputError(path, f"unsupported feed encoding {encoding!r} (not a document character encoding)", 1)
    try:
        return raw.decode(encoding)
    except (LookupError, UnicodeError) as exc:
        line = (
            raw[: getattr(exc, "start", 0)].count(b"\n") + 1 if isinstance(exc, UnicodeDecodeError) else None
        )
        raise InputError(path, f"cannot decode feed as {encoding}: {exc}", line) from None


def _parse(path: str, text: str) -> _Node:
    data = text.encode("utf-8")
    # byte offset -> char offset (identity for ASCII files)
    if text.isascii():

        def to_char(b: int) -> int:
            return b
    else:
        starts: list[int] = []
        b = 0
        for ch in text:
            starts.append(b)
            b += len(ch.encode("utf-8"))

        def to_char(b: int) -> int:
            return bisect_right(starts, b) - 1

    parser = expat.ParserCreate("utf-8", " ")
    parser.SetParamEntityParsing(expat.XML_PARAM_ENTITY_PARSING_NEVER)
    root = _Node("#document", {}, 0)
    stack = [root]

    def start(tag: str, attrs: dict[str, str]) -> None:
        node = _Node(tag, attrs, parser.CurrentLineNumber)
        parent = stack[-1]
        parent.children.append(node)
        parent.parts.append(("", -len(parent.children)))
        stack.append(node)

    def end(tag: str) -> None:
        stack.pop()

    def chardata(data: str) -> None:
        off = to_char(parser.CurrentByteIndex)
        raw = text[off : off + len(data)]
        if raw == data:
            stack[-1].parts.append((data, off))
        else:  # an entity or character reference, or a normalised line end: map to its start
            stack[-1].parts.extend((ch, off) for ch in data)
            # parts entries with one char each keep the same offset; fine for locating.

    def refuse_entity(*args: object) -> None:
        raise InputError(
            path,
            "feeds must not declare entities (DTD entity declarations refused)",
            parser.CurrentLineNumber,
        )

    parser.StartElementHandler = start
    parser.EndElementHandler = end
    parser.CharacterDataHandler = chardata
    parser.EntityDeclHandler = refuse_entity
    try:
        parser.Parse(data, True)
    except expat.ExpatError as exc:
        raise InputError(
            path, f"malformed feed XML: {expat.ErrorString(exc.code)} (column {exc.offset + 1})", exc.lineno
        ) from None
    return root


class _Stripper(HTMLParser):
    """HTML → characters with their index in the HTML string (block boundaries as _BREAK)."""

    def __init__(self, source: str) -> None:
        super().__init__(convert_charrefs=False)
        self.out: list[tuple[str, int]] = []
        self._skip = 0
        self._line_starts = [0] + [m.end() for m in re.finditer("\n", source)]

    def _index(self) -> int:
        line, col = self.getpos()
        return self._line_starts[line - 1] + col

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        if tag in _SKIP:
            self._skip += 1
        elif tag in _BLOCK:
            self.out.append((_BREAK, -1))
        elif tag == "img":
            pass  # images carry no prose

    def handle_startendtag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        if tag in _BLOCK:
            self.out.append((_BREAK, -1))

    def handle_endtag(self, tag: str) -> None:
        if tag in _SKIP:
            self._skip = max(0, self._skip - 1)
        elif tag in _BLOCK:
            self.out.append((_BREAK, -1))

    def handle_data(self, data: str) -> None:
        if not self._skip:
            i = self._index()
            self.out.extend((ch, i + k) for k, ch in enumerate(data))

    def _ref(self, text: str) -> None:
        if not self._skip:
            i = self._index()
            self.out.extend((ch, i) for ch in html.unescape(text))

    def handle_entityref(self, name: str) -> None:
        self._ref(f"&{name};")

    def handle_charref(self, name: str) -> None:
        self._ref(f"&#{name};")


class MarkupError(ValueError):
    """HTML in a feed that html.parser cannot read; :func:`read_feed` names the item's line."""


def strip_markup(chars: list[tuple[str, int]]) -> list[tuple[str, int]]:
    """HTML given as (char, file offset) pairs → plain text as (char, file offset) pairs."""
    source = "".join(c for c, _ in chars)
    stripper = _Stripper(source)
    try:
        stripper.feed(source)
        stripper.close()
    except AssertionError as exc:  # html.parser's way to reject e.g. a marked section "<![foo["
        raise MarkupError(f"unreadable HTML in the item: {exc}") from None
    return [(c, chars[i][1] if i >= 0 else -1) for c, i in stripper.out]


def _xhtml_chars(node: _Node) -> list[tuple[str, int]]:
    """Inline XHTML (Atom type="xhtml"): walk elements, block elements become breaks.

    Iterative for the same reason as :meth:`_Node.chars` (no recursion limit on nesting).
    """
    out: list[tuple[str, int]] = []
    stack: list[tuple[_Node, int]] = [(node, 0)]
    while stack:
        current, i = stack.pop()
        if i >= len(current.parts):
            if current is not node and current.local in _BLOCK:
                out.append((_BREAK, -1))  # closing break of a finished block element
            continue
        text, off = current.parts[i]
        stack.append((current, i + 1))
        if off < 0:
            child = current.children[-1 - off]
            if child.local in _BLOCK:
                out.append((_BREAK, -1))
            if child.local in _SKIP:
                if child.local in _BLOCK:
                    out.append((_BREAK, -1))
                continue
            stack.append((child, 0))
        else:
            out.extend((ch, off + k) for k, ch in enumerate(text))
    return out


def normalise(chars: list[tuple[str, int]]) -> list[tuple[str, int]]:
    """Collapse whitespace runs to one space, breaks to one newline; trim lines."""
    out: list[tuple[str, int]] = []
    pending: str | None = None  # " " or "\n" waiting to be written
    pending_off = -1
    for ch, off in chars:
        if ch == _BREAK or ch in "\n\r\t\f\v ":
            kind = "\n" if ch == _BREAK else " "
            if pending != "\n":
                pending, pending_off = kind, (off if kind == " " else -1)
            continue
        if pending is not None and out:
            out.append((pending, pending_off))
        pending = None
        out.append((ch, off))
    return out


def _text_of(node: _Node | None, kind: str) -> list[tuple[str, int]]:
    """Plain characters of a title / description / content element."""
    if node is None:
        return []
    if kind == "atom":
        type_ = node.attrs.get("type", "text").lower()
        if type_ == "xhtml":
            return normalise(_xhtml_chars(node))
        if type_ in ("html", "text/html"):
            return normalise(strip_markup(node.chars()))
        return normalise(node.chars())
    return normalise(strip_markup(node.chars()))  # RSS descriptions are entity-encoded HTML


def _rss_items(root: _Node) -> tuple[str, list[_Node]]:
    top = root.children[0]
    if top.local == "rss":
        channel = top.find("channel", top.ns)
        if channel is None:
            raise ValueError("RSS feed without <channel>")
        return "rss", [c for c in channel.children if c.local == "item"]
    if top.local == "RDF":  # RSS 1.0: items are siblings of the channel
        return "rss", [c for c in top.children if c.local == "item"]
    if top.local == "feed":
        return "atom", [c for c in top.children if c.local == "entry"]
    raise ValueError(f"not an RSS or Atom feed (root element <{top.local}>)")


def _item_id(item: _Node, kind: str, n: int) -> str:
    def text(node: _Node | None) -> str:
        return "".join(c for c, _ in node.chars()).strip() if node is not None else ""

    if kind == "atom":
        ident = text(item.find("id", item.ns))
        if not ident:
            for link in (c for c in item.children if c.local == "link" and c.ns == item.ns):
                if link.attrs.get("rel", "alternate") == "alternate" and link.attrs.get("href"):
                    ident = link.attrs["href"].strip()
                    break
    else:
        ident = (
            text(item.find("guid", item.ns))
            or text(item.find("link", item.ns))
            or item.attrs.get(f"{_NS_RDF} about", "")
        )
    return ident or f"item{n}"


def _body_node(item: _Node, kind: str) -> _Node | None:
    if kind == "atom":
        return item.find("content", item.ns) or item.find("summary", item.ns)
    return item.find("encoded", _NS_CONTENT) or item.find("description", item.ns)


def read_feed(path: str, raw: bytes | None = None) -> list[Document]:
    """One Document per item of an RSS 0.9x/1.0/2.0 or Atom 1.0 feed, in feed order."""
    if raw is None:
        try:
            raw = Path(path).read_bytes()
        except OSError as exc:
            raise InputError(path, f"cannot read: {exc.strerror or exc}") from None
    text = _decode(path, raw)
    root = _parse(path, text)
    try:
        kind, items = _rss_items(root)
    except ValueError as exc:
        line = root.children[0].line if root.children else None
        raise InputError(path, str(exc), line) from None
    starts = [0] + [m.end() for m in re.finditer("\n", text)]

    def where(off: int) -> tuple[int, int]:
        if off < 0:
            return 0, 0
        i = bisect_right(starts, off) - 1
        return i + 1, off - starts[i] + 1

    docs: list[Document] = []
    for n, item in enumerate(items, 1):
        try:
            title = _text_of(item.find("title", item.ns), kind)
            body = _text_of(_body_node(item, kind), kind)
        except MarkupError as exc:
            raise InputError(path, str(exc), item.line) from None
        chars = title + ([("\n", -1), ("\n", -1)] if title and body else []) + body
        positions = [where(off) for _, off in chars]
        docs.append(
            Document(
                path=path,
                text="".join(c for c, _ in chars),
                id=_item_id(item, kind, n),
                origin_line=item.line,
                meta={
                    "feed_kind": kind,
                    "feed_item": n,
                    "feed_lines": tuple(p[0] for p in positions),
                    "feed_columns": tuple(p[1] for p in positions),
                },
            )
        )
    return docs


def feed_position(doc: Document, offset: int) -> tuple[int, int] | None:
    """Feed-file (line, column) of item-text character ``offset``, or None if not a feed item.

    Inserted characters (separators) take the position of the next real character,
    else of the previous one; an offset at the end maps just past the last character.
    """
    lines = doc.meta.get("feed_lines")
    cols = doc.meta.get("feed_columns")
    if not lines or cols is None or "feed_kind" not in doc.meta:
        return None
    n = len(lines)
    if offset >= n:
        last = max((i for i in range(n) if lines[i]), default=None)
        return (lines[last], cols[last] + 1) if last is not None else (doc.origin_line or 1, 1)
    for i in list(range(offset, n)) + list(range(offset - 1, -1, -1)):
        if lines[i]:
            return lines[i], cols[i]
    return doc.origin_line or 1, 1
