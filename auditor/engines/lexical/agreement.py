"""Signal 5: agreement errors (detector ``lexical.agreement``).

Two checks a German editor makes at a glance, using the genders and plural forms Ding
records for nouns (``Friedensabkommen {n} | Friedensabkommen {pl}``):

* **Determiner–noun gender**: an article or determiner ("einen", "dem", "diese"...),
  optionally followed by adjectives, then a noun whose singular gender no reading of the
  determiner allows, and that cannot be a plural the determiner allows either
  ("einen Friedensabkommen": *einen* is masculine accusative, *Abkommen* is neuter).
  Nouns missing from Ding use their compound head ("Verteidigungspartnerschaft" →
  "Partnerschaft", feminine). Determiners that may be relative or demonstrative pronouns
  (after a comma, or a comma and a preposition) are skipped.
* **Adjective declension**: determiner + one adjective Ding knows + noun, where the
  adjective's ending fits neither the determiner nor the noun ("ein großen Haus",
  "dem große Haus"); forms that may be weak nouns ("des ukrainischen Präsidenten") and
  multiword names ("die ehemalige First Lady") are left alone. Ding's genders are not
  flawless ("Rechtsbehelf {n}"), which is the main source of false alarms.
* **Case endings**: a genitive-only determiner ("des", "eines") before a masculine or
  neuter noun in its bare dictionary form ("eines Pensionssystem"; nouns ending in
  s/ß/x/z are left alone), and "den" before a plural without the dative -n ("mit den
  Kinder").
* **Numeral–noun number**: a cardinal number above one followed by a noun Ding knows only
  as a singular with a distinct plural ("fünf Prozentsatz"), except units of measure that
  stay singular after numbers in German ("fünf Prozent", "zwei Euro", "drei Glas").

Only forms Ding lists exactly are judged; inflected forms it does not list are left
alone, so the detector errs on the side of silence.
"""

from __future__ import annotations

import re
from typing import TYPE_CHECKING

from auditor.engines.lexical.base import Candidate, SegmentContext, is_acronym

if TYPE_CHECKING:
    from auditor.resources.lexical import LexicalResources

__all__ = ["DETECTOR", "DETERMINERS", "detect", "noun_tags"]

DETECTOR = "lexical.agreement"

# determiner -> (singular genders it allows, whether it can be plural)
_DER = {
    "der": ("mf", True),
    "die": ("f", True),
    "das": ("n", False),
    "den": ("m", True),
    "dem": ("mn", False),
    "des": ("mn", False),
}
_EIN_ENDINGS = {
    "": ("mn", False),
    "e": ("f", True),
    "en": ("m", True),
    "em": ("mn", False),
    "er": ("f", True),
    "es": ("mn", False),
}
_DIES_ENDINGS = {
    "e": ("f", True),
    "er": ("mf", True),
    "es": ("mn", False),
    "em": ("mn", False),
    "en": ("m", True),
}

DETERMINERS: dict[str, tuple[str, bool]] = dict(_DER)
for _stem in ("ein", "kein", "mein", "dein", "sein", "unser"):
    for _end, _val in _EIN_ENDINGS.items():
        if _stem == "ein" and _end in ("e", "er", "en"):
            _val = (_val[0], False)  # "eine/einer/einen" are singular only
        if _stem == "unser" and _end == "":
            _val = ("mn", False)
        DETERMINERS[_stem + _end] = _val
for _stem in ("dies", "jen", "jed"):
    for _end, _val in _DIES_ENDINGS.items():
        DETERMINERS[_stem + _end] = (_val[0], _val[1] and _stem != "jed")
# "das" is left out: as a demonstrative pronoun it precedes any noun ("ist das Grund genug")
del DETERMINERS["das"]

_NUMERALS = frozenset(
    "zwei drei vier fünf sechs sieben acht neun zehn elf zwölf dreizehn vierzehn fünfzehn sechzehn siebzehn "
    "achtzehn neunzehn zwanzig dreißig vierzig fünfzig sechzig siebzig achtzig neunzig hundert tausend".split()
)

