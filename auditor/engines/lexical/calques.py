"""Signal 2: calques (detector ``lexical.calque``).

A calque is a German word sequence that is an English fixed expression translated word
by word ("Voller Stopp" ← "full stop", German: "Punkt"). For each pair of adjacent
German content words the detector

1. glosses each word with its two most frequent single-word English renderings in
   Ding (the word form, its lemma, or the stem of an inflected adjective);
2. joins the primary glosses into an English word pair (no function words) and looks
   it up among Ding's English entries: a hit is an English fixed expression ("full stop");
3. takes Ding's German renderings of that expression ("Punkt", "Schlusspunkt") and
   reports a calque only when the expression is *idiomatic* — none of its German
   renderings contains either German word's stem (so "new year" → "Neujahr" is
   compositional and passes; this also lets "kalter Truthahn" for "cold turkey" →
   "kalter Entzug" pass, a price paid for precision) — and the German pair itself occurs nowhere in Ding's
   German entries or example sentences, up to inflection ("zum ersten Mal" attests
   "ersten Mal"): an established German collocation is not a calque. A rendering
   with a word that translates back to the English head ("ausreichende Mittel" for
   "sufficient resources") also makes the expression compositional.

The suggestion is Ding's first German rendering of the expression that is common
German (wordfreq Zipf >= 3 for each word); expressions whose only renderings are rare
technical terms are not reported.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from auditor.engines.lexical.base import Candidate, SegmentContext, is_acronym
from auditor.engines.lexical.gloss import FUNCTION_WORDS, word_renderings

if TYPE_CHECKING:
    from auditor.resources.lexical import LexicalResources

__all__ = ["DETECTOR", "detect"]

DETECTOR = "lexical.calque"
GLOSSES_PER_WORD = 2
#: both words by their primary gloss; 1 (primary + second) added 3 false alarms on dev.jsonl
#: ("bedeutende Rolle" -> "major part" -> "Gros") and no true one
MAX_GLOSS_RANK_SUM = 0
MIN_RENDERING_ZIPF = 3.0

#: English words that never start or end a fixed expression worth reporting
_EN_FUNCTION = frozenset(
    "a an the of to in on at by for and or is be it as very much so too also just more most less his her their "
    "our you me my your its this that such some any all other over down up off out about around".split()
)


def _stem(word: str) -> str:
    w = word.lower()
    for suf in ("ungen", "en", "er", "es", "em", "e", "n", "s"):
        if w.endswith(suf) and len(w) - len(suf) >= 4:
            return w[: -len(suf)][:6]
    return w[:6]


def _content(res: LexicalResources, word: str) -> bool:
    return word.isalpha() and len(word) >= 3 and word.lower() not in FUNCTION_WORDS and not is_acronym(word)


def _single_glosses(res: LexicalResources, word: str) -> set[str]:
    return {r.lower() for r in res.ding.de_en(word) + res.ding.de_en(res.lemma(word)) if " " not in r}


def detect(ctx: SegmentContext, res: LexicalResources) -> list[Candidate]:
    words = ctx.words
    pairs: list[tuple[int, list[str]]] = []
    for i in range(len(words) - 1):
        a, b = words[i].text, words[i + 1].text
        if not ctx.adjacent(i) or not _content(res, a) or not _content(res, b):
            continue
        ti = ctx.word_tok_index[i + 1]
        if (
            ti + 1 < len(ctx.tokens)
            and ctx.tokens[ti + 1].text in ("-", "–")
            and (
                ctx.tokens[ti + 1].start == ctx.tokens[ti].end
                or ti + 2 < len(ctx.tokens)
                and ctx.tokens[ti + 2].start == ctx.tokens[ti + 1].end
            )
        ):
            continue  # "Kampagnen -Motto": the word is the first part of a compound
        ga, gb = word_renderings(res, a, GLOSSES_PER_WORD), word_renderings(res, b, GLOSSES_PER_WORD)
        if not ga or not gb:
            continue
        # the primary gloss of one word with the first or second gloss of the other
        phrases = [
            f"{x} {y}"
            for xi, x in enumerate(ga)
            for yi, y in enumerate(gb)
            if xi + yi <= MAX_GLOSS_RANK_SUM and x not in _EN_FUNCTION and y not in _EN_FUNCTION
        ]
        if phrases:
            pairs.append((i, phrases))
    if not pairs:
        return []
    attested = res.ding.attested_bigrams({(words[i].text, words[i + 1].text) for i, _ in pairs})
    pairs = [(i, ps) for i, ps in pairs if (words[i].text, words[i + 1].text) not in attested]
    if not pairs:
        return []
    found = res.ding.lookup_en_many({p for _, ps in pairs for p in ps})
    out: list[Candidate] = []
    for i, phrases in pairs:
        hits = [(p, found[p]) for p in phrases if found.get(p)]
        if not hits:
            continue
        wa, wb = words[i], words[i + 1]
        german = ctx.doc_slice(wa.start, wb.end)
        if res.ding.has_de(german) or res.ding.has_de(f"{res.lemma(wa.text)} {res.lemma(wb.text)}"):
            continue
        stems = {_stem(wa.text), _stem(wb.text), _stem(res.lemma(wa.text)), _stem(res.lemma(wb.text))}
        for phrase, renderings in hits:
            # the idiomatic German must be a common expression, not a technical term
            short = [
                r
                for r in renderings
                if r.count(" ") <= 1
                and not r.startswith(("jdn", "jdm", "jds", "etw"))
                and min(res.zipf(x, "de") for x in r.split()) >= MIN_RENDERING_ZIPF
            ]
            if not short:
                continue
            if any(st in r.lower() for r in renderings for st in stems):
                continue  # compositional: a German word recurs in the idiomatic rendering
            en_words = set(phrase.split())
            if any(en_words & _single_glosses(res, x) for r in short for x in r.split()):
                continue  # compositional with synonyms: "ausreichende Mittel" = sufficient resources
            out.append(
                Candidate(
                    DETECTOR,
                    wa.start,
                    wb.end,
                    "calque",
                    0.7,
                    f"'{german}' reads like a word-by-word translation of the English expression "
                    f"'{phrase}', which German says as '{short[0]}'",
                    short[0],
                )
            )
            break
    return out
