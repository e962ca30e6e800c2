"""Executors without a cluster: the choice (flags, config), serial against processes, streaming.

The dask executor on a real cluster is in tests/test_dask.py.
"""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from click.testing import CliRunner

from auditor.cli import main
from auditor.config import load_config
from auditor.errors import ConfigError, InputError
from auditor.executors import EXECUTORS
from auditor.io.atomic import StreamingReport
from auditor.io.readers import ReadOptions, read_documents
from auditor.io.stream import DocumentStream
from auditor.runs import BATCH, Execution, PipelineFactory, batched, run_stream

ROOT = Path(__file__).resolve().parents[1]
SAMPLE = ROOT / "corpora" / "mt-sample-de.txt"
SHARED = ROOT.parent / "shared"
SEED = SHARED / "seed" / "nato-hegseth.jsonl"
DEV = SHARED / "eval" / "dev.jsonl"


def cli(*args: str) -> tuple[int, str]:
    r = CliRunner().invoke(main, list(args))
    return r.exit_code, r.output


def sample_jsonl(tmp_path: Path, n: int = 60) -> Path:
    """``n`` records made of the sample's lines (real MT German with real findings)."""
    lines = [x for x in SAMPLE.read_text(encoding="utf-8").splitlines() if x.strip()]
    path = tmp_path / "sample.jsonl"
    with path.open("w", encoding="utf-8") as fh:
        for i in range(n):
            fh.write(json.dumps({"id": f"r{i}", "mt_de": lines[i % len(lines)]}, ensure_ascii=False) + "\n")
    return path


# ---------------------------------------------------------------------------- the choice


def test_executor_in_the_config_is_validated(tmp_path: Path) -> None:
    f = tmp_path / "auditor.toml"
    f.write_text('executor = "processes"\njobs = 2\n', encoding="utf-8")
    c = load_config(f)
    assert (c.executor, c.jobs) == ("processes", 2)
    assert c.override(executor="dask").executor == "dask"
    f.write_text('\n\nexecutor = "threads"\n', encoding="utf-8")
    with pytest.raises(ConfigError, match=r"auditor\.toml:3: executor must be serial, processes or dask"):
        load_config(f)
    assert EXECUTORS == ("serial", "processes", "dask")


def test_scheduler_without_dask_is_a_usage_error() -> None:
    code, out = cli("score", str(SAMPLE), "--isolated", "--engine", "rules", "--scheduler", "tcp://127.0.0.1:1")
    assert code == 2 and "--scheduler goes with --executor dask" in out


def test_batches_are_fixed_and_lazy() -> None:
    read: list[int] = []

    def docs():  # a generator: batched must not read it all up front
        for i in range(2 * BATCH + 3):
            read.append(i)
            yield i

    it = batched(docs())  # type: ignore[arg-type]
    assert len(next(it)) == BATCH and len(read) == BATCH
    assert [len(b) for b in it] == [BATCH, 3] and len(read) == 2 * BATCH + 3


@pytest.mark.parametrize("fmt", ["jsonl", "json", "line"])
def test_score_output_is_the_same_with_every_local_executor(tmp_path: Path, fmt: str) -> None:
    if not SEED.exists():
        pytest.skip(f"shared data missing: {SEED}")
    src = tmp_path / "seed3.jsonl"
    src.write_text(SEED.read_text(encoding="utf-8") * 3, encoding="utf-8")  # 108 records, 7 batches
    outs = []
    for how in (["--executor", "serial"], ["--jobs", "2"], ["--executor", "processes", "-j", "3"]):
        target = tmp_path / f"out-{len(outs)}.{fmt}"
        code, text = cli("score", str(src), "--isolated", "--engine", "rules,lexical", "--format", fmt,
                         "-o", str(target), *how)
        assert code == 0, text
        outs.append(target.read_bytes())
    assert outs[0] == outs[1] == outs[2]
    assert b"lexical." in outs[0] and b"rules." in outs[0]  # real findings of both engines


def test_eval_metrics_are_the_same_with_processes(tmp_path: Path) -> None:
    if not SEED.exists():
        pytest.skip(f"shared data missing: {SEED}")
    reports = []
    for how in ([], ["--jobs", "2"]):
        code, text = cli("eval", str(SEED), "--isolated", "--engine", "rules,lexical", "--format", "json",
                         "--predictions", str(tmp_path / f"p{len(reports)}.jsonl"), *how)
        assert code == 0, text
        report = json.loads(text)
        report.pop("throughput")
        reports.append(report)
    assert reports[0] == reports[1]
    assert (tmp_path / "p0.jsonl").read_bytes() == (tmp_path / "p1.jsonl").read_bytes()


def test_results_carry_their_own_documents_back(tmp_path: Path) -> None:
    """Workers send results without the document; the parent puts the right one back."""
    docs = list(DocumentStream([str(sample_jsonl(tmp_path, 40))]))
    factory = PipelineFactory(("rules",))
    serial = list(run_stream(docs, factory))
    parallel = list(run_stream(docs, factory, Execution("processes", 2)))
    assert [r.document for r in parallel] == docs
    assert parallel == serial


# ---------------------------------------------------------------------------- streaming input