#: nouns of measure that stay singular after a number (German grammar, Duden §1525)
_MEASURE = frozenset(
    "Prozent Prozentpunkt Promille Euro Dollar Cent Pfund Franken Yen Rubel Yuan Pence Penny Mark Grad Meter "
    "Kilo Gramm Liter Mal Stück Paar Dutzend Zoll Fuß Bar Watt Volt Byte Hektar Morgen Karat Knoten Glas Fass "
    "Mann Kopf Uhr Hertz Joule Ohm Sack Kasten Teil Schritt Punkt Satz Schuss Becher Tasse Krug Ar Kubikmeter "
    "Lot Bit Pixel Fass Ballen Block Bund Zentner".split()
)
_MEASURE_SUFFIX = ("meter", "gramm", "liter", "watt", "byte", "hertz", "joule", "volt", "tonne")
_MONTHS = frozenset(
    "Januar Februar März April Mai Juni Juli August September Oktober November Dezember".split()
)
_SAME_PLURAL = ("n", "er", "el", "chen", "lein", "s")  # plural or dative-plural-looking endings
_ADJ_RE = re.compile(r"^[a-zäöüß][a-zäöüß-]*(?:e|en|em|er|es)$")
_PREPOSITIONS = frozenset(
    "an auf aus bei durch für gegen hinter in mit nach neben ohne über um unter von vor während wegen zu zwischen "
    "seit trotz".split()
)


def noun_tags(res: LexicalResources, noun: str) -> frozenset[str]:
    """Ding's gender/plural tags of a noun as written, or of its compound head."""
    tags = res.ding.tags(noun) if res.ding.has_de_exact(noun) else frozenset()
    if tags & {"m", "f", "n", "pl"}:
        return tags
    if "-" in noun:
        head = noun.rsplit("-", 1)[1]
        return noun_tags(res, head) if head[:1].isupper() else frozenset()
    for suf in ("es", "s"):  # a genitive form: "Rheins" -> "Rhein"
        if noun.endswith(suf) and len(noun) - len(suf) >= 3 and res.ding.has_de_exact(noun[: -len(suf)]):
            t = res.ding.tags(noun[: -len(suf)])
            if t & {"m", "n"}:
                return frozenset(t & {"m", "n"})
    # compound head: modifier of 3+ letters, head of 4+ letters
    res.ding.has_de_exact_many([noun[i:].capitalize() for i in range(3, len(noun) - 3)])  # one query
    for i in range(3, len(noun) - 3):
        head = noun[i:].capitalize()
        if res.ding.has_de_exact(head):
            t = res.ding.tags(head)
            if t & {"m", "f", "n", "pl"}:
                return t
            return frozenset()
    return frozenset()


#: determiners that are only genitive singular (masculine/neuter)
_GEN_ONLY = frozenset({"des", "eines", "meines", "deines", "seines", "unseres", "keines"})
_INVARIABLE_GEN = ("s", "ß", "x", "z")


#: (determiner, adjective ending) -> (singular genders the pair allows, plural allowed);
#: a pair missing here means the ending is wrong after that determiner ("dem große")
_DECLENSION: dict[tuple[str, str], tuple[str, bool]] = {
    ("der", "e"): ("m", False),
    ("der", "en"): ("f", True),
    ("die", "e"): ("f", False),
    ("die", "en"): ("", True),
    ("dem", "en"): ("mn", False),
    ("des", "en"): ("mn", False),
    ("den", "en"): ("m", True),
    ("einem", "en"): ("mn", False),
    ("einer", "en"): ("f", False),
    ("eines", "en"): ("mn", False),
    ("einen", "en"): ("m", False),
    ("eine", "e"): ("f", False),
    ("ein", "er"): ("m", False),
    ("ein", "es"): ("n", False),
}
_DECL_DETS = frozenset(d for d, _ in _DECLENSION)


