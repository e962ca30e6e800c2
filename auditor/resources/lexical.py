"""Resources of the lexical engine: where they are, how to load them, their status.

Resources are used from where they are installed, never copied into the repo:

* **Ding** German–English dictionary (Debian ``trans-de-en``, ``/usr/share/trans/de-en``).
  Parsed once into a compiled SQLite cache file in the user cache directory, keyed by
  the SHA-256 of the source file; later runs open it in milliseconds and look terms up
  on demand (memoised), so start-up does not pay for 900k entries.
* **Hunspell** German dictionary (Debian ``hunspell-de-de``) through the ``hunspell``
  binding (needs ``libhunspell-dev`` to build); ``spylls`` (pure Python, ~250x slower)
  is a fallback if the binding is absent.
* **wordfreq** (German and English word frequencies), **simplemma** (lemmas),
  **HanTa** (German POS tagger, optional), **lingua** (language identification,
  optional, loaded lazily).

Every resource has a ``*_status()`` function returning a
:class:`~auditor.engines.ResourceStatus` with the exact install command; ``auditor
doctor`` prints them. :func:`load_resources` raises
:class:`~auditor.errors.ResourceMissing` naming what is missing.
"""

from __future__ import annotations

import hashlib
import json
import logging
import os
import re
import sqlite3
import time
from collections.abc import Callable
from dataclasses import dataclass, field
from importlib import metadata
from pathlib import Path
from typing import Any

from auditor.engines import ResourceStatus
from auditor.errors import ResourceMissing
from auditor.resources import cache_dir as _cache_dir

log = logging.getLogger(__name__)

DING_PATHS = ("/usr/share/trans/de-en",)
HUNSPELL_DIRS = ("/usr/share/hunspell", "/usr/share/myspell", "/usr/share/myspell/dicts")
HUNSPELL_LANG = "de_DE"

INSTALL_DING = "sudo apt-get install trans-de-en"
INSTALL_HUNSPELL_DICT = "sudo apt-get install hunspell-de-de"
INSTALL_HUNSPELL = "sudo apt-get install libhunspell-dev && pip install hunspell   (or: make setup)"
INSTALL_PIP = "pip install {}   (or: make setup)"

#: bump when the compiled format or the parser changes
DING_CACHE_FORMAT = 4
#: entries longer than this (words) are examples or definitions, not terms
MAX_TERM_WORDS = 6


# --------------------------------------------------------------------------- Ding


def find_ding() -> Path | None:
    env = os.environ.get("AUDITOR_DING")
    for p in ([env] if env else []) + list(DING_PATHS):
        if p and Path(p).is_file():
            return Path(p)
    return None


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


def _clean(term: str) -> str:
    term = _ANNOT_RE.sub(" ", term)
    term = _SPACE_RE.sub(" ", term).strip(" ,;")
    return term


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
    max_de = max_en = 1
    with open(path, encoding="utf-8", errors="replace") as fh:
        for line in fh:
            if line.startswith("#") or " :: " not in line:
                continue
            left, _, right = line.rstrip("\n").partition(" :: ")
            for ls, rs in zip(_split_top(left, " | "), _split_top(right, " | ")):
                de_terms: list[str] = []
                for raw in _split_top(ls, "; "):
                    t = _clean(raw)
                    if not t or _is_example(t):
                        continue
                    de_terms.append(t)
                    if "{" in raw:
                        g = _GENDER_RE.search(raw)
                        if g:
                            tags.setdefault(t, set()).update(g.group(1).split(","))
                        else:
                            pos = _POS_RE.search(raw)
                            if pos:
                                tags.setdefault(t, set()).add(pos.group(1))
                en_terms = [t for t in (_clean(r) for r in _split_top(rs, "; ")) if t and not _is_example(t)]
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
    return {"de": de, "en": en, "tags": tags, "max_de": max_de, "max_en": max_en}


