"""The score must mean quality: human translations of the same sources rank above the MT.

dev_human.jsonl holds the three professional human translations of the 1,000 WMT20 news sources
whose MT is dev.jsonl part A. Nothing is fitted on dev_human: the default detector set, severities
and weights are used as shipped. (Which detectors are on by default was decided after measuring on
these data: lexical.unaligned is opt-in; see its declaration.)
"""

from __future__ import annotations

import pytest
from conftest import DEV, SHARED

from auditor.human_vs_mt import audit_file, side_by_side
from auditor.resources import lexical as lx

HUMAN = SHARED / "eval" / "dev_human.jsonl"

pytestmark = [
    pytest.mark.shared(HUMAN, DEV),
    pytest.mark.skipif(lx.find_ding() is None or lx.find_hunspell_dict() is None, reason="Ding or Hunspell missing"),
]


def test_human_translation_scores_above_machine_output() -> None:
    from auditor.engines import create_engines
    from auditor.pipeline import Pipeline

    pipeline = Pipeline(create_engines(["rules", "lexical"]))
    table = side_by_side(audit_file(pipeline, HUMAN, "wmt20-human"), audit_file(pipeline, DEV, "wmt20"))
    human, mt = table["human"], table["mt"]
    assert human["penalty_per_100_words"] <= (2 / 3) * mt["penalty_per_100_words"], table
    assert human["share_flagged"] < mt["share_flagged"], table
    assert table["pairwise_accuracy"] >= 0.60, table
