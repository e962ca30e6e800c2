"""The only module that knows the order of the stages.

Document → :func:`segment_document` → each engine's ``analyze_many`` → findings →
:mod:`auditor.score` → :class:`DocumentResult` (with each segment's ``mqm_estimate``, a pure
function of its words and penalty). Engines, weights and the estimator are injected (the
estimator defaults to the one fitted for these engines, read once by :mod:`auditor.estimate`);
nothing here reads files or imports click.
"""

from __future__ import annotations

import dataclasses
import logging
from collections.abc import Iterable, Iterator, Sequence

from auditor.engines import Engine
from auditor.estimate import MqmEstimator, estimator_for, is_headline
from auditor.score import assign_findings, count_words, region_penalty, score_from_penalty, signature
from auditor.segment import segment_document
from auditor.selection import Selection
from auditor.types import (
    SEVERITY_RANK,
    Document,
    DocumentResult,
    EngineOutput,
    Finding,
    SegmentedDocument,
    SegmentResult,
    Weights,
)

log = logging.getLogger(__name__)


def merge_colocated(findings: list[Finding]) -> list[Finding]:
    """One finding per flagged span: the strongest detector's wins, the others go to ``also``.

    Strongest: the most severe, then the most confident, then the detector id (a stable order).
    Findings on different spans are kept apart: scoring already counts overlapping spans as one
    region, and each keeps its own text and suggestion."""
    by_span: dict[tuple[int, int], list[Finding]] = {}
    for f in findings:
        by_span.setdefault((f.start, f.end), []).append(f)
    out: list[Finding] = []
    for group in by_span.values():
        if len(group) == 1:
            out.append(group[0])
            continue
        group.sort(key=lambda f: (-SEVERITY_RANK[f.severity], -f.confidence, f.detector, f.message))
        best = group[0]
        others = tuple(sorted({f.detector for f in group[1:]} - {best.detector}))
        out.append(dataclasses.replace(best, also=others) if others else best)
    return out


def on_protected(f: Finding, text: str, protected: Sequence[tuple[int, int]]) -> bool:
    """Whether a finding is about a URL, e-mail address or inline code and nothing else.

    It is when it overlaps a protected span and every letter or digit it flags lies inside
    protected spans (a quote or space next to a URL counts for nothing); a finding that also
    flags words of the prose around it (a whole garbled clause holding a link) is kept."""
    hits = [(s, e) for s, e in protected if s < f.end and e > f.start]
    if not hits:
        return False
    return not any(
        text[i].isalnum() and not any(s <= i < e for s, e in hits) for i in range(f.start, f.end)
    )


class Pipeline:
    """Run engines over documents and score the findings."""

    def __init__(
        self,
        engines: Sequence[Engine],
        weights: Weights | None = None,
        batch_docs: int = 64,
        estimator: MqmEstimator | None = None,
        selection: Selection | None = None,
    ) -> None:
        self.engines = list(engines)
        self.weights = weights or Weights()
        self.batch_docs = batch_docs
        self.estimator = estimator if estimator is not None else estimator_for(e.name for e in self.engines)
        self.selection = selection if selection is not None else Selection.default()
        self.signature = signature(
            [e.signature() for e in self.engines], self.weights, self.estimator.tag(), self.selection.describe()
        )

    def run(self, doc: Document | str) -> DocumentResult:
        """One document; a plain ``str`` is audited as a text named ``<text>``."""
        if isinstance(doc, str):
            doc = Document(path="<text>", text=doc)
        elif not isinstance(doc, Document):
            raise TypeError(f"Pipeline.run takes a Document or a str, not {type(doc).__name__}")
        return next(iter(self.run_many([doc])))

    def run_many(self, docs: Iterable[Document]) -> Iterator[DocumentResult]:
        """Yield one result per document, in input order; engines see batches of documents."""
        batch: list[SegmentedDocument] = []
        for doc in docs:
            batch.append(segment_document(doc))
            if len(batch) >= self.batch_docs:
                yield from self._run_batch(batch)
                batch = []
        if batch:
            yield from self._run_batch(batch)

    def _run_batch(self, sdocs: list[SegmentedDocument]) -> Iterator[DocumentResult]:
        outputs: list[list[EngineOutput]] = [[] for _ in sdocs]
        for engine in self.engines:
            results = engine.analyze_many(sdocs)
            for i, out in enumerate(results):
                outputs[i].append(out)
        for sdoc, outs in zip(sdocs, outputs, strict=True):
            yield self._assemble(sdoc, outs)

    def _assemble(self, sdoc: SegmentedDocument, outputs: list[EngineOutput]) -> DocumentResult:
        scored = [s for s in sdoc.segments if s.scored]
        unique: dict[tuple[int, int, str, str], Finding] = {}
        for out in outputs:
            for f in out.findings:
                unique.setdefault((f.start, f.end, f.detector, f.message), f)
        candidates = list(unique.values())
        if sdoc.protected:  # URLs, e-mail addresses, inline code: never flagged, by any engine
            text = sdoc.document.text
            candidates = [f for f in candidates if not on_protected(f, text, sdoc.protected)]
        found_all = self.selection.apply(candidates) if self.selection.active else candidates
        by_segment = assign_findings(sdoc.segments, merge_colocated(found_all))
        kept: list[Finding] = []
        seg_results: list[SegmentResult] = []
        total_penalty = 0.0
        total_words = 0
        total_estimate = 0.0
        annotated = [(e.name, out.annotations) for e, out in zip(self.engines, outputs, strict=True) if out.annotations]
        for seg in sdoc.segments:
            annotations = {name: ann[seg.index] for name, ann in annotated if seg.index in ann}
            if not seg.scored:
                seg_results.append(SegmentResult(seg, None, 0.0, 0, annotations))
                continue
            found = by_segment.get(seg.index, [])
            kept.extend(found)
            words = count_words(seg.text)
            penalty = region_penalty(found, self.weights)
            estimate = self.estimator.estimate(words, penalty, is_headline(seg.text))
            total_penalty += penalty
            total_words += words
            total_estimate += estimate
            seg_results.append(
                SegmentResult(seg, score_from_penalty(penalty, words), penalty, words, annotations, estimate)
            )
        kept.sort(key=lambda f: (f.start, f.end, f.detector, f.message))
        doc_score = score_from_penalty(total_penalty, total_words) if scored else 100.0
        return DocumentResult(
            document=sdoc.document,
            segments=tuple(seg_results),
            findings=tuple(kept),
            score=doc_score,
            penalty=round(total_penalty, 4),
            words=total_words,
            signature=self.signature,
            mqm_estimate=round(total_estimate, 4) + 0.0,
        )
