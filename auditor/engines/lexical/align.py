"""Lexical source alignment of English source and German MT (issue 6, source half).

Links a German segment's words to the words of its English source by evidence that
needs no neural model:

* ``identical`` — the same string (names, loanwords, codes), case-insensitively; a
  German genitive/hyphen form of an English name also counts (``Utahs``, ``Trump-Regierung``);
* ``number`` — the same numeric value after German/English number formatting
  (``10.000`` = ``10,000``, ``2,5`` = ``2.5``, ``5 Millionen`` = ``5 million``);
* ``dict`` — a Ding dictionary entry of the German word, its lemma or its compound
  parts translates to the English word (or the reverse direction);
* ``cognate`` — long words that are spelled alike after folding umlauts (``Präsident``/``president``).

On top of the alignment it proposes findings (detectors ``lexical.omission``,
``lexical.unaligned``, ``lexical.number``, ``lexical.entity``, ``lexical.untranslated``).
Each candidate carries an evidence *strength*; severity and confidence come from
:mod:`auditor.engines.lexical.calibration`, fitted on the dev set by
``bench/calibrate_lexical.py``. Candidates whose calibrated confidence is below the
calibration's emission threshold are not reported (they stay in the annotation).
"""

from __future__ import annotations

import difflib
import re
import unicodedata
from collections import Counter
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass
from functools import lru_cache
from typing import Any, Protocol

from auditor.engines.lexical.base import Candidate
from auditor.engines.lexical.findings import calibrated_findings
from auditor.engines.lexical.tokens import Token, tokenize
from auditor.engines.lexical.untranslated import untranslated_candidates
from auditor.types import Finding, Segment, SegmentedDocument

__all__ = [
    "Candidate",
    "DingLike",
    "align_tokens",
    "align_segment",
    "analyze_segment_with_source",
    "candidates_for_segment",
]


class DingLike(Protocol):
    """The part of the Ding dictionary API this module uses."""

    def de_en(self, term: str) -> tuple[str, ...]: ...

    def en_de(self, term: str) -> tuple[str, ...]: ...

    def has_de(self, term: str) -> bool: ...


# --------------------------------------------------------------------------- word lists

DE_STOP = frozenset(
    """
    der die das den dem des ein eine einen einem einer eines kein keine keinen keinem keiner
    und oder aber doch sondern denn sowie bzw als wie wenn ob weil dass daß da damit während
    in im ins an am ans auf aus bei beim mit nach von vom zu zum zur für über unter vor hinter
    neben zwischen durch um gegen ohne seit bis ab trotz wegen je pro per laut
    es er sie wir ihr ich du ihn ihm ihnen uns euch mich mir dich dir sich man
    ist sind war waren wird werden wurde wurden worden hat haben hatte hatten habe hätte hätten
    sein seine seinen seinem seiner seines ihre ihren ihrem ihrer ihres unser unsere unseren
    unserem unserer mein meine meinen meinem meiner dein deine euer eure
    bin bist seid wäre wären würde würden kann können konnte konnten muss müssen musste
    soll sollen sollte sollten will wollen wollte wollten darf dürfen mag möchte möchten
    nicht auch noch nur schon so sehr mehr dann dort hier jetzt nun ja nein nie immer
    was wer wem wen wessen wo wie warum welche welcher welches welchen welchem
    dies diese dieser dieses diesen diesem jene jener jenes alle allen aller alles
    viel viele vielen einige einigen etwas nichts jeder jede jedes jeden jedem
    sehr ganz eben wohl etwa mal denn zwar selbst dabei dazu davon darauf daran darin darüber
    dafür dagegen deshalb daher also sogar bereits gerade wieder weiter zudem jedoch allerdings
    beide beiden beider derjenige diejenige diejenigen dasjenige denjenigen demjenigen derselbe
    dieselbe dieselben dasselbe denselben anderen andere anderer anderes anderem eigene eigenen
    eigener eigenes eigenem sowohl weder noch könnte könnten kannst konnte wurdest würdest
    dessen deren denen derer welcher hin her hinein heraus darum worden gewesen
    """.split()
)

EN_STOP = frozenset(
    """
    a an the and or but nor so yet for of in on at to from by with without about into onto
    over under up down out off as than then that this these those there here it its it's
    he she they we you i me him her them us my your his our their mine yours hers ours theirs
    is are was were be been being am do does did done have has had having will would shall
    should can could may might must not no n't 's 're 've 'd 'll s t
    who whom whose which what where when why how if whether because while although though
    all any some each every both either neither such own same other another more most much
    many few very too also just only even still already again ever never always
    sb sth sb. sth. someone something one one's oneself itself himself herself themselves
    ourselves yourself etc e.g i.e vs via per
    """.split()
)

#: Ding keys verbs with their object placeholders; a bare verb is looked up with these too
_DE_PLACEHOLDERS = ("etw. ", "jdn. ", "jdm. ", "sich ", "jdm. etw. ", "sich etw. ", "jdn./etw. ")
_DE_PH_WORDS = frozenset({"etw.", "etw", "jdn.", "jdn", "jdm.", "jdm", "jds.", "jds", "sich", "jdn./etw."})
_EN_PLACEHOLDERS = ("", " sth.", " sb.", " sb. sth.", " sth. to sb.", " sb./sth.", " oneself")

#: a German word rarer than this (wordfreq Zipf: < 1 per million words) counts as rare
RARE_ZIPF = 3.0

_FOLD = str.maketrans({"ä": "a", "ö": "o", "ü": "u", "ß": "s", "é": "e", "è": "e", "á": "a", "ó": "o"})

_ANNOT = re.compile(r"\{[^}]*\}|\[[^\]]*\]|<[^>]*>|\([^)]*\)")
_WORDISH = re.compile(r"[^\W\d_][\w'’.-]*", re.UNICODE)