def test_the_stream_reads_what_the_whole_file_reader_reads(tmp_path: Path) -> None:
    src = tmp_path / "mixed.jsonl"
    src.write_bytes(
        "\ufeff".encode() + b'{"id": 1, "mt_de": "Erste Zeile."}\n\n   \n'
        b'{"text": "Ohne Id.", "source": "No id."}\r\n{"mt_de": "Letzte", "id": null}'
    )
    stream = DocumentStream([str(src), str(SAMPLE)])
    assert stream.validate() == 4
    assert list(stream) == read_documents([str(src), str(SAMPLE)])
    assert list(stream) == list(stream)  # a second pass reads the same again


@pytest.mark.parametrize(
    "content",
    [
        b'{"mt_de": "gut"}\n{"mt_de": "kaputt\n',
        b'{"mt_de": "gut"}\n{"mt_de": 3}\n',
        b'{"mt_de": "gut"}\n[1, 2]\n',
        b'{"mt_de": "gut"}\n{"mt_de": "\xff"}\n',
        b'{"mt_de": "gut"}\n{"mt_de": "a\x00"}\n',
        b'{"mt_de": "gut"}\n{"other": "x"}\n',
    ],
)
def test_a_bad_record_is_refused_with_the_same_message(tmp_path: Path, content: bytes) -> None:
    src = tmp_path / "bad.jsonl"
    src.write_bytes(content)
    with pytest.raises(InputError) as whole:
        read_documents([str(src)])
    with pytest.raises(InputError) as streamed:
        DocumentStream([str(src)]).validate()
    assert str(streamed.value) == str(whole.value)
    assert f"{src}:2:" in str(streamed.value)


def test_a_bad_record_late_in_the_input_writes_nothing(tmp_path: Path) -> None:
    src = sample_jsonl(tmp_path, 50)
    with src.open("a", encoding="utf-8") as fh:
        fh.write('{"mt_de": 42}\n')
    target = tmp_path / "out.jsonl"
    target.write_text("old\n", encoding="utf-8")
    code, text = cli("score", str(src), "--isolated", "--engine", "rules", "--format", "jsonl", "-o", str(target))
    assert code == 2 and f"{src}:51: field 'mt_de' must be a string" in text
    assert target.read_text(encoding="utf-8") == "old\n"
    code, text = cli("score", str(src), "--isolated", "--engine", "rules", "--format", "jsonl")
    assert code == 2 and '"score"' not in text  # stdout: not one record before the error


def test_jsonl_to_stdout_streams_the_same_lines(tmp_path: Path) -> None:
    src = sample_jsonl(tmp_path, 20)
    code, text = cli("score", str(src), "--isolated", "--engine", "rules", "--format", "jsonl")
    assert code == 0
    target = tmp_path / "out.jsonl"
    assert cli("score", str(src), "--isolated", "--engine", "rules", "--format", "jsonl", "-o", str(target))[0] == 0
    assert text == target.read_text(encoding="utf-8") and text.count("\n") == 20


def test_stdin_is_read_once_for_both_passes() -> None:
    r = CliRunner().invoke(
        main, ["score", "-", "--isolated", "--engine", "rules", "--format", "jsonl"],
        input='{"mt_de": "Die EU -Kommission tagt."}\n{"mt_de": "Alles gut."}\n',
    )
    assert r.exit_code == 0, r.output
    assert [json.loads(x)["path"] for x in r.output.splitlines()] == ["<stdin>", "<stdin>"]


# ---------------------------------------------------------------------------- streaming output


def test_streaming_report_replaces_the_target_only_when_complete(tmp_path: Path) -> None:
    target = tmp_path / "r.jsonl"
    target.write_text("old\n", encoding="utf-8")
    target.chmod(0o640)
    with StreamingReport(str(target)) as report:
        report.write("a\n")
        assert target.read_text(encoding="utf-8") == "old\n"  # not yet
        temps = list(tmp_path.glob(".r.jsonl.*.tmp"))
        assert len(temps) == 1 and temps[0].read_text(encoding="utf-8") in ("", "a\n")
        report.write("b\n")
        report.commit()
    assert target.read_text(encoding="utf-8") == "a\nb\n"
    assert target.stat().st_mode & 0o777 == 0o640
    assert sorted(p.name for p in tmp_path.iterdir()) == ["r.jsonl"]


def test_streaming_report_left_by_an_error_leaves_no_trace(tmp_path: Path) -> None:
    target = tmp_path / "r.jsonl"
    target.write_text("old\n", encoding="utf-8")
    with pytest.raises(RuntimeError), StreamingReport(str(target)) as report:
        report.write("half\n")
        raise RuntimeError("a record failed")
    assert target.read_text(encoding="utf-8") == "old\n"
    assert sorted(p.name for p in tmp_path.iterdir()) == ["r.jsonl"]


def test_streaming_report_writes_through_devices() -> None:
    with StreamingReport("/dev/null") as report:
        report.write("x\n")
        report.commit()
    assert Path("/dev/null").is_char_device()


def test_read_options_of_the_stream_apply(tmp_path: Path) -> None:
    src = tmp_path / "f.jsonl"
    src.write_text('{"body": "Ein Text.", "key": "k1"}\n', encoding="utf-8")
    (doc,) = DocumentStream([str(src)], ReadOptions(text_field="body", id_field="key"))
    assert (doc.text, doc.id, doc.origin_line) == ("Ein Text.", "k1", 1)
