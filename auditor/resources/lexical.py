"""Resources of the lexical engine: where they are, how to load them, their status.

Resources are used from where they are installed, never copied into the repo:

* **Ding** German–English dictionary (Debian ``trans-de-en``, ``/usr/share/trans/de-en``; the
  other places in :data:`DING_PATHS`, or ``$AUDITOR_DING``).
  Parsed once into a compiled SQLite cache file in the user cache directory, keyed by
  the SHA-256 of the source file; later runs open it in milliseconds and look terms up
  on demand (memoised), so start-up does not pay for 900k entries.
* **Hunspell** German dictionary (Debian ``hunspell-de-de``, or any of :data:`HUNSPELL_DIRS`,
  ``$DICPATH``, ``$AUDITOR_HUNSPELL_DIR``) through the ``hunspell`` C binding where it builds
  (the ``fast`` extra); ``spylls`` (pure Python, ~250x slower, a core dependency) otherwise.
* **wordfreq** (German and English word frequencies), **simplemma** (lemmas),
  **HanTa** (German POS tagger) and **lingua** (language identification) are optional
  and off by default: measured, they cost start-up time without changing findings.

Every resource has a ``*_status()`` function returning a
:class:`~auditor.engines.ResourceStatus` with the exact install command; ``auditor
doctor`` prints them. :func:`load_resources` raises
:class:`~auditor.errors.ResourceMissing` naming what is missing.
"""

from __future__ import annotations

import contextlib
import hashlib
import json
import logging
import os
import re
import sqlite3
import time
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from importlib import metadata
from pathlib import Path
from typing import Any

from auditor.errors import ResourceMissing
from auditor.resources import ResourceStatus
from auditor.resources import cache as _cache
from auditor.resources import cache_dir as _cache_dir

log = logging.getLogger(__name__)

#: where the Ding file is looked for ($AUDITOR_DING, when set, replaces them): Debian's
#: trans-de-en, /usr/local and Homebrew prefixes, and the per-user data folders
DING_PATHS = (
    "/usr/share/trans/de-en",
    "/usr/local/share/trans/de-en",
    "/opt/homebrew/share/trans/de-en",
    "~/.local/share/trans/de-en",
    "~/.local/share/mt-auditor/de-en.txt",
    "~/Library/Application Support/mt-auditor/de-en.txt",
)
#: where Hunspell dictionaries are looked for after $DICPATH ($AUDITOR_HUNSPELL_DIR, when set,
#: replaces them all): Debian/Fedora, /usr/local and Homebrew, the user's and macOS's
#: spelling folders, and LibreOffice's bundled German dictionary on Linux and macOS
HUNSPELL_DIRS = (
    "/usr/share/hunspell",
    "/usr/share/myspell",
    "/usr/share/myspell/dicts",
    "/usr/local/share/hunspell",
    "/opt/homebrew/share/hunspell",
    "~/.local/share/hunspell",
    "~/Library/Spelling",
    "/Library/Spelling",
    "/usr/lib/libreoffice/share/extensions/dict-de",
    "/opt/libreoffice/share/extensions/dict-de",
    "/Applications/LibreOffice.app/Contents/Resources/extensions/dict-de",
)
HUNSPELL_LANG = "de_DE"
#: file names of the German dictionary: Hunspell's, and LibreOffice's dict-de extension's
HUNSPELL_NAMES = ("{lang}", "{lang}_frami")

DING_URL = "https://ftp.tu-chemnitz.de/pub/Local/urz/ding/de-en/de-en.txt.gz"
HUNSPELL_DICT_URL = "https://github.com/LibreOffice/dictionaries/tree/master/de"
INSTALL_DING = (
    "sudo apt-get install trans-de-en   (elsewhere: download "
    f"{DING_URL}, gunzip it and set AUDITOR_DING=/path/to/de-en.txt)"
)
INSTALL_HUNSPELL_DICT = (
    "sudo apt-get install hunspell-de-de   (elsewhere: copy de_DE_frami.dic and .aff from "
    f"{HUNSPELL_DICT_URL} into ~/.local/share/hunspell or ~/Library/Spelling, or set AUDITOR_HUNSPELL_DIR)"
)
INSTALL_HUNSPELL = "pip install spylls   (pure Python; or pip install 'mt-auditor[fast]' for the C binding)"
INSTALL_PIP = "pip install {}"
#: the last resort every lexical error names: the rules engine needs no resources
WITHOUT_DICTIONARIES = "or run without dictionaries: --engine rules"

#: bump when the compiled format or the parser changes
DING_CACHE_FORMAT = 7
#: bump when the compiled wordfreq/simplemma tables change
TABLE_CACHE_FORMAT = 5
#: Ding loads its key set (:meth:`Ding.use_key_filter`, ~0.3 s) once this many keys were looked
#: up in SQLite (~7 us each, and ~90 % of them are no key): a one-line run never pays for it,
#: a run of hundreds of segments does not pay for the probes of unknown terms. Answers are the
#: same either way (the filter only skips lookups that find nothing).
KEY_FILTER_AFTER = 20_000
#: entries longer than this (words) are examples or definitions, not terms
MAX_TERM_WORDS = 6


# --------------------------------------------------------------------------- Ding


def find_ding() -> Path | None:
    """The Ding data file: ``$AUDITOR_DING`` if set (and only that), else the first of DING_PATHS."""
    env = os.environ.get("AUDITOR_DING")
    for p in [env] if env else list(DING_PATHS):
        if p and Path(p).expanduser().is_file():
            return Path(p).expanduser()
    return None


def ding_looked_in() -> str:
    """Where :func:`find_ding` looked, for messages (``AUDITOR_DING=/x: no such file``)."""
    env = os.environ.get("AUDITOR_DING")
    if env:
        what = "is a directory, not the de-en file" if Path(env).expanduser().is_dir() else "no such file"
        return f"AUDITOR_DING={env}: {what}"
    return "looked in " + ", ".join(DING_PATHS) + " (set AUDITOR_DING to the file)"


