"""Strict configuration: ``[tool.auditor]`` in ``pyproject.toml`` or an ``auditor.toml``.

Every key is known; an unknown key or a value of the wrong type is a
:class:`~auditor.errors.ConfigError` naming the file, the line (when it can be found)
and the key. Command-line flags override the file: see :meth:`Config.override`.

Discovery (when no file is named): from the current directory upwards, the first
directory holding an ``auditor.toml``, or a ``pyproject.toml`` with a ``[tool.auditor]``
table, wins (``auditor.toml`` first). Relative paths in the file (``baseline``) are
resolved against the file's directory.
"""

from __future__ import annotations

import dataclasses
import re
import tomllib
from collections.abc import Mapping
from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING, Any

from auditor.engines import DEFAULT_ENGINES
from auditor.errors import ConfigError
from auditor.executors import EXECUTORS
from auditor.profiles import DEFAULT_PROFILE, PROFILES
from auditor.types import Weights

if TYPE_CHECKING:
    from auditor.selection import Selection

#: Patterns a directory walk picks up when none is configured (matched on file names).
DEFAULT_GLOBS: tuple[str, ...] = ("*.txt", "*.md", "*.jsonl", "*.rss", "*.atom")
DEFAULT_ENGINE = DEFAULT_ENGINES


@dataclass(frozen=True)
class Config:
    """Resolved settings of ``auditor gate`` (and defaults other commands may read)."""

    min_score: float = 90.0
    max_critical: int | None = 0
    max_major: int | None = None
    max_minor: int | None = None
    engine: str = DEFAULT_ENGINE
    glob: tuple[str, ...] = DEFAULT_GLOBS
    exclude: tuple[str, ...] = ()
    jobs: int = 1
    #: where batches run: serial, processes (``jobs`` workers) or dask (:mod:`auditor.executors`)
    executor: str = "serial"
    weights: Weights = field(default_factory=Weights)
    baseline: str | None = None
    text_field: str | None = None
    source_field: str | None = None
    id_field: str = "id"
    #: detector selection (:mod:`auditor.selection`): ids, engine prefixes, ``category:NAME``
    select: tuple[str, ...] = ()
    ignore: tuple[str, ...] = ()
    #: detector (or engine / category) → "minor" | "major" | "critical" | "off"
    severity: dict[str, str] = field(default_factory=dict)
    min_severity: str | None = None
    #: operating point (:mod:`auditor.profiles`): precise, balanced or thorough
    profile: str = DEFAULT_PROFILE
    #: The file these settings came from (None: built-in defaults only).
    source: str | None = field(default=None, compare=False)

    def selection(self) -> Selection:
        """The detector selection these settings describe; an unknown detector names the file and line."""
        from auditor.selection import Selection

        try:
            return Selection.build(self.select, self.ignore, self.severity, self.min_severity)
        except ConfigError as exc:
            if self.source is None:
                raise
            term = re.search(r"'([^']+)'", str(exc))
            line = _line_containing(self.source, term.group(1)) if term else None
            where = f"{self.source}:{line}" if line else self.source
            raise ConfigError(f"{where}: {exc}") from None

    def override(self, **values: Any) -> Config:
        """A copy with ``values`` (command-line flags) replacing the file's; ``None`` means unset."""
        given = {k: v for k, v in values.items() if v is not None}
        return _build(given, "command line", base=self)


