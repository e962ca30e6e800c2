"""The lexical detectors on real German sentences, positive and negative."""

from __future__ import annotations

import pytest

from auditor.resources import lexical as lx

pytestmark = pytest.mark.skipif(
    lx.find_ding() is None or lx.find_hunspell_dict() is None, reason="Ding or Hunspell de_DE not installed"
)


@pytest.fixture(scope="module")
def res() -> lx.LexicalResources:
    return lx.load_resources()


def run(detector, res, text: str, **kw) -> list[tuple[str, str, str | None]]:  # type: ignore[no-untyped-def]
    from auditor.engines.lexical.base import make_context

    return [
        (text[c.start : c.end], c.detector, c.suggestion)
        for c in detector.detect(make_context(text), res, **kw)
    ]


# --------------------------------------------------------------------------- gloss


def test_gloss_uses_multiword_entries_and_lemmas(res) -> None:  # type: ignore[no-untyped-def]
    from auditor.engines.lexical.base import make_context
    from auditor.engines.lexical.gloss import gloss_segment

    text, units = gloss_segment(make_context("Vor allem müssen wir die Krim zurückgeben."), res)
    assert units[0]["de"] == "Vor allem"  # one multiword unit, not two words
    assert "Crimea" in text and text.endswith(".")
    text2, _ = gloss_segment(make_context("Moskau kontrolliert 20 Prozent des Territoriums."), res)
    assert text2.startswith("Moscow") and "20" in text2 and "the" in text2


# --------------------------------------------------------------------------- calques


def test_calque_full_stop(res) -> None:  # type: ignore[no-untyped-def]
    from auditor.engines.lexical import calques

    got = run(calques, res, "Die Vereinigten Staaten sind der NATO verpflichtet. Voller Stopp.")
    assert got == [("Voller Stopp", "lexical.calque", "Punkt")]


def test_calque_dead_end(res) -> None:  # type: ignore[no-untyped-def]
    from auditor.engines.lexical import calques

    got = run(calques, res, "Die Verhandlungen erreichten ein totes Ende.")
    assert got == [("totes Ende", "lexical.calque", "Sackgasse")]


@pytest.mark.parametrize(
    "text",
    [
        "Zum ersten Mal seit Jahren sinkt die Arbeitslosigkeit.",  # attested collocation
        "Die Verhandlungen sind in einer Sackgasse; er ist das schwarze Schaf der Familie.",
        "Wir feiern das neue Jahr und haben genügend Ressourcen.",  # compositional
        "Das ist gut genug für uns.",
        "Er nannte das ein „illusionäres Ziel“ und beendete die Rede mit einem Punkt.",
        "Präsident Putin benutzte sogar mein sehr starkes Kampagnen -Motto.",  # compound, not a phrase
    ],
)
def test_no_calque_in_idiomatic_german(res, text: str) -> None:  # type: ignore[no-untyped-def]
    from auditor.engines.lexical import calques

    assert run(calques, res, text) == []


# --------------------------------------------------------------------------- leftovers


def test_english_words_are_leftovers(res) -> None:  # type: ignore[no-untyped-def]
    from auditor.engines.lexical import leftovers

    got = run(leftovers, res, "Das war ein happy end for the team.")
    assert got and got[0][1] == "lexical.leftover" and got[0][0].startswith("happy end")


def test_transliterations(res) -> None:  # type: ignore[no-untyped-def]
    from auditor.engines.lexical import leftovers

    got = run(leftovers, res, "Präsident Zelenskyy reiste von Kharkiv nach Kyiv.")
    assert [g[0] for g in got] == ["Zelenskyy", "Kharkiv", "Kyiv"]
    assert all(g[1] == "lexical.transliteration" for g in got)


@pytest.mark.parametrize(
    "text",
    [
        "Der Deal kam beim Meeting zustande, sagte Biden in Washington.",  # loans and shared names
        "Wolodymyr Selenskyj reiste nach Kiew und traf Lawrow nicht.",  # German romanisation
        "Der Shutdown in den USA dauert an; das Team ist cool geblieben.",
        "Die Breaking-News-Benachrichtigungen kamen per E-Mail.",  # English inside a German compound
        "Rutte sagte der Associated Press, dass er zufrieden sei.",  # an English name used in German
        "Er studierte an der University of California, die Bewegung Fridays for Future wuchs.",
    ],
)
def test_no_leftover_in_german(res, text: str) -> None:  # type: ignore[no-untyped-def]
    from auditor.engines.lexical import leftovers

    assert run(leftovers, res, text) == []


# --------------------------------------------------------------------------- spelling


def test_garbled_words(res) -> None:  # type: ignore[no-untyped-def]
    from auditor.engines.lexical import spelling

    got = run(spelling, res, "Die Regierung weiterhin bieten wird Donald TrumpVerwaltung.")
    assert got == [("TrumpVerwaltung", "lexical.spelling", "Trump-Verwaltung")]
    got = run(spelling, res, "Die Vorschläge wurden wiederhergestelt und verworfen.")
    assert [g[0] for g in got] == ["wiederhergestelt"]


