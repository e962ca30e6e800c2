"""Source words copied into the German: ``lexical.untranslated`` and ``lexical.non_translation``.

A word of the English source that stands unchanged in the German and is not German is a leftover
of the source (``lexical.untranslated``). A segment that is largely such a copy was not translated
at all: MQM calls that Non-translation and marks the whole segment once, as a major error, so it is
one finding of ``lexical.non_translation``, not one finding per copied word.

Most copied words are not leftovers but names, which German keeps as they are ("Meghan",
"Giuliani", "Carnegie Institution for Science"). On dev.jsonl, capitalised single words were 160
of the detector's 225 findings, at precision 0.29. A name is recognised from the source's own
evidence, not from a list:

* its case: capitalised mid-sentence in the English, where a common word would be lower case
  (at a sentence start the case says nothing, and the next two tests decide);
* the dictionary: Ding has no English entry for its lower-case form ("meghan", "pelosi");
* its use in German: wordfreq counts it about as often in German as in English (Zipf de within
  :data:`LOAN_MARGIN` of en: names and loans German uses, "Tweet", "Brexit", "Julian"), while a real
  leftover ("Chief", "Sources", "Footage") is far more frequent in English;
* an English function word between two copied capitalised words is part of the name
  ("Institution for Science", "The Guardian"), not a leftover of its own.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

from auditor.engines.lexical.base import Candidate
from auditor.engines.lexical.tokens import Token
from auditor.types import Segment

__all__ = ["NON_TRANSLATION", "UNTRANSLATED", "untranslated_candidates"]

UNTRANSLATED = "lexical.untranslated"
NON_TRANSLATION = "lexical.non_translation"

#: a word German uses nearly as often as English (Zipf de ≥ Zipf en − this) is a name or a loan
LOAN_MARGIN = 0.5
#: at a sentence start, a capitalised word counts as an English leftover only when it is this much
#: more frequent in English than in German (Zipf); names are international and score alike
START_MARGIN = 1.1
#: a segment is a non-translation when this share of its words are foreign copies of the source
#: (names included: an untranslated sentence keeps its names), at least one of them a leftover
#: (not a name), and it has an English function word outside a name or is a headline (or, as
#: before, 60 % copies and an English function word). Thresholds chosen on dev.jsonl (in-sample).
COPY_SHARE = 0.3
COPY_SHARE_PLAIN = 0.6
_TERMINAL = frozenset('.!?"“”»«\')')


def untranslated_candidates(
    segment: Segment, de_words: Sequence[Token], en_words: Sequence[Token], lex: Any, sent_starts: set[int]
) -> list[Candidate]:
    """The untranslated / non-translation candidates of one segment (``lex``: the aligner's lexicon)."""
    from auditor.engines.lexical.align import DE_STOP, EN_STOP

    en_by_lower: dict[str, list[Token]] = {}
    for e in en_words:
        en_by_lower.setdefault(e.text.lower(), []).append(e)
    de_content = [i for i, t in enumerate(de_words) if t.kind == "word" and len(t.text) >= 2]
    copied = [i for i in de_content if de_words[i].text.lower() in en_by_lower]
    # copies that are neither German, nor names, nor a function word inside a copied name
    leftovers: list[tuple[int, float]] = []
    for i in copied:
        t = de_words[i]
        if lex.is_german_word(t.text):
            continue
        ze, zd = lex.zipf_en(t.text.lower()), lex.zipf_de(t.text)
        if ze is not None and ze < 2.5:
            continue  # not an English word either: a name or a code, not a leftover
        if _is_name(t, en_by_lower[t.text.lower()], ze, zd, lex, sent_starts):
            continue
        if _inside_copied_name(i, de_words, en_by_lower, EN_STOP):
            continue
        leftovers.append((i, 0.75 if ze is not None and zd is not None and ze >= zd + 1.0 else 0.4))
    if len(de_content) >= 3 and leftovers:
        # English function words, except those inside a copied name ("Institution for Science")
        en_stop_hits = sum(
            1
            for i in de_content
            if de_words[i].text.lower() in EN_STOP
            and de_words[i].text.lower() not in DE_STOP
            and not _inside_copied_name(i, de_words, en_by_lower, EN_STOP)
        )
        headline = segment.text.rstrip()[-1:] not in _TERMINAL
        # names count as part of a copy here: an untranslated sentence keeps its names too
        foreign = sum(1 for i in copied if not lex.is_german_word(de_words[i].text)) / len(de_content)
        share = len(copied) / len(de_content)
        if (share >= COPY_SHARE_PLAIN and en_stop_hits) or (foreign >= COPY_SHARE and (en_stop_hits or headline)):
            what = "headline" if headline else "sentence"
            return [Candidate(NON_TRANSLATION, segment.start, segment.end, "untranslated", 1.0,
                              f"the {what} is largely a copy of the English source (not translated)",
                              None)]  # fmt: skip
    cands: list[Candidate] = []
    for i, strength in leftovers:
        t = de_words[i]
        if len(t.text) < 3:
            continue
        cands.append(Candidate(UNTRANSLATED, t.start, t.end, "untranslated", strength,
                               f"“{t.text}” is copied untranslated from the source", None))  # fmt: skip
    return cands


def _is_name(t: Token, sources: Sequence[Token], ze: float | None, zd: float | None, lex: Any,
             sent_starts: set[int]) -> bool:  # fmt: skip
    """Is the copied word a name (or a loan German uses), by the source's own evidence?"""
    word = t.text
    first = sources[0]
    # written in capitals in the English ("Woman STRIPS TO NOTHING") a common word is shouting, not a name
    if first.text.isupper() and len(first.text) >= 3 and (ze or 0) >= 3.0:
        return False
    if first.text[:1].isupper() and first.start not in sent_starts:
        return True  # capitalised mid-sentence in the English
    if not word[:1].isupper() or word.isupper():
        return False  # a lower-case copy is a leftover; acronyms are judged by frequency alone
    if ze is not None and zd is not None and zd >= ze - LOAN_MARGIN:
        return True  # German uses it as much as English: Tweet, Brexit, Julian
    if any(s.text[:1].islower() for s in sources):
        return False  # lower case in the source: a common English word ("the gallery" → "Gallery")
    low = word.lower()
    if not (lex.ding.en_de(low) or lex.ding.en_de(lex.en_lemma(low))):
        return True  # capitalised only at a sentence start, and no English dictionary entry: Meghan
    return ze is None or zd is None or ze - zd < START_MARGIN


def _inside_copied_name(i: int, de_words: Sequence[Token], en_by_lower: dict[str, list[Token]],
                        en_stop: frozenset[str]) -> bool:  # fmt: skip
    """An English function word inside a copied name: "Institution for Science", "The Guardian"."""
    t = de_words[i]
    if t.text.lower() not in en_stop:
        return False

    def copied_cap(j: int) -> bool:
        return 0 <= j < len(de_words) and de_words[j].text[:1].isupper() and de_words[j].text.lower() in en_by_lower

    if t.text[:1].isupper():  # "The Guardian": a capitalised article opening a name
        return copied_cap(i + 1)
    return copied_cap(i - 1) and copied_cap(i + 1)