# key -> (accepted python types, description used in errors)
_INT = (int,)
_NUM = (int, float)
_KEYS: dict[str, tuple[tuple[type, ...], str]] = {
    "min_score": (_NUM, "a number between 0 and 100"),
    "max_critical": (_INT, "a non-negative integer"),
    "max_major": (_INT, "a non-negative integer"),
    "max_minor": (_INT, "a non-negative integer"),
    "engine": ((str,), 'a comma-separated engine list such as "rules,lexical"'),
    "glob": ((str, list, tuple), "a glob pattern or a list of them"),
    "exclude": ((str, list, tuple), "a glob pattern or a list of them"),
    "jobs": (_INT, "a positive integer"),
    "executor": ((str,), "serial, processes or dask"),
    "weights": ((dict, Weights), "a table with minor, major and critical"),
    "baseline": ((str,), "a file path"),
    "text_field": ((str,), "a JSONL field name"),
    "source_field": ((str,), "a JSONL field name"),
    "id_field": ((str,), "a JSONL field name"),
    "select": ((str, list, tuple), 'a detector id, engine or "category:NAME", or a list of them'),
    "ignore": ((str, list, tuple), 'a detector id, engine or "category:NAME", or a list of them'),
    "severity": ((dict,), 'a table of detector = "minor", "major", "critical" or "off"'),
    "min_severity": ((str,), "minor, major or critical"),
    "profile": ((str,), "precise, balanced or thorough"),
}
_WEIGHT_KEYS = ("minor", "major", "critical")


def _line_of(path: str, key: str) -> int | None:
    """Best effort: the line where ``key = ...`` is written in the file."""
    try:
        text = Path(path).read_text(encoding="utf-8")
    except OSError:
        return None
    pattern = re.compile(rf"^[ \t]*(?:\"{re.escape(key)}\"|{re.escape(key)})[ \t]*=", re.M)
    m = pattern.search(text)
    return text.count("\n", 0, m.start()) + 1 if m else None


def _line_containing(path: str, needle: str) -> int | None:
    """The first line of the file that contains ``needle`` (a detector id in a selection)."""
    try:
        text = Path(path).read_text(encoding="utf-8")
    except OSError:
        return None
    pos = text.find(needle)
    return text.count("\n", 0, pos) + 1 if pos >= 0 else None


def _terms(value: Any, source: str, key: str) -> tuple[str, ...]:
    """A selection list: a list of strings, or one comma-separated string."""
    items = value.split(",") if isinstance(value, str) else list(value)
    if not all(isinstance(p, str) for p in items):
        raise _error(source, key, f"{key} must be {_KEYS[key][1]}")
    return tuple(p.strip() for p in items if p.strip())


def _error(source: str, key: str | None, message: str) -> ConfigError:
    line = _line_of(source, key.rsplit(".", 1)[-1]) if key and Path(source).is_file() else None
    where = f"{source}:{line}" if line else source
    return ConfigError(f"{where}: {message}")


def _patterns(value: Any, source: str, key: str) -> tuple[str, ...]:
    items = [value] if isinstance(value, str) else list(value)
    if not all(isinstance(p, str) and p.strip() for p in items):
        raise _error(source, key, f"{key} must be {_KEYS[key][1]}")
    return tuple(p.strip() for p in items)


