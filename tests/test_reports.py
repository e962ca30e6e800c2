"""Gate reports on hand-made results: SARIF (schema-valid), JUnit, GitHub commands, table, atomic writes."""

from __future__ import annotations

import json
import os
import xml.etree.ElementTree as ET
from pathlib import Path

import jsonschema
import pytest

from auditor.config import Config
from auditor.errors import AuditorError
from auditor.gate import decide
from auditor.io import reports
from auditor.io.feeds import read_feed
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
SCHEMA = json.loads((DATA / "sarif-schema-2.1.0.json").read_text(encoding="utf-8"))


def make_result(doc: Document, spans: list[tuple[str, str, str, str]]) -> DocumentResult:
    """A DocumentResult with one segment per line and findings on the given substrings
    (substring, severity, detector, category); scored like the pipeline."""
    lines = LineIndex(doc.text)
    segs, pos = [], 0
    for i, line in enumerate(doc.text.split("\n")):
        ln, col = lines.locate(pos)
        segs.append(Segment(i, pos, pos + len(line), ln, col, line, unit=i))
        pos += len(line) + 1
    sdoc = SegmentedDocument(doc, tuple(segs), lines)
    findings = []
    for text, severity, detector, category in spans:
        start = doc.text.index(text)
        findings.append(
            sdoc.finding(
                start,
                start + len(text),
                category=category,
                severity=severity,
                confidence=0.9,
                detector=detector,
                message=f"{category} problem",
                suggestion=None,
            )
        )
    findings.sort(key=lambda f: (f.start, f.end))
    words = count_words(doc.text)
    penalty = region_penalty(findings, Weights())
    seg_results = tuple(SegmentResult(s, 100.0, 0.0, count_words(s.text)) for s in segs)
    return DocumentResult(
        doc, seg_results, tuple(findings), score_from_penalty(penalty, words), penalty, words, "sig"
    )


def sample_gate(baseline=None, config: Config | None = None):
    clean = Document("docs/clean.txt", "Ein sauberer Satz.\nNoch ein guter Satz hier.")
    bad = Document(
        "docs/bad, 50%.txt",
        'Die NATO -Verbündeten trafen sich.\nEr sagte " Voller Stopp " dazu.\nDas war gut.',
    )
    feed_doc = read_feed(str(DATA / "feeds" / "news.rss"))[0]
    results = [
        make_result(clean, []),
        make_result(
            bad,
            [
                ("NATO -Verbündeten", "minor", "rules.detached_hyphen", "artifact"),
                ('" Voller', "minor", "rules.quote_spacing", "artifact"),
                ("Voller Stopp", "critical", "lexical.calque", "calque"),
            ],
        ),
        make_result(feed_doc, [("NATO -Staaten", "major", "rules.detached_hyphen", "artifact")]),
    ]
    return decide(results, config or Config(), baseline)


def test_sarif_validates_against_the_official_schema() -> None:
    log = reports.sarif(sample_gate())
    validator_cls = jsonschema.validators.validator_for(SCHEMA)
    validator_cls.check_schema(SCHEMA)
    errors = sorted(validator_cls(SCHEMA).iter_errors(log), key=str)
    assert not errors, errors[0]
    # a broken log must not validate: the schema check is real
    broken = json.loads(json.dumps(log))
    broken["runs"][0]["results"][0]["locations"][0]["physicalLocation"]["region"]["startLine"] = 0
    assert list(validator_cls(SCHEMA).iter_errors(broken))


def test_sarif_rules_and_regions() -> None:
    log = reports.sarif(sample_gate())
    run = log["runs"][0]
    assert log["version"] == "2.1.0"
    rules = run["tool"]["driver"]["rules"]
    # the whole catalogue, in declaration order, the same table whatever the run found
    from auditor.detectors import load_all

    assert [r["id"] for r in rules] == list(load_all())
    assert {"lexical.calque", "rules.detached_hyphen", "rules.quote_spacing"} <= {r["id"] for r in rules}
    results = run["results"]
    assert len(results) == 4
    for res in results:
        assert rules[res["ruleIndex"]]["id"] == res["ruleId"]
    hyphen = results[0]
    assert hyphen["locations"][0]["physicalLocation"]["artifactLocation"]["uri"] == "docs/bad,%2050%25.txt"
    region = hyphen["locations"][0]["physicalLocation"]["region"]
    assert (region["startLine"], region["startColumn"], region["endLine"], region["endColumn"]) == (
        1,
        5,
        1,
        22,
    )
    calque = next(r for r in results if r["ruleId"] == "lexical.calque")
    assert calque["level"] == "error"
    region = calque["locations"][0]["physicalLocation"]["region"]
    assert (region["startLine"], region["startColumn"], region["endColumn"]) == (2, 12, 24)
    # the feed item's finding points into the feed file
    feed = results[-1]["locations"][0]
    assert feed["physicalLocation"]["artifactLocation"]["uri"].endswith("tests/data/feeds/news.rss")
    region = feed["physicalLocation"]["region"]
    src = (DATA / "feeds" / "news.rss").read_text(encoding="utf-8").split("\n")[region["startLine"] - 1]
    assert src[region["startColumn"] - 1 : region["endColumn"] - 1] == "NATO -Staaten"
    assert feed["logicalLocations"][0]["fullyQualifiedName"].endswith("news.rss#nato-2025-02-12")


