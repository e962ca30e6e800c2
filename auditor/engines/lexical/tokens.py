"""Fast regex tokenizer for German (and English) text with document offsets.

Keeps hyphenated compounds ("NATO-Verbündeten", "Nicht-NATO-Mission"), elisions
("geht's", "don't"), abbreviations with inner dots ("z.B.", "U.S.") and numbers with
separators ("1.500", "2,5", "11:30") as single tokens. A word glued to a digit
("COVID-19", "G7", "20-jährige") is a ``word``. Everything else that is not space is a
one-character ``punct`` or ``symbol`` token.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

__all__ = ["Token", "tokenize", "words"]


@dataclass(frozen=True)
class Token:
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


def tokenize(text: str, offset: int = 0) -> list[Token]:
    """Tokens of ``text``; ``start``/``end`` are ``offset`` + index into ``text``."""
    out: list[Token] = []
    append = out.append
    for m in _TOKEN_RE.finditer(text):
        kind = m.lastgroup or "symbol"
        if kind == "abbr":
            kind = "word"
        append(Token(m.group(), offset + m.start(), offset + m.end(), kind))
    return out


def words(tokens: list[Token]) -> list[Token]:
    """Only the ``word`` tokens."""
    return [t for t in tokens if t.kind == "word"]