_EN_NUMBER_WORDS = {
    "zero": 0, "one": 1, "two": 2, "three": 3, "four": 4, "five": 5, "six": 6, "seven": 7,
    "eight": 8, "nine": 9, "ten": 10, "eleven": 11, "twelve": 12, "thirteen": 13,
    "fourteen": 14, "fifteen": 15, "sixteen": 16, "seventeen": 17, "eighteen": 18,
    "nineteen": 19, "twenty": 20, "thirty": 30, "forty": 40, "fifty": 50, "sixty": 60,
    "seventy": 70, "eighty": 80, "ninety": 90, "hundred": 100, "dozen": 12,
    "first": 1, "second": 2, "third": 3, "fourth": 4, "fifth": 5, "sixth": 6, "seventh": 7,
    "eighth": 8, "ninth": 9, "tenth": 10, "half": 0.5, "twice": 2,
}  # fmt: skip
_DE_NUMBER_WORDS = {
    "null": 0, "ein": 1, "eins": 1, "eine": 1, "einen": 1, "einem": 1, "einer": 1, "zwei": 2,
    "drei": 3, "vier": 4, "fünf": 5, "sechs": 6, "sieben": 7, "acht": 8, "neun": 9, "zehn": 10,
    "elf": 11, "zwölf": 12, "dreizehn": 13, "vierzehn": 14, "fünfzehn": 15, "sechzehn": 16,
    "siebzehn": 17, "achtzehn": 18, "neunzehn": 19, "zwanzig": 20, "dreißig": 30,
    "vierzig": 40, "fünfzig": 50, "sechzig": 60, "siebzig": 70, "achtzig": 80,
    "neunzig": 90, "hundert": 100, "dutzend": 12, "erste": 1, "ersten": 1, "erster": 1,
    "zweite": 2, "zweiten": 2, "dritte": 3, "dritten": 3, "vierte": 4, "vierten": 4,
    "fünfte": 5, "fünften": 5, "halb": 0.5, "halbe": 0.5, "hälfte": 0.5, "zweimal": 2,
    "doppelt": 2,
}  # fmt: skip
_EN_SCALE = {"thousand": 1e3, "million": 1e6, "millions": 1e6, "billion": 1e9, "billions": 1e9,
             "trillion": 1e12, "bn": 1e9, "m": 1e6, "k": 1e3, "mn": 1e6}  # fmt: skip
_DE_SCALE = {"tausend": 1e3, "million": 1e6, "millionen": 1e6, "mio": 1e6, "milliarde": 1e9,
             "milliarden": 1e9, "mrd": 1e9, "billion": 1e12, "billionen": 1e12}  # fmt: skip


# --------------------------------------------------------------------------- normalisation


@lru_cache(maxsize=200_000)
def fold(word: str) -> str:
    """Lowercase, umlauts folded, accents stripped."""
    w = word.lower().translate(_FOLD)
    return "".join(c for c in unicodedata.normalize("NFKD", w) if not unicodedata.combining(c))


@lru_cache(maxsize=200_000)
def en_stem(word: str) -> str:
    """Crude English stem (consistent on both sides of a comparison; not linguistics)."""
    w = word.lower().replace("’", "'")
    if w.endswith("'s"):
        w = w[:-2]
    w = w.strip("'.")
    if len(w) > 4 and w.endswith("ies"):
        w = w[:-3] + "y"
    elif len(w) > 4 and w.endswith(("sses", "shes", "ches", "xes")):
        w = w[:-2]
    elif len(w) > 3 and w.endswith("s") and not w.endswith(("ss", "us", "is")):
        w = w[:-1]
    if len(w) > 5 and w.endswith("ing"):
        w = w[:-3]
    elif len(w) > 4 and w.endswith("ied"):
        w = w[:-3] + "y"
    elif len(w) > 4 and w.endswith("ed"):
        w = w[:-2]
    if len(w) > 4 and w[-1] == w[-2] and w[-1] not in "aeiouls":
        w = w[:-1]
    if len(w) > 4 and w.endswith("e"):
        w = w[:-1]
    if len(w) > 4 and w.endswith("y"):
        w = w[:-1]
    return w


@lru_cache(maxsize=200_000)
def _en_content_stems(phrase: str) -> frozenset[str]:
    """Content-word stems of one English dictionary translation (memoised: pure)."""
    phrase = _ANNOT.sub(" ", phrase)
    out = set()
    for m in _WORDISH.finditer(phrase):
        w = m.group().lower().strip("'’.-")
        if len(w) < 2 or w in EN_STOP:
            continue
        for part in w.split("-"):
            if len(part) >= 2 and part not in EN_STOP:
                out.add(en_stem(part))
    return frozenset(out)


@lru_cache(maxsize=200_000)
def _de_content_words(phrase: str) -> frozenset[str]:
    phrase = _ANNOT.sub(" ", phrase)
    return frozenset(
        {
            m.group().lower()
            for m in _WORDISH.finditer(phrase)
            if len(m.group()) >= 2
            and m.group().lower() not in DE_STOP
            and m.group().lower() not in _DE_PH_WORDS
        }
    )


_SENT_SPLIT = re.compile(r"(?<=[.!?])[\"'”’)]*\s+(?=[\"'“‘(]?[A-Z0-9])")


def split_sentences(text: str) -> list[tuple[int, int]]:
    """Rough English sentence split: (start, end) character ranges."""
    out = []
    pos = 0
    for m in _SENT_SPLIT.finditer(text):
        if m.start() > pos:
            out.append((pos, m.start()))
        pos = m.end()
    if pos < len(text):
        out.append((pos, len(text)))
    return out or [(0, len(text))]


# --------------------------------------------------------------------------- numbers


def _parse_number(text: str, german: bool) -> float | None:
    t = text.strip()
    if not re.fullmatch(r"\d+(?:[.,]\d+)*", t):
        return None
    thousands, decimal = (".", ",") if german else (",", ".")
    if re.fullmatch(rf"\d{{1,3}}(?:\{thousands}\d{{3}})+", t):
        return float(t.replace(thousands, ""))
    if t.count(decimal) == 1 and thousands not in t:
        return float(t.replace(decimal, "."))
    # the "other" convention (MT sometimes keeps English formatting)
    other_th = decimal
    if re.fullmatch(rf"\d{{1,3}}(?:\{other_th}\d{{3}})+", t):
        return float(t.replace(other_th, ""))
    if t.count(thousands) == 1 and decimal not in t:  # "1.0003,5" mixes both: no number (found by fuzzing)
        return float(t.replace(thousands, "."))
    try:
        return float(t)
    except ValueError:
        return None