def _build(raw: Mapping[str, Any], source: str, base: Config | None = None) -> Config:
    base = base or Config()
    values: dict[str, Any] = {}
    for key, value in raw.items():
        if key not in _KEYS:
            known = ", ".join(_KEYS)
            raise _error(source, key, f"unknown key {key!r} (known keys: {known})")
        types, what = _KEYS[key]
        if isinstance(value, bool) or not isinstance(value, types):
            raise _error(source, key, f"{key} must be {what}, not {value!r}")
        values[key] = value
    out = dataclasses.asdict(base)
    out.pop("source")
    out["weights"] = base.weights
    out.update(values)
    if "glob" in values:
        out["glob"] = _patterns(values["glob"], source, "glob")
    if "exclude" in values:
        out["exclude"] = _patterns(values["exclude"], source, "exclude")
    for key in ("select", "ignore"):
        if key in values:
            out[key] = _terms(values[key], source, key)
    if "severity" in values:
        for k, v in values["severity"].items():
            if v not in ("minor", "major", "critical", "off"):
                raise _error(source, k, f'severity of {k!r} must be "minor", "major", "critical" or "off", not {v!r}')
        out["severity"] = {**base.severity, **values["severity"]}
    if out["min_severity"] is not None and out["min_severity"] not in ("minor", "major", "critical"):
        raise _error(source, "min_severity", f"min_severity must be minor, major or critical, not {out['min_severity']!r}")
    if out["profile"] not in PROFILES:
        raise _error(source, "profile", f"profile must be {', '.join(PROFILES)}, not {out['profile']!r}")
    if not 0 <= float(out["min_score"]) <= 100:
        raise _error(source, "min_score", "min_score must be between 0 and 100")
    out["min_score"] = float(out["min_score"])
    for key in ("max_critical", "max_major", "max_minor"):
        if out[key] is not None and out[key] < 0:
            raise _error(source, key, f"{key} must be {_KEYS[key][1]}")
    if out["jobs"] < 1:
        raise _error(source, "jobs", "jobs must be a positive integer")
    if out["executor"] not in EXECUTORS:
        raise _error(source, "executor", f"executor must be serial, processes or dask, not {out['executor']!r}")
    names = [n.strip() for n in str(out["engine"]).split(",") if n.strip()]
    if not names:
        raise _error(source, "engine", "engine must name at least one engine")
    from auditor.engines import ENGINES

    for name in names:
        if name not in ENGINES:
            raise _error(source, "engine", f"unknown engine {name!r} (known: {', '.join(ENGINES)})")
    weights = out["weights"]
    if isinstance(weights, dict):
        for k, v in weights.items():
            if k not in _WEIGHT_KEYS:
                raise _error(source, k, f"unknown key {k!r} in weights (known: minor, major, critical)")
            if isinstance(v, bool) or not isinstance(v, _NUM) or v < 0:
                raise _error(source, k, f"weights.{k} must be a non-negative number, not {v!r}")
        merged = {**dataclasses.asdict(base.weights), **{k: float(v) for k, v in weights.items()}}
        out["weights"] = Weights(**merged)
    return Config(**out, source=base.source if source == "command line" else source)


def find_config(start: Path | None = None) -> Path | None:
    """The nearest ``auditor.toml`` or ``pyproject.toml`` with ``[tool.auditor]``, upwards."""
    here = (start or Path.cwd()).resolve()
    for directory in (here, *here.parents):
        candidate = directory / "auditor.toml"
        if candidate.is_file():
            return candidate
        pyproject = directory / "pyproject.toml"
        if pyproject.is_file():
            try:
                data = tomllib.loads(pyproject.read_text(encoding="utf-8"))
            except (OSError, UnicodeDecodeError, tomllib.TOMLDecodeError):
                continue  # a broken unrelated pyproject is not ours to judge during discovery
            if isinstance(data.get("tool"), dict) and "auditor" in data["tool"]:
                return pyproject
    return None


def _table_of(path: Path) -> dict[str, Any]:
    try:
        text = path.read_text(encoding="utf-8")
    except FileNotFoundError:
        raise ConfigError(f"{path}: no such configuration file") from None
    except (OSError, UnicodeDecodeError) as exc:
        raise ConfigError(f"{path}: cannot read configuration: {exc}") from None
    try:
        data = tomllib.loads(text)
    except tomllib.TOMLDecodeError as exc:
        m = re.search(r"\(at line (\d+), column \d+\)", str(exc))
        where = f"{path}:{m.group(1)}" if m else str(path)
        raise ConfigError(f"{where}: invalid TOML: {exc}") from None
    if path.name == "pyproject.toml":
        tool = data.get("tool", {})
        table = tool.get("auditor", {}) if isinstance(tool, dict) else {}
        if not isinstance(table, dict):
            raise ConfigError(f"{path}: [tool.auditor] must be a table")
        return table
    return data


def load_config(path: str | Path | None = None, *, start: Path | None = None) -> Config:
    """Load and validate a configuration file (``path``, or the discovered one)."""
    found = Path(path) if path is not None else find_config(start)
    if found is None:
        return Config()
    table = _table_of(found)
    config = _build(table, str(found))
    if config.baseline is not None and not Path(config.baseline).is_absolute():
        config = dataclasses.replace(config, baseline=str(found.parent / config.baseline))
    return config


