"""Signal 1: dictionary back-translation ("gloss") of a German segment into English.

Greedy longest match over Ding's German entries (up to :data:`MAX_MATCH` words, so
multiword entries such as "vor allem" or "zur Verfügung stellen" win over their words);
a word Ding does not know is looked up by its lemma (simplemma), then split as a
compound (longest known head + known modifier), and otherwise kept as written (names,
numbers). Each unit is rendered by its most frequent English
rendering (wordfreq Zipf, multiword renderings penalised), so the gloss reads like
what a word-by-word reader would understand. All n-grams of a segment are resolved in
one dictionary query.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from auditor.engines.lexical.base import SegmentContext

if TYPE_CHECKING:
    from auditor.resources.lexical import LexicalResources

__all__ = ["FUNCTION_WORDS", "MAX_MATCH", "best_rendering", "gloss_segment", "gloss_text", "word_renderings"]

MAX_MATCH = 4

#: German closed-class words: Ding lists them under rare senses ("des" -> "D flat"),
#: so their everyday English gloss is fixed here (grammar, not vocabulary).
FUNCTION_WORDS: dict[str, str] = {
    **dict.fromkeys("der die das den dem des".split(), "the"),
    **dict.fromkeys("ein eine einen einem einer eines".split(), "a"),
    **dict.fromkeys("kein keine keinen keinem keiner keines".split(), "no"),
    "im": "in the",
    "ins": "into the",
    "am": "at the",
    "ans": "to the",
    "zum": "to the",
    "zur": "to the",
    "vom": "from the",
    "beim": "at the",
    "und": "and",
    "oder": "or",
    "aber": "but",
    "dass": "that",
    "ist": "is",
    "sind": "are",
    "war": "was",
    "waren": "were",
    "wird": "will",
    "werden": "will",
    "wurde": "was",
    "wurden": "were",
    "hat": "has",
    "haben": "have",
    "hatte": "had",
    "hatten": "had",
    "nicht": "not",
    "auch": "also",
    "sich": "itself",
    "es": "it",
    "er": "he",
    "sie": "she/they",
    "wir": "we",
    "ich": "I",
    "ihr": "her/their",
    "sein": "his/be",
    "zu": "to",
    "mit": "with",
    "von": "of",
    "für": "for",
    "auf": "on",
    "an": "at",
    "in": "in",
    "aus": "from",
    "bei": "at",
    "nach": "after",
    "über": "about",
    "um": "around",
    "wie": "how",
    "als": "as",
    "wenn": "if",
    "ob": "whether",
    "so": "so",
    "noch": "still",
}


def _score(res: LexicalResources, rendering: str, rank: int) -> float:
    parts = rendering.split()
    if len(parts) > 1 and parts[0] == "to":  # verbs: "to say"
        parts = parts[1:]
    if not parts:
        return -99.0
    z = res.zipf(parts[0], "en") if len(parts) == 1 else min(res.zipf(p, "en") for p in parts)
    # prefer single words, then the dictionary's own order
    return z - 1.5 * (len(parts) - 1) - 0.03 * rank


def best_rendering(res: LexicalResources, renderings: tuple[str, ...]) -> str:
    """The most plausible everyday English rendering among Ding's renderings (memoised)."""
    if not renderings:
        return ""
    memo: dict[tuple[str, ...], str] = res.memo("gloss.best_rendering")
    cands = renderings[:20]
    r = memo.get(cands)
    if r is None:
        r = memo[cands] = max(enumerate(cands), key=lambda ir: _score(res, ir[1], ir[0]))[1]
    return r


def word_renderings(res: LexicalResources, word: str, k: int = 4) -> tuple[str, ...]:
    """Top-``k`` single-word English renderings of a German word, most frequent first;
    memoised on ``res``. A capitalised form Ding lists itself ("Männer") is glossed by
    its own entry only (a plural stays a plural); other words also by their lemma or
    adjective stem ("Voller" -> full)."""
    memo: dict[tuple[str, int], tuple[str, ...]] = res.memo("gloss.word_renderings")
    key = (word, k)
    hit = memo.get(key)
    if hit is not None:
        return hit
    seen: dict[str, float] = {}
    # a word form with its own entry ("Männer" -> men) is glossed by it, not by its lemma
    own = res.ding.de_en(word) if word[:1].isupper() else ()
    for rank, r in enumerate((own or renderings(res, word))[:30]):
        low = r.lower()
        if " " in low or low in seen or not low.isalpha():
            continue
        seen[low] = res.zipf(low, "en") - 0.02 * rank
    out = tuple(sorted(seen, key=lambda w: -seen[w])[:k])
    memo[key] = out
    return out


_ADJ_ENDINGS = ("en", "em", "er", "es", "e")