_ANNOT_RE = re.compile(r"\{[^}]*\}|\[[^\]]*\]|\([^)]*\)|<[^>]*>|/[^/\s][^/]*/(?=\s|$|;)")
_INNER_RE = re.compile(r"\{[^}]*\}|\([^)]*\)|\[[^\]]*\]|<[^>]*>")
_GENDER_RE = re.compile(r"\{(m|f|n|pl|m,f|m,n|n,m|f,n|f,m|n,f)\}")
_POS_RE = re.compile(r"\{(adj|adv|vt|vi|vr|v|num|pron|ppron|prp|conj|interj)[;}]")
_SPACE_RE = re.compile(r"\s+")


def _mask(m: re.Match[str]) -> str:
    return m.group().replace(";", "\x00").replace("|", "\x01")


def _split_top(text: str, sep: str) -> list[str]:
    """Split on ``sep`` outside brackets (``{sank, sunk; sunk}`` stays whole)."""
    if "{" in text or "(" in text or "[" in text or "<" in text:
        masked = _INNER_RE.sub(_mask, text)
        return [p.replace("\x00", ";").replace("\x01", "|") for p in masked.split(sep)]
    return text.split(sep)


_WORDS_RE = re.compile(r"[^\W\d_][\w-]*(?:\s+[^\W\d_][\w-]*)*")
_BIGRAM_ENDINGS = ("ern", "en", "em", "er", "es", "e", "n", "s")


def bigram_stem(word: str) -> str:
    """Crude inflection-insensitive key of a German word for phrase attestation:
    lowercased, one inflectional ending stripped ("Voller" -> "voll", "Schritte" -> "schritt")."""
    w = word.lower()
    for suf in _BIGRAM_ENDINGS:
        if w.endswith(suf) and len(w) - len(suf) >= 3:
            return w[: -len(suf)]
    return w


def _clean(term: str) -> str:
    term = _ANNOT_RE.sub(" ", term)
    term = _SPACE_RE.sub(" ", term).strip(" ,;")
    return term


_PLACEHOLDER_DE = re.compile(r"(?<!\w)(?:etw|jdn|jdm|jds|jd)\.(?:\s+|$)|(?<!\w)sich\s+(?=\w)")
_PLACEHOLDER_EN = re.compile(r"(?:\s+(?:sth\.|sb\.|one's|oneself))+$")  # trailing objects only


def _variants(term: str, pattern: re.Pattern[str]) -> list[str]:
    """The term, and the term without valency placeholders ("etw. sagen" -> "sagen")."""
    bare = _SPACE_RE.sub(" ", pattern.sub(" ", term)).strip(" ,;")
    return [term, bare] if bare and bare != term and any(c.isalpha() for c in bare) else [term]


def _is_example(term: str) -> bool:
    words = term.count(" ") + 1
    if words > MAX_TERM_WORDS:
        return True
    return words > 2 and term[-1:] in ".?!" and not term.endswith(("etw.", "jdn.", "jdm.", "sth.", "sb."))


def parse_ding(path: str | os.PathLike[str]) -> dict[str, Any]:
    """Parse the Ding file into plain dicts.

    Returns ``{"de": {term: [en, ...]}, "en": {lower term: [de, ...]}, "tags": {de term:
    {"m", "pl", ...}}, "max_de": int, "max_en": int}``. German keys keep their case;
    English keys are lowercased; verbs are also indexed without a leading "to ". Each
    line is ``DE; syn | sub :: EN; syn | sub``; sub-entries are paired by position.
    """
    de: dict[str, list[str]] = {}
    en: dict[str, list[str]] = {}
    tags: dict[str, set[str]] = {}
    bigrams: set[str] = set()
    max_de = max_en = 1
    with open(path, encoding="utf-8", errors="replace") as fh:
        for line in fh:
            if line.startswith("#") or " :: " not in line:
                continue
            left, _, right = line.rstrip("\n").partition(" :: ")
            for ws in _WORDS_RE.findall(_ANNOT_RE.sub(" ", left).replace("|", ".").replace(";", ".")):
                for a, b in zip(ws.split(), ws.split()[1:]):
                    bigrams.add(f"{bigram_stem(a)} {bigram_stem(b)}")
            for ls, rs in zip(_split_top(left, " | "), _split_top(right, " | ")):
                de_terms: list[str] = []
                for raw in _split_top(ls, "; "):
                    t0 = _clean(raw)
                    if not t0 or _is_example(t0):
                        continue
                    variants = _variants(t0, _PLACEHOLDER_DE)
                    de_terms.extend(t for t in variants if t not in de_terms)
                    if "{" in raw:
                        g = _GENDER_RE.search(raw)
                        pos = None if g else _POS_RE.search(raw)
                        for t in variants:
                            if g:
                                tags.setdefault(t, set()).update(g.group(1).split(","))
                            elif pos:
                                tags.setdefault(t, set()).add(pos.group(1))
                en_terms: list[str] = []
                for r in _split_top(rs, "; "):
                    e0 = _clean(r)
                    if e0 and not _is_example(e0):
                        en_terms.extend(e for e in _variants(e0, _PLACEHOLDER_EN) if e not in en_terms)
                if not de_terms or not en_terms:
                    continue
                for d in de_terms:
                    lst = de.setdefault(d, [])
                    for e in en_terms:
                        if e not in lst:
                            lst.append(e)
                    max_de = max(max_de, d.count(" ") + 1)
                for e in en_terms:
                    keys = [e.lower()]
                    if keys[0].startswith("to ") and len(keys[0]) > 3:
                        keys.append(keys[0][3:])
                    for key in keys:
                        lst = en.setdefault(key, [])
                        for d in de_terms:
                            if d not in lst:
                                lst.append(d)
                        max_en = max(max_en, key.count(" ") + 1)
    return {"de": de, "en": en, "tags": tags, "bigrams": bigrams, "max_de": max_de, "max_en": max_en}


def compile_ding(src: str | os.PathLike[str], dest: str | os.PathLike[str]) -> None:
    """Parse Ding and write it as an SQLite file (written to a temp name, then renamed).

    The temporary is removed on any failure (a full disk left a 42 MB one behind for
    ever), and a manifest is recorded beside the result so that damage is found later.
    """
    data = parse_ding(src)
    dest = Path(dest)
    tmp = dest.with_name(dest.name + f".{os.getpid()}.tmp")
    try:
        _write_ding(tmp, src, data)
        tmp.replace(dest)
    except (OSError, sqlite3.Error) as exc:
        raise _cache.compile_error(dest, exc) from None
    finally:
        tmp.unlink(missing_ok=True)
    _cache.record(dest, "ding", DING_CACHE_FORMAT)


