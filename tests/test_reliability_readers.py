"""Issue 11, readers: inputs that used to crash give ``file:line: message`` and exit 2; ids echo exactly.

Each case is checked through the reader (the exception names file and line) and through
the CLI in a subprocess (exit 2, one line on stderr, no traceback, nothing on stdout).
"""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

import pytest

from auditor.errors import InputError
from auditor.io.feeds import read_feed
from auditor.io.gold import read_gold
from auditor.io.readers import ReadOptions, read_documents

AUDITOR = os.path.join(os.path.dirname(sys.executable), "auditor")


def run(*args: str, cwd: Path | None = None) -> subprocess.CompletedProcess[str]:
    return subprocess.run([AUDITOR, *args], capture_output=True, text=True, cwd=cwd, timeout=300)


def assert_clean_error(r: subprocess.CompletedProcess[str], where: str) -> None:
    assert r.returncode == 2, (r.returncode, r.stderr)
    assert "Traceback" not in r.stderr and "internal error" not in r.stderr, r.stderr
    assert where in r.stderr, r.stderr
    assert r.stdout == ""


RSS = '<rss version="2.0"><channel><item><title>T</title><description>{}</description></item></channel></rss>\n'

#: name -> (file name, content, expected message fragment)
BAD_JSONL = {
    "lone surrogate": ('{"id":"a","mt_de":"Gut."}\n{"id":"s","mt_de":"Das ist \\ud800 ein Test."}\n', "s.jsonl:2:"),
    "nested 100000 deep": (
        '{"id":"d","mt_de":"T.","x":' + "[" * 100_000 + "]" * 100_000 + "}\n", "s.jsonl:1: JSON nested too deeply"
    ),
    "nested 1000 deep": ('{"id":"d","mt_de":"T.","x":' + "[" * 1000 + "]" * 1000 + "}\n", "s.jsonl:1:"),
    "5000-digit id": ('{"id":' + "9" * 5000 + ',"mt_de":"T."}\n', "s.jsonl:1:"),
}


@pytest.mark.parametrize("case", sorted(BAD_JSONL))
def test_bad_jsonl_is_an_input_error_naming_the_line(tmp_path: Path, case: str) -> None:
    content, where = BAD_JSONL[case]
    f = tmp_path / "s.jsonl"
    f.write_text(content, encoding="utf-8")
    with pytest.raises(InputError) as exc:
        read_documents([str(f)])
    assert where.replace("s.jsonl", str(f)) in str(exc.value)
    with pytest.raises(InputError):
        read_gold(str(f))


@pytest.mark.parametrize("case", sorted(BAD_JSONL))
def test_bad_jsonl_exits_2_in_score_eval_and_gate(tmp_path: Path, case: str) -> None:
    content, where = BAD_JSONL[case]
    (tmp_path / "s.jsonl").write_text(content, encoding="utf-8")
    assert_clean_error(run("score", "s.jsonl", "--engine", "rules", "--format", "json", cwd=tmp_path), where)
    assert_clean_error(
        run("gate", "s.jsonl", "--engine", "rules", "--sarif", "out.sarif", "--min-score", "0", cwd=tmp_path), where
    )
    assert_clean_error(run("eval", "s.jsonl", "--engine", "rules", cwd=tmp_path), where)
    assert sorted(p.name for p in tmp_path.iterdir()) == ["s.jsonl"]  # no report, no temporary


BAD_FEEDS = {
    "punycode": (
        '<?xml version="1.0" encoding="punycode"?>' + RSS.format("Ein Satz."),
        "f.rss:1: unsupported feed encoding 'punycode'",
    ),
    "unicode_escape": (
        '<?xml version="1.0" encoding="unicode_escape"?>' + RSS.format("Ein Satz."),
        "f.rss:1: unsupported feed encoding",
    ),
    "marked section": (RSS.format("&lt;![foo[ x ]]&gt; Ein Satz."), "f.rss:1: unreadable HTML"),
}


@pytest.mark.parametrize("case", sorted(BAD_FEEDS))
def test_bad_feed_is_an_input_error(tmp_path: Path, case: str) -> None:
    content, where = BAD_FEEDS[case]
    f = tmp_path / "f.rss"
    f.write_text(content, encoding="utf-8")
    with pytest.raises(InputError, match="unsupported|unreadable") as exc:
        read_feed(str(f))
    assert str(exc.value).startswith(str(f) + ":1:")
    assert_clean_error(run("gate", "f.rss", "--engine", "rules", "--min-score", "0", cwd=tmp_path), where)
    assert_clean_error(run("score", "f.rss", "--engine", "rules", cwd=tmp_path), where)


