"""Issue 11, caches that heal: damage to a compiled table is found when it is opened,
recompiled with a one-line notice, and gives the same findings as before; ``doctor``
reports the same damage; an unusable cache location is exit 2 with one line.

Every test works on a private copy of the compiled cache (``AUDITOR_CACHE``), never
on the user's cache.
"""

from __future__ import annotations

import json
import os
import shutil
import subprocess
import sys
from pathlib import Path

import pytest
from click.testing import CliRunner

from auditor.cli import main
from auditor.resources import cache as rc
from auditor.resources import cache_dir
from auditor.resources import lexical as lx

pytestmark = pytest.mark.skipif(lx.find_ding() is None, reason="Ding (trans-de-en) not installed")

SMALL_DING = "".join(
    f"Wort{i} {{n}}; Begriff{i} {{m}} | Wörter{i} {{pl}} :: word{i}; term{i} | words{i}\n" for i in range(400)
) + "Punkt {m} | Punkte {pl} :: full stop; period | full stops\nFriedensvertrag {m} :: peace treaty\n"

AUDITOR = os.path.join(os.path.dirname(sys.executable), "auditor")


@pytest.fixture()
def cache(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    """A private copy of the user's compiled cache, used by every command of the test through
    AUDITOR_CACHE. The user's cache is completed first, as any run does (compiled once, so that
    each test copies instead of compiling the dictionary again)."""
    real = cache_dir()
    lx.compile_caches(real, echo=lambda line: None)
    copy = tmp_path / "cache"
    copy.mkdir()
    for f in real.iterdir():
        if f.is_file() and not f.name.endswith((".lock", ".tmp")):
            shutil.copy2(f, copy / f.name)
    monkeypatch.setenv("AUDITOR_CACHE", str(copy))
    return copy


def _one(cache: Path, pattern: str) -> Path:
    (path,) = cache.glob(pattern)
    return path


def _findings(args: list[str]) -> tuple[list[object], str]:
    r = subprocess.run([AUDITOR, *args], capture_output=True, text=True, timeout=600)
    assert r.returncode == 0, r.stderr
    return [json.loads(line)["spans"] for line in r.stdout.splitlines()], r.stderr


def _doctor_caches() -> tuple[int, dict[str, dict[str, object]]]:
    r = CliRunner().invoke(main, ["doctor", "--json"])
    return r.exit_code, {c["name"]: c for c in json.loads(r.stdout)["caches"]}


@pytest.fixture()
def dev40(tmp_path: Path, dev_jsonl: Path) -> Path:
    """40 dev records with their sources: the aligner reads the Ding key list on these."""
    lines = dev_jsonl.read_text(encoding="utf-8").splitlines()[:40]
    path = tmp_path / "dev40.jsonl"
    path.write_text("\n".join(lines) + "\n", encoding="utf-8")
    return path


def test_truncated_key_list_is_rebuilt_and_findings_do_not_change(cache: Path, dev40: Path) -> None:
    args = ["score", str(dev40), "--engine", "lexical", "--format", "jsonl"]
    before, _ = _findings(args)
    keys = _one(cache, "ding-*.sqlite.keys")
    assert rc.read_keys(keys)[0] is not None  # the reference run left an intact, checked list
    with open(keys, "r+b") as fh:
        fh.truncate(keys.stat().st_size // 2)
    code, caches = _doctor_caches()
    assert code == 3 and caches["compiled Ding key list"]["found"] is False
    assert "checksum" in str(caches["compiled Ding key list"]["note"])

    after, stderr = _findings(args)
    assert after == before  # the old code read the half list: 42 findings instead of 43 here
    assert stderr.count("\n") == 1 and f"{keys} is damaged (" in stderr, stderr  # one line
    assert rc.read_keys(keys)[0] is not None
    assert _doctor_caches()[1]["compiled Ding key list"]["found"] is True


def _zero_middle(path: Path, size: int = 1 << 20) -> None:
    """Overwrite ``size`` bytes in the middle with zeros and put the mtime back."""
    st = path.stat()
    fd = os.open(path, os.O_WRONLY)
    try:
        os.pwrite(fd, b"\0" * size, st.st_size // 2)
    finally:
        os.close(fd)
    os.utime(path, ns=(st.st_atime_ns, st.st_mtime_ns))


def test_damage_in_the_middle_of_the_compiled_ding_is_found_on_open(cache: Path) -> None:
    ding = _one(cache, "ding-*.sqlite")
    assert rc.check(ding, "ding", lx.DING_CACHE_FORMAT) is None
    _zero_middle(ding)  # the probe's `dd conv=notrunc`, with the mtime restored on top
    assert "differs" in str(rc.check(ding, "ding", lx.DING_CACHE_FORMAT))
    code, caches = _doctor_caches()
    assert code == 3 and caches["compiled Ding dictionary"]["found"] is False


@pytest.mark.parametrize("damage", ["zero-middle", "empty"])
def test_damaged_wordfreq_table_is_recompiled_with_one_notice_and_same_findings(
    cache: Path, damage: str, tmp_path: Path
) -> None:
    text = Path(__file__).parent.parent / "corpora" / "mt-sample-de.txt"
    args = ["score", str(text), "--engine", "lexical", "--format", "jsonl"]
    before, _ = _findings(args)
    table = _one(cache, "wordfreq-*.sqlite")
    if damage == "empty":
        table.write_bytes(b"")
    else:
        _zero_middle(table)
    assert _doctor_caches()[1]["compiled wordfreq table"]["found"] is False
    after, stderr = _findings(args)
    assert after == before
    assert stderr.count("\n") == 1 and " is damaged (" in stderr, stderr  # one line
    assert rc.check(table, "wordfreq", lx.TABLE_CACHE_FORMAT, deep=True) is None
    assert not list(cache.glob("*.tmp"))


def test_small_ding_damaged_in_the_middle_heals_with_the_same_answers(tmp_path: Path) -> None:
    src = tmp_path / "de-en"
    src.write_text(SMALL_DING, encoding="utf-8")
    ding = lx.load_ding(cache_dir=tmp_path / "c", path=str(src))
    before = (ding.de_en("Punkt"), ding.en_de("peace treaty"), len(ding))
    compiled = Path(ding.db_path)
    ding._con.close()
    _zero_middle(compiled, 4096)
    healed = lx.load_ding(cache_dir=tmp_path / "c", path=str(src))
    assert (healed.de_en("Punkt"), healed.en_de("peace treaty"), len(healed)) == before


def test_cache_location_that_is_a_file_is_exit_2_with_one_line(tmp_path: Path) -> None:
    blocker = tmp_path / "file"
    blocker.write_text("x")
    text = Path(__file__).parent.parent / "corpora" / "mt-sample-de.txt"
    for location in (blocker, blocker / "below"):
        r = subprocess.run([AUDITOR, "score", str(text), "--engine", "lexical"], capture_output=True, text=True,
                           env={**os.environ, "AUDITOR_CACHE": str(location)}, timeout=120)
        assert r.returncode == 2, r.stderr
        assert r.stderr.strip().splitlines() == [r.stderr.strip()]
        assert "cannot use as the cache directory" in r.stderr and "Traceback" not in r.stderr


def _mount_tmpfs(path: Path, options: str) -> bool:
    path.mkdir(exist_ok=True)
    if os.geteuid() != 0 or not shutil.which("mount"):
        return False
    return subprocess.run(["mount", "-t", "tmpfs", "-o", options, "tmpfs", str(path)],
                          capture_output=True).returncode == 0


def test_read_only_empty_cache_is_exit_2_with_one_line(tmp_path: Path) -> None:
    ro = tmp_path / "ro"
    mounted = _mount_tmpfs(ro, "ro,size=1m")
    if not mounted:
        if os.geteuid() == 0:
            pytest.skip("cannot make a read-only directory: root ignores permissions and mount is not allowed")
        ro.chmod(0o555)
    try:
        text = Path(__file__).parent.parent / "corpora" / "mt-sample-de.txt"
        r = subprocess.run([AUDITOR, "score", str(text), "--engine", "lexical"], capture_output=True, text=True,
                           env={**os.environ, "AUDITOR_CACHE": str(ro)}, timeout=120)
        assert r.returncode == 2, r.stderr
        assert len(r.stderr.strip().splitlines()) == 1, r.stderr
        assert "cannot compile the cache" in r.stderr and "AUDITOR_CACHE" in r.stderr
    finally:
        if mounted:
            subprocess.run(["umount", str(ro)], check=True)


def test_full_disk_while_compiling_removes_the_temporary_exit_2(tmp_path: Path) -> None:
    small = tmp_path / "small"
    if not _mount_tmpfs(small, "size=256k"):
        pytest.skip("a full disk needs a tiny tmpfs: run as root where mount is allowed")
    try:
        src = lx.find_ding()
        assert src is not None
        subset = tmp_path / "de-en"  # big enough to overflow 256 KB once compiled, quick to parse
        with open(src, encoding="utf-8", errors="replace") as fh:
            subset.write_text("".join(next(fh) for _ in range(20000)), encoding="utf-8")
        text = Path(__file__).parent.parent / "corpora" / "mt-sample-de.txt"
        r = subprocess.run([AUDITOR, "score", str(text), "--engine", "lexical"], capture_output=True, text=True,
                           env={**os.environ, "AUDITOR_CACHE": str(small), "AUDITOR_DING": str(subset)},
                           timeout=300)
        assert r.returncode == 2, r.stderr
        errors = [line for line in r.stderr.splitlines() if not line.startswith("WARNING")]
        assert len(errors) == 1 and "cannot compile the cache" in errors[0], r.stderr
        assert "Traceback" not in r.stderr
        assert not [p.name for p in small.iterdir() if p.name.endswith(".tmp")]
    finally:
        subprocess.run(["umount", str(small)], check=True)


def _compiled_then_damaged(tmp_path: Path, keys: bool = False) -> tuple[Path, Path]:
    """(source, compiled table) of a 4,000-entry dictionary whose compiled second half is
    overwritten after compilation; ``keys``: its key list is written first (undamaged)."""
    src = tmp_path / "de-en"
    src.write_text("".join(f"Wort{i} {{n}} :: word{i}\n" for i in range(4000)), encoding="utf-8")
    ding = lx.load_ding(cache_dir=tmp_path / "c", path=str(src))
    if keys:
        ding.use_key_filter()
    path = Path(ding.db_path)
    ding._con.close()
    size = path.stat().st_size
    fd = os.open(path, os.O_WRONLY)
    try:
        os.pwrite(fd, b"\xff" * (size // 2), size // 2)
    finally:
        os.close(fd)
    return src, path


def test_damage_found_only_by_a_query_stops_cleanly_and_heals_on_the_next_run(tmp_path: Path) -> None:
    src, path = _compiled_then_damaged(tmp_path)
    opened_anyway = lx.Ding(path)  # as if the open-time check had missed the damage
    with pytest.raises(rc.CacheError, match="compiled cache is damaged"):
        opened_anyway.lookup_de_many([f"Wort{i}" for i in range(0, 4000, 7)])
    assert not rc.manifest_path(path).exists()  # so that the next open checks every page
    healed = lx.load_ding(cache_dir=tmp_path / "c", path=str(src))
    assert healed.de_en("Wort3999") == ("word3999",)


def test_damage_found_by_the_aligner_stops_the_run_instead_of_unaligning_words(tmp_path: Path) -> None:
    """The aligner's dictionary views used to catch every exception and answer "no
    translation": a damaged dictionary then silently turned into unaligned words and
    different findings. The damage must reach the user as the cache error it is."""
    from auditor.engines.lexical.align import _Lexicon

    _src, path = _compiled_then_damaged(tmp_path, keys=True)  # the key list stays intact
    lex = _Lexicon(lx.Ding(path))  # as if the open-time check had missed the damage
    with pytest.raises(rc.CacheError, match="compiled cache is damaged"):
        for i in range(0, 4000, 7):
            lex.known_whole(f"Wort{i}")
    lex = _Lexicon(lx.Ding(path))
    with pytest.raises(rc.CacheError, match="compiled cache is damaged"):
        for i in range(0, 4000, 7):
            lex.en_german_words(f"word{i}")