def _write_ding(tmp: Path, src: str | os.PathLike[str], data: dict[str, Any]) -> None:
    tmp.unlink(missing_ok=True)
    con = sqlite3.connect(tmp)
    try:
        con.executescript(
            """
            PRAGMA journal_mode=OFF; PRAGMA synchronous=OFF;
            CREATE TABLE meta (k TEXT PRIMARY KEY, v TEXT);
            CREATE TABLE de (lk TEXT, k TEXT, en TEXT, tags TEXT, PRIMARY KEY (lk, k)) WITHOUT ROWID;
            CREATE TABLE en (k TEXT PRIMARY KEY, de TEXT) WITHOUT ROWID;
            CREATE TABLE bi (k TEXT PRIMARY KEY) WITHOUT ROWID;
            """
        )
        tags = data["tags"]
        con.executemany(
            "INSERT INTO de VALUES (?,?,?,?)",
            sorted(
                (k.lower(), k, "\t".join(v), "|".join(sorted(tags.get(k, ())))) for k, v in data["de"].items()
            ),
        )
        con.executemany(
            "INSERT INTO en VALUES (?,?)", sorted((k, "\t".join(v)) for k, v in data["en"].items())
        )
        con.executemany("INSERT INTO bi VALUES (?)", ((b,) for b in sorted(data["bigrams"])))
        con.executemany(
            "INSERT INTO meta VALUES (?,?)",
            [
                ("format", str(DING_CACHE_FORMAT)),
                ("max_de", str(data["max_de"])),
                ("max_en", str(data["max_en"])),
                ("source", str(src)),
            ],
        )
        con.commit()
    finally:
        con.close()


def _guarded(path: str | Path, con: sqlite3.Connection, sql: str, args: Any) -> list[Any]:
    """Run a query on a compiled cache; damage found only now removes the manifest (so the
    next run checks the file page by page and recompiles it) and stops this run cleanly."""
    try:
        return con.execute(sql, args).fetchall()
    except sqlite3.DatabaseError as exc:
        try:
            _cache.manifest_path(Path(path)).unlink(missing_ok=True)
        except OSError:  # read-only cache: nothing to mark; the error below still stops the run
            pass
        raise _cache.CacheError(
            f"{path}: compiled cache is damaged ({exc}); the next run recompiles it, "
            "or run `auditor doctor --compile` now"
        ) from None


_GENDERS = ("m", "f", "n")
_Entry = tuple[tuple[str, ...], frozenset[str]]
_NO_ENTRY: _Entry = ((), frozenset())


