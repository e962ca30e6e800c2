"""Repeated noun (detector ``lexical.repetition``): "Ausbildung und Ausbildung",
"im Ziel des Ziels", "Briefe desselben Briefes".

A noun coordinated with itself (``X und X``, ``X oder X``) or governing its own genitive
(``X des X``, ``X einer X``) says nothing: MT produces it when two different English
words ("training and education", "the target of the goal") get the same German word.
Same lemma (simplemma) or same form, capitalised nouns of four letters or more, only
whitespace and the linking words between them (no punctuation).

Measured on dev.jsonl: 7 findings, 6 on a gold error span.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from auditor.engines.lexical.base import Candidate, SegmentContext

if TYPE_CHECKING:
    from auditor.resources.lexical import LexicalResources

__all__ = ["DETECTOR", "detect"]

DETECTOR = "lexical.repetition"

_COORD = frozenset({"und", "oder"})
_GENITIVE = frozenset({"des", "der", "eines", "einer", "desselben", "derselben", "dieses", "dieser"})


def detect(ctx: SegmentContext, res: LexicalResources) -> list[Candidate]:
    out: list[Candidate] = []
    ws = ctx.words
    for i, w in enumerate(ws):
        if len(w.text) < 4 or not w.text[:1].isupper() or not w.text.isalpha() or w.text.isupper():
            continue
        j = i + 2
        if j >= len(ws) or not (ctx.adjacent(i) and ctx.adjacent(i + 1)):
            continue
        mid = ws[i + 1].text.lower()
        v = ws[j]
        if mid not in _COORD and mid not in _GENITIVE:
            continue
        if v.text != w.text and res.lemma(v.text) != res.lemma(w.text):
            continue
        text = ctx.doc_slice(w.start, v.end)
        how = "coordinated with itself" if mid in _COORD else "governs its own genitive"
        out.append(
            Candidate(
                DETECTOR,
                w.start,
                v.end,
                "mistranslation",
                0.7,
                f"'{text}': the noun {how}; the source probably had two different words here",
            )
        )
    return out
