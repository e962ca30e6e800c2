"""Signal 4: garbled tokens (detector ``lexical.spelling``).

A word is flagged when the German spell checker (Hunspell de_DE, with its compound
rules) rejects it and it is none of the things a German editor would accept:

* a number, an acronym ("NATO", "BIP") or an abbreviation ("z.B.");
* a known word or name: wordfreq has it in German (Zipf >= :data:`KNOWN_DE_ZIPF`) or
  English (>= :data:`KNOWN_EN_ZIPF`) text, or Ding lists it ("Coronavirus", "Al-Qaida",
  "Lockdowns", "Hegseth");
* a valid compound Hunspell does not list: two accepted words, optionally joined by a
  linking element (Fugen-s, -es, -n, -en, -e): "Ukraineregion" = Ukraine + Region;
* a hyphen compound whose parts are each acceptable ("Nicht-NATO-Mission").

English words are left to the leftover detector. Two words glued without a space or
hyphen ("TrumpVerwaltung", a typical MT artefact) get the hyphenated form as the
suggestion; a lowercase unknown word is stronger evidence than a capitalised one
(a rare name, unless the English source is known and lacks it).
"""

from __future__ import annotations

import re
from typing import TYPE_CHECKING, Any

from auditor.engines.lexical.base import Candidate, SegmentContext, is_acronym

if TYPE_CHECKING:
    from auditor.resources.lexical import LexicalResources

__all__ = ["DETECTOR", "detect", "is_valid_compound", "word_problem"]

DETECTOR = "lexical.spelling"
KNOWN_DE_ZIPF = 1.5
KNOWN_EN_ZIPF = 2.5
_LINKS = ("", "s", "es", "n", "en", "e", "er")
_CAMEL_RE = re.compile(r"^([A-ZÄÖÜ][a-zäöüß]{2,})([A-ZÄÖÜ][a-zäöüß]{2,}\w*)$")


def _accepts(res: LexicalResources, word: str) -> bool:
    sp = res.speller
    return sp.check(word) or sp.check(word[:1].upper() + word[1:]) or sp.check(word.lower())


def _known(res: LexicalResources, word: str) -> bool:
    return (
        res.zipf(word, "de") >= KNOWN_DE_ZIPF
        or res.zipf(word, "en") >= KNOWN_EN_ZIPF
        or res.ding.has_de(word)
    )


def is_valid_compound(res: LexicalResources, word: str) -> bool:
    """Two accepted parts (>= 3 letters each), optionally with a linking element."""
    n = len(word)
    for i in range(n - 3, 2, -1):  # prefer the longest head
        head = word[i:]
        if not _accepts(res, head[:1].upper() + head[1:]):
            continue
        left = word[:i]
        for link in _LINKS:
            if link and not left.endswith(link):
                continue
            stem = left[: len(left) - len(link)] if link else left
            if len(stem) >= 3 and (
                _accepts(res, stem) or res.zipf(stem, "de") >= 2.5 or res.ding.has_de(stem)
            ):
                return True
    return False


def _in_source(word: str, source_words: set[str]) -> bool:
    """The word, its genitive-less form, or all its unknown hyphen parts occur in the source."""
    low = word.lower()
    if low in source_words or low.rstrip("s") in source_words:
        return True
    return False


def word_problem(
    res: LexicalResources, word: str, source_words: set[str] | None = None
) -> tuple[float, str, str | None] | None:
    """``(strength, message, suggestion)`` if ``word`` is garbled, else None (memoised)."""
    in_source = None if source_words is None else _in_source(word, source_words)
    memo: dict[tuple[str, bool | None], Any] = res.memo("spelling.word_problem")
    key = (word, in_source)
    if key not in memo:
        memo[key] = _word_problem(res, word, source_words)
    return memo[key]


def _word_problem(
    res: LexicalResources, word: str, source_words: set[str] | None = None
) -> tuple[float, str, str | None] | None:
    """``(strength, message, suggestion)`` if ``word`` is garbled, else None.

    A capitalised unknown word is only flagged when the English source is known
    (``source_words``) and does not contain it: without a source it is most often a name."""
    if len(word) < 3 or not any(c.isalpha() for c in word) or any(c.isdigit() for c in word):
        return None
    if is_acronym(word) or "'" in word or "’" in word:
        return None
    m = _CAMEL_RE.match(word)
    if m is None and _known(res, word):
        # Every path below returns None for a known word, except the glued-words test (a
        # known "TrumpVerwaltung" is still two words). Checked first because it is two memo
        # reads, where Hunspell's compound rules cost tens of microseconds a word.
        return None
    if res.speller.check(word):
        return None
    if "-" in word:
        parts = [p for p in word.split("-") if p]
        unknown = [
            p
            for p in parts
            if not (
                is_acronym(p) or _accepts(res, p) or _known(res, p) or is_valid_compound(res, p) or len(p) < 3
            )
        ]
        if not unknown or _known(res, word):
            return None
        if source_words is not None and all(p[:1].isupper() and _in_source(p, source_words) for p in unknown):
            return None  # a name from the source joined to a German word ("Belmarsh-Gefängnis")
        return 0.5, f"'{word}' is not a German word (a part of the compound is unknown)", None
    if m and _accepts(res, m.group(1)) | _known(res, m.group(1)) and _accepts(res, m.group(2)):
        return (
            0.8,
            f"'{word}': two words glued together without space or hyphen",
            f"{m.group(1)}-{m.group(2)}",
        )
    if _known(res, word) or (word[:1].isupper() and res.speller.check(word.lower())):
        return None
    if is_valid_compound(res, word):
        return None
    lemma = res.lemma(word)
    if lemma != word and (_accepts(res, lemma) or _known(res, lemma)):
        return None
    low = word.lower()
    for suf in ("en", "em", "er", "es", "e"):
        if low.endswith(suf) and len(low) - len(suf) >= 4:
            stem = low[: -len(suf)]
            if _accepts(res, stem) or _known(res, stem) or is_valid_compound(res, stem):
                return None  # an inflected form of a known (or compound) adjective
    if word[:1].isupper():
        if source_words is None or _in_source(word, source_words):
            return None  # a capitalised unknown word is most often a rare name
        return 0.45, f"'{word}' is unknown to the German dictionaries and not a name from the source", None
    return 0.7, f"'{word}' is not a German word (rejected by the spell checker, unknown to word lists)", None


def detect(
    ctx: SegmentContext, res: LexicalResources, skip: set[int] | None = None, source: str | None = None
) -> list[Candidate]:
    """Candidates for garbled words; ``skip`` holds start offsets already flagged as English."""
    out: list[Candidate] = []
    source_words = {w.lower() for w in re.findall(r"\w+(?:-\w+)*", source)} if source else None
    if source_words is not None:
        source_words |= {p for w in list(source_words) for p in w.split("-")}
    for w in ctx.words:
        if skip and w.start in skip:
            continue
        p = word_problem(res, w.text, source_words)
        if p is None:
            continue
        strength, msg, sugg = p
        out.append(Candidate(DETECTOR, w.start, w.end, "spelling", strength, msg, sugg))
    return out
