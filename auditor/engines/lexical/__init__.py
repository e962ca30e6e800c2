"""Engine ``lexical``: the offline default engine built on installed dictionaries.

Signals (one detector module each, every finding names its detector):

* ``gloss``      — dictionary back-translation of each sentence, longest-match multiword
  entries (kept in the JSON output under ``segments[i].lexical.gloss``);
* ``calques``    — ``lexical.calque``: German word pairs that are English fixed
  expressions translated word by word ("Voller Stopp" ← full stop → "Punkt");
* ``leftovers``  — ``lexical.leftover`` / ``lexical.transliteration``: English words and
  English transliterations of names ("Zelenskyy") in German text;
* ``spelling``   — ``lexical.spelling``: words the German spell checker rejects that are
  not names, numbers, acronyms or valid compounds;
* ``agreement``  — ``lexical.agreement``: determiner–noun gender and numeral–noun number;
* ``word_order`` — ``lexical.word_order``: a noun phrase stranded after the verb cluster
  that closes a subordinate clause ("…, wie viel … bieten wird Donald TrumpVerwaltung.");
* ``repetition`` — ``lexical.repetition``: a noun coordinated with itself or governing
  its own genitive ("Ausbildung und Ausbildung", "im Ziel des Ziels");
* ``align``      — with an English source: lexical alignment findings (omission,
  untranslated, numbers, entities), see :mod:`auditor.engines.lexical.align`.

Resources: Ding (``trans-de-en``), Hunspell ``de_DE`` (``hunspell-de-de`` + the ``hunspell``
binding), ``wordfreq``, ``simplemma`` (the last two compiled into the cache for fast start-up).
The constructor raises :class:`~auditor.errors.ResourceMissing` naming what is missing and
how to install it. Severity and confidence come from the calibration table fitted on the
dev set (:mod:`auditor.engines.lexical.calibration`).
"""

from __future__ import annotations

import logging
from collections.abc import Mapping
from typing import TYPE_CHECKING, Any

from auditor.engines import Engine, ResourceStatus
from auditor.engines.lexical.findings import calibrated_findings, reported_by_default, severity_confidence
from auditor.engines.lexical.profiles import emission_for
from auditor.profiles import DEFAULT_PROFILE
from auditor.types import EngineOutput, Finding, Segment, SegmentedDocument

if TYPE_CHECKING:
    from auditor.engines.lexical.base import SegmentContext

log = logging.getLogger(__name__)

__all__ = ["LexicalEngine", "calibrated_findings", "reported_by_default", "severity_confidence"]


