"""Tokenizer of the lexical engine: offsets, compounds, abbreviations, numbers."""

from __future__ import annotations

from auditor.engines.lexical.tokens import Token, tokenize, words


def test_offsets_are_document_offsets() -> None:
    text = "Hegseth teilte den NATO -Verbündeten in Brüssel mit."
    toks = tokenize(text, offset=100)
    for t in toks:
        assert text[t.start - 100 : t.end - 100] == t.text
    assert [t.text for t in toks][:5] == ["Hegseth", "teilte", "den", "NATO", "-"]
    assert toks[-1] == Token(".", 100 + len(text) - 1, 100 + len(text), "punct")


def test_compounds_abbreviations_numbers() -> None:
    text = "Die Nicht-NATO-Mission kostet z.B. 1.500 Euro, d.h. 2,5 % mehr (COVID-19) um 11:30 Uhr."
    got = [(t.text, t.kind) for t in tokenize(text)]
    assert ("Nicht-NATO-Mission", "word") in got
    assert ("z.B.", "word") in got and ("d.h.", "word") in got
    assert ("1.500", "number") in got and ("2,5", "number") in got and ("11:30", "number") in got
    assert ("COVID-19", "word") in got
    assert ("%", "symbol") in got


def test_truncated_compound_keeps_its_hyphen_and_english_elision() -> None:
    assert [t.text for t in tokenize("Ein- und Ausgang")] == ["Ein-", "und", "Ausgang"]
    assert [t.text for t in words(tokenize("They don't e-mail the U.S. office."))] == [
        "They",
        "don't",
        "e-mail",
        "the",
        "U.S.",
        "office",
    ]


def test_quotes_are_separate_tokens() -> None:
    got = [t.text for t in tokenize("„Voller Stopp “, sagte er.")]
    assert got == ["„", "Voller", "Stopp", "“", ",", "sagte", "er", "."]