def test_sarif_marks_baselined_results_suppressed() -> None:
    from auditor.baseline import Baseline

    gate = sample_gate()
    bad = gate.verdicts[1].result
    base = Baseline.from_results([(bad.document, bad.findings[:1])])
    base.path = "base.json"
    log = reports.sarif(sample_gate(base))
    results = log["runs"][0]["results"]
    states = [r.get("baselineState") for r in results]
    assert states == ["unchanged", "new", "new", "new"]
    assert results[0]["suppressions"][0]["kind"] == "external"
    assert "suppressions" not in results[1]
    validator_cls = jsonschema.validators.validator_for(SCHEMA)
    assert not list(validator_cls(SCHEMA).iter_errors(log))


def test_junit_parses_with_counts_matching_findings() -> None:
    gate = sample_gate(config=Config(max_major=0))
    root = ET.fromstring(reports.junit(gate))
    suite = root.find("testsuite")
    assert root.get("tests") == suite.get("tests") == "3"
    assert root.get("failures") == suite.get("failures") == "2"
    cases = suite.findall("testcase")
    assert [c.get("name") for c in cases][:2] == ["docs/clean.txt", "docs/bad, 50%.txt"]
    assert cases[0].find("failure") is None
    failure = cases[1].find("failure")
    assert failure.get("message").startswith("score ")
    assert "1 critical > 0" in failure.get("message")
    listed = [line for line in failure.text.splitlines() if line.strip()]
    assert len(listed) == len(gate.verdicts[1].new_findings) == 3
    assert listed[0].startswith("docs/bad, 50%.txt:1:5: minor artifact [rules.detached_hyphen]")
    feed_failure = cases[2].find("failure")
    assert "1 major > 0" in feed_failure.get("message")
    assert len(feed_failure.text.strip().splitlines()) == 1
    assert "news.rss:11:" in feed_failure.text


def test_github_commands_are_escaped() -> None:
    out = reports.github(sample_gate())
    lines = out.splitlines()
    first = next(line for line in lines if line.startswith("::notice "))
    assert first.startswith("::notice file=docs/bad%2C 50%25.txt,line=1,col=5,endLine=1,endColumn=21,title=")
    assert "::error file=docs/bad%2C 50%25.txt,line=2,col=12," in out
    assert any("failed the quality gate" in line for line in lines)
    assert all(line.startswith("::") for line in lines)
    assert "\n" not in first


def test_summary_table() -> None:
    text = reports.summary(sample_gate())
    assert "docs/clean.txt" in text and "pass" in text
    assert "FAIL: " in text and "1 critical > 0" in text
    assert text.rstrip().endswith("quality gate FAILED (min score 90, max critical 0)")
    assert "3 documents, 2 failed; new findings: 1 critical, 1 major, 2 minor" in text


def test_write_atomic_replaces_whole_or_nothing(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    target = tmp_path / "report.xml"
    reports.write_atomic(str(target), "first\n")
    assert target.read_text() == "first\n"

    def boom(src, dst):
        raise OSError(28, "No space left on device")

    monkeypatch.setattr(os, "replace", boom)
    with pytest.raises(AuditorError, match=r"report\.xml: cannot write report: No space left on device"):
        reports.write_atomic(str(target), "second\n")
    assert target.read_text() == "first\n"
    assert sorted(p.name for p in tmp_path.iterdir()) == ["report.xml"]  # no temp file left


def test_check_writable_names_the_report(tmp_path: Path) -> None:
    with pytest.raises(AuditorError, match="missing/out.sarif: cannot write report: directory"):
        reports.check_writable(str(tmp_path / "missing" / "out.sarif"))
    with pytest.raises(AuditorError, match="is a directory"):
        reports.check_writable(str(tmp_path))


def test_jsonl_record_locations_point_into_the_json_line(tmp_path: Path) -> None:
    from auditor.io.readers import read_documents

    f = tmp_path / "r.jsonl"
    f.write_text(
        '{"id": "a", "mt_de": "Er sagte: \\"Die NATO -Verb\\u00fcndeten\\" treffen sich."}\n'
        '{"id": "b", "mt_de": "Größe der NATO -Staaten."}\n',
        encoding="utf-8",
    )
    raw = f.read_text(encoding="utf-8").split("\n")
    a, b = read_documents([str(f)])
    ra = make_result(a, [("NATO -Verbündeten", "minor", "rules.detached_hyphen", "artifact")])
    rb = make_result(b, [("NATO -Staaten", "minor", "rules.detached_hyphen", "artifact")])
    la = reports.locate(a, ra.findings[0])
    assert (la.start_line, raw[0][la.start_column - 1 : la.end_column - 1]) == (1, "NATO -Verb\\u00fcndeten")
    lb = reports.locate(b, rb.findings[0])
    assert (lb.start_line, raw[1][lb.start_column - 1 : lb.end_column - 1]) == (2, "NATO -Staaten")


def test_relative_path_follows_the_working_directory(tmp_path, monkeypatch):
    """The memo of report paths is per working directory: keyed by the path alone, a
    second gate run from another directory in the same process showed the first one's."""
    from auditor.io.reports import relative_path

    (tmp_path / "a").mkdir()
    target = tmp_path / "a" / "doc.txt"
    monkeypatch.chdir(tmp_path)
    assert relative_path(str(target)) == "a/doc.txt"
    monkeypatch.chdir(tmp_path / "a")
    assert relative_path(str(target)) == "doc.txt"
    assert relative_path("-") == "stdin"