class Ding:
    """The Ding dictionary, read lazily from its compiled SQLite cache (memoised lookups).

    Terms are cleaned of Ding's annotations (``{m}``, ``[Br.]``, ``(...)``, ``/abbr/``);
    grammatical tags (gender, ``pl``, part of speech) are kept per German term.
    ``lookup_de_many``/``lookup_en_many`` resolve many terms in one query.
    """

    def __init__(self, db_path: str | os.PathLike[str], path: str = "", sha256: str = "") -> None:
        self.db_path = str(db_path)
        self._con = sqlite3.connect(f"file:{self.db_path}?mode=ro", uri=True, check_same_thread=False)
        meta = dict(self._con.execute("SELECT k, v FROM meta"))
        self.max_de_len: int = int(meta["max_de"])
        self.max_en_len: int = int(meta["max_en"])
        self.path = path
        self.sha256 = sha256
        self._de: dict[str, _Entry] = {}  # memo: term as asked -> (renderings, tags)
        self._rows: dict[str, dict[str, tuple[str, str]]] = {}  # memo: lowercased -> raw rows
        self._bi: dict[str, bool] = {}  # memo: bigram key -> attested
        self._en: dict[str, tuple[str, ...]] = {}  # memo: lowercased English -> German
        self._keys: frozenset[str] | None = None  # all lowercased German keys, see use_key_filter
        self._asked = 0  # keys looked up in SQLite so far without the key set

    def __len__(self) -> int:
        return int(self._query("SELECT count(*) FROM de", ())[0][0])

    def _query(self, sql: str, args: Any) -> list[Any]:
        """All rows of a query; damage the open-time check missed is one clear line, exit 2."""
        return _guarded(self.db_path, self._con, sql, args)

    @staticmethod
    def _pick(term: str, rows: dict[str, tuple[str, str]]) -> _Entry:
        for k in (term, term.lower(), term[:1].upper() + term[1:]):
            r = rows.get(k)
            if r is not None:
                return tuple(r[0].split("\t")), frozenset(r[1].split("|")) if r[1] else frozenset()
        return _NO_ENTRY

    def use_key_filter(self) -> None:
        """Load the set of all German keys (~0.5 s, ~40 MB) so that lookups of unknown
        terms (the common case when probing compound splits) skip SQLite entirely."""
        if self._keys is not None:
            return
        # The key list is cached beside the compiled dictionary as plain text: reading it
        # back is several times faster than scanning the table.
        # It carries its count and checksum: a truncated list silently changed findings.
        keys_path = Path(self.db_path + ".keys")
        keys, damage = _cache.read_keys(keys_path)
        if keys is not None:
            self._keys = frozenset(keys)
            return
        if damage:
            log.warning("key list %s is damaged (%s); rebuilding it from the dictionary", keys_path, damage)
        self._keys = frozenset(r[0] for r in self._query("SELECT DISTINCT lk FROM de", ()))
        _cache.write_keys(keys_path, sorted(self._keys))

    def may_have(self, term: str) -> bool:
        """False only if no German key is ``term`` up to case (so every lookup of it is empty);
        always True until :meth:`use_key_filter` has loaded the keys."""
        return self._keys is None or term.lower() in self._keys

    def _rows_many(self, lows: Any) -> None:
        todo = sorted({lk for lk in lows if lk not in self._rows})
        if self._keys is None:
            self._asked += len(todo)
            if self._asked > KEY_FILTER_AFTER:
                self.use_key_filter()
        if self._keys is not None:
            keys = self._keys
            for lk in todo:
                if lk not in keys:
                    self._rows[lk] = {}
            todo = [lk for lk in todo if lk in keys]
        for i in range(0, len(todo), 500):
            chunk = todo[i : i + 500]
            for lk in chunk:
                self._rows[lk] = {}
            q = f"SELECT lk, k, en, tags FROM de WHERE lk IN ({','.join('?' * len(chunk))})"
            for lk, k, en, tg in self._query(q, chunk):
                self._rows[lk][k] = (en, tg)

    def lookup_de_many(self, terms: Any) -> dict[str, _Entry]:
        """``{term: (english renderings, tags)}`` for every term (empty entry if unknown)."""
        out: dict[str, _Entry] = {}
        todo = []
        memo = self._de
        keys = self._keys
        for t in terms:
            e = memo.get(t)
            if e is None:
                if keys is not None and t.lower() not in keys:
                    # no key, no entry: most n-grams and compound probes end here, no SQL
                    memo[t] = out[t] = _NO_ENTRY
                else:
                    todo.append(t)
            else:
                out[t] = e
        if todo:
            self._rows_many(t.lower() for t in todo)
            for t in todo:
                e = self._pick(t, self._rows[t.lower()])
                self._de[t] = e
                out[t] = e
        return out

    def attested_bigrams(self, pairs: Any) -> set[tuple[str, str]]:
        """The German word pairs (from ``pairs``) that occur adjacently anywhere in Ding's
        German text, entries and example sentences, up to inflection (:func:`bigram_stem`)."""
        keys = {p: f"{bigram_stem(p[0])} {bigram_stem(p[1])}" for p in pairs}
        todo = sorted({k for k in keys.values() if k not in self._bi})
        for i in range(0, len(todo), 500):
            chunk = todo[i : i + 500]
            hits = {
                r[0]
                for r in self._query(f"SELECT k FROM bi WHERE k IN ({','.join('?' * len(chunk))})", chunk)
            }
            for k in chunk:
                self._bi[k] = k in hits
        return {p for p, k in keys.items() if self._bi[k]}

    def has_de_exact_many(self, terms: Any) -> set[str]:
        """The terms Ding has with exactly their capitalisation (one query for all)."""
        terms = list(terms)
        self._rows_many(t.lower() for t in terms)
        return {t for t in terms if t in self._rows[t.lower()]}

    def has_de_exact(self, term: str) -> bool:
        """True if Ding has ``term`` with exactly this capitalisation."""
        lk = term.lower()
        if lk not in self._rows:
            self._rows_many([lk])
        return term in self._rows[lk]

    def lookup_en_many(self, terms: Any) -> dict[str, tuple[str, ...]]:
        """``{term: german renderings}`` for English terms (case-insensitive)."""
        out: dict[str, tuple[str, ...]] = {}
        todo = []
        for t in terms:
            e = self._en.get(t.lower())
            if e is None:
                todo.append(t.lower())
            else:
                out[t] = e
        if todo:
            keys = sorted(set(todo))
            found: dict[str, tuple[str, ...]] = {}
            for i in range(0, len(keys), 500):
                chunk = keys[i : i + 500]
                q = f"SELECT k, de FROM en WHERE k IN ({','.join('?' * len(chunk))})"
                for k, d in self._query(q, chunk):
                    found[k] = tuple(d.split("\t"))
            for k in keys:
                self._en[k] = found.get(k, ())
            for t in terms:
                out[t] = self._en[t.lower()]
        return out

    def _entry(self, term: str) -> _Entry:
        e = self._de.get(term)
        return e if e is not None else self.lookup_de_many([term])[term]

    def de_en(self, term: str) -> tuple[str, ...]:
        """English renderings of a German term (exact case, then lower, then capitalised)."""
        return self._entry(term)[0]

    def en_de(self, term: str) -> tuple[str, ...]:
        """German renderings of an English term (case-insensitive; "to " optional for verbs)."""
        e = self._en.get(term.lower())
        return e if e is not None else self.lookup_en_many([term])[term]

    def has_de(self, term: str) -> bool:
        return bool(self._entry(term)[0])

    def has_en(self, term: str) -> bool:
        return bool(self.en_de(term))

    def tags(self, term: str) -> frozenset[str]:
        """Ding's grammatical tags of a German term (case as resolved by :meth:`de_en`):
        genders ``m f n``, ``pl``, or a part of speech (``adj``, ``adv``, ``vt``...)."""
        return self._entry(term)[1]

    def gender(self, noun: str) -> str | None:
        """Grammatical gender (``"m"``, ``"f"``, ``"n"``) of a German noun in the singular,
        ``"pl"`` if Ding only knows it as a plural, ``None`` if unknown. Ambiguous nouns
        (``{m,f}``) give the genders joined with ``","``."""
        tags = self.tags(noun)
        g = [x for x in _GENDERS if x in tags]
        if g:
            return ",".join(g)
        if "pl" in tags:
            return "pl"
        return None


def _file_sha256(path: Path, index_file: Path) -> str:
    """SHA-256 of ``path``, memoised by (path, size, mtime) in a small JSON index."""
    st = path.stat()
    key = f"{path}:{st.st_size}:{st.st_mtime_ns}"
    index: dict[str, str] = {}
    try:
        index = json.loads(index_file.read_text())
        if key in index:
            return index[key]
    except (OSError, ValueError):
        index = {}
    h = hashlib.sha256()
    with open(path, "rb") as fh:
        for chunk in iter(lambda: fh.read(1 << 20), b""):
            h.update(chunk)
    index[key] = h.hexdigest()
    try:
        tmp = index_file.with_name(index_file.name + f".{os.getpid()}.tmp")
        tmp.write_text(json.dumps(index))
        tmp.replace(index_file)
    except OSError:  # pragma: no cover - read-only cache dir
        pass
    return index[key]


