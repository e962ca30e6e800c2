"""Dictionaries off Debian: the usual Hunspell/LibreOffice/Ding places, and messages naming what was tried."""

from __future__ import annotations

from pathlib import Path

import pytest
from click.testing import CliRunner

from auditor.cli import main
from auditor.errors import ResourceMissing
from auditor.resources import lexical as lx


@pytest.fixture
def no_env(monkeypatch: pytest.MonkeyPatch) -> pytest.MonkeyPatch:
    for var in ("AUDITOR_DING", "AUDITOR_HUNSPELL_DIR", "DICPATH"):
        monkeypatch.delenv(var, raising=False)
    return monkeypatch


def _dict(folder: Path, name: str) -> None:
    folder.mkdir(parents=True, exist_ok=True)
    (folder / f"{name}.dic").write_text("1\nHaus\n", encoding="utf-8")
    (folder / f"{name}.aff").write_text("SET UTF-8\n", encoding="utf-8")


def test_libreoffice_and_user_folders_are_searched(tmp_path: Path, no_env: pytest.MonkeyPatch) -> None:
    places = " ".join(lx.HUNSPELL_DIRS)
    for where in ("/usr/share/hunspell", "/opt/homebrew/share/hunspell", "~/Library/Spelling",
                  "/usr/lib/libreoffice/share/extensions/dict-de", "LibreOffice.app"):
        assert where in places
    no_env.setenv("HOME", str(tmp_path))
    no_env.setattr(lx, "HUNSPELL_DIRS", ("/nonexistent", "~/Library/Spelling"))
    assert lx.find_hunspell_dict() is None
    _dict(tmp_path / "Library" / "Spelling", "de_DE_frami")  # LibreOffice's dict-de file name
    assert lx.find_hunspell_dict() == tmp_path / "Library" / "Spelling" / "de_DE_frami"
    # Hunspell's own $DICPATH comes first
    _dict(tmp_path / "dp", "de_DE")
    no_env.setenv("DICPATH", str(tmp_path / "dp"))
    assert lx.find_hunspell_dict() == tmp_path / "dp" / "de_DE"


def test_ding_in_the_user_data_folder_is_found(tmp_path: Path, no_env: pytest.MonkeyPatch) -> None:
    no_env.setenv("HOME", str(tmp_path))
    no_env.setattr(lx, "DING_PATHS", ("/nonexistent/de-en", "~/.local/share/mt-auditor/de-en.txt"))
    assert lx.find_ding() is None
    target = tmp_path / ".local" / "share" / "mt-auditor" / "de-en.txt"
    target.parent.mkdir(parents=True)
    target.write_text("Haus {n} :: house\n", encoding="utf-8")
    assert lx.find_ding() == target


def test_errors_name_the_variable_tried_and_the_way_out(tmp_path: Path, no_env: pytest.MonkeyPatch) -> None:
    no_env.setenv("AUDITOR_DING", "/x")
    with pytest.raises(ResourceMissing) as exc:
        lx.load_ding(cache_dir=tmp_path)
    msg = str(exc.value)
    assert "AUDITOR_DING=/x: no such file" in msg
    assert lx.DING_URL in msg and "--engine rules" in msg
    no_env.setenv("AUDITOR_HUNSPELL_DIR", str(tmp_path / "none"))
    with pytest.raises(ResourceMissing) as exc:
        lx.load_resources(tmp_path)
    msg = str(exc.value)
    assert f"AUDITOR_HUNSPELL_DIR={tmp_path / 'none'}: no such directory" in msg
    assert "AUDITOR_DING=/x: no such file" in msg and msg.rstrip().endswith("--engine rules")


def test_doctor_names_what_it_tried(tmp_path: Path, no_env: pytest.MonkeyPatch) -> None:
    no_env.setenv("AUDITOR_DING", "/x")
    r = CliRunner().invoke(main, ["doctor"])
    assert r.exit_code == 3
    assert "AUDITOR_DING=/x: no such file" in r.output
    assert "--engine rules" in r.output
