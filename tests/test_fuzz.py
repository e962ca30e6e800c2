"""Issue 11: a property-based fuzz test that stays in ``make test`` (a few seconds).

The generators and properties live in ``tests/fuzzing.py``; ``make fuzz`` runs the same
ones over 100,000 inputs. Here each property gets a small budget, so the suite stays fast
while every run still tries new adversarial text, JSONL and feeds through the library and
the CLI (no crash, offsets map back, exit codes 0/1/2 only, valid JSON).
"""

from __future__ import annotations

from pathlib import Path

import pytest
from fuzzing import Harness, cli_property, properties


@pytest.fixture(scope="module")
def harness(tmp_path_factory: pytest.TempPathFactory) -> Harness:
    return Harness(str(tmp_path_factory.mktemp("fuzz")))


@pytest.mark.parametrize("index", [0, 1, 2], ids=["text", "jsonl", "feed"])
def test_library_properties(harness: Harness, index: int) -> None:
    before = harness.count
    properties(harness, 60)[index]()
    assert harness.count > before  # inputs were really generated and checked


def test_cli_properties(harness: Harness) -> None:
    before = harness.count
    cli_property(harness, 12)()
    assert harness.count > before


def test_make_fuzz_entry_point_runs(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    import json

    from fuzzing import main

    assert main(["--count", "30"]) == 0
    report = json.loads(capsys.readouterr().out)
    assert report["inputs"] >= 30 and report["inputs_per_second"] > 0


@pytest.mark.parametrize(("text", "source"), [("1.0003,5", "x"), ("Es kostet 1.0003,5 Euro.", "It costs 1,0003.5 euros.")])
def test_inputs_the_fuzzer_found(harness: Harness, text: str, source: str) -> None:
    """Each crashed a run before its fix; kept as plain regression cases."""
    harness.text(text, source)  # raised ValueError in the aligner's number parser