def _number_values(words: Sequence[Token], german: bool) -> list[tuple[int, float, set[float]]]:
    """(word index, value, acceptable equivalents) for every number in a word list."""
    scale = _DE_SCALE if german else _EN_SCALE
    out: list[tuple[int, float, set[float]]] = []
    for i, t in enumerate(words):
        glued_scale = 1.0
        if t.kind == "word":  # "1.5bn", "5m", "10km", "20-jährige": a number glued to a word
            m = _GLUED.match(t.text)
            if not m:
                continue
            glued_scale = scale.get(m.group(2).lower(), 1.0)
            t = Token(m.group(1), t.start, t.start + len(m.group(1)), "number")
        elif t.kind != "number":
            continue
        parts = re.split(r"[:/]", t.text)
        if len(parts) == 1 and _parse_number(t.text, german) is None:
            parts = re.split(r"[.,]", t.text)  # a date such as 3.4.2020
        if len(parts) > 1:  # times, dates, fractions: compare the parts
            for p in parts:
                v = _parse_number(p, german)
                if v is not None:
                    out.append((i, v, {v}))
            continue
        v = _parse_number(t.text, german)
        if v is None:
            continue
        v *= glued_scale
        alts = {v}
        if glued_scale == 1.0 and i + 1 < len(words):
            s = scale.get(words[i + 1].text.lower().rstrip("."))
            if s:
                alts = {v * s}
                v = v * s
        out.append((i, v, alts))
    return out


_GLUED = re.compile(r"(\d+(?:[.,]\d+)*)-?([^\W\d_]+)")


def _equivalents(v: float) -> set[float]:
    """Values a faithful translation may render ``v`` as (12/24 h clock, percent, ordinals)."""
    eq = {v, round(v, 6)}
    if v == int(v) and 1 <= v <= 12:
        eq.add(v + 12)
    if v == int(v) and 13 <= v <= 24:
        eq.add(v - 12)
    return eq


# --------------------------------------------------------------------------- lexicon


class _TableLemmatizer:
    """simplemma's ``lemmatize(word, lang=...)`` call shape over the compiled lemma table."""

    def __init__(self, table: Any) -> None:
        self.table = table

    def lemmatize(self, word: str, lang: str = "de") -> str:
        if lang == "de" and len(word) > 1 and word.isupper():
            return word  # as simplemma: an all-capitals German token is not lemmatised
        return str(self.table.lemmatize(word, lang))


