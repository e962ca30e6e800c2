"""Fast regex tokenizer for German (and English) text with document offsets.

Keeps hyphenated compounds ("NATO-Verbündeten", "Nicht-NATO-Mission"), elisions
("geht's", "don't"), abbreviations with inner dots ("z.B.", "U.S.") and numbers with
separators ("1.500", "2,5", "11:30") as single tokens. A word glued to a digit
("COVID-19", "G7", "20-jährige") is a ``word``. Everything else that is not space is a
one-character ``punct`` or ``symbol`` token.
"""

from __future__ import annotations

import re
from typing import NamedTuple

__all__ = ["Token", "tokenize", "words"]


class Token(NamedTuple):
    """One token with document offsets. A named tuple, not a dataclass: a segment makes
    dozens and a frozen dataclass's constructor costs several times more (measured with
    bench/bench_lexical.py); fields, equality and immutability are the same."""

    text: str
    start: int  # document offset (offset + index into the tokenized text)
    end: int  # exclusive
    kind: str  # 'word' | 'number' | 'punct' | 'symbol'

    @property
    def is_word(self) -> bool:
        return self.kind == "word"


_L = r"[^\W\d_]"  # any letter
_TOKEN_RE = re.compile(
    rf"""
    (?P<abbr>(?:{_L}{{1,3}}\.){{2,}}(?!\w))                    # z.B. u.a. U.S. d.h.
  | (?P<word>{_L}[\w]*(?:[-'’]\w+)*(?:-(?=\s*(?:und|oder|bis|bzw|sowie|wie)\b|,))?  # words, compounds, Ein- und
       | \d+(?:[.,]\d+)*[-]?{_L}[\w]*(?:[-]\w+)*)                # 20-jährige, 5G, 3D-Drucker
  | (?P<number>\d+(?:[.,:/]\d+)*)                                 # 1.500 2,5 11:30
  | (?P<punct>[.,;:!?…"'„“”‚‘’«»‹›()\[\]{{}}\-–—/])
  | (?P<symbol>\S)
    """,
    re.VERBOSE,
)

#: token kind by the number of the pattern's group that matched (an abbreviation is a word;
#: 0, no group, cannot happen: ``\S`` is the last alternative)
_KINDS = {0: "symbol"} | {i: "word" if name == "abbr" else name for name, i in _TOKEN_RE.groupindex.items()}


def tokenize(text: str, offset: int = 0) -> list[Token]:
    """Tokens of ``text``; ``start``/``end`` are ``offset`` + index into ``text``."""
    kinds = _KINDS
    new = tuple.__new__  # Token(...) goes through a Python-level __new__; this is the same tuple
    return [
        new(Token, (m.group(), offset + m.start(), offset + m.end(), kinds[m.lastindex or 0]))
        for m in _TOKEN_RE.finditer(text)
    ]


def words(tokens: list[Token]) -> list[Token]:
    """Only the ``word`` tokens."""
    return [t for t in tokens if t.kind == "word"]