def test_feed_item_nested_1000_deep_is_read_not_crashed(tmp_path: Path) -> None:
    f = tmp_path / "d.rss"
    f.write_text(RSS.format("<b>" * 1000 + "Ein NATO -Test." + "</b>" * 1000), encoding="utf-8")
    (doc,) = read_feed(str(f))
    assert doc.text == "T\n\nEin NATO -Test."
    r = run("gate", "d.rss", "--engine", "rules", "--min-score", "0", cwd=tmp_path)
    assert r.returncode == 0, r.stderr
    assert "Traceback" not in r.stderr


def test_atom_xhtml_nested_deep_is_read(tmp_path: Path) -> None:
    f = tmp_path / "d.atom"
    body = "<div>" * 1200 + "Erster Text." + "</div>" * 1200
    f.write_text(
        '<feed xmlns="http://www.w3.org/2005/Atom"><entry><id>e1</id><title>T</title>'
        f'<content type="xhtml"><div xmlns="http://www.w3.org/1999/xhtml">{body}</div></content></entry></feed>',
        encoding="utf-8",
    )
    (doc,) = read_feed(str(f))
    assert doc.text == "T\n\nErster Text."


def test_eval_reads_u2028_and_bom_like_score(tmp_path: Path) -> None:
    rec = {"id": "ls", "mt_de": "Erste\u2028Zweite NATO -Zeile.", "spans": []}
    f = tmp_path / "g.jsonl"
    f.write_bytes(b"\xef\xbb\xbf" + (json.dumps(rec, ensure_ascii=False) + "\n").encode("utf-8") + b'{"id": 7, "mt_de": "Gut.", "spans": []}\n')
    gold = read_gold(str(f))
    assert [g.text for g in gold] == [rec["mt_de"], "Gut."]
    assert [g.line for g in gold] == [1, 2]
    assert [d.origin_line for d in read_documents([str(f)])] == [1, 2]
    r = run("eval", "g.jsonl", "--engine", "rules", "--format", "json", cwd=tmp_path)
    assert r.returncode == 0, r.stderr


IDS = ["r1", 7, 1e20, True, {"a": 1, "b": [1, 2]}, [1, "x"], None]


def _id_input(tmp_path: Path) -> Path:
    f = tmp_path / "ids.jsonl"
    lines = []
    for i, rid in enumerate(IDS):
        rec: dict[str, object] = {"mt_de": f"Satz {i} mit einem NATO -Fehler.", "spans": []}
        if rid is not None:
            rec["id"] = rid
        lines.append(json.dumps(rec))
    f.write_text("\n".join(lines) + "\n", encoding="utf-8")
    return f


def test_jsonl_ids_echo_exactly_in_score_and_eval(tmp_path: Path) -> None:
    f = _id_input(tmp_path)
    docs = read_documents([str(f)], ReadOptions())
    assert [d.json_id for d in docs] == [(rid,) for rid in IDS]
    assert [d.id for d in docs][:-1] == ["r1", "7", "1e+20", "true", '{"a":1,"b":[1,2]}', '[1,"x"]']
    r = run("score", "ids.jsonl", "--engine", "rules", "--format", "jsonl", cwd=tmp_path)
    assert r.returncode == 0, r.stderr
    score_ids = [json.loads(line)["id"] for line in r.stdout.splitlines()]
    assert score_ids == IDS
    assert type(score_ids[1]) is int and type(score_ids[2]) is float
    r = run("score", "ids.jsonl", "--engine", "rules", "--format", "json", cwd=tmp_path)
    assert [d["id"] for d in json.loads(r.stdout)["documents"]] == IDS
    r = run("eval", "ids.jsonl", "--engine", "rules", "--predictions", "p.jsonl", cwd=tmp_path)
    assert r.returncode == 0, r.stderr
    preds = (tmp_path / "p.jsonl").read_text(encoding="utf-8").splitlines()
    assert [json.loads(line)["id"] for line in preds] == IDS


def test_gate_reports_carry_the_json_text_of_an_id_not_a_python_repr(tmp_path: Path) -> None:
    _id_input(tmp_path)
    r = run("gate", "ids.jsonl", "--engine", "rules", "--min-score", "0", "--sarif", "s.sarif", cwd=tmp_path)
    assert r.returncode == 0, r.stderr
    sarif = json.loads((tmp_path / "s.sarif").read_text(encoding="utf-8"))
    names = {
        loc["fullyQualifiedName"]
        for res in sarif["runs"][0]["results"]
        for loc in res["locations"][0].get("logicalLocations", [])
    }
    assert {"ids.jsonl#7", 'ids.jsonl#{"a":1,"b":[1,2]}', "ids.jsonl#true"} <= names
    assert "{'a': 1" not in r.stdout and "#True" not in r.stdout
