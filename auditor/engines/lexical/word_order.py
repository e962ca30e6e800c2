"""Stranded noun phrase after a verb-final clause (detector ``lexical.word_order``).

A German subordinate clause ends with its verb cluster: "…, wie viel Unterstützung
Washington der Regierung weiterhin bieten wird." Anything a reader still has to attach
to that clause must come *before* the cluster. When MT scrambles the English word order,
a noun phrase is left behind the cluster, right before the full stop:

    "…, wie viel … Washington der ukrainischen Regierung unter Präsident weiterhin
    bieten wird Donald TrumpVerwaltung."

The stranded phrase ("Donald TrumpVerwaltung", from "under President Donald Trump's
administration") belongs to no clause, so the sentence cannot be parsed and its meaning
is lost: the clause is garbled (severity ``critical``, MQM's "too garbled to annotate").

The pattern is deliberately narrow, built from closed word classes only:

* the clause follows a comma and opens with a subordinator or relative pronoun
  ("dass", "ob", "wie", "weil", "die", "mit dem", …), so it is verb-final;
* it contains a lowercase non-finite verb form ("bieten", "gesagt") followed by a finite
  auxiliary or modal ("wird", "hat", "kann");
* after that cluster come one to five words ending in a capitalised noun or name, not
  opened by a preposition, conjunction or comparison ("als", "wie"), which German does
  allow after the verb; and the sentence ends there.

Measured: no candidate on the 17,000 human-written German example sentences of the
Ding dictionary nor on the 2,493 MT segments of the two dev sets; it fires on the seed
article's scrambled sentence. Dev has no instance to fit a severity on, so the
severity is set by this definition (its declaration in :mod:`auditor.engines.lexical.specs`).
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from auditor.engines.lexical.base import Candidate, SegmentContext
from auditor.engines.lexical.tokens import Token

if TYPE_CHECKING:
    from auditor.resources.lexical import LexicalResources

__all__ = ["DETECTOR", "detect"]

DETECTOR = "lexical.word_order"

_FINITE = frozenset(
    """wird werden wurde wurden würde würden hat haben hatte hatten hätte hätten ist sind
    war waren wäre wären kann können konnte konnten könnte könnten muss müssen musste
    mussten müsste müssten soll sollen sollte sollten will wollen wollte wollten darf
    dürfen durfte durften dürfte dürften mag mögen möchte möchten""".split()
)
_SUBORDINATORS = frozenset(
    """dass daß ob weil wenn als da damit obwohl obgleich nachdem bevor ehe seit seitdem
    sobald solange sodass falls wie wo wobei womit wodurch weshalb weswegen warum wieso
    wer was der die das dem den deren dessen denen welche welcher welches welchem welchen""".split()
)
_PREPOSITIONS = frozenset(
    """in im an am auf mit von vom zu zum zur bei beim nach aus für über unter vor hinter
    neben zwischen durch gegen ohne um bis seit wegen trotz während""".split()
)
#: words German allows after the verb cluster (prepositional phrases, comparisons,
#: coordination): a stranded phrase opened by one of these is not flagged
_NACHFELD_OPENERS = _PREPOSITIONS | frozenset("als wie und oder aber sondern denn bzw sowie".split())
_SENTENCE_END = frozenset(".!?")
_CLAUSE_BREAK = frozenset(",;:()[]–—-\"„“”«»‚‘’'/…")
_MAX_STRANDED = 5


def _nonfinite(word: str) -> bool:
    """A lowercase infinitive or participle shape ("bieten", "gesagt", "geworden")."""
    return word.isalpha() and word.islower() and len(word) > 2 and word.endswith(("en", "ern", "eln", "t"))


def _clauses(ctx: SegmentContext) -> list[tuple[str | None, list[Token], bool]]:
    """(punctuation before, words, ends a sentence) for each run of words between punctuation."""
    out: list[tuple[str | None, list[Token], bool]] = []
    before: str | None = None
    words: list[Token] = []
    for t in ctx.tokens:
        if t.kind == "word":
            words.append(t)
        elif t.kind == "punct" and (t.text in _SENTENCE_END or t.text in _CLAUSE_BREAK):
            if words:
                out.append((before, words, t.text in _SENTENCE_END))
            before, words = t.text, []
    if words:
        out.append((before, words, True))
    return out


def _subordinate(words: list[Token]) -> bool:
    first = words[0].text.lower()
    if first in _SUBORDINATORS:
        return True
    return first in _PREPOSITIONS and len(words) > 1 and words[1].text.lower() in _SUBORDINATORS


def detect(ctx: SegmentContext, res: LexicalResources | None = None) -> list[Candidate]:
    out: list[Candidate] = []
    for before, ws, ends_sentence in _clauses(ctx):
        if before != "," or not ends_sentence or len(ws) < 4 or not _subordinate(ws):
            continue
        for k in range(len(ws) - 2, 1, -1):
            if ws[k].text not in _FINITE or not _nonfinite(ws[k - 1].text):
                continue
            rest = ws[k + 1 :]
            if not 1 <= len(rest) <= _MAX_STRANDED or rest[0].text.lower() in _NACHFELD_OPENERS:
                break
            if not rest[-1].text[:1].isupper():
                break
            cluster = ctx.doc_slice(ws[k - 1].start, ws[k].end)
            stranded = ctx.doc_slice(rest[0].start, rest[-1].end)
            out.append(
                Candidate(
                    DETECTOR,
                    ws[k - 1].start,
                    rest[-1].end,
                    "garbled",
                    0.9,
                    f"word order destroyed: '{stranded}' stands after '{cluster}', the verb that "
                    f"closes the clause opened by '{ws[0].text}'; it belongs to no clause, so the "
                    "sentence cannot be read as German",
                    f"{stranded} {cluster}",
                )
            )
            break
    return out