def test_capitalised_unknown_word_needs_a_source_to_be_flagged(res) -> None:  # type: ignore[no-untyped-def]
    from auditor.engines.lexical import spelling

    text = "Der Chefkonstabler Hegseth sprach in Brüssel."
    assert run(spelling, res, text) == []  # without source: could be names
    got = run(spelling, res, text, source="Chief Constable Hegseth spoke in Brussels.")
    assert [g[0] for g in got] == ["Chefkonstabler"]  # Hegseth is in the source, a name


@pytest.mark.parametrize(
    "text",
    [
        "Die Ukraineregion und die Verteidigungspartnerschaft sind neu.",  # valid compounds
        "Die Nicht-NATO-Mission in der Corona-Pandemie kostet 20 Mio. Euro, z.B. für Lockdowns.",
        "Das ist ein illusionäres Ziel, sagte Hegseth.",
    ],
)
def test_no_spelling_error_in_valid_german(res, text: str) -> None:  # type: ignore[no-untyped-def]
    from auditor.engines.lexical import spelling

    assert run(spelling, res, text) == []


# --------------------------------------------------------------------------- agreement


@pytest.mark.parametrize(
    "text, span",
    [
        ("Putin werde nur einen Friedensabkommen aushandeln.", "einen Friedensabkommen"),
        ("Die USA erfüllen nicht diesen erwarteten fünf Prozentsatz.", "fünf Prozentsatz"),
        ("Die USA erfüllen nicht diesen fünf Prozentsatz.", "fünf Prozentsatz"),
        ("Er sprach mit einem kleinen Regierung.", "einem kleinen Regierung"),
        ("Die Übertragung eines Pensionssystem dauert Jahre.", "eines Pensionssystem"),
        ("Er spielt mit den Kinder im Garten.", "den Kinder"),
        ("Er kaufte ein großen Haus am See.", "ein großen Haus"),
        ("Sie wohnt in dem große Haus.", "dem große Haus"),
    ],
)
def test_agreement_errors(res, text: str, span: str) -> None:  # type: ignore[no-untyped-def]
    from auditor.engines.lexical import agreement

    got = run(agreement, res, text)
    assert [g[0] for g in got] == [span] and got[0][1] == "lexical.agreement"


@pytest.mark.parametrize(
    "text",
    [
        "Putin werde nur ein Friedensabkommen aushandeln, sagte er den Abkommen zufolge.",
        "Zwei Prozent sind nicht genug; Trump hat fünf Prozent und zwei Euro gefordert.",
        "Auf der einen Seite stand das Militär, die Frauen, der Kinder Zukunft.",
        "Das Gleiche gilt für den Menschen, der Geld hat, und für drei Millionen Menschen.",
        "Um fünf Uhr kamen zwei Drittel der Mitglieder.",
        "Der Mann, den Kinder lieben, kritisierte die Rolle des Iran und die Kosten des Systems.",
        "Wegen des Kompromiss-Vorschlags und eines Tages des Präsidenten.",
        "Er telefonierte mit dem ukrainischen Präsidenten, den Gedanken eines anderen Menschen folgend.",
        "Die europäischen Verbündeten und die ehemalige First Lady kauften ein großes Haus.",
        "Dampfen, bei dem eine Mischung inhaliert wird, ist eines der Probleme.",
        "Er schloss sich den Bolschewiki an, an den Ufern des Rheins und des Kongo.",
    ],
)
def test_no_agreement_error_in_correct_german(res, text: str) -> None:  # type: ignore[no-untyped-def]
    from auditor.engines.lexical import agreement

    assert run(agreement, res, text) == []


# --------------------------------------------------------------------------- repetition


@pytest.mark.parametrize(
    "text, span",
    [
        ("Wir brauchen mehr Ausbildung und Ausbildung für junge Leute.", "Ausbildung und Ausbildung"),
        ("23 davon haben im Ziel des Ziels im Vorjahr geschätzt.", "Ziel des Ziels"),
        ("Sie las die Briefe desselben Briefes vor.", "Briefe desselben Briefes"),
    ],
)
def test_repeated_noun(res, text: str, span: str) -> None:  # type: ignore[no-untyped-def]
    from auditor.engines.lexical import repetition

    assert [g[0] for g in run(repetition, res, text)] == [span]


@pytest.mark.parametrize(
    "text",
    [
        "Schritt für Schritt und Tag für Tag wurde es besser.",
        "Das Gefängnis ist ein Gefängnis, sagte er.",
        "Die Hilfe, und Hilfe war nötig, kam spät.",  # punctuation between: not one phrase
        "Die USA und USA-Verbündete trafen sich.",
    ],
)
def test_no_repeated_noun(res, text: str) -> None:  # type: ignore[no-untyped-def]
    from auditor.engines.lexical import repetition

    assert run(repetition, res, text) == []


# --------------------------------------------------------------------------- word order

