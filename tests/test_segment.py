"""Segmentation: exact offsets, German sentence boundaries, non-prose lines."""

from __future__ import annotations

from hypothesis import given, settings
from hypothesis import strategies as st

from auditor.segment import segment_document
from auditor.types import Document


def sentences(text: str) -> list[str]:
    return [s.text for s in segment_document(Document(path="t", text=text)).segments]


def test_german_abbreviations_and_ordinals_do_not_split() -> None:
    text = "Am 11. September 2001 griffen Terroristen an. Der Bericht nennt z. B. Dr. Müller u.a. als Zeugen."
    assert sentences(text) == [
        "Am 11. September 2001 griffen Terroristen an.",
        "Der Bericht nennt z. B. Dr. Müller u.a. als Zeugen.",
    ]


def test_quotes_stay_with_their_sentence() -> None:
    text = "„Das ist vorbei.“ Danach ging er. „Wirklich?“, fragte sie."
    assert sentences(text) == ["„Das ist vorbei.“", "Danach ging er.", "„Wirklich?“, fragte sie."]


def test_lines_are_units_and_blank_lines_are_skipped() -> None:
    doc = segment_document(Document(path="t", text="Erste Zeile.\n\nZweite Zeile. Dritter Satz.\n"))
    assert [(s.line, s.unit, s.text) for s in doc.segments] == [
        (1, 0, "Erste Zeile."),
        (3, 2, "Zweite Zeile."),
        (3, 2, "Dritter Satz."),
    ]
    assert doc.segments[2].column == 15


def test_non_prose_lines_are_skipped_segments() -> None:
    text = (
        "![Bild: Gipfel](https://example.org/a.jpg)\n"
        "https://example.org/artikel\n"
        "[Mehr lesen](https://example.org)\n"
        "© 2025 Beispiel Verlag\n"
        "Ein echter Satz mit https://example.org darin.\n"
    )
    kinds = [s.kind for s in segment_document(Document(path="t", text=text)).segments]
    assert kinds == ["skipped:image", "skipped:url", "skipped:link", "skipped:copyright", "sentence"]


def test_line_aligned_source_and_record_source() -> None:
    doc = Document(path="t", text="Hallo Welt.\nZweiter Satz.", source="Hello world.\nSecond sentence.")
    assert [s.source for s in segment_document(doc).segments] == ["Hello world.", "Second sentence."]
    rec = Document(path="t", text="Eins. Zwei.", source="One. Two.", id="r1")
    assert {s.source for s in segment_document(rec).segments} == {"One. Two."}


def test_seed_article_segments_map_back(seed_text) -> None:  # type: ignore[no-untyped-def]
    text = seed_text.read_text(encoding="utf-8")
    doc = segment_document(Document(path="seed", text=text))
    assert all(text[s.start : s.end] == s.text for s in doc.segments)
    assert sum(1 for s in doc.segments if s.kind == "skipped:image") == 3
    assert any(s.text.startswith("Artikel fünf wurde nur einmal") and "11. September 2001" in s.text
               for s in doc.segments)


alphabet = st.sampled_from(list("abcXYZ äöü.!?„“\"'()-–\n\r\t 0123456789") + ["z.B.", "Dr. ", "11. ", "![x](y)\n"])


@settings(max_examples=300, deadline=None)
@given(st.lists(alphabet, max_size=80).map("".join))
def test_offsets_always_map_back(text: str) -> None:
    doc = segment_document(Document(path="t", text=text))
    last_end = 0
    for seg in doc.segments:
        assert text[seg.start : seg.end] == seg.text
        assert seg.start >= last_end and seg.text == seg.text.strip() and seg.text
        line, col = doc.lines.locate(seg.start)
        assert (seg.line, seg.column) == (line, col)
        assert text.split("\n")[line - 1][col - 1] == seg.text[0]
        last_end = seg.end
    covered = set()
    for seg in doc.segments:
        covered.update(range(seg.start, seg.end))
    assert all(text[i].isspace() for i in range(len(text)) if i not in covered)
