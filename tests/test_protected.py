"""URLs, e-mail addresses and Markdown non-prose are never flagged or scored, by any engine."""

from __future__ import annotations

import pytest

from auditor.engines import create_engines
from auditor.pipeline import Pipeline
from auditor.segment import protected_spans, segment_document
from auditor.types import Document


@pytest.fixture(scope="module")
def pipeline() -> Pipeline:
    try:
        return Pipeline(create_engines(["rules", "lexical"]))
    except Exception as exc:  # the lexical dictionaries are not installed here
        pytest.skip(f"lexical engine unavailable: {exc}")


def flagged(pipeline: Pipeline, text: str, path: str = "t.txt") -> list[str]:
    return [f.text for f in pipeline.run(Document(path, text)).findings]


def test_urls_and_email_addresses_are_never_flagged(pipeline: Pipeline) -> None:
    for text in (
        "Besuchen Sie https://www.reuters.com/world/europe/ und lesen Sie mehr.",
        "Weitere Hilfe gibt es unter https://support.apple.com/help für alle Kunden.",
        "Schreiben Sie an support@example.com, wenn Sie Fragen haben.",
        "Die Seite www.example.com/world ist seit gestern nicht mehr erreichbar.",
    ):
        assert flagged(pipeline, text) == [], text


def test_prose_around_a_url_is_still_checked(pipeline: Pipeline) -> None:
    text = "Die NATO -Verbündeten sehen https://example.com/world an."
    assert flagged(pipeline, text) == ["NATO -Verbündeten"]


def test_protected_spans_end_before_sentence_punctuation() -> None:
    text = "Siehe https://example.com/a_b. Oder (www.spiegel.de), oder max.muster@example.de!"
    assert [text[s:e] for s, e in protected_spans(text)] == [
        "https://example.com/a_b",
        "www.spiegel.de",
        "max.muster@example.de",
    ]


MARKDOWN = """---
title: "Mein Artikel"
tags: [news, world]
---

# Die Lage in Brüssel

Die Minister trafen sich am Mittwoch und nutzen `print("hello world")` im Skript.

```python
print("hello world")  # a comment
```

| Land | Zahl |
|------|-----:|

***
"""


def test_markdown_front_matter_code_and_rules_are_not_prose(pipeline: Pipeline) -> None:
    sdoc = segment_document(Document("artikel.md", MARKDOWN))
    kinds = {s.text: s.kind for s in sdoc.segments}
    assert kinds['title: "Mein Artikel"'] == "skipped:front-matter"
    assert kinds["---"] == "skipped:front-matter"
    assert kinds['print("hello world")  # a comment'] == "skipped:code"
    assert kinds["```python"] == kinds["```"] == "skipped:code"
    assert kinds["|------|-----:|"] == "skipped:rule"
    assert kinds["***"] == "skipped:rule"
    assert kinds["# Die Lage in Brüssel"] == "sentence"
    assert flagged(pipeline, MARKDOWN, "artikel.md") == []


def test_a_dash_rule_is_no_sentence_in_any_file() -> None:
    sdoc = segment_document(Document("t.txt", "Ein Satz.\n---\nNoch ein Satz.\n"))
    assert [s.kind for s in sdoc.segments] == ["sentence", "skipped:rule", "sentence"]


def test_front_matter_and_fences_only_in_markdown_files() -> None:
    text = "```\nDas ist ein Satz.\n```\n"
    assert [s.kind for s in segment_document(Document("t.md", text)).segments] == ["skipped:code"] * 3
    assert segment_document(Document("t.txt", text)).segments[1].kind == "sentence"
