"""The German example sentences of the Ding dictionary: a corpus of human-written German.

Ding's entries carry, besides terms, some 17,000 full German sentences written by its editors
("Die Farbgebung erinnert fast an El Greco."). They are the one body of correct, idiomatic German
that ships with the dictionary every lexical installation already has, so a detector of MT errors
can be checked against them: a rule that fires there flags correct German, whatever it finds on
the seed article. ``bench/bench_ding_examples.py`` prints each detector's rate on them, and the
rules tests bound the rate of every editor-level rule.
"""

from __future__ import annotations

import os
from pathlib import Path

__all__ = ["example_sentences"]

#: a sentence has at least this many words (shorter parts are terms or phrases)
MIN_WORDS = 5


def example_sentences(path: str | os.PathLike[str]) -> list[str]:
    """The German sentences of the Ding file at ``path``, in file order, without duplicates.

    A German side's ``|``-separated sub-entries and their ``;``-separated parts are sentences when
    they have at least :data:`MIN_WORDS` words and end in ``.``, ``!`` or ``?`` (terms, headwords
    and phrase patterns such as "an etw. erinnern" do not).
    """
    seen: set[str] = set()
    out: list[str] = []
    for line in Path(path).read_text(encoding="utf-8", errors="replace").splitlines():
        if line.startswith("#") or "::" not in line:
            continue
        for part in line.split("::")[0].split("|"):
            for piece in part.split(";"):
                s = piece.strip()
                if s.count(" ") >= MIN_WORDS - 1 and s[-1:] in ".!?" and s not in seen:
                    seen.add(s)
                    out.append(s)
    return out
