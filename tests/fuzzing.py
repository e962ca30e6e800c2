"""Fuzzing harness shared by ``tests/test_fuzz.py`` (a few seconds in ``make test``) and
``make fuzz`` (``python tests/fuzzing.py --count 100000``, the long run).

Hypothesis generates adversarial German-ish text (quotes, dashes, spaces of every kind,
combining marks, bidi and zero-width characters, case traps, surrogate escapes,
detector triggers), JSONL files (ids of every JSON type, bad escapes, deep nesting,
BOMs, U+2028) and RSS/Atom feeds (entities, CDATA, HTML, marked sections, encodings).
Each input goes through the same readers and pipeline as ``auditor score``/``gate``,
and the properties checked are the tool's promises:

* no crash: an input is either read or refused with an :class:`InputError` (exit 2);
* every finding and segment maps back: ``text[start:end] == finding.text`` and its
  line/column are those of ``start``;
* scores stay within 0..100;
* every JSON output (``--format json``/``jsonl``, SARIF) is valid JSON that round-trips.
"""

from __future__ import annotations

import argparse
import json
import os
import sys
import tempfile
import time
from collections.abc import Callable
from pathlib import Path
from typing import Any

from hypothesis import HealthCheck, Phase, given, settings
from hypothesis import strategies as st

if __name__ == "__main__":  # `python tests/fuzzing.py` from the repository root
    sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from auditor.errors import InputError
from auditor.io.readers import read_documents
from auditor.io.writers import dumps, jsonl_record, report_json
from auditor.types import Document, DocumentResult

# ---------------------------------------------------------------------------- strategies

WORDS = [
    "Der", "die", "das", "NATO", "-Test", "US", "-Präsident", "Minister", "sagte", "am", "Donnerstag", "Voller",
    "Stopp", "EU", "-Kommissar", "Straße", "STRASSE", "ẞ", "İstanbul", "ﬁnal", "ŉ", "Kaffeebohnen", "weil",
    "er", "hat", "gemacht", "the", "and", "meeting", "Friedensvertrag", "Hegseth", "Pentagon", "1.000", "3,5",
    "10 %", "z. B.", "Dr.", "usw.", "e-Mail", "E-Mail", "http://x.de/a?b=1", "@user", "#tag", "**fett**",
    "`code`", "[Link](http://a.b)", "![Bild](x.png)", "©", "2024", "Müller-Lüdenscheidt", "Nestle",
]
PUNCT = list(".,;:!?…-–—‒―\"'„“”‚‘’«»‹›()[]{}/\\&%$§")
SPACES = [" ", " ", "\u00a0", "\u2009", "\u202f", "\t", "\n", "\r\n", "\r", "\u2028", "\u2029", "\x85", "\x0b",
          "\x0c", "  ", "\n\n"]
ODD = ["\u0301", "\u0308", "\u200b", "\u200c", "\u200d", "\u200e", "\u200f", "\u202e", "\u2066", "\ufeff",
       "\u00ad", "👩‍👩‍👧", "🇩🇪", "\x1b]0;x\x07", "\x1b[31m", "::error file=x,line=1::X", "\x00", "\x7f",
       "\U0001d400", "한국어", "עברית", "ﷺ"]
TOKENS = st.one_of(
    st.sampled_from(WORDS), st.sampled_from(PUNCT), st.sampled_from(SPACES), st.sampled_from(ODD),
    st.text(max_size=4),
)


@st.composite
def german_text(draw: st.DrawFn, max_tokens: int = 40) -> str:
    """Token soup, or arbitrary Unicode, sometimes with a lone surrogate as a JSONL escape would give."""
    if draw(st.integers(0, 4)) == 0:
        text = draw(st.text(max_size=200))
    else:
        text = "".join(draw(st.lists(TOKENS, max_size=max_tokens)))
    if draw(st.integers(0, 9)) == 0:
        i = draw(st.integers(0, len(text)))
        text = text[:i] + draw(st.sampled_from(["\ud800", "\udfff", "\udc80"])) + text[i:]
    return text


JSON_SCALARS = st.one_of(
    st.none(), st.booleans(), st.integers(), st.floats(allow_nan=False, allow_infinity=False), st.text(max_size=20)
)
JSON_VALUES = st.recursive(
    JSON_SCALARS, lambda kids: st.lists(kids, max_size=3) | st.dictionaries(st.text(max_size=5), kids, max_size=3),
    max_leaves=8,
)


