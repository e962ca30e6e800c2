"""Side-by-side check that scores mean quality: human translations against machine output.

For the same English sources, a professional human translation should on average be
flagged less and score better than raw MT (``../shared/eval/dev_human.jsonl`` against
``dev.jsonl`` part A). A detector that measures how *literal* a rendering is, rather
than whether it is wrong, shows up here first. Used by ``bench/bench_human_mt.py`` and
``tests/test_human_vs_mt_scores.py`` and ``auditor eval --human``; the pipeline is passed in,
so it imports no engine.
"""

from __future__ import annotations

import json
from collections import Counter
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from auditor.pipeline import Pipeline
    from auditor.types import DocumentResult


@dataclass(frozen=True)
class Audited:
    """One audited record: its id, word count, score and the detector of each finding."""

    id: str
    words: int
    score: float
    penalty: float
    detectors: tuple[str, ...]


def source_key(record_id: str) -> tuple[str, str] | None:
    """(doc_id, segment number) of a WMT record id ``corpus:DOC:SEG:SYSTEM``; None otherwise.

    Human and MT records of the same source share DOC and SEG, whatever the corpus prefix.
    """
    parts = record_id.split(":")
    if len(parts) < 4:
        return None
    return parts[1], parts[2]


def _side(records: Sequence[Audited]) -> dict[str, Any]:
    words = sum(r.words for r in records)
    per100 = 100.0 / max(words, 1)
    counts: Counter[str] = Counter(d for r in records for d in r.detectors)
    return {
        "records": len(records),
        "words": words,
        "share_flagged": round(sum(1 for r in records if r.detectors) / max(len(records), 1), 4),
        "penalty_per_100_words": round(sum(r.penalty for r in records) * per100, 3),
        "findings_per_100_words": {d: round(n * per100, 3) for d, n in sorted(counts.items())},
    }


def side_by_side(human: Sequence[Audited], mt: Sequence[Audited]) -> dict[str, Any]:
    """The comparison table, restricted to sources both sides cover.

    ``pairwise_accuracy`` is the share of (human, MT of the same source) pairs whose
    segment scores differ in which the human translation scores higher.
    """
    mt_by_key: dict[tuple[str, str], list[Audited]] = {}
    for r in mt:
        key = source_key(r.id)
        if key is not None:
            mt_by_key.setdefault(key, []).append(r)
    paired_human = [r for r in human if source_key(r.id) in mt_by_key]
    human_keys = {source_key(r.id) for r in paired_human}
    paired_mt = [r for k, rs in mt_by_key.items() if k in human_keys for r in rs]
    wins = differ = ties = 0
    for h in paired_human:
        key = source_key(h.id)
        assert key is not None
        for m in mt_by_key[key]:
            if h.score == m.score:
                ties += 1
                continue
            differ += 1
            wins += h.score > m.score
    hum, mac = _side(paired_human), _side(paired_mt)
    return {
        "human": hum,
        "mt": mac,
        "pairs": differ + ties,
        "pairs_that_differ": differ,
        "pairwise_accuracy": round(wins / differ, 4) if differ else None,
        "penalty_ratio_human_over_mt": (
            round(hum["penalty_per_100_words"] / mac["penalty_per_100_words"], 4)
            if mac["penalty_per_100_words"]
            else None
        ),
    }


def render_side_by_side(table: dict[str, Any], label: str = "default") -> str:
    """Markdown table of :func:`side_by_side` output (as BENCHMARKS.md shows it)."""
    h, m = table["human"], table["mt"]
    lines = [
        f"| same sources ({label}) | human ({h['records']:,}) | MT ({m['records']:,}) |",
        "|---|---|---|",
        f"| segments with a finding | {h['share_flagged']:.1%} | {m['share_flagged']:.1%} |",
        f"| penalty per 100 words | {h['penalty_per_100_words']:.2f} | {m['penalty_per_100_words']:.2f} |",
    ]
    for det in sorted(set(h["findings_per_100_words"]) | set(m["findings_per_100_words"])):
        hv = h["findings_per_100_words"].get(det, 0.0)
        mv = m["findings_per_100_words"].get(det, 0.0)
        lines.append(f"| `{det}` per 100 words | {hv:.2f} | {mv:.2f} |")
    acc = table["pairwise_accuracy"]
    acc_s = "–" if acc is None else f"{acc:.0%}"
    lines.append(
        f"| human scores above the MT of its source ({table['pairs_that_differ']:,} pairs that differ) "
        f"| {acc_s} | |"
    )
    return "\n".join(lines) + "\n"


def audited(results: Iterable[DocumentResult]) -> list[Audited]:
    """Pipeline results as the side-by-side table needs them (one per record)."""
    return [
        Audited(r.document.id or "", r.words, r.score, r.penalty, tuple(f.detector for f in r.findings))
        for r in results
    ]


def audit_file(pipeline: Pipeline, path: Path, prefix: str = "") -> list[Audited]:
    """Audit the records of an eval JSONL file whose id starts with ``prefix`` (with their source)."""
    from auditor.types import Document

    records = [json.loads(line) for line in path.read_text(encoding="utf-8").splitlines() if line.strip()]
    docs = [
        Document(path=str(path), text=r["mt_de"], source=r.get("source_en"), id=r["id"])
        for r in records
        if r["id"].startswith(prefix)
    ]
    return audited(pipeline.run_many(docs))