class _Lexicon:
    """Cached dictionary views over one Ding instance."""

    def __init__(self, ding: DingLike, speller: Any = None, wordfreq: Any = None, lemmas: Any = None) -> None:
        self.ding = ding
        key_filter = getattr(ding, "use_key_filter", None)
        if callable(key_filter):
            key_filter()  # alignment probes many unknown compound parts: skip SQLite for them
        may_have = getattr(ding, "may_have", None)
        #: False for a term no Ding key is (see _lookup_de); None without that test
        self._may_have: Callable[[str], bool] | None = may_have if callable(may_have) else None
        self.speller = speller
        self.wordfreq = wordfreq
        self._de_cache: dict[str, tuple[frozenset[str], bool, tuple[str, ...]]] = {}
        self._en_cache: dict[str, frozenset[str]] = {}
        self._en_keys: dict[str, frozenset[str]] = {}
        self._split_cache: dict[str, tuple[str, ...]] = {}
        self._lookup_cache: dict[str, tuple[str, ...]] = {}
        self._zipf_cache: dict[tuple[str, str], float | None] = {}
        # The compiled lemma table (resources.lexical.LemmaTable) when the engine has one:
        # importing simplemma itself costs seconds of dictionary loading per process.
        self._simplemma: Any = None
        if lemmas is not None:
            self._simplemma = _TableLemmatizer(lemmas)
        else:
            try:
                import simplemma

                self._simplemma = simplemma
            except ImportError:  # pragma: no cover - optional
                self._simplemma = None

    # German ------------------------------------------------------------------
    def de_lemma(self, word: str) -> str:
        if self._simplemma is None:
            return word
        return str(self._simplemma.lemmatize(word, lang="de"))

    def _lookup_de(self, term: str) -> tuple[str, ...]:
        """Ding renderings of a German term, also of its entries with an object placeholder
        (Ding keys most verbs as ``etw. sagen``, ``jdm. etw. sagen``, ``sich ...``)."""
        hit = self._lookup_cache.get(term)
        if hit is not None:
            return hit
        keys = [term] if " " in term else [term] + [p + term for p in _DE_PLACEHOLDERS]
        may_have = self._may_have
        if may_have is not None and not any(map(may_have, keys)):
            # Most probes (compound parts, suffix-stripped forms) are no Ding term at all,
            # bare or after a placeholder: no key is any of them, so every lookup is empty.
            self._lookup_cache[term] = ()
            return ()
        out: list[str] = []
        # No catch-all here: a damaged dictionary raises a clear error (CacheError) that must
        # stop the run; swallowed, it silently left words unaligned and changed findings.
        many = getattr(self.ding, "lookup_de_many", None)
        if callable(many):
            found = many(keys)
            for k in keys:
                e = found.get(k)
                if e:
                    out.extend(e[0] if isinstance(e, tuple) and e and isinstance(e[0], tuple) else e)
        else:
            for k in keys:
                out.extend(self.ding.de_en(k))
        res = tuple(dict.fromkeys(out))
        self._lookup_cache[term] = res
        return res

    def _de_forms(self, word: str) -> list[str]:
        forms = [word]
        lem = self.de_lemma(word)
        forms.append(lem)
        lw = word.lower()
        for suf in ("en", "er", "es", "em", "n", "e", "s"):
            if lw.endswith(suf) and len(lw) - len(suf) >= 3:
                forms.append(word[: -len(suf)])
        return forms

    def _translations_of_word(self, word: str) -> tuple[str, ...]:
        """Translations of the word and of its lemma; else of a suffix-stripped form."""
        forms = self._de_forms(word)
        out: list[str] = []
        for f in forms[:2] if len(forms) > 1 and forms[1] != forms[0] else forms[:1]:
            out.extend(self._lookup_de(f))
        if out:
            return tuple(out)
        for f in forms[1:]:
            tr = self._lookup_de(f)
            if tr:
                return tr
        return ()

    def _known_part(self, part: str, final: bool) -> bool:
        """A compound part is a Ding term (the head may also be inflected)."""
        if len(part) < 3:
            return False
        cap = part[:1].upper() + part[1:]
        if final:
            return bool(self._translations_of_word(cap))
        return bool(self._lookup_de(cap) or self._lookup_de(part.lower()))

    def compound_parts(self, word: str) -> tuple[str, ...]:
        """Known German parts of a compound, head last (``Unkrautvernichtungsangst`` →
        ``Unkraut``, ``Vernichtung``, ``Angst``); empty if no split is found. Hyphenated
        words split at the hyphens. Splits with fewer, then longer, parts win."""
        if "-" in word:
            return tuple(p for p in word.split("-") if len(p) >= 2)
        hit = self._split_cache.get(word)
        if hit is None:
            hit = self._split_cache[word] = self._split(word, 0) or ()
        return hit

    def _split(self, word: str, depth: int) -> tuple[str, ...] | None:
        n = len(word)
        if n < 6:
            return None
        if depth == 0:
            # every head below is lemmatised (a final part may be inflected): one query for all
            table = getattr(self._simplemma, "table", None)
            if table is not None and callable(getattr(table, "prefetch", None)):
                heads = (word[i:][:1].upper() + word[i + 1 :] for i in range(n - 3, 2, -1))
                table.prefetch([h for h in heads if not (len(h) > 1 and h.isupper())], lang="de")
        best: tuple[str, ...] | None = None
        for i in range(n - 3, 2, -1):
            head = word[i:]
            if not self._known_part(head, final=(depth == 0)):
                continue
            head = head[:1].upper() + head[1:]
            prefix = word[:i]
            cuts = [prefix]
            if prefix.endswith("s"):
                cuts.append(prefix[:-1])
            if prefix.endswith(("es", "en", "er")):
                cuts.append(prefix[:-2])
            if prefix.endswith(("n", "e")):
                cuts.append(prefix[:-1])
            cuts.append(prefix + "e")
            for cut in cuts:
                if len(cut) < 3:
                    continue
                cand: tuple[str, ...] | None = None
                if self._known_part(cut, final=False):
                    cand = (cut[:1].upper() + cut[1:], head)
                elif depth < 2:
                    sub = self._split(cut, depth + 1)
                    cand = sub + (head,) if sub else None
                if cand and (
                    best is None or (len(cand), -min(map(len, cand))) < (len(best), -min(map(len, best)))
                ):
                    best = cand
        return best

    def de_info(self, word: str) -> tuple[frozenset[str], bool, tuple[str, ...]]:
        """(English content stems of the word's translations, word or its parts known to
        Ding, compound parts if the word itself is not in Ding)."""
        hit = self._de_cache.get(word)
        if hit is not None:
            return hit
        stems: set[str] = set()
        tr = self._translations_of_word(word)
        known = bool(tr)
        for t in tr:
            stems |= _en_content_stems(t)
        parts: tuple[str, ...] = ()
        if not known or "-" in word:
            parts = self.compound_parts(word)
            for p in parts:
                for t in self._translations_of_word(p):
                    stems |= _en_content_stems(t)
        res = (frozenset(stems), known or bool(parts), parts)
        self._de_cache[word] = res
        return res

    def is_german_word(self, word: str) -> bool:
        if self._translations_of_word(word):
            return True
        sp = self.speller
        if sp is not None:
            for name in ("spell", "check", "lookup"):
                fn = getattr(sp, name, None)
                if callable(fn):
                    return bool(fn(word))
        return False

    def zipf(self, word: str, lang: str) -> float | None:
        """wordfreq Zipf frequency (None when wordfreq is absent)."""
        key = (word, lang)
        if key in self._zipf_cache:
            return self._zipf_cache[key]
        wf = self.wordfreq
        z: float | None = None
        if wf is not None:
            z = float(wf.zipf_frequency(word, lang))
        self._zipf_cache[key] = z
        return z

    def zipf_de(self, word: str) -> float | None:
        return self.zipf(word, "de")

    def zipf_en(self, word: str) -> float | None:
        return self.zipf(word, "en")

    def known_whole(self, word: str) -> bool:
        """The word itself (or its lemma / inflection stem) is a Ding term."""
        return bool(self._translations_of_word(word))

    # English -----------------------------------------------------------------
    def en_lemma(self, word: str) -> str:
        if self._simplemma is None:
            return word
        return str(self._simplemma.lemmatize(word, lang="en"))

    def en_keys(self, word: str) -> frozenset[str]:
        """Stems of an English word and of its lemma (``said`` → ``said``, ``say``)."""
        hit = self._en_keys.get(word)
        if hit is None:
            hit = self._en_keys[word] = frozenset({en_stem(word), en_stem(self.en_lemma(word).lower())})
        return hit

    def _en_terms(self, key: str) -> list[str]:
        """The Ding English keys tried for a lowercased English word: the word, its lemma
        and stem, each bare and with Ding's object placeholders ("sth.", "sb.")."""
        forms = [key]
        st = en_stem(key)
        if self._simplemma is not None:
            forms.append(str(self._simplemma.lemmatize(key, lang="en")))
        forms += [st, st + "e"]
        return [f + p for f in dict.fromkeys(forms) if f for p in _EN_PLACEHOLDERS]

    def prefetch_source(self, words: Iterable[str]) -> None:
        """Resolve the English side of a batch in a few queries (frequencies, lemmas, Ding
        renderings), so that aligning segment by segment only reads the memos."""
        ws = set(words)
        lows = {w.lower() for w in ws}
        wf = self.wordfreq
        if wf is not None and callable(getattr(wf, "prefetch", None)):
            wf.prefetch(lows)
        table = getattr(self._simplemma, "table", None)
        if table is not None and callable(getattr(table, "prefetch", None)):
            table.prefetch(ws | lows, lang="en")
        many = getattr(self.ding, "lookup_en_many", None)
        if callable(many):
            terms = {w: self._en_terms(w) for w in lows if w not in self._en_cache}
            found = many(sorted({t for ts in terms.values() for t in ts}))
            # fill en_german_words' memo for the content words now: it would build the same
            # terms and ask for them again (function words are never asked, so not built)
            for w, ts in terms.items():
                if len(w) >= 2 and w.replace("’", "'") not in EN_STOP:
                    self._en_cache[w] = self._german_words(t for k in ts for t in found.get(k, ()))

    def en_german_words(self, word: str) -> frozenset[str]:
        """Lowercased German content words of the Ding translations of an English word."""
        key = word.lower()
        hit = self._en_cache.get(key)
        if hit is not None:
            return hit
        terms = self._en_terms(key)
        many = getattr(self.ding, "lookup_en_many", None)
        if callable(many):
            found = many(terms)
            renderings = [t for k in terms for t in found.get(k, ())]
        else:
            renderings = [t for k in terms for t in self.ding.en_de(k)]
        res = self._en_cache[key] = self._german_words(renderings)
        return res

    @staticmethod
    def _german_words(renderings: Iterable[str]) -> frozenset[str]:
        """The German content words of Ding's renderings of one English word."""
        out: set[str] = set()
        for t in renderings:
            out |= _de_content_words(t)
        return frozenset(out)


