"""Shared fixtures: paths to the shared data (read by path, never copied)."""

from __future__ import annotations

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


def _need(path: Path) -> Path:
    if not path.exists():
        pytest.fail(f"shared data missing: {path} (expected beside the project root)")
    return path


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