class LexicalEngine(Engine):
    """Dictionary gloss, calques, English leftovers, spelling, agreement, source alignment."""

    name = "lexical"
    version = "1"

    def __init__(self, cache_dir: str | None = None, profile: str = DEFAULT_PROFILE) -> None:
        from auditor.engines.lexical.combiner import load_combiner
        from auditor.resources.lexical import load_resources

        self.emission = emission_for(profile)  # an unknown profile fails before any resource loads
        self.res = load_resources(cache_dir)  # raises ResourceMissing with install commands
        #: the learned combiner, when the profile reports its findings (``thorough``)
        self.combiner = load_combiner() if self.emission.combiner else None
        self._prefetched = False
        self._batches = 0  # batches analysed, see _settle_memory
        #: n-grams an earlier _prefetch resolved: the next batches skip them and their renderings
        self._prefetched_grams: set[str] = set()

    @classmethod
    def resources(cls, settings: Mapping[str, Any] | None = None) -> list[ResourceStatus]:
        from auditor.resources.lexical import statuses

        return statuses((settings or {}).get("cache_dir"))

    def signature(self) -> str:
        ding = self.res.ding
        return (
            f"{self.name}@{self.version}+det:{self.detector_digest()}"
            f"+ding:{ding.sha256[:12]}+{self.res.speller.backend}+profile:{self.emission.profile}"
        )

    def fitted_files(self) -> dict[str, bytes]:
        from auditor.engines.lexical.calibration import CALIBRATION_PATH
        from auditor.engines.lexical.combiner import COMBINER_PATH
        from auditor.engines.lexical.profiles import profiles_bytes

        files: dict[str, bytes] = {}
        try:
            files["calibration.json"] = CALIBRATION_PATH.read_bytes()
        except FileNotFoundError:  # the uncalibrated fallback is in force, and the digest says so
            pass
        profiles = profiles_bytes()
        if profiles is not None:
            files["profiles.json"] = profiles
        if COMBINER_PATH.exists():
            files["combiner.json"] = COMBINER_PATH.read_bytes()
        return files

    @staticmethod
    def contexts(doc: SegmentedDocument) -> list[tuple[Segment, SegmentContext]]:
        """Each scored segment with its tokenized context: built once per document and
        shared by every detector and the aligner (tokenizing was done up to three times)."""
        from auditor.engines.lexical.base import make_context

        return [(seg, make_context(seg.text, seg.start)) for seg in doc.segments if seg.scored]

    def candidates(
        self, doc: SegmentedDocument, contexts: list[tuple[Segment, SegmentContext]] | None = None
    ) -> tuple[list[Any], dict[int, dict[str, Any]]]:
        """All monolingual candidates (before calibration) and the gloss annotations;
        ``contexts`` are :meth:`contexts` of ``doc`` when the caller has them already."""
        from auditor.engines.lexical import agreement, calques, leftovers, repetition, spelling, word_order
        from auditor.engines.lexical.gloss import gloss_text

        res = self.res
        cands: list[Any] = []
        annotations: dict[int, dict[str, Any]] = {}
        if contexts is None:
            contexts = self.contexts(doc)
        if not self._prefetched:
            self._prefetch([ctx for _, ctx in contexts])
        for seg, ctx in contexts:
            annotations[seg.index] = {"gloss": gloss_text(ctx, res)}
            left = leftovers.detect(ctx, res)
            english = {w.start for c in left for w in ctx.words if c.start <= w.start < c.end}
            seg_cands = (
                left
                + calques.detect(ctx, res)
                + agreement.detect(ctx, res)
                + repetition.detect(ctx, res)
                + word_order.detect(ctx, res)
            )
            seg_cands += spelling.detect(ctx, res, skip=english, source=seg.source)
            cands.extend((seg, c) for c in seg_cands)
        return cands, annotations

    def all_candidates(self, doc: SegmentedDocument) -> list[Any]:
        """Every detector's candidates before calibration, the aligner's included.

        What the detectors claim, before calibration decides what is reported: the
        detector examples and the calibration fit are checked against this. The learned
        combiner's ``lexical.suspect`` runs are included whatever the profile (only
        ``thorough`` reports them)."""
        from auditor.engines.lexical.align import candidates_for_segment
        from auditor.engines.lexical.combiner import load_combiner
        from auditor.engines.lexical.tokens import tokenize

        cands = [c for _seg, c in self.candidates(doc)[0]]
        for seg in doc.segments:
            if seg.source is not None and seg.scored:
                cands.extend(candidates_for_segment(doc, seg, tokenize(seg.text, seg.start), self.res)[0])
        combiner = load_combiner()
        if combiner is not None:
            cands.extend(self.suspect_candidates(doc, cands, combiner))
        return cands

    def suspect_candidates(self, doc: SegmentedDocument, raw: list[Any], combiner: Any) -> list[Any]:
        """The learned combiner's ``lexical.suspect`` runs, from the raw candidates ``raw``."""
        from auditor.engines.lexical.align import _word_tokens
        from auditor.engines.lexical.combiner import EXCLUDED, token_rows
        from auditor.engines.lexical.tokens import tokenize

        usable = [c for c in raw if c.detector not in EXCLUDED]
        out: list[Any] = []
        for seg in doc.segments:
            if not seg.scored:
                continue
            words = _word_tokens(tokenize(seg.text, seg.start))
            if not words:
                continue
            inside = [c for c in usable if c.start < seg.end and c.end > seg.start]
            rows = token_rows(
                combiner.detectors, words, seg.text, seg.source is not None, inside,
                [reported_by_default(c) for c in inside], self.res,
            )  # fmt: skip
            out.extend(combiner.suspects(words, rows))
        return out

    def _prefetch(self, contexts: list[Any]) -> None:
        """Resolve every word, lemma and n-gram of the segments in a few batched queries."""
        from auditor.engines.lexical.gloss import MAX_MATCH

        res = self.res
        words = {w.text for ctx in contexts for w in ctx.words}
        if res.lemmas is not None:
            res.lemmas.prefetch(words)
        lemmas = {res.lemma(w) for w in words}
        if res.wordfreq is not None:
            res.wordfreq.prefetch(words | lemmas)
        grams: set[str] = set(words) | lemmas | {w.lower() for w in words}
        for ctx in contexts:
            ws = ctx.words
            for i in range(len(ws)):
                j = i + 1
                while j < len(ws) and j - i < MAX_MATCH and ctx.adjacent(j - 1):
                    grams.add(" ".join(w.text for w in ws[i : j + 1]))
                    j += 1
        grams -= self._prefetched_grams  # resolved, renderings' frequencies too, by an earlier batch
        self._prefetched_grams |= grams
        entries = res.ding.lookup_de_many(grams)
        if res.wordfreq is not None:
            # the gloss ranks Ding's English renderings by their frequency: fetch those too
            res.wordfreq.prefetch({p for rends, _tags in entries.values() for r in rends[:20] for p in r.split()})

    def analyze_many(self, docs: Any) -> list[EngineOutput]:
        """Analyse documents; dictionary lookups of the whole batch are resolved up front."""
        contexts = [self.contexts(d) for d in docs]
        sources = [s.source for d in docs for s in d.segments if s.scored and s.source]
        if sources:
            # the aligner loads Ding's key set anyway: before the prefetch, so that it skips SQLite too
            self.res.ding.use_key_filter()
        self._prefetch([ctx for doc_contexts in contexts for _seg, ctx in doc_contexts])
        if sources:
            from auditor.engines.lexical.align import prefetch_sources

            prefetch_sources(self.res, sources)  # the aligner's lexicon costs a key-set load: only with a source
        self._prefetched = True
        try:
            return [self._analyze(d, c) for d, c in zip(docs, contexts, strict=True)]
        finally:
            self._prefetched = False
            self._settle_memory()

    def _settle_memory(self) -> None:
        """After batches 1, 2, 4, 8, ...: collect garbage, then move what survives into the
        collector's permanent generation (``gc.freeze``).

        Why: the dictionary memos grow with every batch and are kept for the process's life
        (hundreds of thousands of small tracked objects: frozensets, tuples); every full
        collection walked them all again, ~10 % of a run with a source on dev.jsonl. Frozen,
        they are never walked. The collection first frees every cycle that is already garbage,
        so nothing unreachable is frozen; doubling the interval keeps those collections (and
        what a later-dead frozen cycle could hold) to a logarithmic number of batches."""
        import gc

        self._batches += 1
        if self._batches & (self._batches - 1) == 0 and gc.isenabled():
            gc.collect()
            gc.freeze()

    def analyze(self, doc: SegmentedDocument) -> EngineOutput:
        return self._analyze(doc, self.contexts(doc))

    def _analyze(self, doc: SegmentedDocument, contexts: list[tuple[Segment, SegmentContext]]) -> EngineOutput:
        from auditor.engines.lexical.align import align_segment, candidates_for_segment

        cands, annotations = self.candidates(doc, contexts)
        raw = [c for _seg, c in cands]
        findings = calibrated_findings(doc, raw, self.emission)
        for seg, ctx in contexts:  # the scored segments, in order
            if seg.source is None:
                continue
            if not seg.source:
                # an empty source reports nothing, but the combiner was trained with these candidates
                if self.combiner is not None:
                    raw.extend(candidates_for_segment(doc, seg, ctx.tokens, self.res)[0])
                continue
            aligned, found, ann = align_segment(doc, seg, ctx.tokens, self.res, self.emission)
            findings.extend(found)
            raw.extend(aligned)  # the combiner reads the uncalibrated strengths (thorough)
            # Flat: segments[i].lexical.alignment holds the [de, en] word index pairs.
            annotations.setdefault(seg.index, {}).update(ann)
        if self.combiner is not None:
            findings.extend(self._suspect_findings(doc, raw))
        findings.sort(key=lambda f: (f.start, f.end, f.detector))
        return EngineOutput(findings=tuple(findings), annotations=annotations)

    def _suspect_findings(self, doc: SegmentedDocument, raw: list[Any]) -> list[Finding]:
        """``lexical.suspect`` findings (``thorough``): confidence = the combiner's probability;
        ``raw`` are every detector's candidates before calibration, the aligner's included."""
        from auditor.detectors import get
        from auditor.engines.lexical.combiner import SUSPECT

        spec = get(SUSPECT)
        return [
            doc.finding(c.start, c.end, category=spec.category, severity=spec.severity, confidence=c.strength,
                        detector=SUSPECT, message=c.message, suggestion=None)  # fmt: skip
            for c in self.suspect_candidates(doc, raw, self.combiner)
        ]
