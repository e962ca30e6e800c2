"""Gate library: input collection, thresholds, baselines, parallel runs (hand-made results)."""

from __future__ import annotations

import dataclasses
import io
import json
import os
import re
from pathlib import Path

import pytest

from auditor.baseline import Baseline, document_key
from auditor.config import Config
from auditor.errors import InputError
from auditor.gate import Progress, collect, decide, effective_score, judge, run, walk
from auditor.score import count_words, region_penalty, score_from_penalty
from auditor.types import (
    Document,
    DocumentResult,
    LineIndex,
    Segment,
    SegmentedDocument,
    SegmentResult,
    Weights,
)

DATA = Path(__file__).parent / "data"

# A tiny deterministic "engine" for the library tests: it flags detached hyphens
# ("NATO -Staaten": major) and spaced quotes ('" Voller': minor).
PATTERNS = [
    (re.compile(r"\w+ -\w+"), "major", "fake.hyphen", "artifact"),
    (re.compile(r'(?<!\w)" \w+'), "minor", "fake.quote", "artifact"),
    (re.compile(r"Voller Stopp"), "critical", "fake.calque", "calque"),
]


def fake_pipeline(doc: Document) -> DocumentResult:
    lines = LineIndex(doc.text)
    segs, pos = [], 0
    for i, line in enumerate(doc.text.split("\n")):
        ln, col = lines.locate(pos)
        segs.append(Segment(i, pos, pos + len(line), ln, col, line, unit=i))
        pos += len(line) + 1
    sdoc = SegmentedDocument(doc, tuple(segs), lines)
    findings = []
    for rx, sev, det, cat in PATTERNS:
        for m in rx.finditer(doc.text):
            findings.append(
                sdoc.finding(
                    m.start(),
                    m.end(),
                    category=cat,
                    severity=sev,
                    confidence=1.0,
                    detector=det,
                    message=f"{cat} by {det}",
                )
            )
    findings.sort(key=lambda f: (f.start, f.end, f.detector))
    words = count_words(doc.text)
    seg_results = []
    total = 0.0
    for s in segs:
        found = [f for f in findings if s.start <= f.start <= s.end]
        p = region_penalty(found, Weights())
        total += p
        seg_results.append(
            SegmentResult(s, score_from_penalty(p, count_words(s.text)), p, count_words(s.text))
        )
    return DocumentResult(
        doc, tuple(seg_results), tuple(findings), score_from_penalty(total, words), total, words, "fake"
    )


class FakeFactory:
    """Picklable factory, as gate.run passes to worker processes."""

    def __call__(self):
        return lambda docs: [fake_pipeline(d) for d in docs]


GOOD = "Ein sauberer Satz steht hier.\nUnd noch einer folgt danach ohne Fehler."
BAD = 'Die NATO -Staaten trafen sich.\nEin ruhiger Satz.\nEr sagte " Voller Stopp" dazu.'


def doc(text: str, path: str = "a.txt", **kw) -> Document:
    return Document(path=path, text=text, **kw)


# ---------------------------------------------------------------------------- inputs


def test_walk_recursive_sorted_with_globs_and_excludes(tmp_path: Path) -> None:
    for rel in [
        "b.txt",
        "a/z.txt",
        "a/y.md",
        "a/.hidden.txt",
        ".git/x.txt",
        "c/feed.rss",
        "c/notes.pdf",
        "c/skip.txt",
    ]:
        p = tmp_path / rel
        p.parent.mkdir(parents=True, exist_ok=True)
        p.write_text("x", encoding="utf-8")
    got = [Path(p).relative_to(tmp_path).as_posix() for p in walk(str(tmp_path), ["*.txt", "*.rss"])]
    assert got == ["b.txt", "a/z.txt", "c/feed.rss", "c/skip.txt"]
    got = [Path(p).relative_to(tmp_path).as_posix() for p in walk(str(tmp_path), ["a/*"], ["*.md"])]
    assert got == ["a/z.txt"]
    got = [Path(p).relative_to(tmp_path).as_posix() for p in walk(str(tmp_path), ["*"], ["c/*", "*.md"])]
    assert got == ["b.txt", "a/z.txt"]


