"""Shared pieces of the lexical detectors: the per-segment context and candidates.

A detector is a function ``detect(ctx: SegmentContext, res: LexicalResources) ->
list[Candidate]``. A :class:`Candidate` carries an evidence ``strength`` in [0, 1];
the engine turns it into (severity, confidence) with
:func:`auditor.engines.lexical.calibration.calibrate`, fitted on the dev set.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from functools import lru_cache

from auditor.engines.lexical.tokens import Token, tokenize

__all__ = ["Candidate", "SegmentContext", "make_context", "is_acronym"]


@dataclass(frozen=True)
class Candidate:
    """A proposed finding before calibration (document offsets)."""

    detector: str
    start: int
    end: int
    category: str
    strength: float
    message: str
    suggestion: str | None = None


_OPENERS = frozenset('.!?:;„“"»«‚(–—-')


@dataclass
class SegmentContext:
    """One segment's tokens and words, with sentence-initial positions marked."""

    text: str  # the segment text
    offset: int  # document offset of text[0]
    tokens: list[Token]
    words: list[Token] = field(default_factory=list)  # word tokens only
    word_tok_index: list[int] = field(default_factory=list)  # index of words[i] in tokens
    initial: list[bool] = field(default_factory=list)  # words[i] starts a sentence/quote/clause-list item

    def prev_token(self, wi: int) -> Token | None:
        ti = self.word_tok_index[wi]
        return self.tokens[ti - 1] if ti > 0 else None

    def adjacent(self, wi: int) -> bool:
        """True if words[wi] and words[wi+1] are separated only by whitespace."""
        return self.word_tok_index[wi + 1] == self.word_tok_index[wi] + 1

    def doc_slice(self, start: int, end: int) -> str:
        return self.text[start - self.offset : end - self.offset]


def make_context(text: str, offset: int = 0, tokens: list[Token] | None = None) -> SegmentContext:
    toks = tokens if tokens is not None else tokenize(text, offset)
    ctx = SegmentContext(text=text, offset=offset, tokens=toks)
    prev: Token | None = None
    for i, t in enumerate(toks):
        if t.kind == "word":
            ctx.words.append(t)
            ctx.word_tok_index.append(i)
            ctx.initial.append(prev is None or (prev.kind == "punct" and prev.text in _OPENERS))
        prev = t
    return ctx


@lru_cache(maxsize=200_000)
def is_acronym(word: str) -> bool:
    """All-caps words (NATO, USA, BIP, GmbH-like) and dotted abbreviations (z.B.).

    Memoised (a pure function of the word, asked for every word by several detectors)."""
    if "." in word:
        return True
    letters = [c for c in word if c.isalpha()]
    n = len(letters)
    return 2 <= n <= 8 and sum(c.isupper() for c in letters) >= n - 1
