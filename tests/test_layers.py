"""The one-way pipeline, held in place: a lower layer never imports a higher one.

Every ``import auditor...`` in the package is read from the source (module level and
inside functions alike: a lazy import is still a dependency), and each rule below names
a layer and what it must not import. A new upward import fails here with the file and
the imported module, instead of being found by a reviewer later.
"""

from __future__ import annotations

import ast
from pathlib import Path

import pytest

PACKAGE = Path(__file__).resolve().parents[1] / "auditor"

#: (layer, what it must not import): module prefixes, dotted
RULES: list[tuple[str, tuple[str, ...]]] = [
    ("auditor.types", ("auditor.",)),
    ("auditor.errors", ("auditor.",)),
    ("auditor.resources", ("auditor.engines", "auditor.io", "auditor.gate", "auditor.pipeline", "auditor.cli")),
    (
        "auditor.engines",
        ("auditor.io", "auditor.gate", "auditor.pipeline", "auditor.runs", "auditor.cli", "auditor.baseline"),
    ),
    ("auditor.detectors", ("auditor.io", "auditor.gate", "auditor.pipeline", "auditor.cli")),
    ("auditor.executors", ("auditor.engines", "auditor.io", "auditor.gate", "auditor.cli")),
    # the metrics and the gate's decision as data sit below the readers and writers
    ("auditor.evaluate", ("auditor.io", "auditor.gate", "auditor.pipeline", "auditor.engines", "auditor.cli")),
    ("auditor.curves", ("auditor.io", "auditor.gate", "auditor.pipeline", "auditor.engines", "auditor.cli")),
    ("auditor.verdicts", ("auditor.gate", "auditor.io", "auditor.pipeline", "auditor.runs", "auditor.engines", "auditor.cli")),
    ("auditor.baseline", ("auditor.gate", "auditor.io", "auditor.pipeline", "auditor.engines", "auditor.cli")),
    (
        "auditor.io",
        (
            "auditor.gate", "auditor.pipeline", "auditor.runs", "auditor.executors", "auditor.engines",
            "auditor.eval_run", "auditor.config", "auditor.cli",
        ),
    ),  # fmt: skip
]


def _module(path: Path) -> str:
    parts = path.relative_to(PACKAGE.parent).with_suffix("").parts
    return ".".join(parts[:-1] if parts[-1] == "__init__" else parts)


def _imports(path: Path) -> list[tuple[int, str]]:
    """(line, module) of every absolute ``auditor`` import in the file."""
    out = []
    for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
        if isinstance(node, ast.ImportFrom) and node.level == 0 and node.module:
            names = [node.module]
        elif isinstance(node, ast.Import):
            names = [a.name for a in node.names]
        else:
            continue
        out.extend((node.lineno, n) for n in names if n == "auditor" or n.startswith("auditor."))
    return out


def _within(module: str, prefix: str) -> bool:
    prefix = prefix.rstrip(".")
    return module == prefix or module.startswith(prefix + ".")


def _violations(layer: str, forbidden: tuple[str, ...]) -> list[str]:
    found = []
    for path in sorted(PACKAGE.rglob("*.py")):
        mod = _module(path)
        if not _within(mod, layer):
            continue
        for line, target in _imports(path):
            if _within(target, layer):
                continue  # inside its own layer
            if any(_within(target, f) or (f.endswith(".") and target.startswith(f)) for f in forbidden):
                found.append(f"{path.relative_to(PACKAGE.parent)}:{line}: {mod} imports {target}")
    return found


@pytest.mark.parametrize(("layer", "forbidden"), RULES, ids=[r[0] for r in RULES])
def test_a_layer_does_not_import_a_higher_one(layer: str, forbidden: tuple[str, ...]) -> None:
    assert _violations(layer, forbidden) == []


def test_only_the_cli_imports_the_cli() -> None:
    found = [
        f"{path.relative_to(PACKAGE.parent)}:{line}: imports {target}"
        for path in sorted(PACKAGE.rglob("*.py"))
        if not _within(_module(path), "auditor.cli")
        for line, target in _imports(path)
        if _within(target, "auditor.cli")
    ]
    assert found == []


def test_the_checker_sees_an_upward_import(tmp_path: Path) -> None:
    """The rules would pass vacuously if the reader missed function-level imports."""
    src = tmp_path / "m.py"
    src.write_text("def f():\n    from auditor.gate import GateResult\n    import auditor.cli\n", encoding="utf-8")
    assert _imports(src) == [(2, "auditor.gate"), (3, "auditor.cli")]