def _lexicon(res: Any) -> _Lexicon:
    """The aligner's dictionary views over these resources, built once per bundle and kept
    in the bundle's own memo (``res.memo``), so they live and die with what they wrap (no
    module-level cache, nothing attached to the dictionary object). A bundle without a
    memo (a test's hand-made one) gets fresh views each time."""
    ding = getattr(res, "ding", res)
    memo = res.memo("align") if callable(getattr(res, "memo", None)) else None
    lex = memo.get("lexicon") if memo is not None else None
    if lex is None:
        lex = _Lexicon(
            ding, getattr(res, "speller", None), getattr(res, "wordfreq", None), getattr(res, "lemmas", None)
        )
        if memo is not None:
            memo["lexicon"] = lex
    return lex


# --------------------------------------------------------------------------- alignment


@dataclass(frozen=True)
class Link:
    de: int  # index into the German word list
    en: int  # index into the English word list
    kind: str  # identical | number | dict | cognate


def _word_tokens(tokens: Sequence[Token]) -> list[Token]:
    return [t for t in tokens if t.kind in ("word", "number")]


@lru_cache(maxsize=4096)
def _source_tokens(source: str) -> tuple[Token, ...]:
    return tuple(_word_tokens(tokenize(source)))


def is_de_content(tok: Token) -> bool:
    return tok.kind == "word" and tok.text.lower() not in DE_STOP and len(tok.text) >= 2


def is_en_content(tok: Token) -> bool:
    return tok.kind == "word" and tok.text.lower().replace("’", "'") not in EN_STOP and len(tok.text) >= 2


@lru_cache(maxsize=200_000)
def _cognate_key(word: str) -> tuple[int, str, Counter[str]]:
    """(length of the folded word, folded word with k/z → c and ph → f, its letter counts):
    the side of a cognate test that depends on one word only, memoised because a word
    meets many."""
    f = fold(word)
    n = len(f)
    for x, y in (("k", "c"), ("z", "c"), ("ph", "f")):
        f = f.replace(x, y)
    return n, f, Counter(f)


def _cognate_keys(ka: tuple[int, str, Counter[str]], kb: tuple[int, str, Counter[str]]) -> bool:
    """:func:`_cognate` over two :func:`_cognate_key` results."""
    if ka[0] < 5 or kb[0] < 5:
        return False
    fa, fb = ka[1], kb[1]
    la, lb = len(fa), len(fb)
    n = min(la, lb)
    common = 0
    while common < n and fa[common] == fb[common]:
        common += 1
    if common >= 6 or common >= 0.8 * n:
        return True
    # 2 * min(la, lb) / (la + lb) is SequenceMatcher.real_quick_ratio(), an upper bound of
    # ratio(): most pairs fail it, and building the matcher costs more than the test.
    if 2.0 * n / (la + lb) < 0.82:
        return False
    # quick_ratio, the next upper bound, from the memoised letter counts
    if 2.0 * sum((ka[2] & kb[2]).values()) / (la + lb) < 0.82:
        return False
    return difflib.SequenceMatcher(None, fa, fb).ratio() >= 0.82


def _cognate(a: str, b: str) -> bool:
    return _cognate_keys(_cognate_key(a), _cognate_key(b))


_PARTICLES = frozenset(
    "ab an auf aus bei dar ein fest fort her hin los mit nach statt teil vor weg zu zurück zusammen".split()
)


def _separable_verbs(
    de_words: Sequence[Token], lex: _Lexicon, text: str | None
) -> dict[int, tuple[str, ...]]:
    """Ding renderings of separable verbs split over a clause ("stellte ... fest" →
    ``feststellen``), for both the verb and its particle (word index → renderings)."""
    out: dict[int, tuple[str, ...]] = {}
    if text is None:
        return out
    for pi, p in enumerate(de_words):
        if p.text not in _PARTICLES:
            continue
        rest = text[p.end : p.end + 3].lstrip()
        if rest and rest[0].isalnum():
            continue  # not at the end of a clause
        for vi in range(pi - 1, max(-1, pi - 12), -1):
            v = de_words[vi]
            if not v.text.islower() or v.text in DE_STOP:
                continue
            tr = lex._lookup_de(p.text + lex.de_lemma(v.text))
            if tr:
                out[vi] = out[pi] = tr
                break
    return out


def align_tokens(
    de_words: Sequence[Token], en_words: Sequence[Token], lex: _Lexicon, text: str | None = None
) -> list[Link]:
    """All evidence links between German and English words (many-to-many). ``text`` (the
    document the German tokens index into) enables separable-verb lookups."""
    links: list[Link] = []
    separable = _separable_verbs(de_words, lex, text)
    en_lower = [t.text.lower() for t in en_words]
    en_stems = [lex.en_keys(w) for w in en_lower]
    en_is_content = [is_en_content(t) for t in en_words]
    # numbers
    de_nums = _number_values(de_words, german=True)
    en_nums = _number_values(en_words, german=False)
    for di, dv, dalts in de_nums:
        for ei, ev, ealts in en_nums:
            if dalts & _equivalents(ev) or _equivalents(dv) & ealts:
                links.append(Link(di, ei, "number"))
                nxt = di + 1
                if nxt < len(de_words) and de_words[nxt].text.lower().rstrip(".") in _DE_SCALE:
                    links.append(Link(nxt, ei, "number"))  # "5 Mio." = "$5m"
    linked_de = {lk.de for lk in links}
    en_german: dict[int, frozenset[str]] = {}
    # Per-segment views of the English side, so that each German word visits only the
    # English words that can match it (links keep the English word order).
    en_at: dict[str, list[int]] = {}
    for ei, el in enumerate(en_lower):
        en_at.setdefault(el, []).append(ei)
    en_caps = [(ei, el) for ei, el in enumerate(en_lower) if len(el) >= 3 and en_words[ei].text[:1].isupper()]
    en_content = [ei for ei in range(len(en_words)) if en_is_content[ei]]
    en_cog: list[tuple[int, tuple[int, str, Counter[str]]]] = []
    for ei in en_content:
        key = _cognate_key(en_words[ei].text)
        if key[0] >= 5:
            en_cog.append((ei, key))
    for di, t in enumerate(de_words):
        if t.kind != "word" or di in linked_de:
            continue
        low = t.text.lower()
        content = is_de_content(t) or di in separable
        same: set[int] = set()
        if len(low) >= 2:
            same.update(ei for ei in en_at.get(low, ()) if content or en_is_content[ei])
        if content and en_caps:
            parts: list[str] | None = None
            for ei, el in en_caps:
                if low.startswith(el) and len(low) - len(el) <= 2:
                    same.add(ei)
                    continue
                if parts is None:
                    parts = low.split("-")
                if el in parts:
                    same.add(ei)
        found = bool(same)
        if found:
            links.extend(Link(di, ei, "identical") for ei in sorted(same))
        if found or not content:
            continue
        stems, _known, parts_ = lex.de_info(t.text)
        cands = {lex.de_lemma(t.text).lower(), low} | {p.lower() for p in parts_}
        if di in separable:
            stems = stems | {st for r in separable[di] for st in _en_content_stems(r)}
        for ei in en_content:
            if not en_stems[ei].isdisjoint(stems):
                links.append(Link(di, ei, "dict"))
                found = True
                continue
            g = en_german.get(ei)
            if g is None:
                g = en_german[ei] = lex.en_german_words(en_words[ei].text)
            if not cands.isdisjoint(g):
                links.append(Link(di, ei, "dict"))
                found = True
        if not found and en_cog:
            kd = _cognate_key(t.text)
            if kd[0] >= 5:
                for ei, ke in en_cog:
                    if _cognate_keys(kd, ke):
                        links.append(Link(di, ei, "cognate"))
    return links