def _adjective_ending(res: LexicalResources, word: str) -> str | None:
    """The inflectional ending of an attributive adjective Ding knows ("großen" -> "en")."""
    for suf in ("en", "em", "er", "es", "e"):
        if word.endswith(suf) and len(word) - len(suf) >= 3:
            stem = word[: -len(suf)]
            if "adj" in res.ding.tags(stem) or "adj" in res.ding.tags(stem + "e") and suf != "e":
                return suf
    return None


def _declension(ctx: SegmentContext, res: LexicalResources, wi: int) -> Candidate | None:
    """Determiner + one adjective + noun whose adjective ending fits neither."""
    words = ctx.words
    det = words[wi].text.lower()
    if det not in _DECL_DETS or wi + 2 >= len(words) or not (ctx.adjacent(wi) and ctx.adjacent(wi + 1)):
        return None
    adj, noun = words[wi + 1], words[wi + 2]
    if (
        not adj.text.islower()
        or not noun.text[:1].isupper()
        or not noun.text.isalpha()
        or is_acronym(noun.text)
    ):
        return None
    if adj.text in DETERMINERS or adj.text in _DECL_DETS:
        return None
    nxt = ctx.word_tok_index[wi + 2] + 1
    if nxt < len(ctx.tokens) and (
        ctx.tokens[nxt].text in ("-", "–")
        or (ctx.tokens[nxt].kind == "word" and ctx.tokens[nxt].text[:1].isupper())
    ):
        return None  # a compound or a multiword name ("die ehemalige First Lady")
    ending = _adjective_ending(res, adj.text)
    if ending is None:
        return None
    tags = noun_tags(res, noun.text)
    genders = _genders(tags)
    if not genders and ("pl" not in tags or noun.text.endswith("n")):
        return None  # unknown, or a plural-looking form that may be a weak noun ("des Präsidenten")
    allowed = _DECLENSION.get((det, ending))
    text = ctx.doc_slice(words[wi].start, noun.end)
    if allowed is not None:
        sg, pl = allowed
        if genders & set(sg) or (pl and _plural_possible(noun.text, tags)):
            return None
        if not res.ding.has_de_exact(noun.text):
            return None
    return Candidate(
        DETECTOR,
        words[wi].start,
        noun.end,
        "grammar",
        0.5,
        f"'{text}': the ending of '{adj.text}' agrees neither with '{words[wi].text}' nor with '{noun.text}'",
    )


def _proper_noun(res: LexicalResources, noun: str) -> bool:
    """Ding renders the noun as an English proper noun (capitalised or identical)."""
    ren = res.ding.de_en(noun)
    return any(e[:1].isupper() or e.lower() == noun.lower() for e in ren)


def _genders(tags: frozenset[str]) -> set[str]:
    return {g for g in "mfn" if g in tags}


def _plural_possible(noun: str, tags: frozenset[str]) -> bool:
    return "pl" in tags or noun.endswith(_SAME_PLURAL)


def _noun_after(ctx: SegmentContext, wi: int, max_adj: int = 2) -> int | None:
    """Index of the noun after words[wi], across at most ``max_adj`` adjectives."""
    words = ctx.words
    j = wi + 1
    adj = 0
    while j < len(words) and ctx.adjacent(j - 1):
        w = words[j].text
        if w[:1].isupper():
            if j + 1 < len(words) and ctx.word_tok_index[j] + 1 < len(ctx.tokens):
                nxt = ctx.tokens[ctx.word_tok_index[j] + 1]
                if nxt.text in ("-", "–") or (nxt.kind == "word" and nxt.text[:1].isupper()):
                    return None  # "NATO -Verbündete", "Donald Trump": not a simple noun
            return j
        if adj >= max_adj or not _ADJ_RE.match(w) or w in DETERMINERS:
            return None
        adj += 1
        j += 1
    return None


def _pronoun_context(ctx: SegmentContext, wi: int) -> bool:
    prev = ctx.prev_token(wi)
    if prev is None:
        return False
    if prev.text in (",", ";", "–", "—"):
        return True
    if prev.kind == "word" and prev.text.lower() in _PREPOSITIONS and wi > 0:
        pi = ctx.word_tok_index[wi] - 2
        return pi >= 0 and ctx.tokens[pi].text in (",", ";")
    return False


