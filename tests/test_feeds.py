"""RSS/Atom feeds: one Document per item, markup stripped, offsets mapping back to the feed."""

from __future__ import annotations

from pathlib import Path

import pytest

from auditor.errors import InputError
from auditor.io.feeds import feed_position, looks_like_feed, read_feed

DATA = Path(__file__).parent / "data" / "feeds"
RSS = str(DATA / "news.rss")
ATOM = str(DATA / "news.atom")


def file_char(path: str, line: int, col: int) -> str:
    return Path(path).read_text(encoding="utf-8").split("\n")[line - 1][col - 1]


def assert_positions_map_back(path: str, doc) -> None:
    """Every character of the item text comes from the feed file at its recorded position
    (or from an entity / character reference starting there)."""
    mapped = 0
    for i, ch in enumerate(doc.text):
        if ch == "\n" or doc.meta["feed_lines"][i] == 0:
            continue
        line, col = feed_position(doc, i)
        src = file_char(path, line, col)
        assert src == ch or (src == "&"), (i, ch, src, line, col)
        mapped += 1
    assert mapped >= len(doc.text.replace("\n", "")) - 5


def test_rss_items_become_documents() -> None:
    docs = read_feed(RSS)
    assert [d.id for d in docs] == ["nato-2025-02-12", "https://example.org/wetter", "item3"]
    assert [d.origin_line for d in docs] == [7, 13, 20]
    assert all(d.path == RSS for d in docs)
    assert docs[0].text == (
        "Die NATO -Verbündeten treffen sich in Brüssel\n\n"
        "Die Verteidigungsminister der NATO -Staaten haben sich am Mittwoch getroffen.\n"
        "Die Gespräche dauerten bis zum Abend."
    )
    # CDATA with HTML, an entity inside it, paragraphs → lines
    assert docs[1].text == (
        "Wetter am Wochenende\n\n"
        "Am Samstag scheint im Süden die Sonne, im Norden regnet es zeitweise.\n"
        "Die Temperaturen erreichen bis zu zwölf Grad & am Sonntag wird es etwas kühler."
    )
    assert "<" not in "".join(d.text for d in docs)
    assert docs[2].meta["feed_kind"] == "rss" and docs[2].meta["feed_item"] == 3


def test_rss_offsets_map_back_to_the_feed_file() -> None:
    for doc in read_feed(RSS):
        assert_positions_map_back(RSS, doc)
    doc = read_feed(RSS)[0]
    i = doc.text.index("NATO -Staaten")  # inside entity-escaped HTML in <description>
    line, col = feed_position(doc, i)
    assert line == 11
    src = Path(RSS).read_text(encoding="utf-8").split("\n")[10]
    assert src[col - 1 :].startswith("NATO -Staaten&lt;/b&gt;")


def test_atom_entries_html_xhtml_and_text() -> None:
    docs = read_feed(ATOM)
    assert [d.id for d in docs] == [
        "urn:uuid:1225c695-cfb8-4ebb-aaaa-80da344efa6a",
        "urn:uuid:1225c695-cfb8-4ebb-bbbb-80da344efa6b",
        "urn:uuid:1225c695-cfb8-4ebb-cccc-80da344efa6c",
    ]
    assert docs[0].text == (
        "Gespräche über die EU -Erweiterung\n\nDie Außenminister berieten am Dienstag über die Erweiterung der Union."
    )
    assert docs[1].text == (
        "Neue Radwege in der Innenstadt\n\nDie Stadt baut im Frühjahr drei neue Radwege.\nDie Arbeiten beginnen im März."
    )
    assert docs[2].text.endswith("\n\nDas Museum ist ab sofort auch donnerstags bis 20 Uhr geöffnet.")
    for doc in docs:
        assert doc.meta["feed_kind"] == "atom"
        assert_positions_map_back(ATOM, doc)
    line, col = feed_position(docs[1], docs[1].text.index("März"))
    assert (line, file_char(ATOM, line, col)) == (20, "M")


def test_rss_1_0_rdf(tmp_path: Path) -> None:
    f = tmp_path / "feed.rdf"
    f.write_text(
        '<?xml version="1.0"?>\n<rdf:RDF xmlns:rdf="http://www.w3.org/1999/02/22-rdf-syntax-ns#" '
        'xmlns="http://purl.org/rss/1.0/">\n<channel rdf:about="https://example.org/"><title>K</title></channel>\n'
        '<item rdf:about="https://example.org/1"><title>Eins</title><description>Erster Text.</description></item>\n'
        "</rdf:RDF>\n",
        encoding="utf-8",
    )
    (doc,) = read_feed(str(f))
    assert doc.id == "https://example.org/1" and doc.text == "Eins\n\nErster Text."