SEED_LINE_6 = (
    "Viele Verbündete haben auf Klarheit gewartet, wie viel militärische und finanzielle Unterstützung "
    "Washington der ukrainischen Regierung unter Präsident weiterhin bieten wird Donald TrumpVerwaltung."
)


@pytest.mark.parametrize(
    "text, span, suggestion",
    [
        (SEED_LINE_6, "bieten wird Donald TrumpVerwaltung", "Donald TrumpVerwaltung bieten wird"),
        (
            "Er erklärte, dass die Regierung den Bauern helfen muss die Europäische Union.",
            "helfen muss die Europäische Union",
            "die Europäische Union helfen muss",
        ),
    ],
)
def test_stranded_noun_phrase(res, text: str, span: str, suggestion: str) -> None:  # type: ignore[no-untyped-def]
    from auditor.engines.lexical import word_order

    assert run(word_order, res, text) == [(span, "lexical.word_order", suggestion)]


@pytest.mark.parametrize(
    "text",
    [
        # the same clause, well formed
        "Viele Verbündete haben auf Klarheit gewartet, wie viel Unterstützung Washington der Regierung bieten wird.",
        # German allows a prepositional phrase or a comparison after the verb cluster
        "Sie fragte, ob er gewartet hat auf die Entscheidung.",
        "Er sagte, dass es schneller gehen wird als im Vorjahr.",
        # sentence-initial free relative and fronted infinitive: main clauses, not stranding
        "Was wir brauchen sind mehr Polizisten auf der Straße.",
        "Die ganze Nacht aufzubleiben hat etwas Aufregendes für Kinder.",
        # a main clause after the comma
        "Als sie ankam, hatte Peter schon gegessen.",
        # the clause continues after a comma
        "Er sagte, dass er kommen wird, wenn Maria ihn einlädt.",
    ],
)
def test_no_stranded_noun_phrase_in_grammatical_german(res, text: str) -> None:  # type: ignore[no-untyped-def]
    from auditor.engines.lexical import word_order

    assert run(word_order, res, text) == []


def test_word_order_is_silent_on_the_dictionary_example_sentences(res) -> None:  # type: ignore[no-untyped-def]
    """17,000 human-written German sentences from the Ding dictionary: not one is flagged."""
    from auditor.engines.lexical import word_order
    from auditor.engines.lexical.base import make_context
    from auditor.resources.ding_examples import example_sentences

    path = lx.find_ding()
    assert path is not None
    sentences = example_sentences(path)
    assert len(sentences) > 10_000
    flagged = [s for s in sentences if word_order.detect(make_context(s), res)]
    assert flagged == []


# --------------------------------------------------------------------------- untranslated (source copies)


def untranslated(res, en: str, de: str) -> list[tuple[str, str]]:  # type: ignore[no-untyped-def]
    from auditor.engines.lexical import align
    from auditor.engines.lexical.tokens import tokenize
    from auditor.segment import segment_document
    from auditor.types import Document

    sdoc = segment_document(Document(path="t.jsonl", text=de, source=en))
    out = []
    for seg in sdoc.segments:
        cands, _ = align.candidates_for_segment(sdoc, seg, tokenize(seg.text, seg.start), res)
        out += [(de[c.start : c.end], c.detector) for c in cands if c.category == "untranslated"]
    return out


@pytest.mark.parametrize(
    ("en", "de"),
    [
        # names at a sentence start: no English dictionary entry for "meghan", "giuliani"
        ("Meghan wore a dress by a British designer.", "Meghan trug ein Kleid eines britischen Designers."),
        ("Giuliani said he would testify.", "Giuliani sagte, er werde aussagen."),
        # a loan German uses about as often as English
        ("In a tweet, the president attacked the judge.", "In einem Tweet griff der Präsident den Richter an."),
        # function words inside a copied English institution name
        (
            "The study was led by the Carnegie Institution for Science and the National Oceanic and "
            "Atmospheric Administration.",
            "Die Studie wurde von der Carnegie Institution for Science und der National Oceanic and "
            "Atmospheric Administration geleitet.",
        ),
    ],
)
def test_untranslated_leaves_names_and_loans_alone(res, en: str, de: str) -> None:  # type: ignore[no-untyped-def]
    assert untranslated(res, en, de) == []


def test_untranslated_still_flags_common_english_words(res) -> None:  # type: ignore[no-untyped-def]
    en = "Sources said the gallery will close."
    de = "Sources sagten, die Gallery werde schließen."
    assert untranslated(res, en, de) == [("Sources", "lexical.untranslated"), ("Gallery", "lexical.untranslated")]


def test_an_untranslated_headline_is_one_non_translation_finding(res) -> None:  # type: ignore[no-untyped-def]
    en = "Saudi Arabia to offer tourist visas for first time, open up to foreign visitors"
    de = "Saudi-Arabien will erstmals tourist visas for first time anbieten, open up to foreign visitors"
    assert untranslated(res, en, de) == [(de, "lexical.non_translation")]