def detect(ctx: SegmentContext, res: LexicalResources) -> list[Candidate]:
    out: list[Candidate] = []
    words = ctx.words
    for wi, w in enumerate(words):
        low = w.text.lower()
        if w.text[:1].isupper() and not ctx.initial[wi]:
            continue
        if (
            low in _DECL_DETS
            and not _pronoun_context(ctx, wi)
            and not (wi > 0 and words[wi - 1].text.lower() in DETERMINERS and ctx.adjacent(wi - 1))
        ):
            cand = _declension(ctx, res, wi)
            if cand is not None:
                out.append(cand)
                continue
        det = DETERMINERS.get(low)
        is_num = low in _NUMERALS or (w.kind == "number" and w.text.isdigit() and 2 <= int(w.text) < 1000)
        if det is None and not is_num:
            continue
        ni = _noun_after(ctx, wi)
        if ni is None:
            continue
        noun = words[ni].text
        if is_acronym(noun) or not noun.isalpha() or len(noun) < 3:
            continue
        if det is not None and wi > 0 and words[wi - 1].text.lower() in DETERMINERS and ctx.adjacent(wi - 1):
            continue  # "auf der einen Seite": the first determiner governs
        nlow = noun.lower()
        if any(
            nlow.endswith(suf) and "adj" in res.ding.tags(nlow[: -len(suf)])
            for suf in ("e", "en", "er", "es", "em")
        ):
            continue  # a nominalised adjective ("das Gleiche") inflects like an adjective
        tags = noun_tags(res, noun)
        genders = _genders(tags)
        if not genders:
            if (
                low == "den"
                and "pl" in tags
                and res.ding.has_de_exact(noun)
                and noun.endswith(("e", "er", "el"))  # native plurals; "den Bolschewiki" stays
                and not _pronoun_context(ctx, wi)
                and not (wi > 0 and words[wi - 1].text.lower() in DETERMINERS)
            ):
                text = ctx.doc_slice(w.start, words[ni].end)
                out.append(
                    Candidate(
                        DETECTOR,
                        w.start,
                        words[ni].end,
                        "grammar",
                        0.5,
                        f"'{text}': '{noun}' is a plural, and 'den' before a plural is dative, which ends in -n",
                    )
                )
            continue
        span = (w.start, words[ni].end)
        text = ctx.doc_slice(*span)
        if det is not None:
            if _pronoun_context(ctx, wi):
                continue
            allowed, plural_ok = det
            if genders & set(allowed) or (plural_ok and _plural_possible(noun, tags)):
                if (
                    low in _GEN_ONLY
                    and genders <= {"m", "n"}
                    and "pl" not in tags
                    and res.ding.has_de_exact(noun)
                    and not noun.endswith(_INVARIABLE_GEN)
                    and not _proper_noun(res, noun)  # names: "des Iran", "des Kongo"
                ):
                    out.append(
                        Candidate(
                            DETECTOR,
                            span[0],
                            span[1],
                            "grammar",
                            0.5,
                            f"'{text}': after the genitive '{w.text}' the noun needs its genitive ending "
                            f"('{noun}es'/'{noun}s' or '-n' for weak nouns)",
                        )
                    )
                continue
            gname = "/".join({"m": "masculine", "f": "feminine", "n": "neuter"}[g] for g in sorted(genders))
            out.append(
                Candidate(
                    DETECTOR,
                    span[0],
                    span[1],
                    "grammar",
                    0.7,
                    f"'{text}': '{w.text}' does not agree with '{noun}' ({gname})",
                )
            )
        else:
            if _plural_possible(noun, tags) or noun in _MEASURE or noun in _MONTHS:
                continue
            if noun.lower().endswith(_MEASURE_SUFFIX):
                continue
            out.append(
                Candidate(
                    DETECTOR,
                    span[0],
                    span[1],
                    "grammar",
                    0.6,
                    f"'{text}': the number '{w.text}' needs a plural, '{noun}' is singular",
                )
            )
    return out
