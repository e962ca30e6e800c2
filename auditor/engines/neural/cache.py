"""Persistent translation cache: sqlite in WAL mode, safe for several processes.

Keys are ``sha256(model name, model revision, decoding settings, text)``, so a new model
revision or other decoding settings never return stale translations. Readers never block
writers (WAL); concurrent writers wait on sqlite's lock (``busy_timeout``) and every write is
an idempotent ``INSERT OR REPLACE`` of a deterministic value, so two processes auditing the
same feed at once are safe.
"""

from __future__ import annotations

import hashlib
import logging
import sqlite3
import threading
from collections.abc import Iterable, Sequence
from pathlib import Path

log = logging.getLogger(__name__)

_SCHEMA = "CREATE TABLE IF NOT EXISTS translations (key TEXT PRIMARY KEY, value TEXT NOT NULL)"


def cache_key(model: str, revision: str | None, settings: str, text: str) -> str:
    h = hashlib.sha256()
    for part in (model, revision or "", settings, text):
        h.update(part.encode("utf-8"))
        h.update(b"\x00")
    return h.hexdigest()


class TranslationCache:
    """``get_many``/``put_many`` over one sqlite file; ``path=None`` gives a no-op cache."""

    def __init__(self, path: str | Path | None, timeout: float = 60.0) -> None:
        self.path = Path(path) if path else None
        self._lock = threading.Lock()
        self._conn: sqlite3.Connection | None = None
        self.hits = 0
        self.misses = 0
        if self.path is not None:
            self.path.parent.mkdir(parents=True, exist_ok=True)
            conn = sqlite3.connect(
                str(self.path), timeout=timeout, check_same_thread=False, isolation_level=None
            )
            conn.execute(f"PRAGMA busy_timeout = {int(timeout * 1000)}")
            try:
                conn.execute("PRAGMA journal_mode = WAL")
            except sqlite3.OperationalError:  # pragma: no cover - e.g. a read-only or network filesystem
                log.warning("translation cache %s: WAL unavailable, using the default journal", self.path)
            conn.execute("PRAGMA synchronous = NORMAL")
            conn.execute(_SCHEMA)
            self._conn = conn

    def get_many(self, keys: Sequence[str]) -> dict[str, str]:
        if self._conn is None or not keys:
            self.misses += len(keys)
            return {}
        found: dict[str, str] = {}
        with self._lock:
            for i in range(0, len(keys), 500):
                chunk = list(keys[i : i + 500])
                marks = ",".join("?" * len(chunk))
                rows = self._conn.execute(
                    f"SELECT key, value FROM translations WHERE key IN ({marks})", chunk
                )
                found.update(rows.fetchall())
        self.hits += len(found)
        self.misses += len(keys) - len(found)
        return found

    def put_many(self, items: Iterable[tuple[str, str]]) -> None:
        rows = list(items)
        if self._conn is None or not rows:
            return
        with self._lock:
            self._conn.execute("BEGIN IMMEDIATE")
            try:
                self._conn.executemany("INSERT OR REPLACE INTO translations (key, value) VALUES (?, ?)", rows)
                self._conn.execute("COMMIT")
            except BaseException:
                self._conn.execute("ROLLBACK")
                raise

    def __len__(self) -> int:
        if self._conn is None:
            return 0
        with self._lock:
            return int(self._conn.execute("SELECT COUNT(*) FROM translations").fetchone()[0])

    def close(self) -> None:
        if self._conn is not None:
            self._conn.close()
            self._conn = None
