"""Engine ``neural``: MarianMT back-translation, round trip, forced decoding, attention alignment.

Importing this package is cheap: torch and transformers are imported by the constructor
(which loads the models) and by the submodules it calls. See the README, section "Neural engine".

Per scored segment the engine reports (``segments[i]["neural"]`` in the JSON output):

- ``back_translation``: the de→en translation of the German sentence;
- ``round_trip`` and ``chrf``: the en→de translation of the back-translation and its
  sentence chrF against the German (sacrebleu; its signature is in the engine signature);
- ``english``: which English the German was scored against (``"source"`` or
  ``"back_translation"``), ``en_words`` and ``de_words``;
- ``alignment``: ``[[de_word, en_word], ...]`` from cross-attention, both directions intersected;
  ``unaligned_de``: German words without a link;
- ``tokens``: ``[[start, end, logprob], ...]`` per German subword piece (document offsets);
- ``mean_logprob``, ``min_logprob``.

Findings (declared in :mod:`auditor.engines.neural.specs`): ``neural.forced_decoding`` for runs
of improbable words scored against the source (``mistranslation``),
``neural.forced_decoding_fluency`` for the same against the back-translation when there is no
source (``fluency``), ``neural.round_trip`` when the round-trip chrF is very low (``garbled``).
"""

from __future__ import annotations

import importlib.util
import logging
import os
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from auditor.engines import Engine, ResourceStatus
from auditor.engines.neural.specs import FORCED_DECODING, FORCED_DECODING_FLUENCY, ROUND_TRIP
from auditor.errors import ResourceMissing
from auditor.types import EngineOutput, Finding, Segment, SegmentedDocument

log = logging.getLogger(__name__)

THRESHOLDS_ENV = "AUDITOR_NEURAL_THRESHOLDS"
THRESHOLDS_FILE = "neural-thresholds.json"
CACHE_FILE = "neural-translations.sqlite"
_PACKAGES = ("torch", "transformers", "sentencepiece", "sacrebleu")
_PIP = "pip install torch transformers sentencepiece sacrebleu"


def _package_version(name: str) -> str | None:
    if importlib.util.find_spec(name) is None:
        return None
    try:
        from importlib.metadata import version

        return version(name)
    except Exception:  # pragma: no cover - installed without metadata
        return "unknown"


@dataclass
class _Item:
    """One forced-decoding unit: German text (one segment, or all segments of a source unit)."""

    de_text: str
    en_text: str
    english: str  # "source" | "back_translation"
    parts: list[tuple[int, int, Segment]] = field(default_factory=list)  # (doc, base offset, segment)