def compile_ding(src: str | os.PathLike[str], dest: str | os.PathLike[str]) -> None:
    """Parse Ding and write it as an SQLite file (written to a temp name, then renamed)."""
    data = parse_ding(src)
    dest = Path(dest)
    tmp = dest.with_name(dest.name + f".{os.getpid()}.tmp")
    if tmp.exists():
        tmp.unlink()
    con = sqlite3.connect(tmp)
    try:
        con.executescript(
            """
            PRAGMA journal_mode=OFF; PRAGMA synchronous=OFF;
            CREATE TABLE meta (k TEXT PRIMARY KEY, v TEXT);
            CREATE TABLE de (lk TEXT, k TEXT, en TEXT, tags TEXT, PRIMARY KEY (lk, k)) WITHOUT ROWID;
            CREATE TABLE en (k TEXT PRIMARY KEY, de TEXT) WITHOUT ROWID;
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
    tmp.replace(dest)


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
        self._en: dict[str, tuple[str, ...]] = {}  # memo: lowercased English -> German

    def __len__(self) -> int:
        return int(self._con.execute("SELECT count(*) FROM de").fetchone()[0])

    @staticmethod
    def _pick(term: str, rows: dict[str, tuple[str, str]]) -> _Entry:
        for k in (term, term.lower(), term[:1].upper() + term[1:]):
            r = rows.get(k)
            if r is not None:
                return tuple(r[0].split("\t")), frozenset(r[1].split("|")) if r[1] else frozenset()
        return _NO_ENTRY

    def lookup_de_many(self, terms: Any) -> dict[str, _Entry]:
        """``{term: (english renderings, tags)}`` for every term (empty entry if unknown)."""
        out: dict[str, _Entry] = {}
        todo = []
        for t in terms:
            e = self._de.get(t)
            if e is None:
                todo.append(t)
            else:
                out[t] = e
        if todo:
            lows = sorted({t.lower() for t in todo})
            found: dict[str, dict[str, tuple[str, str]]] = {}
            for i in range(0, len(lows), 500):
                chunk = lows[i : i + 500]
                q = f"SELECT lk, k, en, tags FROM de WHERE lk IN ({','.join('?' * len(chunk))})"
                for lk, k, en, tg in self._con.execute(q, chunk):
                    found.setdefault(lk, {})[k] = (en, tg)
            for t in todo:
                e = self._pick(t, found.get(t.lower(), {}))
                self._de[t] = e
                out[t] = e
        return out

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
                for k, d in self._con.execute(q, chunk):
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


_DING_MEMO: dict[tuple[str, str], Ding] = {}


def load_ding(cache_dir: str | os.PathLike[str] | None = None, path: str | None = None) -> Ding:
    """Open Ding, compiling it into ``<cache>/ding-<sha256[:16]>-v<format>.sqlite`` on first use.

    The first run parses the 25 MB source (tens of seconds on a slow core); later runs
    only open the SQLite file (milliseconds) and look terms up on demand.
    """
    src = Path(path) if path else find_ding()
    if src is None or not src.is_file():
        raise ResourceMissing(
            f"the Ding German-English dictionary is not installed (looked in {', '.join(DING_PATHS)}); "
            f"install it with: {INSTALL_DING}"
        )
    cdir = _cache_dir(cache_dir)
    sha = _file_sha256(src, cdir / "ding-hashes.json")
    memo_key = (str(cdir), sha)
    if memo_key in _DING_MEMO:
        return _DING_MEMO[memo_key]
    compiled = cdir / f"ding-{sha[:16]}-v{DING_CACHE_FORMAT}.sqlite"
    ding = None
    if compiled.is_file():
        try:
            ding = Ding(compiled, path=str(src), sha256=sha)
        except (sqlite3.Error, KeyError, ValueError) as exc:
            log.warning("Ding cache %s unreadable (%s); recompiling", compiled, exc)
            compiled.unlink(missing_ok=True)
    if ding is None:
        t0 = time.perf_counter()
        try:
            from filelock import FileLock

            lock: Any = FileLock(str(compiled) + ".lock")
        except ImportError:  # pragma: no cover
            import contextlib

            lock = contextlib.nullcontext()
        with lock:
            if not compiled.is_file():
                compile_ding(src, compiled)
        log.info("compiled Ding %s in %.1fs -> %s", src, time.perf_counter() - t0, compiled)
        ding = Ding(compiled, path=str(src), sha256=sha)
    _DING_MEMO[memo_key] = ding
    return ding


def ding_status() -> ResourceStatus:
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
        note="compiled once into the user cache (keyed by the file's SHA-256)",
    )


# --------------------------------------------------------------------------- Hunspell


def find_hunspell_dict(lang: str = HUNSPELL_LANG) -> Path | None:
    """Base path (without extension) of the Hunspell dictionary for ``lang``."""
    env = os.environ.get("AUDITOR_HUNSPELL_DIR")
    for d in ([env] if env else []) + list(HUNSPELL_DIRS):
        base = Path(d) / lang
        if base.with_suffix(".dic").is_file() and base.with_suffix(".aff").is_file():
            return base
    return None


class Speller:
    """German spell checker with a per-word memo. ``check(word)``, ``suggest(word)``."""

    def __init__(self, base: Path) -> None:
        self.base = base
        self._memo: dict[str, bool] = {}
        self.backend: str
        try:
            import hunspell  # type: ignore[import-not-found]

            h = hunspell.HunSpell(str(base.with_suffix(".dic")), str(base.with_suffix(".aff")))
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
            f"the German Hunspell dictionary ({HUNSPELL_LANG}.dic/.aff) is not installed; "
            f"install it with: {INSTALL_HUNSPELL_DICT}"
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
            with open(base.with_suffix(".aff"), encoding="utf-8", errors="replace") as fh:
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
        path=str(base.with_suffix(".dic")) if base else None,
        install=None if base else INSTALL_HUNSPELL_DICT,
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
            note="using the pure-Python fallback spylls (~250x slower); " + INSTALL_HUNSPELL,
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
    return _pip_status("HanTa", "HanTa", "HanTa (German POS tagger)", False)


def lingua_status() -> ResourceStatus:
    return _pip_status(
        "lingua-language-detector",
        "lingua",
        "lingua (language identification)",
        False,
        note="confirms English leftovers when installed",
    )


def statuses() -> list[ResourceStatus]:
    """Every resource of the lexical engine, found or not (cheap: nothing is loaded)."""
    return [
        ding_status(),
        hunspell_dict_status(),
        hunspell_binding_status(),
        wordfreq_status(),
        simplemma_status(),
        hanta_status(),
        lingua_status(),
    ]


# --------------------------------------------------------------------------- bundle


class _WordFreq:
    """Memoised ``zipf(word, lang)`` over wordfreq (which lowercases internally)."""

    def __init__(self, module: Any) -> None:
        self.module = module
        self._memo: dict[tuple[str, str], float] = {}
        self._zipf = module.zipf_frequency

    def zipf(self, word: str, lang: str) -> float:
        key = (word, lang)
        r = self._memo.get(key)
        if r is None:
            r = float(self._zipf(word, lang))
            self._memo[key] = r
        return r


@dataclass
class LexicalResources:
    """Everything the lexical detectors use, loaded once per engine.

    Attributes:
        ding: the Ding dictionary (:class:`Ding`).
        speller: German Hunspell (:class:`Speller`, ``check``/``suggest``).
        wordfreq: the ``wordfreq`` module, or None.
        freq: memoised ``freq.zipf(word, "de"|"en")`` (None if wordfreq is absent).
        hanta: a HanTa ``HanoverTagger`` for German, or None (loaded lazily via :meth:`tagger`).
        lemmatize: ``lemmatize(word) -> str`` German lemma (simplemma; identity if absent).
    """

    ding: Ding
    speller: Speller
    wordfreq: Any = None
    freq: _WordFreq | None = None
    hanta: Any = None
    lemmatize: Callable[[str], str] = field(default=lambda w: w)
    _lingua: Any = field(default=None, repr=False)
    _lemma_memo: dict[str, str] = field(default_factory=dict, repr=False)

    def lemma(self, word: str) -> str:
        r = self._lemma_memo.get(word)
        if r is None:
            r = self.lemmatize(word)
            self._lemma_memo[word] = r
        return r

    def zipf(self, word: str, lang: str) -> float:
        return self.freq.zipf(word, lang) if self.freq is not None else 0.0

    def tagger(self) -> Any:
        """HanTa tagger (loaded on first use, ~0.3 s), or None if HanTa is absent."""
        if self.hanta is None:
            try:
                from HanTa import HanoverTagger as ht  # type: ignore[import-not-found]

                self.hanta = ht.HanoverTagger("morphmodel_ger.pgz")
            except Exception:  # noqa: BLE001 - optional resource
                self.hanta = False
        return self.hanta or None

    def lingua(self) -> Any:
        """A German/English lingua detector (built on first use), or None if absent."""
        if self._lingua is None:
            try:
                from lingua import Language, LanguageDetectorBuilder  # type: ignore[import-not-found]

                self._lingua = LanguageDetectorBuilder.from_languages(
                    Language.ENGLISH, Language.GERMAN
                ).build()
            except Exception:  # noqa: BLE001 - optional resource
                self._lingua = False
        return self._lingua or None


def load_resources(cache_dir: str | os.PathLike[str] | None = None) -> LexicalResources:
    """Load every required resource; raise ResourceMissing listing all that are absent."""
    missing = [s for s in statuses() if not s.found and "(optional)" not in s.name]
    if missing:
        lines = "; ".join(f"{s.name}: {s.install}" for s in missing)
        raise ResourceMissing(f"lexical engine: missing resource(s): {lines}")
    ding = load_ding(cache_dir)
    speller = load_speller()
    import wordfreq

    try:
        import simplemma

        def lemmatize(w: str) -> str:
            return str(simplemma.lemmatize(w, lang="de"))
    except ImportError:  # pragma: no cover - checked above

        def lemmatize(w: str) -> str:
            return w

    return LexicalResources(
        ding=ding, speller=speller, wordfreq=wordfreq, freq=_WordFreq(wordfreq), lemmatize=lemmatize
    )
