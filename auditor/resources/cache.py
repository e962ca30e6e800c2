"""Compiled caches that heal: a manifest per compiled file, checked cheaply on every open.

Why: the compiled dictionaries (Ding, wordfreq, simplemma) are SQLite files in the user
cache. Damage in the middle of one crashed every later run and never healed, while
``doctor`` still said ok; a truncated key list beside the Ding file silently changed the
findings. SQLite only notices damage when a query touches the damaged page.

So every compiled file gets a sidecar ``<file>.manifest.json`` written when it is
compiled: the format version, the size, the mtime, the row count of every table, a
SHA-256 of the whole file, and a hash of 64 small blocks spread over the file. Opening
checks (cheap, about a millisecond, so start-up stays fast):

* size and format must match;
* if the mtime is the recorded one, the sampled blocks must hash the same (this catches
  a zeroed or overwritten middle even when the mtime was put back);
* if the mtime changed, the whole file is hashed once (a tenth of a second) and must
  match; when it does, the new mtime is recorded (a copy or a restore from backup).

``doctor`` runs the deep check: the whole hash and the row counts. A file without a
manifest (compiled by an older version) is adopted after SQLite's ``quick_check``.

A damaged file is reported with one line and recompiled by the caller. A cache
directory that cannot be used (a regular file, read-only when something must be
compiled, a full disk) is a :class:`CacheError`: exit 2 with one clear line.
"""

from __future__ import annotations

import hashlib
import json
import logging
import os
import sqlite3
import zlib
from dataclasses import asdict, dataclass
from pathlib import Path

from auditor.errors import AuditorError

log = logging.getLogger(__name__)

MANIFEST_SUFFIX = ".manifest.json"
KEYS_HEADER = "#mt-auditor-keys"
KEYS_FORMAT = 1
#: why a key list without a header is rebuilt: written by an older version, or damaged at its start
LEGACY_KEYS = "no count or checksum (written by an older version, or damaged)"
_SAMPLES = 64
_SAMPLE_BYTES = 4096
_HINT = "free space there, or set AUDITOR_CACHE to a writable directory with room (then `auditor doctor --compile`)"


class CacheError(AuditorError):
    """The cache directory cannot hold what must be compiled (read-only, not a directory, disk full)."""


@dataclass(frozen=True)
class Manifest:
    """What a compiled file looked like right after it was compiled."""

    kind: str
    format: int
    size: int
    mtime_ns: int
    rows: dict[str, int]
    sample: str
    sha256: str


def manifest_path(path: Path) -> Path:
    return path.with_name(path.name + MANIFEST_SUFFIX)


def sample_hash(path: Path, size: int) -> str:
    """Hash of 64 blocks of 4 KiB spread evenly over the file (first and last included)."""
    h = hashlib.blake2b(digest_size=16)
    with open(path, "rb") as fh:
        if size <= _SAMPLES * _SAMPLE_BYTES:
            h.update(fh.read())
        else:
            step = (size - _SAMPLE_BYTES) / (_SAMPLES - 1)
            for i in range(_SAMPLES):
                fh.seek(int(i * step))
                h.update(fh.read(_SAMPLE_BYTES))
    return h.hexdigest()


def file_sha256(path: Path) -> str:
    h = hashlib.sha256()
    with open(path, "rb") as fh:
        for chunk in iter(lambda: fh.read(1 << 20), b""):
            h.update(chunk)
    return h.hexdigest()


def table_rows(path: Path) -> dict[str, int]:
    """Row count of every table (raises sqlite3.Error when the file is not a database)."""
    con = sqlite3.connect(f"file:{path}?mode=ro", uri=True)
    try:
        names = [r[0] for r in con.execute("SELECT name FROM sqlite_master WHERE type='table' ORDER BY name")]
        return {n: int(con.execute(f'SELECT count(*) FROM "{n}"').fetchone()[0]) for n in names}
    finally:
        con.close()


def quick_check(path: Path) -> str | None:
    """SQLite's structural check of every page; None when the file is sound."""
    try:
        con = sqlite3.connect(f"file:{path}?mode=ro", uri=True)
        try:
            result = [r[0] for r in con.execute("PRAGMA quick_check")]
        finally:
            con.close()
    except sqlite3.Error as exc:
        return f"not a readable database ({exc})"
    return None if result == ["ok"] else f"SQLite quick_check: {result[0]}"


def record(path: Path, kind: str, fmt: int) -> Manifest:
    """Write the manifest of a freshly compiled (or just verified) file; a read-only cache keeps none."""
    st = path.stat()
    m = Manifest(kind, fmt, st.st_size, st.st_mtime_ns, table_rows(path), sample_hash(path, st.st_size),
                 file_sha256(path))
    _write_manifest(path, m)
    return m


