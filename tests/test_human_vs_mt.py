from auditor.human_vs_mt import Audited, render_side_by_side, side_by_side, source_key


def test_source_key_pairs_human_and_mt_ids() -> None:
    assert source_key("wmt20-human:independent.281139:1:Human-A.0") == ("independent.281139", "1")
    assert source_key("wmt20-newstest:independent.281139:1:eTranslation.737") == ("independent.281139", "1")
    assert source_key("seed-line-3") is None


def test_side_by_side_counts_only_shared_sources() -> None:
    human = [
        Audited("wmt20-human:d:1:Human-A.0", 10, 100.0, 0.0, ()),
        Audited("wmt20-human:d:1:Human-B.0", 10, 90.0, 1.0, ("lexical.unaligned",)),
        Audited("wmt20-human:d:2:Human-A.0", 10, 80.0, 2.0, ("lexical.entity",)),
        Audited("wmt20-human:other:9:Human-A.0", 10, 0.0, 50.0, ("x",)),  # no MT: ignored
    ]
    mt = [
        Audited("wmt20-newstest:d:1:sysA", 10, 90.0, 1.0, ("rules.straight_quote",)),
        Audited("wmt20-newstest:d:2:sysA", 20, 95.0, 1.0, ("lexical.unaligned",)),
    ]
    t = side_by_side(human, mt)
    assert t["human"]["records"] == 3 and t["mt"]["records"] == 2
    assert t["pairs"] == 3 and t["pairs_that_differ"] == 2
    assert t["pairwise_accuracy"] == 0.5
    assert t["human"]["penalty_per_100_words"] == 10.0
    assert t["mt"]["penalty_per_100_words"] == round(2 * 100 / 30, 3)
    assert t["human"]["share_flagged"] == round(2 / 3, 4)
    text = render_side_by_side(t)
    assert "`lexical.unaligned` per 100 words" in text and "50%" in text