def load_ding(cache_dir: str | os.PathLike[str] | None = None, path: str | None = None) -> Ding:
    """Open Ding, compiling it into ``<cache>/ding-<sha256[:16]>-v<format>.sqlite`` on first use.

    The first run parses the 25 MB source (tens of seconds on a slow core); later runs
    only open the SQLite file (milliseconds) and look terms up on demand.
    """
    src = Path(path) if path else find_ding()
    if src is None or not src.is_file():
        where = f"{src}: no such file" if path else ding_looked_in()
        raise ResourceMissing(
            f"the Ding German-English dictionary is not installed ({where}); "
            f"install it with: {INSTALL_DING}; {WITHOUT_DICTIONARIES}"
        )
    cdir = _cache_dir(cache_dir)
    sha = _file_sha256(src, cdir / "ding-hashes.json")
    name = ding_cache_name(sha)
    compiled = _compiled(cdir, name, lambda p: compile_ding(src, p), DING_CACHE_FORMAT)
    try:
        return Ding(compiled, path=str(src), sha256=sha)
    except (sqlite3.Error, KeyError, ValueError) as exc:  # matches its manifest, yet unreadable
        log.warning("compiled cache %s is unreadable (%s); recompiling it", compiled, exc)
        _cache.discard(compiled)
        compiled = _compiled(cdir, name, lambda p: compile_ding(src, p), DING_CACHE_FORMAT)
        return Ding(compiled, path=str(src), sha256=sha)


def ding_cache_name(sha256: str) -> str:
    """File name of the compiled Ding for a source file with this SHA-256."""
    return f"ding-{sha256[:16]}-v{DING_CACHE_FORMAT}.sqlite"


def ding_status(cache_dir: str | os.PathLike[str] | None = None) -> ResourceStatus:
    p = find_ding()
    version = None
    if p:
        try:
            with open(p, encoding="utf-8", errors="replace") as fh:
                first = fh.readline()
            version = first.split("::", 1)[1].strip() if "::" in first else None
        except OSError:
            pass
    return ResourceStatus(
        name="Ding German-English dictionary (trans-de-en)",
        found=p is not None,
        version=version,
        path=str(p) if p else None,
        install=None if p else INSTALL_DING,
        note=_cache_note(p, cache_dir) if p else ding_looked_in(),
    )


def _cache_note(src: Path, cache_dir: str | os.PathLike[str] | None) -> str:
    try:
        cdir = _cache_dir(cache_dir)
        sha = _file_sha256(src, cdir / "ding-hashes.json")
    except _cache.CacheError as exc:
        return str(exc)
    except OSError as exc:
        return f"cache directory unusable: {exc}"
    compiled = cdir / ding_cache_name(sha)
    if compiled.is_file():
        return f"compiled cache: {compiled}"
    return f"will be compiled on first use (about a minute) into {compiled}"


# --------------------------------------------------------------------------- Hunspell


def find_hunspell_dict(lang: str = HUNSPELL_LANG) -> Path | None:
    """Base path (without extension) of the Hunspell dictionary for ``lang``
    (in ``$AUDITOR_HUNSPELL_DIR`` if set, and only there)."""
    for d in _hunspell_dirs():
        for name in HUNSPELL_NAMES:
            base = Path(d).expanduser() / name.format(lang=lang)
            if Path(f"{base}.dic").is_file() and Path(f"{base}.aff").is_file():
                return base
    return None


def _hunspell_dirs() -> list[str]:
    env = os.environ.get("AUDITOR_HUNSPELL_DIR")
    if env:
        return [env]
    dicpath = [d for d in os.environ.get("DICPATH", "").split(os.pathsep) if d]  # Hunspell's own variable
    return dicpath + list(HUNSPELL_DIRS)


def hunspell_looked_in(lang: str = HUNSPELL_LANG) -> str:
    """Where :func:`find_hunspell_dict` looked, for messages."""
    env = os.environ.get("AUDITOR_HUNSPELL_DIR")
    if env:
        what = "no such directory" if not Path(env).expanduser().is_dir() else f"no {lang}.dic/.aff in it"
        return f"AUDITOR_HUNSPELL_DIR={env}: {what}"
    return f"no {lang}.dic/.aff in " + ", ".join(_hunspell_dirs()) + " (set AUDITOR_HUNSPELL_DIR to the folder)"


class Speller:
    """German spell checker with a per-word memo. ``check(word)``, ``suggest(word)``."""

    def __init__(self, base: Path) -> None:
        self.base = base
        self._memo: dict[str, bool] = {}
        self.backend: str
        try:
            import hunspell  # type: ignore[import-not-found]

            h = hunspell.HunSpell(f"{base}.dic", f"{base}.aff")
            self._check: Callable[[str], bool] = h.spell
            self._suggest: Callable[[str], list[str]] = h.suggest
            self.backend = "hunspell"
        except ImportError:
            from spylls.hunspell import Dictionary  # type: ignore[import-not-found]

            d = Dictionary.from_files(str(base))
            self._check = d.lookup
            self._suggest = lambda w: list(d.suggest(w))
            self.backend = "spylls"

    def check(self, word: str) -> bool:
        r = self._memo.get(word)
        if r is None:
            try:
                r = bool(self._check(word))
            except (UnicodeError, ValueError):
                r = False
            self._memo[word] = r
        return r

    def suggest(self, word: str) -> list[str]:
        try:
            return list(self._suggest(word))
        except (UnicodeError, ValueError):
            return []


def _version(dist: str) -> str | None:
    try:
        return metadata.version(dist)
    except metadata.PackageNotFoundError:
        return None


def load_speller() -> Speller:
    base = find_hunspell_dict()
    if base is None:
        raise ResourceMissing(
            f"the German Hunspell dictionary ({HUNSPELL_LANG}.dic/.aff) is not installed "
            f"({hunspell_looked_in()}); install it with: {INSTALL_HUNSPELL_DICT}; {WITHOUT_DICTIONARIES}"
        )
    if _version("hunspell") is None and _version("spylls") is None:
        raise ResourceMissing(
            f"no Hunspell binding for Python is installed; install it with: {INSTALL_HUNSPELL}"
        )
    return Speller(base)


def hunspell_dict_status() -> ResourceStatus:
    base = find_hunspell_dict()
    version = None
    if base:
        try:
            with open(f"{base}.aff", encoding="utf-8", errors="replace") as fh:
                for line in fh:
                    if line.startswith("# Version:"):
                        version = line.split(":", 1)[1].strip()
                        break
        except OSError:
            pass
    return ResourceStatus(
        name=f"Hunspell dictionary {HUNSPELL_LANG} (hunspell-de-de)",
        found=base is not None,
        version=version,
        path=f"{base}.dic" if base else None,
        install=None if base else INSTALL_HUNSPELL_DICT,
        note=None if base else hunspell_looked_in(),
    )