class NeuralEngine(Engine):
    name = "neural"
    version = "1"

    def __init__(
        self,
        model_dir: str | None = None,
        allow_download: bool = False,
        batch_size: int = 16,
        threads: int | None = None,
        device: str = "auto",
        beams: int = 1,
        cache_dir: str | None = None,
        thresholds: str | None = None,
    ) -> None:
        from auditor.resources.models import require_models

        missing = [p for p in _PACKAGES if importlib.util.find_spec(p) is None]
        if missing:
            raise ResourceMissing(
                f"neural engine: Python package(s) {', '.join(missing)} not installed.\n  {_PIP}"
            )
        locations = require_models(model_dir, allow_download=bool(allow_download))

        from auditor.engines.neural.cache import TranslationCache
        from auditor.engines.neural.loading import load_model, pick_device, set_threads
        from auditor.engines.neural.scoring import Thresholds

        self.batch_size = max(1, int(batch_size or 16))
        self.beams = max(1, int(beams or 1))
        set_threads(threads)
        self.device = pick_device(device or "auto")
        self.de_en = load_model(locations["de-en"], self.device, allow_download=bool(allow_download))
        self.en_de = load_model(locations["en-de"], self.device, allow_download=bool(allow_download))
        self.thresholds = self._thresholds(thresholds, model_dir)
        if isinstance(self.thresholds, Thresholds) and not self.thresholds.calibrated:
            log.info("neural engine: using uncalibrated default thresholds")
        self.cache = TranslationCache(self._cache_path(cache_dir))

        from sacrebleu.metrics import CHRF

        self._chrf = CHRF()
        self._chrf.corpus_score(["x"], [["x"]])  # fixes nrefs:1 in the signature
        self.chrf_signature = str(self._chrf.get_signature()).replace("|", ",")

    # -- settings ------------------------------------------------------------------------
    @staticmethod
    def _cache_path(cache_dir: str | None) -> Path | None:
        if cache_dir is not None and str(cache_dir).lower() in ("", "none", "off", "0"):
            return None
        from auditor.resources import cache_dir as default_cache_dir

        return default_cache_dir(cache_dir) / CACHE_FILE

    def _thresholds(self, path: str | None, model_dir: str | None) -> Any:
        """Thresholds: ``path``, ``$AUDITOR_NEURAL_THRESHOLDS``, ``neural-thresholds.json`` in the
        model folder or the auditor cache (written by ``auditor models calibrate``), else defaults.
        A file found implicitly is used only if it was calibrated for the loaded model revisions."""
        from auditor.engines.neural.scoring import Thresholds

        if path:
            if not Path(path).is_file():
                raise ResourceMissing(f"neural engine: thresholds file {path} not found")
            return Thresholds.load(path)
        candidates = [os.environ.get(THRESHOLDS_ENV)]
        candidates += [
            str(Path(r) / THRESHOLDS_FILE) for r in (model_dir, os.environ.get("AUDITOR_MODELS")) if r
        ]
        try:
            from auditor.resources import cache_dir as default_cache_dir

            candidates.append(str(default_cache_dir() / THRESHOLDS_FILE))
        except OSError:  # pragma: no cover - unwritable home
            pass
        revisions = {"de-en": self.de_en.revision, "en-de": self.en_de.revision}
        for c in candidates:
            if not c or not Path(c).is_file():
                continue
            thr = Thresholds.load(c)
            if thr.model_revisions and thr.model_revisions != revisions:
                log.warning(
                    "neural engine: ignoring %s, calibrated for other model revisions %s",
                    c,
                    thr.model_revisions,
                )
                continue
            return thr
        return Thresholds()

    @classmethod
    def resources(cls, settings: Mapping[str, Any] | None = None) -> list[ResourceStatus]:
        from auditor.resources.models import install_commands, resolve_models

        settings = dict(settings or {})
        out = [
            ResourceStatus(
                name=f"python package {p}",
                found=(v := _package_version(p)) is not None,
                version=v,
                install=_PIP,
            )
            for p in _PACKAGES
        ]
        locs = resolve_models(settings.get("model_dir"), allow_download=bool(settings.get("allow_download")))
        install = install_commands(settings.get("model_dir"))[0]
        for loc in locs.values():
            out.append(
                ResourceStatus(
                    name=f"model {loc.direction} ({loc.model_id})",
                    found=loc.found,
                    version=loc.revision,
                    path=loc.path if loc.found else loc.expected,
                    install=None if loc.found else install,
                    note=loc.origin,
                )
            )
        return out

    def signature(self) -> str:
        def tag(lm: Any) -> str:
            return f"{lm.name}@{(lm.revision or 'unknown')[:12]}"

        thr = "calibrated" if self.thresholds.calibrated else "default"
        return (
            f"{self.name}@{self.version}+det:{self.detector_digest()}"
            f"[{tag(self.de_en)},{tag(self.en_de)},beams={self.beams},"
            f"thresholds={thr},chrF:{self.chrf_signature}]"
        )

    def fitted_files(self) -> dict[str, bytes]:
        import json
        from dataclasses import asdict

        return {"thresholds": json.dumps(asdict(self.thresholds), sort_keys=True).encode()}

    # -- analysis ------------------------------------------------------------------------
    def analyze(self, doc: SegmentedDocument) -> EngineOutput:
        return self.analyze_many([doc])[0]

    def analyze_many(self, docs: Sequence[SegmentedDocument]) -> list[EngineOutput]:
        from auditor.engines.neural.translate import translate

        segs = [(d, s) for d, doc in enumerate(docs) for s in doc.segments if s.scored and s.text.strip()]
        findings: list[list[Finding]] = [[] for _ in docs]
        annotations: list[dict[int, dict[str, Any]]] = [{} for _ in docs]
        signals: list[dict[int, dict[str, float]]] = [{} for _ in docs]
        if segs:
            texts = [s.text for _, s in segs]
            bts = translate(self.de_en, texts, batch_size=self.batch_size, beams=self.beams, cache=self.cache)
            rts = translate(self.en_de, bts, batch_size=self.batch_size, beams=self.beams, cache=self.cache)
            per_seg: dict[tuple[int, int], dict[str, Any]] = {}
            for (d, s), bt, rt in zip(segs, bts, rts):
                chrf = float(self._chrf.sentence_score(rt, [s.text]).score)
                per_seg[(d, s.index)] = {"back_translation": bt, "round_trip": rt, "chrf": round(chrf, 2)}
            items = self._items(segs, bts)
            self._score_items(docs, items, per_seg, findings)
            for d, s in segs:
                ann = per_seg[(d, s.index)]
                annotations[d][s.index] = ann
                signals[d][s.index] = {
                    "chrf": ann["chrf"],
                    "mean_logprob": ann.get("mean_logprob", 0.0),
                    "min_logprob": ann.get("min_logprob", 0.0),
                }
                if ann["chrf"] < self.thresholds.round_trip_chrf:
                    findings[d].append(
                        docs[d].finding(
                            s.start,
                            s.end,
                            category=ROUND_TRIP.category,
                            severity=ROUND_TRIP.severity,
                            confidence=ROUND_TRIP.confidence,
                            detector=ROUND_TRIP.id,
                            message=(
                                f"round trip de→en→de differs strongly from the sentence (chrF {ann['chrf']:.1f} "
                                f'< {self.thresholds.round_trip_chrf:g}): back-translation "{ann["back_translation"]}"'
                            ),
                        )
                    )
        return [
            EngineOutput(
                findings=tuple(sorted(f, key=lambda x: (x.start, x.end, x.detector))),
                annotations=annotations[d],
                signals=signals[d],
            )
            for d, f in enumerate(findings)
        ]

    @staticmethod
    def _items(segs: Sequence[tuple[int, Segment]], bts: Sequence[str]) -> list[_Item]:
        """Segments with an English source are scored per source unit (all its sentences
        against the whole source); the others each against their own back-translation."""
        items: list[_Item] = []
        by_unit: dict[tuple[int, int], _Item] = {}
        for (d, s), bt in zip(segs, bts):
            if s.source and s.source.strip():
                item = by_unit.get((d, s.unit))
                if item is None:
                    item = by_unit[(d, s.unit)] = _Item("", s.source.strip(), "source")
                    items.append(item)
                base = len(item.de_text) + (1 if item.de_text else 0)
                item.de_text = f"{item.de_text} {s.text}" if item.de_text else s.text
                item.parts.append((d, base, s))
            else:
                items.append(_Item(s.text, bt, "back_translation", [(d, 0, s)]))
        return items

    def _score_items(
        self,
        docs: Sequence[SegmentedDocument],
        items: Sequence[_Item],
        per_seg: dict[tuple[int, int], dict[str, Any]],
        findings: list[list[Finding]],
    ) -> None:
        from auditor.engines.neural.alignment import intersect_alignment, word_attention
        from auditor.engines.neural.scoring import (
            confidence_of,
            forced_decode,
            improbable_runs,
            severity_of,
        )
        from auditor.engines.neural.tokens import pieces_to_words, split_words

        thr = self.thresholds
        f_de = forced_decode(
            self.en_de, [(it.en_text, it.de_text) for it in items], batch_size=self.batch_size
        )
        f_en = forced_decode(
            self.de_en, [(it.de_text, it.en_text) for it in items], batch_size=self.batch_size
        )
        for it, fd, fe in zip(items, f_de, f_en):
            de_words = split_words(it.de_text)
            en_words = split_words(it.en_text)
            de_owner = pieces_to_words(fd.tgt_spans, de_words)
            m1 = word_attention(
                fd.attention, de_owner, pieces_to_words(fd.src_spans, en_words), len(de_words), len(en_words)
            )
            m2 = word_attention(
                fe.attention,
                pieces_to_words(fe.tgt_spans, en_words),
                pieces_to_words(fe.src_spans, de_words),
                len(en_words),
                len(de_words),
            )
            links = intersect_alignment(m1, m2)
            runs = improbable_runs(fd, de_words, thr)
            src_mean = sum(fe.logprobs) / len(fe.logprobs) if fe.logprobs else 0.0
            for d, base, seg in it.parts:
                lo, hi = base, base + len(seg.text)
                widx = [k for k, w in enumerate(de_words) if lo <= w.start and w.end <= hi]
                first = widx[0] if widx else 0
                local = {k: k - first for k in widx}
                toks = [
                    [seg.start + a - base, seg.start + b - base, round(lp, 3)]
                    for (a, b), lp in zip(fd.tgt_spans, fd.logprobs)
                    if lo <= a < hi or (a == b == hi)
                ]
                lps = [t[2] for t in toks]
                seg_links = [[local[i], j] for i, j in links if i in local]
                linked = {i for i, _ in seg_links}
                ann = per_seg[(d, seg.index)]
                ann.update(
                    {
                        "english": it.english,
                        "de_words": [de_words[k].text for k in widx],
                        "en_words": [w.text for w in en_words],
                        "alignment": seg_links,
                        "unaligned_de": [local[k] for k in widx if local[k] not in linked],
                        "tokens": toks,
                        "mean_logprob": round(sum(lps) / len(lps), 4) if lps else 0.0,
                        "min_logprob": round(min(lps), 4) if lps else 0.0,
                        "src_mean_logprob": round(src_mean, 4),
                    }
                )
                spec = FORCED_DECODING if it.english == "source" else FORCED_DECODING_FLUENCY
                for run in runs:
                    in_seg = [k for k in widx if run.first_word <= k <= run.last_word]
                    if not in_seg:
                        continue
                    start = seg.start + de_words[in_seg[0]].start - base
                    end = seg.start + de_words[in_seg[-1]].end - base
                    findings[d].append(
                        docs[d].finding(
                            start,
                            end,
                            category=spec.category,
                            severity=severity_of(run, thr),  # type: ignore[arg-type]
                            confidence=confidence_of(run, thr),
                            detector=spec.id,
                            message=self._run_message(run, it.english, fd),
                        )
                    )

    def _run_message(self, run: Any, english: str, fd: Any) -> str:
        from auditor.engines.neural.scoring import probability

        what = "the English source" if english == "source" else "its back-translation"
        msg = (
            f"improbable given {what} (en→de forced decoding): min log-prob {run.min_logprob:.2f} "
            f"(p={probability(run.min_logprob):.2g}), mean {run.mean_logprob:.2f}"
        )
        if run.expected_piece_at >= 0:
            piece = self.en_de.tokenizer.convert_ids_to_tokens(fd.expected[run.expected_piece_at])
            piece = str(piece).replace("\u2581", " ").strip()
            if piece and piece not in ("</s>", "<pad>", "<unk>"):
                msg += f"; the model expected \u201c{piece}\u201d"
        return msg