def test_latin1_feed_keeps_character_columns(tmp_path: Path) -> None:
    f = tmp_path / "alt.rss"
    text = (
        '<?xml version="1.0" encoding="ISO-8859-1"?>\n<rss version="2.0"><channel><title>x</title>\n'
        "<item><title>Ärger über Öl</title><description>Größer.</description></item>\n</channel></rss>\n"
    )
    f.write_bytes(text.encode("latin-1"))
    (doc,) = read_feed(str(f))
    assert doc.text == "Ärger über Öl\n\nGrößer."
    line, col = feed_position(doc, doc.text.index("Öl"))
    assert text.split("\n")[line - 1][col - 1 : col + 1] == "Öl"


def test_malformed_feed_names_file_and_line() -> None:
    with pytest.raises(InputError) as exc:
        read_feed(str(DATA / "broken.rss"))
    assert exc.value.path.endswith("broken.rss")
    assert exc.value.line == 8
    assert "malformed feed XML: mismatched tag" in str(exc.value)


def test_xml_that_is_not_a_feed(tmp_path: Path) -> None:
    f = tmp_path / "x.xml"
    f.write_text("<?xml version='1.0'?>\n<html><body/></html>\n", encoding="utf-8")
    with pytest.raises(InputError, match=r"x\.xml:2: not an RSS or Atom feed \(root element <html>\)"):
        read_feed(str(f))


def test_entity_declarations_are_refused(tmp_path: Path) -> None:
    f = tmp_path / "bomb.rss"
    f.write_text(
        '<?xml version="1.0"?>\n<!DOCTYPE rss [\n<!ENTITY a "aaaaaaaaaa">\n<!ENTITY b "&a;&a;&a;&a;">\n]>\n'
        "<rss><channel><item><title>&b;</title></item></channel></rss>\n",
        encoding="utf-8",
    )
    with pytest.raises(InputError, match="must not declare entities"):
        read_feed(str(f))


def test_feed_sniffing() -> None:
    assert looks_like_feed("a.rss", b"")
    assert looks_like_feed("a.atom", b"")
    assert looks_like_feed("a.xml", b'<?xml version="1.0"?>\n<!-- c -->\n<rss version="2.0">')
    assert looks_like_feed("feed", b'\xef\xbb\xbf<feed xmlns="http://www.w3.org/2005/Atom">')
    assert looks_like_feed("a.rdf", b"<rdf:RDF xmlns:rdf='x'>")
    assert not looks_like_feed("a.xml", b"<html>")
    assert not looks_like_feed("a.txt", b"<rss>")  # text files are never sniffed as feeds


def test_script_and_style_are_dropped_whitespace_collapsed(tmp_path: Path) -> None:
    f = tmp_path / "s.rss"
    f.write_text(
        "<rss><channel><item><title>  Viel   Platz  </title><description>"
        "&lt;style&gt;p {}&lt;/style&gt;Text&lt;br/&gt;neue   Zeile&lt;script&gt;x()&lt;/script&gt; &amp;amp; mehr"
        "</description></item></channel></rss>",
        encoding="utf-8",
    )
    (doc,) = read_feed(str(f))
    assert doc.text == "Viel Platz\n\nText\nneue Zeile & mehr"


def test_namespaced_extension_elements_do_not_shadow_the_item_title(tmp_path: Path) -> None:
    f = tmp_path / "media.rss"
    f.write_text(
        '<rss version="2.0" xmlns:media="http://search.yahoo.com/mrss/"><channel><title>c</title>'
        "<item><media:title>Bildtitel</media:title><title>Echter Titel</title>"
        "<media:description>Bildtext</media:description><description>Echter Text.</description></item>"
        "</channel></rss>",
        encoding="utf-8",
    )
    (doc,) = read_feed(str(f))
    assert doc.text == "Echter Titel\n\nEchter Text."


def test_score_reads_a_feed_the_way_gate_does() -> None:
    """`score news.rss` audits the items, not the raw XML (no `encoding`, `item`, `version="1.0"`)."""
    import json as _json

    from click.testing import CliRunner

    from auditor.cli import main

    feed = str(Path(__file__).parent / "data" / "feeds" / "news.rss")
    out = CliRunner().invoke(main, ["score", feed, "--engine", "rules", "--format", "jsonl"], catch_exceptions=False)
    assert out.exit_code == 0, out.output
    records = [_json.loads(line) for line in out.output.splitlines()]
    assert len(records) == len(read_feed(feed)) > 1
    assert all(r["id"] for r in records)
    texts = [s["text"] for r in records for s in r["spans"]]
    assert not any("version" in t or "encoding" in t or "<" in t for t in texts)