@st.composite
def jsonl_file(draw: st.DrawFn) -> bytes:
    """A JSONL file: mostly valid records (odd ids, sources, extra fields), some broken lines."""
    lines = []
    for _ in range(draw(st.integers(1, 4))):
        kind = draw(st.integers(0, 9))
        if kind <= 6:
            rec: dict[str, Any] = {"mt_de": draw(german_text())}
            if draw(st.booleans()):
                rec["id"] = draw(JSON_VALUES)
            if draw(st.booleans()):
                rec["source_en"] = draw(st.one_of(st.none(), german_text(10)))
            if draw(st.booleans()):
                rec["x"] = draw(JSON_VALUES)
            line = json.dumps(rec, ensure_ascii=draw(st.booleans()))
        elif kind == 7:
            line = draw(st.sampled_from([
                '{"id":"s","mt_de":"a\\ud800b"}', '{"mt_de":"x","id":' + "9" * 5000 + "}",
                '{"mt_de":"x","d":' + "[" * 1200 + "]" * 1200 + "}", '{"mt_de": 7}', "[1,2]", "{", "",
                '{"mt_de":"raw\u2028sep"}', '\ufeff{"mt_de":"bom"}', '{"mt_de":"NaN","score":NaN}',
            ]))
        else:
            line = draw(st.text(max_size=40))
        lines.append(line)
    sep = draw(st.sampled_from(["\n", "\r\n"]))
    data = sep.join(lines) + draw(st.sampled_from(["", sep]))
    return data.encode("utf-8", "surrogatepass") if draw(st.integers(0, 19)) == 0 else data.encode("utf-8", "replace")


def _xml_escape(s: str) -> str:
    return s.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;")


@st.composite
def feed_file(draw: st.DrawFn) -> bytes:
    """An RSS 2.0 or Atom feed with hostile guids, HTML descriptions, CDATA and odd declarations."""
    items = []
    atom = draw(st.booleans())
    for _ in range(draw(st.integers(1, 3))):
        text = draw(german_text(20))
        body = draw(st.sampled_from(["plain", "html", "cdata", "raw"]))
        if body == "plain":
            content = _xml_escape(text)
        elif body == "html":
            content = _xml_escape(draw(st.sampled_from([
                "<p>{}</p>", "<b>{}</b><script>x()</script>", "<![foo[ {} ]]>", "{}<br/><img src=x onerror=y>",
                "<div>" * 50 + "{}" + "</div>" * 50, "&lt;{}&gt;", "<!-- {} -->",
            ])).replace("{}", text, 1))
        elif body == "cdata":
            content = "<![CDATA[" + text.replace("]]>", "") + "]]>"
        else:
            content = text  # unescaped: often not well-formed, must be refused cleanly
        guid = _xml_escape(draw(st.sampled_from(["a", "b\n::error file=x,line=1::G", "::add-mask::S", ""])))
        if atom:
            items.append(f"<entry><id>{guid}</id><title>T</title><content type=\"html\">{content}</content></entry>")
        else:
            items.append(f"<item><guid>{guid}</guid><title>T</title><description>{content}</description></item>")
    decl = draw(st.sampled_from([
        '<?xml version="1.0"?>', '<?xml version="1.0" encoding="utf-8"?>', '<?xml version="1.0" encoding="punycode"?>',
        '<?xml version="1.0" encoding="latin-1"?>', '<?xml version="1.0" encoding="rot13"?>', "",
        '<!DOCTYPE rss [<!ENTITY x "y">]>',
    ]))
    if atom:
        doc = f'{decl}<feed xmlns="http://www.w3.org/2005/Atom"><title>F</title>{"".join(items)}</feed>\n'
    else:
        doc = f'{decl}<rss version="2.0"><channel><title>F</title>{"".join(items)}</channel></rss>\n'
    return doc.encode("utf-8", "surrogatepass")


# ---------------------------------------------------------------------------- properties


def check_result(res: DocumentResult) -> None:
    """Every offset maps back into the document text, with the right line and column."""
    text = res.document.text
    for f in res.findings:
        assert 0 <= f.start <= f.end <= len(text), (f, len(text))
        assert text[f.start : f.end] == f.text, (f, text[f.start : f.end])
        line = text.count("\n", 0, f.start) + 1
        column = f.start - (text.rfind("\n", 0, f.start) + 1) + 1
        assert (f.line, f.column) == (line, column), (f, line, column)
    for s in res.segments:
        seg = s.segment
        assert 0 <= seg.start <= seg.end <= len(text) and text[seg.start : seg.end] == seg.text
        assert s.score is None or 0.0 <= s.score <= 100.0
    assert 0.0 <= res.score <= 100.0


def check_outputs(results: list[DocumentResult], signature: str) -> None:
    """The JSON outputs are valid JSON and round-trip (no surrogate, no NaN escapes the writer)."""
    whole = dumps(report_json(results, signature), indent=2)
    assert json.loads(whole)["documents"] if results else True
    for res in results:
        rec = json.loads(dumps(jsonl_record(res)))
        assert len(rec["spans"]) == len(res.findings)
    (whole + "".join(dumps(jsonl_record(r)) for r in results)).encode("utf-8")  # encodable: no lone surrogate