def _write_manifest(path: Path, m: Manifest) -> None:
    target = manifest_path(path)
    tmp = target.with_name(f"{target.name}.{os.getpid()}.tmp")
    try:
        tmp.write_text(json.dumps(asdict(m), sort_keys=True), encoding="utf-8")
        os.replace(tmp, target)
    except OSError:  # read-only cache: the file is still checked by quick_check next time
        tmp.unlink(missing_ok=True)


def read_manifest(path: Path) -> Manifest | None:
    try:
        data = json.loads(manifest_path(path).read_text(encoding="utf-8"))
        return Manifest(**data)
    except (OSError, ValueError, TypeError):
        return None


def check(path: Path, kind: str, fmt: int, deep: bool = False) -> str | None:
    """Why ``path`` cannot be trusted, or None when it matches its manifest.

    ``deep`` (``doctor``) also hashes the whole file and counts the rows.
    """
    try:
        st = path.stat()
    except OSError as exc:
        return f"cannot read it ({exc.strerror or exc})"
    m = read_manifest(path)
    if m is None:  # compiled before manifests existed, or the manifest was lost
        reason = quick_check(path)
        if reason is None:
            try:
                record(path, kind, fmt)
            except (OSError, sqlite3.Error) as exc:
                return f"cannot read it ({exc})"
        return reason
    if m.kind != kind or m.format != fmt:
        return f"manifest is for {m.kind} format {m.format}, expected {kind} format {fmt}"
    if st.st_size != m.size:
        return f"size {st.st_size} bytes, compiled as {m.size}"
    try:
        if st.st_mtime_ns != m.mtime_ns or deep:
            digest = file_sha256(path)
            if digest != m.sha256:
                return "content hash differs from the one recorded at compile time"
            if st.st_mtime_ns != m.mtime_ns:
                _write_manifest(path, Manifest(**{**asdict(m), "mtime_ns": st.st_mtime_ns}))
        elif sample_hash(path, st.st_size) != m.sample:
            return "content differs from the one recorded at compile time"
        if deep:
            rows = table_rows(path)
            if rows != m.rows:
                return f"row counts {rows}, compiled as {m.rows}"
    except (OSError, sqlite3.Error) as exc:
        return f"cannot read it ({exc})"
    return None


def discard(path: Path) -> None:
    """Remove a damaged compiled file with its sidecars, so that it is compiled again."""
    for p in (path, manifest_path(path), path.with_name(path.name + ".keys")):
        try:
            p.unlink(missing_ok=True)
        except OSError as exc:
            raise CacheError(f"{path}: damaged compiled cache cannot be removed ({exc.strerror}); {_HINT}") from None


def compile_error(path: Path, exc: BaseException) -> CacheError:
    """One line for a compilation that failed on the cache directory (full disk, read-only)."""
    reason = getattr(exc, "strerror", None) or str(exc)
    return CacheError(f"{path}: cannot compile the cache ({reason}); {_HINT}")


# ---------------------------------------------------------------------------- key list sidecar


def write_keys(path: Path, keys: list[str]) -> None:
    """Write a key list with a header holding its count and CRC, so that damage is seen."""
    body = "\n".join(keys)
    header = f"{KEYS_HEADER} {KEYS_FORMAT} {len(keys)} {zlib.crc32(body.encode('utf-8')):08x}\n"
    tmp = path.with_name(f"{path.name}.{os.getpid()}.tmp")
    try:
        tmp.write_text(header + body, encoding="utf-8")
        os.replace(tmp, path)
    except OSError:  # a read-only cache still works, just slower to start
        tmp.unlink(missing_ok=True)


def read_keys(path: Path) -> tuple[list[str] | None, str | None]:
    """``(keys, None)`` when the sidecar is intact, ``(None, reason)`` when damaged, ``(None, None)`` when absent."""
    try:
        raw = path.read_bytes()
    except FileNotFoundError:
        return None, None
    except OSError as exc:
        return None, f"cannot read it ({exc.strerror})"
    head, sep, body = raw.partition(b"\n")
    parts = head.decode("utf-8", "replace").split(" ")
    if len(parts) != 4 or parts[0] != KEYS_HEADER or parts[1] != str(KEYS_FORMAT):
        return None, LEGACY_KEYS
    if f"{zlib.crc32(body):08x}" != parts[3]:
        return None, "checksum differs from the one recorded when it was written"
    keys = body.decode("utf-8").split("\n") if body else []
    if str(len(keys)) != parts[2]:
        return None, f"{len(keys)} keys, written with {parts[2]}"
    return keys, None