def hunspell_binding_status() -> ResourceStatus:
    v = _version("hunspell")
    if v:
        return ResourceStatus(
            name="hunspell (Python binding)", found=True, version=v, path=_module_path("hunspell")
        )
    sv = _version("spylls")
    if sv:
        return ResourceStatus(
            name="hunspell (Python binding)",
            found=True,
            version=f"spylls {sv}",
            path=_module_path("spylls"),
            note="using the pure-Python fallback spylls (~250x slower); for the C binding: "
            "pip install 'mt-auditor[fast]' (needs libhunspell's headers: apt-get install libhunspell-dev, "
            "brew install hunspell)",
        )
    return ResourceStatus(name="hunspell (Python binding)", found=False, install=INSTALL_HUNSPELL)


def _module_path(module: str) -> str | None:
    import importlib.util

    try:
        spec = importlib.util.find_spec(module)
    except (ImportError, ValueError):
        return None
    if spec is None:
        return None
    if spec.origin and spec.origin not in ("namespace", "built-in"):
        return str(Path(spec.origin).parent if spec.origin.endswith("__init__.py") else spec.origin)
    locs = list(spec.submodule_search_locations or [])
    return locs[0] if locs else None


def _pip_status(dist: str, module: str, name: str, required: bool, note: str | None = None) -> ResourceStatus:
    v = _version(dist)
    return ResourceStatus(
        name=name + ("" if required else " (optional)"),
        found=v is not None,
        version=v,
        path=_module_path(module) if v else None,
        install=None
        if v
        else INSTALL_PIP.format(dist if dist != "lingua-language-detector" else dist + "==2.1.1"),
        note=note,
    )


def wordfreq_status() -> ResourceStatus:
    return _pip_status("wordfreq", "wordfreq", "wordfreq (German/English word frequencies)", True)


def simplemma_status() -> ResourceStatus:
    return _pip_status("simplemma", "simplemma", "simplemma (German lemmas)", True)


def hanta_status() -> ResourceStatus:
    return _pip_status(
        "HanTa",
        "HanTa",
        "HanTa (German POS tagger)",
        False,
        note="not used by default: ~8 ms a sentence would break the 100 segments/s budget; "
        "Ding's gender/POS tags and simplemma lemmas cover what the detectors need",
    )


def lingua_status() -> ResourceStatus:
    return _pip_status(
        "lingua-language-detector",
        "lingua",
        "lingua (language identification)",
        False,
        note="not used by default: as a veto on English leftovers it changed no finding on "
        "dev.jsonl and costs ~2 s of model loading",
    )


def statuses(cache_dir: str | os.PathLike[str] | None = None) -> list[ResourceStatus]:
    """Every resource of the lexical engine, found or not (cheap: nothing is loaded)."""
    return [
        ding_status(cache_dir),
        hunspell_dict_status(),
        hunspell_binding_status(),
        wordfreq_status(),
        simplemma_status(),
        hanta_status(),
        lingua_status(),
    ]


# --------------------------------------------------------------------------- bundle


class _KV:
    """A read-only SQLite key-value table compiled once into the cache, memoised lookups."""

    def __init__(self, path: Path) -> None:
        self.path = path
        self._con = sqlite3.connect(f"file:{path}?mode=ro", uri=True, check_same_thread=False)

    def _get(self, sql: str, args: Any) -> list[Any]:
        return _guarded(self.path, self._con, sql, args)

    @staticmethod
    def build(path: Path, rows: Any, columns: int) -> None:
        """Write the table to a temporary beside ``path``, then rename; the temporary never survives a failure."""
        tmp = path.with_name(path.name + f".{os.getpid()}.tmp")
        try:
            tmp.unlink(missing_ok=True)
            con = sqlite3.connect(tmp)
            try:
                cols = ", ".join(f"v{i} " for i in range(columns))
                con.executescript(
                    f"PRAGMA journal_mode=OFF; PRAGMA synchronous=OFF; "
                    f"CREATE TABLE kv (k TEXT PRIMARY KEY, {cols}) WITHOUT ROWID;"
                )
                con.executemany(f"INSERT OR IGNORE INTO kv VALUES (?{',?' * columns})", rows)
                con.commit()
            finally:
                con.close()
            tmp.replace(path)
        except (OSError, sqlite3.Error) as exc:
            raise _cache.compile_error(path, exc) from None
        finally:
            tmp.unlink(missing_ok=True)


#: what each compiled table is, and roughly how long its first compilation takes here
_COMPILE_NOTES = {
    "ding": ("the Ding dictionary", "about a minute"),
    "wordfreq": ("wordfreq's word frequencies", "about 5 s"),
    "simplemma": ("simplemma's lemma lists", "about 5 s"),
}


def _compiled(cdir: Path, name: str, build: Callable[[Path], None], fmt: int = TABLE_CACHE_FORMAT) -> Path:
    """``cdir/name``, compiled by ``build`` when absent or damaged (checked against its manifest)."""
    path = cdir / name
    kind = name.split("-")[0]
    what, how_long = _COMPILE_NOTES.get(kind, (kind, "a while"))
    damage = None
    if path.is_file():
        damage = _cache.check(path, kind, fmt)
        if damage is None:
            return path
    with _compile_lock(path):
        if path.is_file() and _cache.check(path, kind, fmt) is None:
            return path  # another process compiled it while we waited
        _cache.discard(path)
        if damage:
            log.warning("compiled cache %s is damaged (%s); recompiling it (%s)", path, damage, how_long)
        else:
            log.warning("compiling %s into %s (once; %s)", what, path, how_long)
        t0 = time.perf_counter()
        build(path)
        try:
            if _cache.read_manifest(path) is None:
                _cache.record(path, kind, fmt)
        except (OSError, sqlite3.Error) as exc:
            raise _cache.compile_error(path, exc) from None
        _remove_stale(cdir, kind + "-*.sqlite", path)
        log.info("compiled %s in %.1fs", path, time.perf_counter() - t0)
    return path