_KIND_RANK = {"number": 0, "identical": 0, "dict": 1, "cognate": 2}


def select_alignment(links: Sequence[Link], n_de: int, n_en: int) -> list[tuple[int, int]]:
    """Prune many-to-many evidence to the links closest to the diagonal: for each German
    word its best English partner and for each English word its best German partner."""
    if not links:
        return []
    rank = _KIND_RANK

    def cost(lk: Link) -> tuple[int, float]:
        return rank[lk.kind], abs(lk.de / max(n_de, 1) - lk.en / max(n_en, 1))

    best_de: dict[int, Link] = {}
    best_en: dict[int, Link] = {}
    for lk in links:
        if lk.de not in best_de or cost(lk) < cost(best_de[lk.de]):
            best_de[lk.de] = lk
        if lk.en not in best_en or cost(lk) < cost(best_en[lk.en]):
            best_en[lk.en] = lk
    pairs = {(lk.de, lk.en) for lk in best_de.values()} | {(lk.de, lk.en) for lk in best_en.values()}
    return sorted(pairs)


# --------------------------------------------------------------------------- candidates


def _source_window(
    segment: Segment, sdoc: SegmentedDocument, source: str, en_words: Sequence[Token], linked_en: set[int]
) -> tuple[int, int] | None:
    """Range [lo, hi) of English word indices this German segment translates, or None."""
    unit_segments = [s for s in sdoc.segments if s.unit == segment.unit and s.scored]
    if len(unit_segments) <= 1:
        return 0, len(en_words)
    sents = split_sentences(source)
    idx = [[i for i, t in enumerate(en_words) if a <= t.start < b] for a, b in sents]
    if len(sents) == len(unit_segments):
        k = [s.index for s in unit_segments].index(segment.index)
        ws = idx[k]
        return (ws[0], ws[-1] + 1) if ws else None
    chosen = []
    for k, ws in enumerate(idx):
        content = [i for i in ws if is_en_content(en_words[i])]
        if content and sum(1 for i in content if i in linked_en) / len(content) >= 0.4:
            chosen.append(k)
    if not chosen:
        return None
    lo_ws = next((idx[k] for k in range(chosen[0], chosen[-1] + 1) if idx[k]), None)
    hi_ws = next((idx[k] for k in range(chosen[-1], chosen[0] - 1, -1) if idx[k]), None)
    if not lo_ws or not hi_ws:
        return None
    return lo_ws[0], hi_ws[-1] + 1


def _anchor_range(ei: int, pairs: Sequence[tuple[int, int]], n_de: int) -> tuple[int, int]:
    """German word range [lo, hi) between the German words aligned to the aligned source
    words just before and just after source word ``ei``."""
    lo, hi = 0, n_de
    best_prev = best_next = None
    for d, e in pairs:
        if e < ei and (best_prev is None or e > best_prev):
            best_prev, lo = e, d + 1
        if e > ei and (best_next is None or e < best_next):
            best_next, hi = e, d
    if hi <= lo:  # the German reorders around the gap: look a few words after the left anchor
        hi = min(n_de, lo + 3)
    return lo, hi


def _gap_for(
    ei: int, pairs: Sequence[tuple[int, int]], text: str, de_words: Sequence[Token], seg: Segment
) -> tuple[int, int]:
    """Document span marking where source word ``ei`` is missing in the German: the
    whitespace before the German word aligned to the next aligned source word, else the
    whitespace after the German word aligned to the previous one, else the segment's
    first word."""
    nxt: tuple[int, int] | None = None
    prv: tuple[int, int] | None = None
    for d, e in pairs:
        if e > ei and (nxt is None or e < nxt[1] or (e == nxt[1] and d < nxt[0])):
            nxt = (d, e)
        if e < ei and (prv is None or e > prv[1] or (e == prv[1] and d > prv[0])):
            prv = (d, e)
    if nxt is not None:
        w = de_words[nxt[0]]
        if w.start > 0 and text[w.start - 1].isspace() and w.start - 1 >= seg.start:
            return w.start - 1, w.start
    if prv is not None:
        w = de_words[prv[0]]
        if w.end < len(text) and text[w.end].isspace() and w.end < seg.end:
            return w.end, w.end + 1
        return w.start, w.end
    if de_words:
        return de_words[0].start, de_words[0].end
    return seg.start, seg.end


def _title_case_words(source: str, en_words: Sequence[Token], lex: _Lexicon) -> set[int]:
    """Indices of source words in title-case sentences (headlines), where capitals say
    nothing about names: at least 3 common English words (Zipf >= 4) besides function
    words, 80 % of them capitalised."""
    out: set[int] = set()
    for a, b in split_sentences(source):
        idx = [
            i
            for i, t in enumerate(en_words)
            if a <= t.start < b
            and t.kind == "word"
            and is_en_content(t)
            and (lex.zipf_en(t.text.lower()) or 0) >= 4
        ]
        if len(idx) >= 3 and sum(1 for i in idx if en_words[i].text[:1].isupper()) >= 0.8 * len(idx):
            out.update(i for i, t in enumerate(en_words) if a <= t.start < b)
    return out