EXAMPLE = """\
# mt-auditor configuration: save as auditor.toml, or put the same keys under
# [tool.auditor] (and [tool.auditor.weights]) in pyproject.toml.
# Every key is optional; an unknown key is an error. Command-line flags win.

# The quality gate: a document fails when any of these is exceeded.
min_score = 90.0          # lowest acceptable document score, 0-100   (--min-score)
max_critical = 0          # most critical findings allowed per document (--max-critical)
# max_major = 3           # most major findings per document; unset = no limit (--max-major)
# max_minor = 20          # most minor findings per document; unset = no limit (--max-minor)

# Engines to run, comma-separated: rules, lexical, neural            (--engine)
engine = "rules,lexical"

# Which files a directory argument is walked for (recursive; matched on the file
# name, or on the path relative to the directory when the pattern has a "/").
glob = ["*.txt", "*.md", "*.jsonl", "*.rss", "*.atom"]                 # (--glob)
exclude = []                                                          # (--exclude)

# Parallel worker processes; results are identical to a serial run.  (--jobs)
jobs = 1
# Where batches run: "serial", "processes" (--jobs workers) or "dask" (a cluster:
# --scheduler tcp://host:8786 or $AUDITOR_DASK_SCHEDULER, else a local one).  (--executor)
executor = "serial"

# Findings accepted earlier (auditor gate --write-baseline FILE); relative to this file.
# baseline = "auditor-baseline.json"                                  (--baseline)

# JSONL input: the field holding the German text, the English source, the record id.
# text_field = "mt_de"                                                (--text-field)
# source_field = "source_en"                                          (--source-field)
id_field = "id"                                                       # (--id-field)

# Detectors (see `auditor rules`): ids, engine prefixes or "category:NAME".
# select = ["rules", "lexical.calque"]     # only these report (--select)
# ignore = ["lexical.unaligned"]           # these never report  (--ignore)
# min_severity = "major"                   # drop milder findings (--min-severity)

# Operating point: "precise" (a gate that must not cry wolf), "balanced", or "thorough"
# (triage: weaker evidence too). See `auditor explain ID` for the thresholds.  (--profile)
profile = "balanced"

# MQM-style penalty weights per severity.
[weights]
minor = 1.0
major = 5.0
critical = 25.0

# Per-detector severity: "minor", "major", "critical", or "off" to silence it.
[severity]
# "lexical.unaligned" = "minor"
"""


def example(pyproject: bool = False) -> str:
    """The commented example; with ``pyproject`` its tables are under ``[tool.auditor]``."""
    if not pyproject:
        return EXAMPLE
    body = EXAMPLE.replace("[weights]", "[tool.auditor.weights]").replace("[severity]", "[tool.auditor.severity]")
    head, sep, rest = body.partition("# The quality gate")
    return head + "[tool.auditor]\n\n" + sep + rest


def _toml_value(value: Any) -> str:
    import json

    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, (int, float)):
        return repr(value)
    if isinstance(value, (list, tuple)):
        return "[" + ", ".join(_toml_value(v) for v in value) + "]"
    if isinstance(value, dict):
        return "{ " + ", ".join(f"{json.dumps(k)} = {_toml_value(v)}" for k, v in value.items()) + " }"
    if isinstance(value, Weights):
        return "{ " + ", ".join(f"{k} = {_toml_value(getattr(value, k))}" for k in _WEIGHT_KEYS) + " }"
    return json.dumps(str(value), ensure_ascii=False)


def as_toml_items(config: Config) -> list[tuple[str, str]]:
    """The settings in force as (key, TOML value) pairs; unset keys are left out."""
    return [
        (f.name, _toml_value(getattr(config, f.name)))
        for f in dataclasses.fields(config)
        if f.name != "source" and getattr(config, f.name) not in (None, (), {})
    ]