@contextlib.contextmanager
def _compile_lock(path: Path) -> Iterator[None]:
    """A file lock beside ``path``, so that two processes never compile into one cache at once."""
    from filelock import FileLock

    lock = FileLock(str(path) + ".lock")
    try:
        lock.acquire()
    except OSError as exc:  # read-only or vanished cache directory
        raise _cache.compile_error(path, exc) from None
    try:
        yield
    finally:
        lock.release()


def _remove_stale(cdir: Path, pattern: str, keep: Path) -> None:
    """Delete older compiled files of the same kind (other format or source hash)."""
    for old in cdir.glob(pattern):
        if old != keep:
            try:
                old.unlink()
                Path(str(old) + ".lock").unlink(missing_ok=True)
                Path(str(old) + ".keys").unlink(missing_ok=True)
                _cache.manifest_path(old).unlink(missing_ok=True)
            except OSError:  # pragma: no cover - in use on a strange filesystem
                pass


_TOKEN_SPLIT = re.compile(r"[^\w]+")


class FreqTable(_KV):
    """wordfreq Zipf frequencies (German and English) from a compiled cache.

    Loading wordfreq's own lists costs ~3 s per process on a slow core; this table
    (built once from ``wordfreq.get_frequency_dict``) answers in microseconds. Like
    wordfreq, words are lowercased and multi-token input (``NATO-Allianz``) combines
    its parts' frequencies (1/f = sum 1/f_i). ``zipf_frequency(word, lang)`` mirrors
    wordfreq's function so callers can use either.
    """

    def __init__(self, path: Path) -> None:
        super().__init__(path)
        self._memo: dict[str, tuple[float, float]] = {}

    @classmethod
    def build_rows(cls) -> Any:
        import math

        import wordfreq

        de = wordfreq.get_frequency_dict("de")
        en = wordfreq.get_frequency_dict("en")
        for w in set(de) | set(en):
            fd, fe = de.get(w, 0.0), en.get(w, 0.0)
            yield (
                w,
                round(math.log10(fd) + 9, 2) if fd > 0 else 0.0,
                round(math.log10(fe) + 9, 2) if fe > 0 else 0.0,
            )

    def prefetch(self, words: Any) -> None:
        """Resolve many words in few queries (fills the memo)."""
        memo = self._memo
        todo = sorted({low for low in (w.lower() for w in words) if low not in memo})
        for i in range(0, len(todo), 900):
            chunk = todo[i : i + 900]
            q = f"SELECT k, v0, v1 FROM kv WHERE k IN ({','.join('?' * len(chunk))})"
            for k in chunk:
                self._memo[k] = (0.0, 0.0)
            for k, a, b in self._get(q, chunk):
                self._memo[k] = (float(a), float(b))

    def _one(self, token: str) -> tuple[float, float]:
        """A token nobody prefetched: one query, then memoised."""
        rows = self._get("SELECT v0, v1 FROM kv WHERE k = ?", (token,))
        row = rows[0] if rows else None
        r = self._memo[token] = (float(row[0]), float(row[1])) if row else (0.0, 0.0)
        return r

    def zipf_frequency(self, word: str, lang: str) -> float:
        """Zipf frequency of the whole lowercased token as the table has it (0 when absent).

        Why the whole token, always: :meth:`prefetch` puts whole tokens in the memo, and the
        old fallback (combining a hyphenated token's parts, as wordfreq does) ran only for
        tokens nobody had prefetched. The answer then depended on the documents scored before
        in the same process: serial and ``--jobs 2`` disagreed on one dev record's gloss. The
        calibrated detectors were fitted on the prefetched answers, which this keeps."""
        low = word.lower()
        r = self._memo.get(low)  # the memo read inline: this is called for every word and rendering
        if r is None:
            r = self._one(low)
        return r[0] if lang == "de" else r[1]

    zipf = zipf_frequency


class LemmaTable(_KV):
    """simplemma's German and English lemma dictionaries from a compiled cache.

    ``lemmatize(word, lang)`` tries the word as written, lowercased and capitalised
    (simplemma's dictionary strategy, without its slower rule fallbacks); unknown words
    are returned unchanged.
    """

    def __init__(self, path: Path) -> None:
        super().__init__(path)
        self._memo: dict[tuple[str, str], str] = {}

    @classmethod
    def build_rows(cls) -> Any:
        from simplemma.strategies.dictionaries import DefaultDictionaryFactory

        f = DefaultDictionaryFactory()
        for lang in ("de", "en"):
            for k, v in f.get_dictionary(lang).items():
                yield (f"{lang}:{k}", v)

    def prefetch(self, words: Any, lang: str = "de") -> None:
        """Lemmatise many words in few queries (fills the memo)."""
        todo = sorted({w for w in words if (w, lang) not in self._memo})
        keys: dict[str, list[str]] = {}
        for w in todo:
            for form in (w, w.lower(), w[:1].upper() + w[1:].lower()):
                keys.setdefault(f"{lang}:{form}", [])
        found: dict[str, str] = {}
        klist = sorted(keys)
        for i in range(0, len(klist), 900):
            chunk = klist[i : i + 900]
            q = f"SELECT k, v0 FROM kv WHERE k IN ({','.join('?' * len(chunk))})"
            found.update(self._get(q, chunk))
        for w in todo:
            r = w
            for form in (w, w.lower(), w[:1].upper() + w[1:].lower()):
                hit = found.get(f"{lang}:{form}")
                if hit:
                    r = hit
                    break
            self._memo[(w, lang)] = r

    def lemmatize(self, word: str, lang: str = "de") -> str:
        key = (word, lang)
        r = self._memo.get(key)
        if r is None:
            forms = [f"{lang}:{f}" for f in dict.fromkeys((word, word.lower(), word[:1].upper() + word[1:].lower()))]
            found = dict(self._get(f"SELECT k, v0 FROM kv WHERE k IN ({','.join('?' * len(forms))})", forms))
            r = next((found[f] for f in forms if found.get(f)), word)  # first form in order wins
            self._memo[key] = r
        return r


def _table_name(dist: str) -> str:
    return f"{dist}-{_version(dist) or 'unknown'}-v{TABLE_CACHE_FORMAT}.sqlite"


def load_freq(cache_dir: str | os.PathLike[str] | None = None) -> FreqTable:
    return FreqTable(
        _compiled(_cache_dir(cache_dir), _table_name("wordfreq"), lambda p: _KV.build(p, FreqTable.build_rows(), 2))
    )