def _is_name_like(tok: Token, position: int, sentence_starts: set[int], title: set[int]) -> bool:
    """A capitalised source word that is not sentence-initial, not in a title-case
    headline, and not an abbreviation with dots or an apostrophe form."""
    t = tok.text
    if not t[:1].isupper() or tok.start in sentence_starts or position == 0 or position in title:
        return False
    return not (any(c in t for c in ".'’") or t.lower() in EN_STOP)


def prefetch_sources(res: Any, sources: Iterable[str]) -> None:
    """Batch the English-side lookups of many segments' sources (see ``_Lexicon.prefetch_source``)."""
    _lexicon(res).prefetch_source(t.text for src in sources for t in _source_tokens(src))


def candidates_for_segment(
    sdoc: SegmentedDocument, segment: Segment, tokens: Sequence[Token], res: Any
) -> tuple[list[Candidate], dict[str, Any]]:
    """All candidate findings (uncalibrated) and the alignment annotation of one segment."""
    source = segment.source or ""
    text = sdoc.document.text
    lex = _lexicon(res)
    de_words = _word_tokens(tokens)
    en_words = list(_source_tokens(source))
    links = align_tokens(de_words, en_words, lex, text)
    pairs = select_alignment(links, len(de_words), len(en_words))
    linked_de = {lk.de for lk in links}
    linked_en = {lk.en for lk in links}
    cands: list[Candidate] = []
    if not de_words or not en_words:
        return cands, _annotation(de_words, en_words, pairs, [], links)

    window = _source_window(segment, sdoc, source, en_words, linked_en)
    sent_starts = {a for a, _ in split_sentences(source)}
    en_folded = {fold(t.text) for t in en_words}

    # --- untranslated: copied source words, or the whole segment (lexical.untranslated) ----
    cands.extend(untranslated_candidates(segment, de_words, en_words, lex, sent_starts))

    # --- numbers ------------------------------------------------------------------------
    de_nums = _number_values(de_words, german=True)
    en_nums = _number_values(en_words, german=False)
    en_num_words = {_EN_NUMBER_WORDS[t.text.lower()] for t in en_words if t.text.lower() in _EN_NUMBER_WORDS}
    en_vals = {v for _, v, _ in en_nums} | {a for _, _, alts in en_nums for a in alts}
    num_linked_de = {lk.de for lk in links if lk.kind == "number"}
    num_linked_en = {lk.en for lk in links if lk.kind == "number"}
    for di, dv, _alts in de_nums:
        if di in num_linked_de:
            continue
        t = de_words[di]
        if dv in en_num_words or any(e in en_vals for e in _equivalents(dv)):
            continue
        end = t.end
        if di + 1 < len(de_words) and de_words[di + 1].text.lower().rstrip(".") in _DE_SCALE:
            end = de_words[di + 1].end
        near = [e for _, e, _ in en_nums]
        msg = f"the number {t.text} is not in the source"
        if near:
            msg += " (source numbers: " + ", ".join(sorted({en_words[ei].text for ei, _, _ in en_nums})) + ")"
        cands.append(Candidate("lexical.number", t.start, end, "mistranslation",
                               1.0 if en_nums else 0.5, msg, None))  # fmt: skip
    if window is not None:
        de_num_words = {
            _DE_NUMBER_WORDS[t.text.lower()] for t in de_words if t.text.lower() in _DE_NUMBER_WORDS
        }
        de_vals = {v for _, v, _ in de_nums}
        for ei, ev, _alts in en_nums:
            if ei in num_linked_en or not (window[0] <= ei < window[1]):
                continue
            if ev in de_num_words or _equivalents(ev) & de_vals:
                continue
            a, b = _gap_for(ei, pairs, text, de_words, segment)
            cands.append(Candidate("lexical.number_missing", a, b, "omission", 0.25,
                                   f"the source number {en_words[ei].text} is missing", None))  # fmt: skip

    # --- named entities ------------------------------------------------------------------
    de_text_folded = fold(segment.text)
    title = _title_case_words(source, en_words, lex)
    name_missing: set[int] = set()
    for lk in links:
        t, e = de_words[lk.de], en_words[lk.en]
        if lk.kind != "cognate" or not _is_name_like(e, lk.en, sent_starts, title):
            continue
        if lex.is_german_word(t.text) or fold(t.text) == fold(e.text):
            continue
        if fold(t.text).startswith(fold(e.text)) or fold(t.text).endswith(fold(e.text)):
            continue  # the name is there, inside a compound ("TrumpVerwaltung"): not misspelt
        cands.append(Candidate("lexical.entity", t.start, t.end, "named-entity", 1.0,
                               f"“{t.text}” is spelled differently from the source name “{e.text}”",
                               e.text))  # fmt: skip
    if window is not None:
        for ei in range(window[0], window[1]):
            t = en_words[ei]
            if ei in linked_en or t.kind != "word" or not _is_name_like(t, ei, sent_starts, title):
                continue
            if len(t.text) < 3 or fold(t.text) in de_text_folded:
                continue
            if lex.en_german_words(t.text) & {w.text.lower() for w in de_words}:
                continue
            lo, hi = _anchor_range(ei, pairs, len(de_words))
            subst = [
                d
                for d in range(lo, hi)
                if d not in linked_de
                and d > 0
                and de_words[d].text[:1].isupper()
                and is_de_content(de_words[d])
            ]
            name_missing.add(ei)
            if len(subst) == 1:  # another name stands where the source name should be
                w = de_words[subst[0]]
                cands.append(Candidate("lexical.entity", w.start, w.end, "named-entity", 1.0,
                                       f"“{w.text}” stands where the source has “{t.text}”", t.text))  # fmt: skip
                continue
            a, b = _gap_for(ei, pairs, text, de_words, segment)
            cands.append(Candidate("lexical.entity", a, b, "named-entity", 0.5,
                                   f"the source name “{t.text}” has no counterpart", None))  # fmt: skip
    for di, t in enumerate(de_words):
        if di in linked_de or t.kind != "word" or di == 0 or not t.text[:1].isupper():
            continue
        if not is_de_content(t) or lex.is_german_word(t.text) or fold(t.text) in en_folded:
            continue
        if lex.compound_parts(t.text):
            continue  # an unknown compound, not a name: left to lexical.unaligned
        # capitalised, not a German word, not in the source: a garbled or invented name?
        if any(ch.isupper() for ch in t.text[1:]) or "-" in t.text:
            continue
        cands.append(Candidate("lexical.entity", t.start, t.end, "named-entity", 1.0,
                               f"“{t.text}” looks like a name but is not in the source", None))  # fmt: skip

    # --- unaligned German content words; literal compound renderings ------------------
    already = {(c.start, c.end) for c in cands}
    en_of_de: dict[int, set[int]] = {}
    for lk in links:
        en_of_de.setdefault(lk.de, set()).add(lk.en)
    for di, t in enumerate(de_words):
        if not is_de_content(t) or (t.start, t.end) in already:
            continue
        z = lex.zipf_de(t.text)
        rare = z is not None and z < RARE_ZIPF
        if di not in linked_de:
            cands.append(Candidate("lexical.unaligned", t.start, t.end, "mistranslation", _rarity(z),
                                   f"“{t.text}” has no counterpart in the source", None))  # fmt: skip
            continue
        if rare and not lex.known_whole(t.text) and len(en_of_de.get(di, ())) >= 2:
            parts = lex.compound_parts(t.text)
            if len(parts) >= 2:
                src = " ".join(en_words[e].text for e in sorted(en_of_de[di]))
                unattested = z is not None and z < 1.0  # wordfreq never saw it: coined by the MT
                cands.append(Candidate("lexical.literal", t.start, t.end, "calque", 1.0 if unattested else 0.6,
                                       f"“{t.text}” glues a word-for-word rendering of “{src}” "
                                       "into a compound no dictionary knows", None))  # fmt: skip

    # --- omissions: runs of unaligned source content words -------------------------------
    unaligned_src: list[int] = []
    if window is not None:
        run: list[int] = []
        for ei in range(window[0], window[1] + 1):
            if (
                ei < window[1]
                and ei not in linked_en
                and ei not in name_missing
                and is_en_content(en_words[ei])
                and en_words[ei].kind == "word"
            ):
                run.append(ei)
                continue
            if ei < window[1] and en_words[ei].kind == "word" and not is_en_content(en_words[ei]) and run:
                continue  # function words inside a run do not break it
            if run:
                cands.extend(
                    _omission_candidates(run, en_words, de_words, pairs, lex, text, segment, sent_starts)
                )
                run = []
    if window is not None:
        unaligned_src = [
            ei
            for ei in range(window[0], window[1])
            if ei not in linked_en and is_en_content(en_words[ei]) and en_words[ei].kind == "word"
        ]
    ann = _annotation(de_words, en_words, pairs, unaligned_src, links)
    return cands, ann


