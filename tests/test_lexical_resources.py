"""Resources of the lexical engine: Ding parsing and cache, Hunspell, statuses."""

from __future__ import annotations

from pathlib import Path

import pytest

from auditor.errors import ResourceMissing
from auditor.resources import cache_dir
from auditor.resources import lexical as lx

pytestmark = pytest.mark.skipif(lx.find_ding() is None, reason="Ding (trans-de-en) not installed")

DING_SAMPLE = """# Version :: test
Punkt {m}; Schlusspunkt {m} (Satzzeichen) [ling.] | Punkte {pl} | Die Diskussion ist beendet. Punkt. :: full stop [Br.]; period [Am.] | full stops; periods | This discussion is over. Full stop.
Friedensabkommen {n}; Friedensvertrag {m} [pol.] | Friedensabkommen {pl}; Friedensverträge {pl} :: peace agreement; peace treaty | peace agreements; peace treaties
anhalten {vt} {sank, sunk; sunk} :: to stop
"""


@pytest.fixture()
def small_ding(tmp_path: Path) -> lx.Ding:
    src = tmp_path / "de-en"
    src.write_text(DING_SAMPLE, encoding="utf-8")
    return lx.load_ding(cache_dir=tmp_path / "cache", path=str(src))


def test_parse_strips_annotations_and_keeps_gender(small_ding: lx.Ding) -> None:
    d = small_ding
    assert d.de_en("Punkt") == ("full stop", "period")
    assert d.en_de("Full Stop") == ("Punkt", "Schlusspunkt")
    assert d.gender("Punkt") == "m" and d.gender("Punkte") == "pl"
    assert d.gender("Friedensabkommen") == "n"  # also listed as plural
    assert "pl" in d.tags("Friedensabkommen")
    assert d.en_de("stop") == ("anhalten",) and d.en_de("to stop") == ("anhalten",)
    assert not d.has_de("Die Diskussion ist beendet. Punkt.")  # example sentences are not terms
    assert d.has_de("punkt") and not d.has_de_exact("punkt")  # lowercase fallback, exact case kept
    assert d.max_de_len >= 1 and d.max_en_len >= 2


def test_bigrams_attested_in_examples(small_ding: lx.Ding) -> None:
    assert small_ding.attested_bigrams([("Diskussion", "ist"), ("Voller", "Stopp")]) == {
        ("Diskussion", "ist")
    }


def test_cache_is_keyed_by_source_hash(tmp_path: Path) -> None:
    src = tmp_path / "de-en"
    src.write_text(DING_SAMPLE, encoding="utf-8")
    d1 = lx.load_ding(cache_dir=tmp_path / "c", path=str(src))
    files = sorted(p.name for p in (tmp_path / "c").glob("ding-*.sqlite"))
    assert files == [f"ding-{d1.sha256[:16]}-v{lx.DING_CACHE_FORMAT}.sqlite"]
    src.write_text(DING_SAMPLE + "Haus {n} :: house\n", encoding="utf-8")
    d2 = lx.load_ding(cache_dir=tmp_path / "c", path=str(src))
    assert d2.sha256 != d1.sha256 and d2.de_en("Haus") == ("house",)
    # the stale compilation of the old file is removed, the new one is keyed by the new hash
    assert sorted(p.name for p in (tmp_path / "c").glob("ding-*.sqlite")) == [
        f"ding-{d2.sha256[:16]}-v{lx.DING_CACHE_FORMAT}.sqlite"
    ]


def test_missing_ding_names_the_install_command(tmp_path: Path) -> None:
    with pytest.raises(ResourceMissing, match="apt-get install trans-de-en"):
        lx.load_ding(cache_dir=tmp_path, path=str(tmp_path / "nope"))


def test_load_resources_reports_every_missing_resource(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(lx, "DING_PATHS", ())
    monkeypatch.setattr(lx, "HUNSPELL_DIRS", ())
    monkeypatch.delenv("AUDITOR_DING", raising=False)
    monkeypatch.delenv("AUDITOR_HUNSPELL_DIR", raising=False)
    with pytest.raises(ResourceMissing) as exc:
        lx.load_resources()
    msg = str(exc.value)
    assert "apt-get install trans-de-en" in msg and "apt-get install hunspell-de-de" in msg


def test_statuses_have_versions_paths_and_install_commands() -> None:
    st = {s.name: s for s in lx.statuses()}
    ding = next(s for n, s in st.items() if n.startswith("Ding"))
    assert ding.found and ding.path == "/usr/share/trans/de-en" and ding.version
    for s in st.values():
        assert s.found or s.install, s.name


def test_cache_dir_env_override(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("AUDITOR_CACHE", str(tmp_path / "x"))
    assert cache_dir() == tmp_path / "x" and (tmp_path / "x").is_dir()
    assert cache_dir(tmp_path / "y") == tmp_path / "y"


@pytest.mark.skipif(lx.find_hunspell_dict() is None, reason="hunspell-de-de not installed")
def test_real_resources_answer() -> None:
    res = lx.load_resources()
    assert res.speller.check("Verwaltung") and not res.speller.check("TrumpVerwaltung")
    assert res.zipf("Verwaltung", "de") > 4 > res.zipf("Verwaltung", "en")
    assert res.lemma("Zölle") == "Zoll"
    assert "Punkt" in res.ding.en_de("full stop")


def test_zipf_of_a_token_does_not_depend_on_what_was_prefetched_before() -> None:
    """A hyphenated token was answered from its parts until something prefetched it whole;
    then a dev record's gloss changed with the documents scored before it in the process."""
    words = ["say-so", "e-mail", "Verwaltung", "NATO-Verbündeten"]
    cold = lx.load_freq()  # a fresh table object: empty memo
    before = {w: (cold.zipf_frequency(w, "de"), cold.zipf_frequency(w, "en")) for w in words}
    warm = lx.load_freq()
    warm.prefetch(words)
    after = {w: (warm.zipf_frequency(w, "de"), warm.zipf_frequency(w, "en")) for w in words}
    assert after == before
    assert before["Verwaltung"][0] > 4  # the table is really consulted