def load_lemmas(cache_dir: str | os.PathLike[str] | None = None) -> LemmaTable:
    return LemmaTable(
        _compiled(
            _cache_dir(cache_dir), _table_name("simplemma"), lambda p: _KV.build(p, LemmaTable.build_rows(), 1)
        )
    )


def compile_caches(cache_dir: str | os.PathLike[str] | None = None, echo: Callable[[str], None] = print) -> None:
    """Compile (or heal) every compiled table now, one progress line per step (``doctor --compile``)."""
    steps: list[tuple[str, Callable[[], Any]]] = [
        ("Ding dictionary", lambda: load_ding(cache_dir).use_key_filter()),
        ("wordfreq frequencies", lambda: load_freq(cache_dir)),
        ("simplemma lemmas", lambda: load_lemmas(cache_dir)),
    ]
    for i, (label, step) in enumerate(steps, 1):
        echo(f"[{i}/{len(steps)}] {label}: checking, compiling if needed ...")
        t0 = time.perf_counter()
        step()
        echo(f"[{i}/{len(steps)}] {label}: ready ({time.perf_counter() - t0:.1f} s)")


def _keys_note(keys: list[str] | None, damage: str | None) -> str:
    if damage == _cache.LEGACY_KEYS:
        return f"{damage}; the next run rebuilds it"
    return f"damaged: {damage}" if damage else f"verified ({len(keys or ())} keys)"


def cache_statuses(cache_dir: str | os.PathLike[str] | None = None) -> list[ResourceStatus]:
    """The deep check ``doctor`` runs on every compiled table: whole-file hash and row counts
    against the manifest recorded at compile time, and the key list's count and checksum."""
    try:
        cdir = _cache_dir(cache_dir)
    except _cache.CacheError as exc:
        return [ResourceStatus(name="compiled caches", found=False, note=str(exc), install=str(exc).split("; ")[-1])]
    files: list[tuple[str, str, Path | None, int]] = []
    src = find_ding()
    if src is not None:
        sha = _file_sha256(src, cdir / "ding-hashes.json")
        files.append(("compiled Ding dictionary", "ding", cdir / ding_cache_name(sha), DING_CACHE_FORMAT))
    files.append(("compiled wordfreq table", "wordfreq", cdir / _table_name("wordfreq"), TABLE_CACHE_FORMAT))
    files.append(("compiled simplemma table", "simplemma", cdir / _table_name("simplemma"), TABLE_CACHE_FORMAT))
    out = []
    heal = "auditor doctor --compile   (or any run: it recompiles damaged tables)"
    for label, kind, path, fmt in files:
        assert path is not None
        if not path.is_file():
            out.append(ResourceStatus(name=label, found=True, path=str(path),
                                      note="not compiled yet: the first run compiles it, or `auditor doctor --compile`"))
            continue
        damage = _cache.check(path, kind, fmt, deep=True)
        m = _cache.read_manifest(path)
        rows = ", ".join(f"{k} {v}" for k, v in m.rows.items()) if m and damage is None else None
        out.append(ResourceStatus(name=label, found=damage is None, path=str(path),
                                  note=f"damaged: {damage}" if damage else f"verified ({rows} rows)",
                                  install=heal if damage else None))
        if kind == "ding":
            keys_path = Path(str(path) + ".keys")
            keys, kdamage = _cache.read_keys(keys_path)
            if keys is not None or kdamage:
                out.append(ResourceStatus(name="compiled Ding key list", found=kdamage in (None, _cache.LEGACY_KEYS),
                                          path=str(keys_path),
                                          note=_keys_note(keys, kdamage),
                                          install=heal if kdamage and kdamage != _cache.LEGACY_KEYS else None))
    return out


@dataclass
class LexicalResources:
    """Everything the lexical detectors use, loaded once per engine.

    Attributes:
        ding: the Ding dictionary (:class:`Ding`).
        speller: German Hunspell (:class:`Speller`, ``check``/``suggest``).
        wordfreq: a :class:`FreqTable` with wordfreq's ``zipf_frequency(word, lang)``
            (compiled from wordfreq's lists; much faster to start than the module), or None.
        lemmas: a :class:`LemmaTable` with ``lemmatize(word, lang)`` (simplemma's
            German and English dictionaries), or None.
    """

    ding: Ding
    speller: Speller
    wordfreq: Any = None
    lemmas: Any = None
    _memos: dict[str, dict[Any, Any]] = field(default_factory=dict, repr=False)

    def memo(self, name: str) -> dict[Any, Any]:
        """The memo named ``name``: answers a detector derives from these resources alone
        (a word's spelling verdict, its best English rendering), kept for the bundle's life.

        Why here: such an answer is a function of the word and of these dictionaries only,
        so it is valid exactly as long as the bundle; a memo owned by the bundle goes with
        it, where one attached to it from outside would be invisible state."""
        m = self._memos.get(name)
        if m is None:
            m = self._memos[name] = {}
        return m

    def lemma(self, word: str, lang: str = "de") -> str:
        """Lemma of a word (simplemma dictionary), the word itself if unknown."""
        return self.lemmas.lemmatize(word, lang) if self.lemmas is not None else word

    def zipf(self, word: str, lang: str) -> float:
        """wordfreq Zipf frequency (0 = unseen, 3 = once per million words, 7 = "the")."""
        return self.wordfreq.zipf_frequency(word, lang) if self.wordfreq is not None else 0.0


def load_resources(cache_dir: str | os.PathLike[str] | None = None) -> LexicalResources:
    """Load every required resource; raise ResourceMissing listing all that are absent."""
    missing = [s for s in statuses(cache_dir) if not s.found and "(optional)" not in s.name]
    if missing:
        lines = "; ".join(
            f"{s.name}" + (f" [{s.note}]" if s.note else "") + f": {s.install}" for s in missing
        )
        raise ResourceMissing(f"lexical engine: missing resource(s): {lines}; {WITHOUT_DICTIONARIES}")
    ding = load_ding(cache_dir)
    speller = load_speller()
    return LexicalResources(
        ding=ding, speller=speller, wordfreq=load_freq(cache_dir), lemmas=load_lemmas(cache_dir)
    )