class Harness:
    """One pipeline (rules + lexical where installed) reused for every input of a run."""

    def __init__(self, workdir: str) -> None:
        from auditor.engines import create_engines
        from auditor.errors import ResourceMissing
        from auditor.pipeline import Pipeline

        try:
            engines = create_engines(["rules", "lexical"])
        except ResourceMissing:
            engines = create_engines(["rules"])
        self.pipeline = Pipeline(engines)
        self.workdir = workdir
        self.count = 0
        self.refused = 0

    def run_docs(self, docs: list[Document]) -> None:
        results = list(self.pipeline.run_many(docs))
        for res in results:
            check_result(res)
        check_outputs(results, self.pipeline.signature)

    def text(self, text: str, source: str | None) -> None:
        self.count += 1
        self.run_docs([Document(path="fuzz.txt", text=text, source=source)])

    def file(self, data: bytes, name: str) -> None:
        self.count += 1
        path = os.path.join(self.workdir, name)
        with open(path, "wb") as fh:
            fh.write(data)
        try:
            docs = read_documents([path])
        except InputError as exc:  # refused cleanly: exit 2 with file:line
            assert str(exc).startswith(path), exc
            self.refused += 1
            return
        self.run_docs(docs)


def properties(harness: Harness, examples: int) -> list[Callable[[], None]]:
    """The three property tests over one harness, each bounded to ``examples`` inputs."""
    config = settings(
        max_examples=examples, deadline=None, database=None, derandomize=False, phases=[Phase.generate, Phase.shrink],
        suppress_health_check=list(HealthCheck),
    )

    @config
    @given(german_text(), st.one_of(st.none(), german_text(15)))
    def text_inputs(text: str, source: str | None) -> None:
        harness.text(text, source)

    @config
    @given(jsonl_file())
    def jsonl_inputs(data: bytes) -> None:
        harness.file(data, "fuzz.jsonl")

    @config
    @given(feed_file())
    def feed_inputs(data: bytes) -> None:
        harness.file(data, "fuzz.rss")

    return [text_inputs, jsonl_inputs, feed_inputs]


def cli_property(harness: Harness, examples: int) -> Callable[[], None]:
    """``auditor score --format json|jsonl`` and ``auditor gate --sarif`` on generated files:
    exit 0, 1 or 2 only; on 0/1 the JSON on stdout (or the SARIF file) parses."""
    from click.testing import CliRunner

    from auditor.cli import main

    runner = CliRunner()

    @settings(max_examples=examples, deadline=None, database=None, suppress_health_check=list(HealthCheck))
    @given(st.one_of(jsonl_file().map(lambda d: (d, "c.jsonl")), feed_file().map(lambda d: (d, "c.rss")),
                     german_text().map(lambda t: (t.encode("utf-8", "surrogatepass"), "c.txt"))),
           st.sampled_from(["json", "jsonl", "gate"]))
    def cli_inputs(file: tuple[bytes, str], mode: str) -> None:
        data, name = file
        harness.count += 1
        path = os.path.join(harness.workdir, name)
        with open(path, "wb") as fh:
            fh.write(data)
        sarif = os.path.join(harness.workdir, "out.sarif")
        if os.path.exists(sarif):
            os.unlink(sarif)
        if mode == "gate":
            args = ["gate", path, "--engine", "rules,lexical", "--min-score", "50", "--sarif", sarif, "-q"]
        else:
            args = ["score", path, "--engine", "rules,lexical", "--format", mode]
        r = runner.invoke(main, args)
        assert r.exit_code in (0, 1, 2), (r.exit_code, r.output, r.exception)
        assert "Traceback" not in r.stderr and "internal error" not in r.stderr, r.stderr
        if r.exit_code == 2:
            harness.refused += 1
            assert r.stdout == "" and not os.path.exists(sarif)
            return
        if mode == "json":
            json.loads(r.stdout)
        elif mode == "jsonl":
            for line in r.stdout.splitlines():
                json.loads(line)
        else:
            assert json.loads(Path(sarif).read_text(encoding="utf-8"))["version"] == "2.1.0"

    return cli_inputs


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description="long fuzz run of the readers, pipeline and JSON writers")
    ap.add_argument("--count", type=int, default=100_000, help="inputs in all (split over text, JSONL, feeds)")
    ap.add_argument("--record", default=None, metavar="FILE", help="also write the result (JSON) here")
    args = ap.parse_args(argv)
    with tempfile.TemporaryDirectory() as tmp:
        harness = Harness(tmp)
        t0 = time.perf_counter()
        cli = max(1, args.count // 100)  # a whole command per input: slower, so a smaller share
        per = max(1, -(-(args.count - cli) // 3))
        for prop in [*properties(harness, per), cli_property(harness, cli)]:
            # hypothesis stops a property early when it has exhausted its distinct inputs; repeat until the share is met
            target = harness.count + (cli if prop.__name__ == "cli_inputs" else per)
            while harness.count < target:
                prop()
        seconds = time.perf_counter() - t0
    result = {
        "inputs": harness.count, "refused_with_input_error": harness.refused, "crashes": 0,
        "seconds": round(seconds, 1), "inputs_per_second": round(harness.count / seconds, 1),
        "engines": harness.pipeline.signature.split("|")[1],
        "date": time.strftime("%Y-%m-%d %H:%M UTC", time.gmtime()),
        "command": f"make fuzz FUZZ_COUNT={args.count}",
    }
    print(json.dumps(result))
    if args.record:
        Path(args.record).write_text(json.dumps(result, indent=2) + "\n", encoding="utf-8")
    return 0  # any failed property raised above: hypothesis printed the smallest failing input


if __name__ == "__main__":
    sys.exit(main())