def _rarity(zipf: float | None) -> float:
    """Evidence strength of an unlinked German word: the rarer, the likelier an error
    (an invented compound, a garbled or wrong word); 1 at Zipf <= 2.5, 0 at Zipf >= 5
    (wordfreq's Zipf scale: 3 = once per million words)."""
    if zipf is None:
        return 0.5
    return max(0.0, min(1.0, (5.0 - zipf) / 2.5))


def _omission_candidates(
    run: Sequence[int],
    en_words: Sequence[Token],
    de_words: Sequence[Token],
    pairs: Sequence[tuple[int, int]],
    lex: _Lexicon,
    text: str,
    segment: Segment,
    sent_starts: set[int],
) -> list[Candidate]:
    content = [ei for ei in run if is_en_content(en_words[ei])]
    if not content:
        return []
    known = [ei for ei in content if lex.en_german_words(en_words[ei].text)]
    if not known:
        return []
    a, b = _gap_for(content[0], pairs, text, de_words, segment)
    phrase = " ".join(en_words[ei].text for ei in run)
    strength = 1.0 if len(known) >= 3 else 0.5 if len(known) == 2 else 0.25
    return [
        Candidate("lexical.omission", a, b, "omission", strength,
                  f"the source words “{phrase}” have no counterpart in the translation", phrase)
    ]  # fmt: skip


def _annotation(
    de_words: Sequence[Token],
    en_words: Sequence[Token],
    pairs: Sequence[tuple[int, int]],
    unaligned_src: Sequence[int],
    links: Sequence[Link],
) -> dict[str, Any]:
    """The JSON annotation: word lists, alignment pairs and their evidence, gaps."""
    kind = {(lk.de, lk.en): lk.kind for lk in sorted(links, key=lambda lk: _KIND_RANK[lk.kind], reverse=True)}
    aligned_de = {d for d, _ in pairs}
    countable = [i for i, t in enumerate(de_words) if is_de_content(t) or t.kind == "number"]
    return {
        "alignment": [[d, e] for d, e in pairs],
        "link_kinds": [kind.get((d, e), "dict") for d, e in pairs],
        "target_words": [t.text for t in de_words],
        "source_words": [t.text for t in en_words],
        "unaligned_source": [en_words[i].text for i in unaligned_src],
        "unaligned_target": [
            de_words[i].text for i in countable if i not in aligned_de and de_words[i].kind == "word"
        ],
        "coverage": round(sum(1 for i in countable if i in aligned_de) / max(1, len(countable)), 4),
    }


def align_segment(
    sdoc: SegmentedDocument, segment: Segment, tokens: Sequence[Token], res: Any, emission: Any = None
) -> tuple[list[Candidate], list[Finding], dict[str, Any]]:
    """The aligner's raw candidates for one segment, the findings the profile reports from
    them, and the alignment annotation (with its finding count). The engine keeps the raw
    candidates for the learned combiner, which reads uncalibrated strengths."""
    cands, ann = candidates_for_segment(sdoc, segment, tokens, res)
    findings = calibrated_findings(sdoc, cands, emission)
    ann["findings"] = len(findings)
    return cands, findings, ann


def analyze_segment_with_source(
    sdoc: SegmentedDocument, segment: Segment, tokens: list[Token], res: Any, emission: Any = None
) -> tuple[list[Finding], dict[str, Any]]:
    """Findings and alignment annotation of one German segment against its English source.

    ``tokens`` are the segment's tokens with document offsets; ``segment.source`` is the
    English source of the segment's unit (possibly several sentences); ``emission`` is the
    profile's rule (:class:`~auditor.engines.lexical.profiles.Emission`; default balanced)."""
    if not segment.source or not segment.scored:
        return [], {}
    _cands, findings, ann = align_segment(sdoc, segment, tokens, res, emission)
    return findings, ann