def renderings(res: LexicalResources, word: str) -> tuple[str, ...]:
    """Ding's English renderings of a German word form: the form itself, its lemma, or,
    for an inflected adjective Ding lists only uninflected ("Voller" -> "voll"), the stem."""
    memo: dict[str, tuple[str, ...]] = res.memo("gloss.renderings")
    hit = memo.get(word)
    if hit is not None:
        return hit
    out = res.ding.de_en(word)
    lemma = res.lemma(word)
    if lemma != word:
        out = out + res.ding.de_en(lemma)
    if word[:1].isupper():
        low = word.lower()
        for suf in _ADJ_ENDINGS:
            if low.endswith(suf) and len(low) > len(suf) + 2:
                stem = low[: -len(suf)]
                if "adj" in res.ding.tags(stem):
                    out = out + res.ding.de_en(stem)
                    break
    memo[word] = out
    return out


_LINKS = ("s", "es", "n", "en", "")


def compound_gloss(res: LexicalResources, word: str) -> str | None:
    """Gloss of a compound Ding lacks, from its longest known head and a known modifier
    ("Verteidigungspartnerschaft" -> "defence partnership"); None if it does not split."""
    if len(word) < 8 or not word.isalpha():
        return None
    heads = {i: word[i:].capitalize() for i in range(3, len(word) - 3)}
    found = res.ding.lookup_de_many(heads.values())  # one query for every possible head
    for i, head in heads.items():
        hren = found[head][0]
        if not hren:
            continue
        mod = word[:i]
        for link in _LINKS:
            if link and not mod.endswith(link):
                continue
            stem = mod[: len(mod) - len(link)] if link else mod
            if len(stem) < 3:
                continue
            mren = res.ding.de_en(stem) or res.ding.de_en(stem.capitalize())
            if mren:
                return f"{best_rendering(res, mren)} {best_rendering(res, hren)}"
        return None  # the longest known head decides
    return None


def _gloss_pieces(ctx: SegmentContext, res: LexicalResources) -> list[tuple[int, int, str]]:
    """The gloss as ``(first word, last word, rendering)``, with ``-1, -1`` for a
    non-word token kept as written (punctuation), in segment order."""
    words = ctx.words
    n = len(words)
    # candidate n-grams of adjacent words (no punctuation in between)
    grams: dict[tuple[int, int], str] = {}
    for i in range(n):
        j = i
        while j < n and j - i < MAX_MATCH:
            if j > i and not ctx.adjacent(j - 1):
                break
            grams[(i, j + 1)] = " ".join(w.text for w in words[i : j + 1])
            j += 1
    found = res.ding.lookup_de_many(set(grams.values()))
    pieces: list[tuple[int, int, str]] = []
    tokens = ctx.tokens
    word_tok_index = ctx.word_tok_index
    wpos = {ti: wi for wi, ti in enumerate(word_tok_index)}
    ti = 0
    while ti < len(tokens):
        tok = tokens[ti]
        wi = wpos.get(ti)
        if wi is None:
            pieces.append((-1, -1, tok.text))
            ti += 1
            continue
        match_len, rendering = 1, ""
        for L in range(min(MAX_MATCH, n - wi), 0, -1):
            g = grams.get((wi, wi + L))
            if g is None:
                continue
            ren = found.get(g, _NONE)[0]
            if ren:
                match_len, rendering = L, best_rendering(res, ren)
                break
        fw = FUNCTION_WORDS.get(tok.text.lower()) if match_len == 1 else None
        if fw is not None:
            rendering = fw
        elif not rendering:
            w = tok.text
            ren = renderings(res, w)
            rendering = best_rendering(res, ren) if ren else (compound_gloss(res, w) or w)
        if rendering.startswith("to ") and len(rendering) > 3:
            rendering = rendering[3:]
        last = wi + match_len - 1
        pieces.append((wi, last, rendering))
        ti = word_tok_index[last] + 1
    return pieces


_NONE: tuple[tuple[str, ...], frozenset[str]] = ((), frozenset())
#: a piece that is a substring of this is glued to the previous one (a substring test, as
#: it always was: ")“" is glued too)
_NO_SPACE_BEFORE = ",.;:!?)“”\"'"


def _join(pieces: list[tuple[int, int, str]]) -> str:
    text = ""
    for _first, _last, piece in pieces:
        if text and not (piece in _NO_SPACE_BEFORE or text.endswith(("(", "„"))):
            text += " "
        text += piece
    return text


def gloss_text(ctx: SegmentContext, res: LexicalResources) -> str:
    """The English gloss of the segment (what the engine annotates), without its units."""
    return _join(_gloss_pieces(ctx, res))


def gloss_segment(ctx: SegmentContext, res: LexicalResources) -> tuple[str, list[dict[str, Any]]]:
    """English gloss of the segment and its units ``{"de", "en", "start", "end"}``."""
    pieces = _gloss_pieces(ctx, res)
    words = ctx.words
    units = [
        {
            "de": ctx.doc_slice(words[first].start, words[last].end),
            "en": rendering,
            "start": words[first].start,
            "end": words[last].end,
        }
        for first, last, rendering in pieces
        if first >= 0
    ]
    return _join(pieces), units
