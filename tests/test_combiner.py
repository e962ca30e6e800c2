"""The learned combiner (``lexical.suspect``): features, the model file, the thorough profile."""

from __future__ import annotations

import json
import math
from itertools import islice
from pathlib import Path
from types import SimpleNamespace

import pytest
from conftest import DEV

from auditor.engines.lexical.base import Candidate
from auditor.engines.lexical.combiner import SUSPECT, Combiner, feature_names, load_combiner, token_rows
from auditor.engines.lexical.tokens import tokenize
from auditor.resources import lexical as lx

DETS = ("lexical.leftover", "lexical.spelling")

needs_resources = pytest.mark.skipif(
    lx.find_ding() is None or lx.find_hunspell_dict() is None, reason="Ding or Hunspell de_DE not installed"
)


class _Res:
    """Resources with fixed answers, so the feature arithmetic is checked exactly."""

    ding = SimpleNamespace(has_de=lambda w: w.lower() in {"der", "mann", "kauft"})
    speller = SimpleNamespace(check=lambda w: w != "Shoping")

    @staticmethod
    def lemma(w: str, lang: str = "de") -> str:
        return w

    @staticmethod
    def zipf(w: str, lang: str) -> float:
        return 4.0 if lang == "de" and w.lower() in {"der", "mann", "kauft"} else 0.0


def _rows(text: str, cands: list[Candidate], reported: list[bool]) -> tuple[list, list[list[float]]]:
    words = [t for t in tokenize(text) if t.kind in ("word", "number")]
    return words, token_rows(DETS, words, text, False, cands, reported, _Res())


def test_token_rows_match_the_names_and_read_candidates_and_headline() -> None:
    names = feature_names(DETS)
    cand = Candidate("lexical.spelling", 14, 21, "spelling", 0.8, "m")
    words, rows = _rows("Der Mann kauft Shoping", [cand], [True])
    assert [w.text for w in words] == ["Der", "Mann", "kauft", "Shoping"]
    assert all(len(r) == len(names) for r in rows)
    col = {n: i for i, n in enumerate(names)}
    assert rows[3][col["strength:lexical.spelling"]] == pytest.approx(0.8)
    assert rows[3][col["reported"]] == 1.0 and rows[2][col["reported"]] == 0.0
    assert rows[3][col["hunspell"]] == 0.0 and rows[1][col["hunspell"]] == 1.0
    assert rows[0][col["headline"]] == 1.0  # no terminal punctuation
    _w, sentence = _rows("Der Mann kauft Shoping.", [cand], [True])
    assert sentence[0][col["headline"]] == 0.0


def _combiner(threshold: float) -> Combiner:
    n = len(feature_names(DETS))
    w = [0.0] * n
    w[0] = -1.0
    w[feature_names(DETS).index("hunspell")] = -3.0  # a word Hunspell rejects is suspect
    return Combiner(DETS, tuple([0.0] * n), tuple([1.0] * n), tuple(w), threshold)


def test_probability_and_runs_of_adjacent_suspect_tokens() -> None:
    words, rows = _rows("Der Shoping Shoping kauft Shoping", [], [])
    comb = _combiner(0.25)
    assert comb.probability(rows[1]) == pytest.approx(1 / (1 + math.exp(1.0)))
    assert comb.probability(rows[0]) == pytest.approx(1 / (1 + math.exp(4.0)))
    runs = comb.suspects(words, rows)
    assert [(c.start, c.end, c.detector) for c in runs] == [(4, 19, SUSPECT), (26, 33, SUSPECT)]
    assert runs[0].strength == pytest.approx(comb.probability(rows[1]))
    assert _combiner(0.9).suspects(words, rows) == []


def test_model_file(tmp_path: Path) -> None:
    assert load_combiner(str(tmp_path / "absent.json")) is None
    bad = tmp_path / "bad.json"
    bad.write_text(json.dumps({"detectors": list(DETS), "mean": [0], "scale": [1], "weights": [0], "threshold": 0.5}))
    with pytest.raises(ValueError, match="do not match"):
        load_combiner(str(bad))
    shipped = load_combiner()
    assert shipped is not None and 0 < shipped.threshold < 1
    assert "lexical.unaligned" not in shipped.detectors  # literalness is not evidence here


@needs_resources
@pytest.mark.skipif(not DEV.exists(), reason="shared data missing: ../shared/eval/dev.jsonl")
def test_only_thorough_reports_suspects_with_the_model_probability() -> None:
    from auditor.engines import create_engines
    from auditor.pipeline import Pipeline
    from auditor.types import Document

    with DEV.open(encoding="utf-8") as fh:
        recs = [json.loads(line) for line in islice(fh, 60)]
    docs = [Document(path="dev", text=r["mt_de"], source=r["source_en"], id=r["id"]) for r in recs]
    comb = load_combiner()
    assert comb is not None
    for profile in ("precise", "balanced", "thorough"):
        results = list(Pipeline(create_engines(["lexical"], {"profile": profile})).run_many(docs))
        sus = [f for r in results for f in r.findings if f.detector == SUSPECT]
        if profile != "thorough":
            assert sus == [], profile
            continue
        assert sus
        assert all(comb.threshold <= f.confidence <= 1 and f.severity == "minor" for f in sus)
