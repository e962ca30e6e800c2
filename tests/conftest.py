"""Shared fixtures: paths to the shared data (read by path, never copied).

A clone on its own has no ``../shared``: every test that needs it skips with one reason
(the ``shared`` marker or the fixtures below). ``AUDITOR_REQUIRE_SHARED=1`` (set by
``.ci/run``, where the data is present) turns that skip into a failure, so CI still runs
them all and a lost data folder cannot pass for green.
"""

from __future__ import annotations

import os
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[1]
SHARED = ROOT.parent / "shared"
SEED_TEXT = SHARED / "seed" / "nato-hegseth.de.txt"
SEED_GOLD = SHARED / "seed" / "nato-hegseth.gold.jsonl"
SEED_JSONL = SHARED / "seed" / "nato-hegseth.jsonl"
DEV = SHARED / "eval" / "dev.jsonl"
DEV_WORDQE = SHARED / "eval" / "dev_wordqe_mlqepe.jsonl"
CORPORA = ROOT / "corpora"


REQUIRE_ENV = "AUDITOR_REQUIRE_SHARED"


def need_shared(*paths: Path) -> None:
    """Skip (or, with AUDITOR_REQUIRE_SHARED=1, fail) unless every path exists."""
    for path in paths or (SHARED,):
        if not Path(path).exists():
            reason = f"shared data missing: {path} (../shared beside the checkout; a clone has none)"
            if os.environ.get(REQUIRE_ENV) == "1":
                pytest.fail(f"{reason}, and {REQUIRE_ENV}=1 requires it", pytrace=False)
            pytest.skip(reason)


def _need(path: Path) -> Path:
    need_shared(path)
    return path


def pytest_configure(config: pytest.Config) -> None:
    config.addinivalue_line(
        "markers",
        f"shared(*paths): needs ../shared data; skips without it, fails with {REQUIRE_ENV}=1",
    )


@pytest.hookimpl(tryfirst=True)
def pytest_runtest_setup(item: pytest.Item) -> None:
    for marker in item.iter_markers("shared"):
        need_shared(*marker.args)


@pytest.fixture(scope="session")
def seed_text() -> Path:
    return _need(SEED_TEXT)


@pytest.fixture(scope="session")
def seed_gold() -> Path:
    return _need(SEED_GOLD)


@pytest.fixture(scope="session")
def seed_jsonl() -> Path:
    return _need(SEED_JSONL)


@pytest.fixture(scope="session")
def dev_jsonl() -> Path:
    return _need(DEV)


@pytest.fixture(scope="session")
def dev_wordqe() -> Path:
    return _need(DEV_WORDQE)
