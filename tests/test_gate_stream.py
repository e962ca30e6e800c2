"""The streaming gate and eval: same reports as holding everything, bad input found first, lazy reading."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from click.testing import CliRunner

from auditor import gate
from auditor.cli import main
from auditor.config import Config
from auditor.io import github, reports
from auditor.runs import BATCH, PipelineFactory

FLAGGED = "Die NATO -Verbündeten haben sich am Mittwoch in Brüssel getroffen und über die Lage gesprochen."
CLEAN = "Am Samstag scheint im Süden die Sonne, im Norden regnet es zeitweise bei milden Temperaturen."


def _records(path: Path, n: int, bad_at: int | None = None) -> Path:
    lines = []
    for i in range(n):
        if bad_at is not None and i == bad_at:
            lines.append('{"id": "broken", "mt_de": ')
        else:
            lines.append(json.dumps({"id": f"r{i}", "mt_de": FLAGGED if i % 3 == 0 else CLEAN}, ensure_ascii=False))
    path.write_text("\n".join(lines) + "\n", encoding="utf-8")
    return path


def _config() -> Config:
    return Config().override(engine="rules", min_score=99.5)  # the flagged records fail


def _held_and_streamed(tmp_path: Path) -> tuple[gate.GateResult, gate.GateResult, object]:
    """The same records judged with every result held, and streamed (with its baseline usage)."""
    src = _records(tmp_path / "in.jsonl", 3 * BATCH + 5)
    config = _config()
    factory = PipelineFactory(("rules",), config.weights)
    held = gate.decide(gate.run(gate.collect([str(src)], config), factory), config)
    inputs = gate.Inputs([str(src)], config)
    streamed, use = gate.decide_stream(gate.results(inputs, factory, count=inputs.validate()), config)
    return held, streamed, use


def test_streaming_gate_reports_as_before(tmp_path: Path) -> None:
    """Judged on arrival, slimmed and spilled: every text report is the one of the held results."""
    held, streamed, use = _held_and_streamed(tmp_path)
    assert use is None
    assert isinstance(streamed.verdicts, gate.SpilledVerdicts)
    assert len(streamed.verdicts) == len(held.verdicts) == 3 * BATCH + 5
    assert len(streamed.failed) == len(held.failed) > 0
    assert streamed.passed is held.passed is False
    assert reports.summary(streamed) == reports.summary(held)
    assert reports.failing_findings(streamed) == reports.failing_findings(held)
    assert reports.junit(streamed) == reports.junit(held)
    assert reports.sarif_report(streamed) == reports.sarif_report(held)
    assert github.render(streamed) == github.render(held)
    assert github.step_summary(streamed) == github.step_summary(held)
    # what is kept: no segments or source anywhere, text only where there are findings
    for v in streamed.verdicts:
        assert v.result.segments == ()
        assert (v.result.document.text != "") == bool(v.result.findings)


def test_gate_reads_lazily(tmp_path: Path) -> None:
    """The first result arrives after one batch is read, not after the whole input: nothing is held."""
    src = _records(tmp_path / "in.jsonl", 10 * BATCH)
    config = _config()
    read = 0

    class Counting(gate.Inputs):
        def __iter__(self):  # type: ignore[no-untyped-def]
            nonlocal read
            for doc in super().__iter__():
                read += 1
                yield doc

    inputs = Counting([str(src)], config)
    assert inputs.validate() == 10 * BATCH
    read = 0
    stream = gate.results(inputs, PipelineFactory(("rules",), config.weights), count=10 * BATCH)
    next(stream)
    assert read <= BATCH + 1
    assert sum(1 for _ in stream) == 10 * BATCH - 1
    assert read == 10 * BATCH


@pytest.mark.parametrize("extra", [[], ["--junit", "J"], ["--sarif", "S", "--html", "H"], ["--write-baseline", "B"]])
def test_bad_record_late_no_output(tmp_path: Path, monkeypatch: pytest.MonkeyPatch, extra: list[str]) -> None:
    """A malformed record near the end: exit 2, the file and line named, no report and no table at all."""
    monkeypatch.chdir(tmp_path)
    n = 5 * BATCH
    _records(tmp_path / "in.jsonl", n, bad_at=n - 2)
    res = CliRunner().invoke(main, ["gate", "in.jsonl", "--isolated", "--engine", "rules", "--min-score", "99.5", *extra])
    assert res.exit_code == 2
    assert f"in.jsonl:{n - 1}:" in res.output
    assert "quality gate" not in res.output and "FAIL" not in res.output
    assert sorted(p.name for p in tmp_path.iterdir()) == ["in.jsonl"]


def test_eval_bad_record_late_no_output(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """eval streams its gold file, yet a bad line near the end still stops it before any output."""
    monkeypatch.chdir(tmp_path)
    lines = [json.dumps({"id": f"g{i}", "mt_de": FLAGGED, "spans": []}, ensure_ascii=False) for i in range(40)]
    lines[38] = json.dumps({"id": "g38", "mt_de": "kurz", "spans": [{"start": 0, "end": 99, "severity": "minor"}]})
    (tmp_path / "gold.jsonl").write_text("\n".join(lines) + "\n", encoding="utf-8")
    res = CliRunner().invoke(main, ["eval", "gold.jsonl", "--engine", "rules", "--predictions", "p.jsonl"])
    assert res.exit_code == 2
    assert "gold.jsonl:39:" in res.output
    assert sorted(p.name for p in tmp_path.iterdir()) == ["gold.jsonl"]


def test_eval_streamed_predictions_match_score(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """--predictions written as it goes is the whole file, and the same as `score --format jsonl`."""
    monkeypatch.chdir(tmp_path)
    lines = [json.dumps({"id": f"g{i}", "mt_de": FLAGGED if i % 2 else CLEAN, "spans": [], "score": float(i)},
                        ensure_ascii=False) for i in range(2 * BATCH + 3)]  # fmt: skip
    (tmp_path / "gold.jsonl").write_text("\n".join(lines) + "\n", encoding="utf-8")
    res = CliRunner().invoke(main, ["eval", "gold.jsonl", "--engine", "rules", "--predictions", "p.jsonl",
                                    "--no-source", "--format", "json"])  # fmt: skip
    assert res.exit_code == 0, res.output
    assert json.loads(res.output)["throughput"]["segments"] == 2 * BATCH + 3
    scored = CliRunner().invoke(main, ["score", "gold.jsonl", "--isolated", "--engine", "rules", "--format", "jsonl"])
    assert (tmp_path / "p.jsonl").read_text(encoding="utf-8") == scored.output
    assert not [p for p in tmp_path.iterdir() if p.name.endswith(".tmp")]


def test_spilled_offsets_on_disk_give_the_same_reports(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """With a buffer of 5, the verdicts' offsets (and the failing ones') go to disk several
    times over: indexing, iterating, the failing view and every report stay the same."""
    from auditor import verdicts

    monkeypatch.setattr(verdicts, "_OFFSETS_BUFFER", 5)
    held, streamed, _ = _held_and_streamed(tmp_path)
    spilled = streamed.verdicts
    assert isinstance(spilled, gate.SpilledVerdicts)
    assert spilled._offsets._on_disk >= 50 and spilled._failing._on_disk >= 15  # type: ignore[union-attr]
    assert [v.key for v in spilled] == [v.key for v in held.verdicts]
    assert [spilled[i].key for i in (0, 7, len(spilled) - 1, -1)] == [held.verdicts[i].key for i in (0, 7, -1, -1)]
    assert [v.key for v in spilled[3:11:2]] == [v.key for v in held.verdicts[3:11:2]]
    assert [v.key for v in streamed.failed] == [v.key for v in held.failed]
    # two readers at once (a report walking the verdicts while another reads the failing ones)
    assert [(a.key, b.key) for a, b in zip(spilled, streamed.failed)] == list(
        zip([v.key for v in held.verdicts], [v.key for v in held.failed])
    )
    assert reports.summary(streamed) == reports.summary(held)
    assert reports.junit(streamed) == reports.junit(held)
    assert reports.sarif_report(streamed) == reports.sarif_report(held)
    with pytest.raises(IndexError):
        spilled[len(spilled)]


def test_file_lines_from_checkpoints_are_the_lines_of_the_file(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """Every 3rd line's offset kept: each line read back equals the text split at newlines,
    with CRLF and without a final newline."""
    monkeypatch.setattr(reports, "_LINE_STEP", 3)
    for name, body in (("lf", "a\nbb\n\nccc\nd\ne\nf\n"), ("crlf", "a\r\nbb\r\nccc\r\nd"), ("one", "x")):
        path = tmp_path / f"{name}.jsonl"
        path.write_bytes(body.encode("utf-8"))
        index = reports._FileLines(str(path))
        expected = path.read_text(encoding="utf-8").split("\n")
        assert len(index) == len(expected)
        assert [index.line(i) for i in range(1, len(index) + 1)] == [x.removesuffix("\r") for x in expected]
        assert len(index.checkpoints) == 1 + (len(expected) - 1) // 3
