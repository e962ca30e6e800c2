"""Sentencepiece pieces ↔ character spans, and word splitting (pure Python, no torch).

MarianTokenizer turns text into sentencepiece pieces (``out_type=str``) and looks each
piece up in ``vocab.json``. We do exactly the same, but also recover, for every piece,
the span of the *original* text it covers, so token scores can be reported as character
offsets of the German sentence. Sentencepiece normalises (NFKC: ``…`` → ``...``, ``ﬁ`` →
``fi``, runs of spaces collapsed); the aligner walks an NFKC view of the text that keeps,
for every normalised character, the index of the original character it came from.
"""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Mapping, Sequence
from dataclasses import dataclass

SPIECE = "\u2581"
_WORD_RE = re.compile(r"\w+(?:[-'’]\w+)*|[^\w\s]", re.UNICODE)


@dataclass(frozen=True)
class Word:
    start: int
    end: int
    text: str


def split_words(text: str) -> list[Word]:
    """Words and punctuation marks of ``text`` with their offsets (hyphenated compounds stay whole)."""
    return [Word(m.start(), m.end(), m.group()) for m in _WORD_RE.finditer(text)]


def _normalised_view(text: str) -> tuple[str, list[int]]:
    chars: list[str] = []
    origin: list[int] = []
    for i, ch in enumerate(text):
        norm = " " if ch.isspace() else unicodedata.normalize("NFKC", ch)
        for c in norm or ch:
            chars.append(c)
            origin.append(i)
    return "".join(chars), origin


def piece_spans(text: str, pieces: Sequence[str]) -> list[tuple[int, int]]:
    """For each piece, the ``(start, end)`` of ``text`` it covers (``start == end`` for a bare ``▁``).

    Greedy and total: a piece that cannot be matched (rare normalisation differences) gets
    the next character, so spans stay ordered and inside ``text``.
    """
    norm, origin = _normalised_view(text)
    n = len(norm)
    spans: list[tuple[int, int]] = []
    p = 0
    for piece in pieces:
        body = piece.replace(SPIECE, "")
        if piece.startswith(SPIECE) or not body:
            while p < n and norm[p] == " ":
                p += 1
        if not body:
            o = origin[p] if p < n else len(text)
            spans.append((o, o))
            continue
        while p < n and norm[p] == " " and not body.startswith(" "):
            p += 1
        if norm.startswith(body, p):
            q = p + len(body)
        else:
            found = norm.find(body, p, p + len(body) + 8)
            if found != -1:
                p, q = found, found + len(body)
            else:
                q = min(n, p + max(1, len(body)))
        if p >= n:
            spans.append((len(text), len(text)))
            continue
        start = origin[p]
        end = origin[q - 1] + 1 if q > p else start
        spans.append((start, end))
        p = q
    return spans


def encode_with_spans(
    spm, encoder: Mapping[str, int], unk_id: int, eos_id: int, text: str, max_len: int = 512
) -> tuple[list[int], list[tuple[int, int]]]:
    """Ids as MarianTokenizer computes them (pieces → vocab, unknown → ``<unk>``, then ``</s>``),
    truncated to ``max_len`` including ``</s>``, with the character span of each non-eos id."""
    pieces = spm.encode(text, out_type=str)[: max_len - 1]
    ids = [encoder.get(p, unk_id) for p in pieces] + [eos_id]
    return ids, piece_spans(text, pieces)


def pieces_to_words(spans: Sequence[tuple[int, int]], words: Sequence[Word]) -> list[int]:
    """Word index of each piece span (−1 for none); bare ``▁`` pieces belong to the next word."""
    out: list[int] = []
    w = 0
    for start, end in spans:
        if start == end:
            while w < len(words) and words[w].end <= start:
                w += 1
            out.append(w if w < len(words) else -1)
            continue
        while w < len(words) and words[w].end <= start:
            w += 1
        if w < len(words) and words[w].start < end:
            out.append(w)
        else:
            out.append(-1)
    return out
