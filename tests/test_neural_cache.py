"""The neural engine's translation cache (sqlite WAL): keys, and two processes sharing it.

Kept free of torch imports so the spawned writer processes start fast.
"""

from __future__ import annotations

import multiprocessing as mp

from auditor.engines.neural.cache import TranslationCache, cache_key


def _writer(path: str, start: int) -> None:
    c = TranslationCache(path)
    for i in range(start, start + 200, 20):
        c.put_many((f"k{j}", f"v{j}") for j in range(i, i + 20))
        c.get_many([f"k{j}" for j in range(0, 400, 7)])
    c.close()


def test_cache_key_depends_on_model_revision_settings_and_text():
    base = cache_key("m", "r1", "beams=1", "Hallo")
    assert base == cache_key("m", "r1", "beams=1", "Hallo")
    others = {
        cache_key("m2", "r1", "beams=1", "Hallo"),
        cache_key("m", "r2", "beams=1", "Hallo"),
        cache_key("m", "r1", "beams=4", "Hallo"),
        cache_key("m", "r1", "beams=1", "Hallo!"),
    }
    assert base not in others and len(others) == 4


def test_cache_roundtrip_and_disabled(tmp_path):
    c = TranslationCache(tmp_path / "c.sqlite")
    c.put_many([("a", "1"), ("b", "2")])
    assert c.get_many(["a", "b", "z"]) == {"a": "1", "b": "2"} and (c.hits, c.misses) == (2, 1)
    journal = c._conn.execute("PRAGMA journal_mode").fetchone()[0]  # type: ignore[union-attr]
    assert journal == "wal"
    off = TranslationCache(None)
    off.put_many([("a", "1")])
    assert off.get_many(["a"]) == {} and len(off) == 0


def test_cache_shared_by_two_processes(tmp_path):
    path = str(tmp_path / "shared.sqlite")
    ctx = mp.get_context("spawn")
    procs = [ctx.Process(target=_writer, args=(path, s)) for s in (0, 100)]
    for p in procs:
        p.start()
    for p in procs:
        p.join(60)
        assert p.exitcode == 0
    c = TranslationCache(path)
    assert len(c) == 300 and c.get_many(["k0", "k299"]) == {"k0": "v0", "k299": "v299"}
