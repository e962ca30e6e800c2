"""Strict configuration: [tool.auditor] / auditor.toml, unknown keys, overrides, --example."""

from __future__ import annotations

import tomllib
from pathlib import Path

import pytest
from click.testing import CliRunner

from auditor.cli.config_cmd import config_command
from auditor.config import Config, find_config, load_config
from auditor.config import example as config_example
from auditor.errors import ConfigError
from auditor.types import Weights


def write(path: Path, text: str) -> Path:
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(text, encoding="utf-8")
    return path


def test_defaults_without_a_file(tmp_path: Path) -> None:
    c = load_config(start=tmp_path)
    assert c == Config()
    assert (c.min_score, c.max_critical, c.max_major, c.jobs) == (90.0, 0, None, 1)
    assert c.weights == Weights(1.0, 5.0, 25.0)
    assert c.source is None


def test_auditor_toml_is_read(tmp_path: Path) -> None:
    f = write(
        tmp_path / "auditor.toml",
        'min_score = 80\nmax_major = 2\nengine = "rules"\nglob = "*.md"\njobs = 3\n'
        'baseline = "base.json"\n[weights]\nmajor = 4\n',
    )
    c = load_config(f)
    assert c.min_score == 80.0 and isinstance(c.min_score, float)
    assert c.max_major == 2 and c.engine == "rules" and c.jobs == 3
    assert c.glob == ("*.md",)
    assert c.weights == Weights(minor=1.0, major=4.0, critical=25.0)
    assert c.baseline == str(tmp_path / "base.json")  # relative to the file
    assert c.source == str(f)


def test_pyproject_tool_auditor_table(tmp_path: Path) -> None:
    f = write(
        tmp_path / "pyproject.toml",
        '[project]\nname = "x"\n\n[tool.auditor]\nmax_critical = 2\n\n[tool.auditor.weights]\ncritical = 10\n',
    )
    c = load_config(f)
    assert c.max_critical == 2 and c.weights.critical == 10.0


def test_unknown_key_names_file_line_and_key(tmp_path: Path) -> None:
    f = write(tmp_path / "auditor.toml", "min_score = 85\n\nmax_majr = 3\n")
    with pytest.raises(ConfigError) as exc:
        load_config(f)
    msg = str(exc.value)
    assert msg.startswith(f"{f}:3: ")
    assert "'max_majr'" in msg and "unknown key" in msg


def test_unknown_key_in_pyproject_and_in_weights(tmp_path: Path) -> None:
    f = write(tmp_path / "pyproject.toml", "[tool.auditor]\ncolour = true\n")
    with pytest.raises(ConfigError, match=r"pyproject\.toml:2: unknown key 'colour'"):
        load_config(f)
    g = write(tmp_path / "w" / "auditor.toml", "[weights]\nminor = 1\nfatal = 100\n")
    with pytest.raises(ConfigError, match=r"auditor\.toml:3: unknown key 'fatal' in weights"):
        load_config(g)


@pytest.mark.parametrize(
    "line, fragment",
    [
        ('min_score = "high"', "min_score must be a number"),
        ("min_score = 120", "between 0 and 100"),
        ("max_critical = -1", "max_critical must be a non-negative integer"),
        ("max_major = 1.5", "max_major must be a non-negative integer"),
        ("jobs = 0", "jobs must be a positive integer"),
        ("jobs = true", "jobs must be a positive integer"),
        ("glob = [1, 2]", "glob must be a glob pattern"),
        ('engine = " , "', "engine must name at least one engine"),
    ],
)
def test_wrong_types_are_errors(tmp_path: Path, line: str, fragment: str) -> None:
    f = write(tmp_path / "auditor.toml", line + "\n")
    with pytest.raises(ConfigError, match=fragment):
        load_config(f)


def test_invalid_toml_names_the_line(tmp_path: Path) -> None:
    f = write(tmp_path / "auditor.toml", "min_score = 90\nmax_major = = 3\n")
    with pytest.raises(ConfigError, match=rf"{f}:2: invalid TOML"):
        load_config(f)


def test_missing_named_file_is_an_error(tmp_path: Path) -> None:
    with pytest.raises(ConfigError, match="no such configuration file"):
        load_config(tmp_path / "nope.toml")


def test_discovery_walks_up_and_prefers_auditor_toml(tmp_path: Path) -> None:
    write(tmp_path / "pyproject.toml", "[tool.auditor]\nmin_score = 70\n")
    deep = tmp_path / "a" / "b"
    deep.mkdir(parents=True)
    assert find_config(deep) == tmp_path / "pyproject.toml"
    assert load_config(start=deep).min_score == 70.0
    write(tmp_path / "a" / "auditor.toml", "min_score = 60\n")
    assert find_config(deep) == tmp_path / "a" / "auditor.toml"
    assert load_config(start=deep).min_score == 60.0


def test_pyproject_without_tool_auditor_is_ignored(tmp_path: Path) -> None:
    write(tmp_path / "pyproject.toml", '[project]\nname = "x"\n')
    assert find_config(tmp_path) is None


def test_flags_override_the_file(tmp_path: Path) -> None:
    f = write(tmp_path / "auditor.toml", "min_score = 80\nmax_major = 2\njobs = 4\n")
    c = load_config(f).override(min_score=95.0, max_major=None, jobs=1, glob=("*.txt", "*.rss"))
    assert c.min_score == 95.0
    assert c.max_major == 2  # None = flag not given: the file's value stays
    assert c.jobs == 1
    assert c.glob == ("*.txt", "*.rss")
    assert c.source == str(f)
    with pytest.raises(ConfigError, match="command line: min_score must be between"):
        c.override(min_score=101.0)


def test_example_is_valid_toml_accepted_by_the_strict_loader(tmp_path: Path) -> None:
    text = config_example()
    assert text.count("#") > 10  # commented
    data = tomllib.loads(text)
    assert data["min_score"] == 90.0 and data["weights"]["critical"] == 25.0
    c = load_config(write(tmp_path / "auditor.toml", text))
    assert (c.min_score, c.max_critical, c.engine, c.weights) == (90.0, 0, "rules,lexical", Weights())
    py = config_example(pyproject=True)
    assert "[tool.auditor]" in py and "[tool.auditor.weights]" in py
    assert load_config(write(tmp_path / "p" / "pyproject.toml", py)).weights == Weights()


def test_config_command_example_and_show(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    runner = CliRunner()
    r = runner.invoke(config_command, ["--example"])
    assert r.exit_code == 0
    assert r.output == config_example()
    write(tmp_path / "auditor.toml", "min_score = 75\n")
    monkeypatch.chdir(tmp_path)
    r = runner.invoke(config_command, [])
    assert r.exit_code == 0
    assert "min_score = 75.0" in r.output and "auditor.toml" in r.output
    write(tmp_path / "auditor.toml", "min_score = 75\nbogus = 1\n")
    r = runner.invoke(config_command, [])
    assert r.exit_code == 2
    assert "auditor.toml:2: unknown key 'bogus'" in r.output