def test_collect_dispatches_text_jsonl_and_feeds(tmp_path: Path) -> None:
    (tmp_path / "a.txt").write_text(GOOD, encoding="utf-8")
    (tmp_path / "b.jsonl").write_text(
        '{"id": "r1", "mt_de": "Eins."}\n{"id": "r2", "mt_de": "Zwei."}\n', "utf-8"
    )
    (tmp_path / "c.rss").write_text((DATA / "feeds" / "news.rss").read_text("utf-8"), "utf-8")
    (tmp_path / "d.xml").write_text((DATA / "feeds" / "news.atom").read_text("utf-8"), "utf-8")  # sniffed
    docs = collect([str(tmp_path)], Config(glob=("*.txt", "*.jsonl", "*.rss", "*.xml")))
    assert [(Path(d.path).name, d.id) for d in docs] == [
        ("a.txt", None),
        ("b.jsonl", "r1"),
        ("b.jsonl", "r2"),
        ("c.rss", "nato-2025-02-12"),
        ("c.rss", "https://example.org/wetter"),
        ("c.rss", "item3"),
        ("d.xml", "urn:uuid:1225c695-cfb8-4ebb-aaaa-80da344efa6a"),
        ("d.xml", "urn:uuid:1225c695-cfb8-4ebb-bbbb-80da344efa6b"),
        ("d.xml", "urn:uuid:1225c695-cfb8-4ebb-cccc-80da344efa6c"),
    ]


def test_collect_errors_name_the_culprit(tmp_path: Path) -> None:
    with pytest.raises(InputError, match=r"nope\.txt: no such file or directory"):
        collect([str(tmp_path / "nope.txt")], Config())
    (tmp_path / "empty").mkdir()
    with pytest.raises(InputError, match=r"empty: no files matching"):
        collect([str(tmp_path / "empty")], Config())
    bad = tmp_path / "latin1.txt"
    bad.write_bytes("Größe\n".encode("latin-1"))
    with pytest.raises(InputError, match=r"latin1\.txt:1: invalid UTF-8"):
        collect([str(bad)], Config())
    with pytest.raises(InputError, match=r"broken\.rss:8: malformed feed XML"):
        collect([str(DATA / "feeds" / "broken.rss")], Config())


# ---------------------------------------------------------------------------- thresholds


def test_judge_thresholds() -> None:
    good = judge(fake_pipeline(doc(GOOD)), Config())
    assert good.passed and good.score == 100.0 and good.reasons == ()
    r = fake_pipeline(doc(BAD))
    assert [f.severity for f in r.findings] == ["major", "minor", "critical"]
    v = judge(r, Config())
    assert not v.passed
    assert v.counts == {"minor": 1, "major": 1, "critical": 1}
    assert v.reasons == (f"score {r.score:.1f} < 90", "1 critical > 0")
    lenient = Config(min_score=0, max_critical=1, max_major=1, max_minor=1)
    assert judge(r, lenient).passed
    assert judge(r, Config(min_score=0, max_critical=1, max_major=0)).reasons == ("1 major > 0",)
    assert judge(r, Config(min_score=0, max_critical=None, max_minor=0)).reasons == ("1 minor > 0",)


def test_decide_and_exit_codes() -> None:
    results = [fake_pipeline(doc(GOOD, "g.txt")), fake_pipeline(doc(BAD, "b.txt"))]
    gate = decide(results, Config())
    assert not gate.passed and gate.exit_code == 1
    assert [v.key for v in gate.failed] == ["b.txt"]
    assert decide(results[:1], Config()).exit_code == 0


# ---------------------------------------------------------------------------- baseline


def test_baseline_accepts_old_findings_and_survives_edits_elsewhere(tmp_path: Path) -> None:
    original = fake_pipeline(doc(BAD))
    base = Baseline.from_results([(original.document, original.findings)])
    assert len(base) == 3
    assert all(base.match(original.document, original.findings))
    # edits elsewhere: a new first line, a changed middle line; the old problems stay
    edited_text = "Ein neuer Vorspann.\n" + BAD.replace(
        "Ein ruhiger Satz.", "Ein ganz anderer, längerer Satz."
    )
    edited = fake_pipeline(doc(edited_text))
    assert [f.start for f in edited.findings] != [f.start for f in original.findings]
    v = judge(edited, Config(), base)
    assert all(v.accepted) and v.passed and v.score == 100.0
    # a new problem is not accepted and fails the gate on its own
    worse = fake_pipeline(doc(edited_text + "\nDie EU -Staaten auch."))
    v = judge(worse, Config(max_major=0), base)
    assert [f.text for f in v.new_findings] == ["EU -Staaten"]
    assert v.reasons[-1] == "1 major > 0"


def test_baseline_counts_duplicates_and_matches_edited_context() -> None:
    original = fake_pipeline(doc(BAD))
    base = Baseline.from_results([(original.document, original.findings)])
    # the same problem twice now: only one is accepted
    twice = fake_pipeline(doc(BAD + "\nDie NATO -Staaten schon wieder."))
    accepted = base.match(twice.document, twice.findings)
    hyphens = [a for f, a in zip(twice.findings, accepted) if f.detector == "fake.hyphen"]
    assert sorted(hyphens) == [False, True]
    # an edit right next to a finding changes its context: the loose pass still matches it
    near = fake_pipeline(doc(BAD.replace("trafen sich.", "trafen sich gestern in Brüssel.")))
    assert all(base.match(near.document, near.findings))
    # another document does not inherit the acceptance
    other = fake_pipeline(doc(BAD, "other.txt"))
    assert not any(base.match(other.document, other.findings))


