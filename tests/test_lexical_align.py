"""Source alignment of the lexical engine (issue 6): alignment, source-based detectors,
calibration. Unit tests run on a hand-made lexicon; the sentence-pair tests use the
installed Ding/Hunspell/wordfreq and are skipped where those are missing."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import pytest

from auditor.engines.lexical import align
from auditor.engines.lexical.calibration import BINS, CALIBRATION_PATH, bin_of, calibrate, emit_threshold
from auditor.engines.lexical.tokens import tokenize
from auditor.resources import lexical as lx
from auditor.segment import segment_document
from auditor.types import Document

needs_resources = pytest.mark.skipif(
    lx.find_ding() is None or lx.find_hunspell_dict() is None, reason="Ding or Hunspell de_DE not installed"
)


# --------------------------------------------------------------------------- hand-made lexicon


class FakeDing:
    """A tiny dictionary with the Ding API the aligner uses."""

    def __init__(self, de_en: dict[str, tuple[str, ...]]) -> None:
        self._de = de_en
        self._en: dict[str, list[str]] = {}
        for d, ens in de_en.items():
            for e in ens:
                self._en.setdefault(e.lower().removeprefix("to "), []).append(d)

    def de_en(self, term: str) -> tuple[str, ...]:
        return (
            self._de.get(term)
            or self._de.get(term.lower())
            or self._de.get(term[:1].upper() + term[1:])
            or ()
        )

    def en_de(self, term: str) -> tuple[str, ...]:
        return tuple(self._en.get(term.lower().removeprefix("to "), ()))

    def has_de(self, term: str) -> bool:
        return bool(self.de_en(term))


class FakeRes:
    def __init__(self, ding: FakeDing) -> None:
        self.ding = ding
        self.speller = None
        self.wordfreq = None


LEXICON = FakeDing(
    {
        "Haus": ("house", "home"),
        "rot": ("red",),
        "alt": ("old",),
        "Mann": ("man",),
        "kaufen": ("to buy",),
        "Auto": ("car",),
        "gestern": ("yesterday",),
        "Unternehmen": ("company", "enterprise"),
        "Arbeitsplatz": ("job", "workplace"),
        "Arbeitsplätze": ("jobs",),
    }
)


def _words(text: str) -> list[Any]:
    return [t for t in tokenize(text) if t.kind in ("word", "number")]


def _links(de: str, en: str, res: Any = None) -> set[tuple[str, str, str]]:
    lex = align._lexicon(res or FakeRes(LEXICON))
    dw, ew = _words(de), _words(en)
    return {(dw[lk.de].text, ew[lk.en].text, lk.kind) for lk in align.align_tokens(dw, ew, lex)}


def test_dictionary_identity_and_number_links() -> None:
    links = _links(
        "Das Haus ist rot und hat 10.000 Fenster von Acme.",
        "The house is red and has 10,000 windows by Acme.",
    )
    assert ("Haus", "house", "dict") in links
    assert ("rot", "red", "dict") in links
    assert ("10.000", "10,000", "number") in links
    assert ("Acme", "Acme", "identical") in links
    assert not any(d == "Fenster" for d, _, _ in links)  # not in the hand-made lexicon


def test_inflected_german_and_english_forms_link() -> None:
    # "Arbeitsplätze" is listed; "jobs" is stemmed on both sides
    assert ("Arbeitsplätze", "jobs", "dict") in _links("Die Arbeitsplätze", "the jobs")


def test_cognate_links_spelling_variants_of_long_words() -> None:
    assert align._cognate("Präsident", "president")
    assert align._cognate("Kontrollen", "controls")
    assert not align._cognate("Hund", "hound")  # too short to call
    assert not align._cognate("Regierung", "government")


@pytest.mark.parametrize(
    ("text", "german", "value"),
    [
        ("10.000", True, 10000.0),
        ("10,000", False, 10000.0),
        ("2,5", True, 2.5),
        ("2.5", False, 2.5),
        ("1.500", True, 1500.0),
    ],
)
def test_number_formats(text: str, german: bool, value: float) -> None:
    assert align._parse_number(text, german) == value


def test_scale_words_and_glued_units() -> None:
    de = align._number_values(_words("50 Millionen Euro und 1,5 Mrd. Dollar"), german=True)
    en = align._number_values(_words("5 million euros and $1.5bn"), german=False)
    assert sorted(v for _, v, _ in de) == [5e7, 1.5e9]
    assert sorted(v for _, v, _ in en) == [5e6, 1.5e9]


def test_english_stem_is_consistent() -> None:
    assert align.en_stem("controls") == align.en_stem("control")
    assert align.en_stem("studies") == align.en_stem("study")
    assert align.en_stem("tightened") == align.en_stem("tighten")


def test_split_sentences_of_the_source() -> None:
    text = "He left. She stayed at home! Then it rained."
    assert [text[a:b] for a, b in align.split_sentences(text)] == [
        "He left.",
        "She stayed at home!",
        "Then it rained.",
    ]


def test_select_alignment_prefers_the_diagonal() -> None:
    links = [align.Link(0, 0, "dict"), align.Link(0, 5, "dict"), align.Link(3, 5, "dict")]
    assert align.select_alignment(links, 4, 6) == [(0, 0), (3, 5)]


# --------------------------------------------------------------------------- calibration


def test_calibration_file_is_fitted_and_complete() -> None:
    data = json.loads(Path(CALIBRATION_PATH).read_text(encoding="utf-8"))
    fitted = data["fitted"]
    assert fitted["data"].endswith("dev.jsonl") and len(fitted["data_sha256"]) == 64
    assert fitted["script"] == "bench/calibrate_lexical.py" and fitted["method"]
    assert fitted["bins"] == [list(b) for b in BINS]
    for det in (
        "lexical.omission",
        "lexical.unaligned",
        "lexical.untranslated",
        "lexical.literal",
        "lexical.entity",
    ):
        assert det in data["detectors"], det
    for det, d in data["detectors"].items():
        for b in d["bins"]:
            assert b["severity"] in ("minor", "major", "critical"), det
            assert 0.0 <= b["confidence"] <= 1.0
            assert b["findings"] > 0 and isinstance(b["emit"], bool)


def test_calibrate_reads_the_bin_of_the_strength() -> None:
    table = {
        "default": {"severity": "minor", "confidence": 0.15},
        "detectors": {
            "x": {
                "bins": [
                    {"lo": 0.0, "hi": 0.5, "severity": "minor", "confidence": 0.1, "emit": False},
                    {"lo": 0.5, "hi": 0.8, "severity": "minor", "confidence": 0.3, "emit": True},
                    {"lo": 0.8, "hi": 1.0, "severity": "major", "confidence": 0.6, "emit": True},
                ]
            }
        },
    }
    assert calibrate("x", 0.2, table=table) == ("minor", 0.1)
    assert calibrate("x", 0.5, table=table) == ("minor", 0.3)
    assert calibrate("x", 1.0, table=table) == ("major", 0.6)
    assert calibrate("unknown", 1.0, table=table) == ("minor", 0.15)
    assert emit_threshold("x", 0.2, table=table) > 1.0  # a silenced bin
    assert emit_threshold("x", 0.9, table=table) == 0.0
    assert emit_threshold("x", table=table) == 0.3  # lowest emitted confidence
    assert [bin_of(s) for s in (0.0, 0.49, 0.5, 0.79, 0.8, 1.0, 7)] == [0, 0, 1, 1, 2, 2, 2]


# --------------------------------------------------------------------------- real sentence pairs


@pytest.fixture(scope="module")
def res() -> Any:
    if lx.find_ding() is None or lx.find_hunspell_dict() is None:
        pytest.skip("Ding or Hunspell de_DE not installed")
    return lx.load_resources()


def _run(res: Any, en: str, de: str) -> tuple[list[Any], list[Any], list[dict[str, Any]]]:
    """(candidates, findings, annotations) of every segment of a German text with its source."""
    sdoc = segment_document(Document(path="t.jsonl", text=de, source=en))
    cands, findings, anns = [], [], []
    for seg in sdoc.segments:
        toks = tokenize(seg.text, seg.start)
        c, ann = align.candidates_for_segment(sdoc, seg, toks, res)
        f, ann2 = align.analyze_segment_with_source(sdoc, seg, toks, res)
        assert ann2["alignment"] == ann["alignment"]
        cands += c
        findings += f
        anns.append(ann2)
    return cands, findings, anns


@needs_resources
def test_correct_translation_has_no_findings(res: Any) -> None:
    en = "The government has approved the new budget."
    de = "Die Regierung hat den neuen Haushalt genehmigt."
    cands, findings, (ann,) = _run(res, en, de)
    assert findings == [] and cands == []
    pairs = {(ann["target_words"][d], ann["source_words"][e]) for d, e in ann["alignment"]}
    assert {
        ("Regierung", "government"),
        ("Haushalt", "budget"),
        ("genehmigt", "approved"),
        ("neuen", "new"),
    } <= pairs
    assert ann["unaligned_source"] == []
    json.dumps(ann)  # JSON-serialisable


@needs_resources
def test_number_mismatch_five_million_becomes_fifty(res: Any) -> None:
    en = "The company said it would cut 5 million jobs."
    cands, findings, _ = _run(res, en, "Das Unternehmen sagte, es werde 50 Millionen Arbeitsplätze abbauen.")
    nums = [c for c in cands if c.detector == "lexical.number" and c.category == "mistranslation"]
    de = "Das Unternehmen sagte, es werde 50 Millionen Arbeitsplätze abbauen."
    assert [de[c.start : c.end] for c in nums] == ["50 Millionen"]
    assert any(f.detector == "lexical.number" and f.text == "50 Millionen" for f in findings)
    # the right number: nothing
    cands, _, _ = _run(res, en, "Das Unternehmen sagte, es werde 5 Millionen Arbeitsplätze abbauen.")
    assert not [c for c in cands if c.detector == "lexical.number"]


@needs_resources
def test_omitted_content_word_is_located_at_the_gap(res: Any) -> None:
    en = "The old man bought a red car yesterday."
    de = "Der alte Mann kaufte gestern ein Auto."
    cands, _, (ann,) = _run(res, en, de)
    assert ann["unaligned_source"] == ["red"]
    om = [c for c in cands if c.detector == "lexical.omission"]
    assert len(om) == 1 and "red" in om[0].message
    assert (om[0].start, om[0].end) == (de.index(" Auto"), de.index(" Auto") + 1)  # the gap before "Auto"
    # the complete translation: no omission
    cands, _, (ann,) = _run(res, en, "Der alte Mann kaufte gestern ein rotes Auto.")
    assert ann["unaligned_source"] == [] and not [c for c in cands if c.detector == "lexical.omission"]


@needs_resources
def test_untranslated_copy_of_the_source(res: Any) -> None:
    en = "The government has approved the new budget."
    _, findings, _ = _run(res, en, en)
    # one whole-segment finding (MQM Non-translation), no word-by-word confetti
    assert [f.detector for f in findings if f.category == "untranslated"] == ["lexical.non_translation"]
    (f,) = [f for f in findings if f.detector == "lexical.non_translation"]
    assert (f.start, f.end, f.category, f.severity) == (0, len(en), "untranslated", "major")


@needs_resources
def test_english_word_left_in_the_german(res: Any) -> None:
    de = "Das Treffen wird im town hall stattfinden."
    _, findings, _ = _run(res, "The meeting will take place in the town hall.", de)
    assert [f.text for f in findings if f.detector == "lexical.untranslated"] == ["town"]


@needs_resources
def test_named_entity_mismatch(res: Any) -> None:
    en = "Angela Merkel met Emmanuel Macron in Paris on Monday."
    cands, _, _ = _run(res, en, "Angela Merkel traf am Montag Emmanuel Macron in Paris.")
    assert not [c for c in cands if c.detector == "lexical.entity"]
    de = "Angela Merkel traf am Montag Emmanuel Macrom in Berlin."
    cands, _, (ann,) = _run(res, en, de)
    ents = sorted(de[c.start : c.end] for c in cands if c.detector == "lexical.entity")
    assert ents == ["Berlin", "Macrom"]
    assert ann["unaligned_source"] == ["Paris"]


@needs_resources
def test_literal_compound_and_rare_unaligned_word(res: Any) -> None:
    en = "Viola Davis Drops Some Truth Bombs About Playing Michelle Obama"
    de = "Viola Davis lässt einige Wahrheitsbomben über das Spielen von Michelle Obama fallen"
    cands, _, _ = _run(res, en, de)
    assert [de[c.start : c.end] for c in cands if c.detector == "lexical.literal"] == ["Wahrheitsbomben"]
    en = "Nestle tightens controls on coffee beans after weedkiller scare"
    de = "Nestle verschärft Kontrollen für Kaffeebohnen nach Unkrautvernichtungsangst"
    cands, _, _ = _run(res, en, de)
    strong = [de[c.start : c.end] for c in cands if c.detector == "lexical.unaligned" and c.strength >= 0.8]
    assert strong == ["Unkrautvernichtungsangst"]


@needs_resources
def test_multi_sentence_record_aligns_each_sentence_against_its_part(res: Any) -> None:
    en = "The old man bought a red car yesterday. The government has approved the new budget."
    de = "Der alte Mann kaufte gestern ein Auto. Die Regierung hat den neuen Haushalt genehmigt."
    cands, _, anns = _run(res, en, de)
    assert len(anns) == 2
    assert anns[0]["unaligned_source"] == ["red"]
    assert anns[1]["unaligned_source"] == []  # the first sentence's words are not omissions here
    assert [c.message for c in cands if c.detector == "lexical.omission"] == [
        "the source words “red” have no counterpart in the translation"
    ]


@needs_resources
def test_engine_reports_alignment_and_source_findings(res: Any) -> None:
    from auditor.engines import create_engines
    from auditor.pipeline import Pipeline

    en = "The government has approved the new budget."
    result = Pipeline(create_engines(["lexical"])).run(Document(path="t.jsonl", text=en, source=en))
    assert any(f.detector == "lexical.non_translation" for f in result.findings)
    ann = result.segments[0].annotations["lexical"]
    blob = json.dumps(ann)
    assert '"alignment"' in blob and '"source_words"' in blob


@needs_resources
def test_separable_verb_is_aligned_through_its_particle(res: Any) -> None:
    en = "But she found that the study was wrong."
    de = "Aber sie stellte fest, dass die Studie falsch war."
    _, _, (ann,) = _run(res, en, de)
    pairs = {(ann["target_words"][d], ann["source_words"][e]) for d, e in ann["alignment"]}
    assert {("stellte", "found"), ("fest", "found")} <= pairs


@needs_resources
def test_english_words_in_capitals_are_not_names(res: Any) -> None:
    en = "Woman STRIPS TO NOTHING in a shop to prove she didn't steal."
    de = "Die Frau STRIPS TO NOTHING in einem Laden, um zu beweisen, dass sie nicht gestohlen hat."
    cands, _, _ = _run(res, en, de)
    assert [de[c.start : c.end] for c in cands if c.detector == "lexical.untranslated"] == [
        "STRIPS",
        "NOTHING",
    ]
    # the dev headline it comes from is a third English: one Non-translation finding (as its MQM span)
    en = "Woman STRIPS TO NOTHING in Walmart to prove she didn't steal"
    de = "Frau STRIPS TO NOTHING in Walmart zu beweisen, dass sie nicht stehlen"
    cands, _, _ = _run(res, en, de)
    assert [(c.detector, c.start, c.end) for c in cands if c.category == "untranslated"] == [
        ("lexical.non_translation", 0, len(de))
    ]


@needs_resources
def test_numbers_with_scales_times_and_dates_match(res: Any) -> None:
    en = "It costs $5m. It was 11:30 p.m. on 3/4/2020."
    de = "Es kostet 5 Mio. $. Es war 23:30 Uhr am 3.4.2020."
    cands, findings, _ = _run(res, en, de)
    assert not [c for c in cands if c.detector in ("lexical.number", "lexical.entity")]
    assert findings == []