def test_baseline_file_is_sorted_stable_json(tmp_path: Path) -> None:
    r1, r2 = fake_pipeline(doc(BAD, "b.txt")), fake_pipeline(doc(BAD, "a.txt"))
    one = Baseline.from_results([(r1.document, r1.findings), (r2.document, r2.findings)]).to_json()
    two = Baseline.from_results([(r2.document, r2.findings), (r1.document, r1.findings)]).to_json()
    assert one == two
    data = json.loads(one)
    assert data["version"] == 1 and [e["document"] for e in data["findings"]][:1] == ["a.txt"]
    f = tmp_path / "base.json"
    f.write_text(one, encoding="utf-8")
    loaded = Baseline.load(str(f))
    assert loaded.to_json() == one and loaded.path == str(f)


def test_baseline_load_errors(tmp_path: Path) -> None:
    with pytest.raises(InputError, match="baseline file not found"):
        Baseline.load(str(tmp_path / "none.json"))
    f = tmp_path / "bad.json"
    f.write_text("{\n  oops\n", encoding="utf-8")
    with pytest.raises(InputError, match=r"bad\.json:2: baseline is not valid JSON"):
        Baseline.load(str(f))
    f.write_text('{"version": 1, "findings": [{"document": "x"}]}', encoding="utf-8")
    with pytest.raises(InputError, match="lacks document"):
        Baseline.load(str(f))


def test_document_key_for_records_and_items() -> None:
    assert document_key(Document("corpora/x.jsonl", "t", id="r7")) == "corpora/x.jsonl#r7"
    assert document_key(Document("./corpora/../corpora/y.txt", "t")) == "corpora/y.txt"


def test_effective_score() -> None:
    r = fake_pipeline(doc(BAD))
    assert effective_score(r, [False] * 3, Weights()) == r.score
    assert effective_score(r, [True] * 3, Weights()) == 100.0
    # without the critical calque: penalties of the hyphen (5) and the spaced quote (1);
    # the quote and the calque overlap, so the quote's region now costs only 1
    expected = score_from_penalty(5 + 1, r.words)
    assert effective_score(r, [False, False, True], Weights()) == expected


# ---------------------------------------------------------------------------- running


def test_parallel_run_equals_serial_in_order() -> None:
    docs = [doc(BAD if i % 3 == 0 else GOOD + f" Nummer {i}.", f"d{i:03}.txt") for i in range(70)]
    serial = run(docs, FakeFactory(), jobs=1)
    parallel = run(docs, FakeFactory(), jobs=2)
    assert [r.document.path for r in parallel] == [d.path for d in docs]
    assert parallel == serial


class BatchFactory:
    """Tags every result with the worker's pid and the batch it came in."""

    def __call__(self):
        def run_batch(docs):
            tag = f"{os.getpid()}:{docs[0].path}+{len(docs)}"
            return [dataclasses.replace(fake_pipeline(d), signature=tag) for d in docs]

        return run_batch


def test_parallel_run_uses_workers_and_the_same_batches() -> None:
    docs = [doc(GOOD, f"d{i:03}.txt") for i in range(70)]
    serial = run(docs, BatchFactory(), jobs=1)
    parallel = run(docs, BatchFactory(), jobs=2)
    # the parent scores the first batch itself (warming the engines its workers inherit), workers the rest
    assert {r.signature.split(":")[0] for r in parallel[:16]} == {str(os.getpid())}
    pids = {r.signature.split(":")[0] for r in parallel[16:]}
    assert str(os.getpid()) not in pids and 1 <= len(pids) <= 2
    assert {r.signature.split(":")[0] for r in serial} == {str(os.getpid())}
    batches = [r.signature.split(":", 1)[1] for r in serial]
    assert batches == [r.signature.split(":", 1)[1] for r in parallel]
    assert sorted(set(batches)) == ["d000.txt+16", "d016.txt+16", "d032.txt+16", "d048.txt+16", "d064.txt+6"]


def test_progress_only_on_a_terminal() -> None:
    class Tty(io.StringIO):
        def isatty(self) -> bool:
            return True

    plain = io.StringIO()
    run([doc(GOOD, f"{i}.txt") for i in range(5)], FakeFactory(), progress=Progress(5, plain))
    assert plain.getvalue() == ""
    tty = Tty()
    run([doc(GOOD, f"{i}.txt") for i in range(5)], FakeFactory(), progress=Progress(5, tty))
    assert "5/5 documents" in tty.getvalue()
