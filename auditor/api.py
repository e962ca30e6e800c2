"""The Python API: ``from auditor import audit, Auditor``.

Why a module of its own: the pipeline's pieces (engines, ``Pipeline``, ``Document``) are
internal and took three imports to use; printing a ``DocumentResult`` dumped the whole
document, every segment and its gloss (36 kB for the seed article). Here one call audits a
string, the result is typed and small to print, and ``Auditor`` builds the engines (and
loads their dictionaries) once for many calls. The CLI contracts (detector ids, JSON
fields) are the API's too: :meth:`AuditResult.to_dict` is ``score --format json``'s
document object plus the signature.

Nothing here reads configuration files: an API call gives the same result in any working
directory. Pass ``config="auditor.toml"`` to use one explicitly.
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from typing import Any

from auditor.types import Document, DocumentResult, Finding, Weights

__all__ = ["AuditResult", "Auditor", "audit"]


@dataclass(frozen=True, repr=False)
class AuditResult:
    """One audited text: its findings, score (0–100), predicted MQM score and signature."""

    result: DocumentResult

    @property
    def findings(self) -> tuple[Finding, ...]:
        return self.result.findings

    @property
    def score(self) -> float:
        return self.result.score

    @property
    def mqm_estimate(self) -> float:
        return self.result.mqm_estimate

    @property
    def words(self) -> int:
        return self.result.words

    @property
    def signature(self) -> str:
        """What produced the result (engines, resources, weights): quote it with the score."""
        return self.result.signature

    @property
    def text(self) -> str:
        return self.result.document.text

    def to_dict(self) -> dict[str, Any]:
        """The ``score --format json`` document object, plus ``signature``."""
        from auditor.io.writers import document_json

        return {**document_json(self.result), "signature": self.signature}

    def report(self, color: bool = False) -> str:
        """The text report of ``auditor score`` (highlighted sentences, findings, summary)."""
        from auditor.io.writers import render_text

        return render_text([self.result], self.signature, color=color)

    def __repr__(self) -> str:
        counts = Counter(f.severity for f in self.findings)
        detail = ", ".join(f"{counts[s]} {s}" for s in ("critical", "major", "minor") if counts[s])
        shown = ", ".join(repr(f.text) for f in self.findings[:3]) + (", …" if len(self.findings) > 3 else "")
        return (
            f"AuditResult(score={self.score:.1f}, words={self.words}, "
            f"findings={len(self.findings)}{f' ({detail}): ' + shown if self.findings else ''})"
        )

    __str__ = __repr__


class Auditor:
    """Engines built once, for many texts.

    ``engines``: ``"rules,lexical"`` (the default), a list of names, or ``"rules"`` to run
    without dictionaries. ``weights``: ``(minor, major, critical)``. ``select``/``ignore``:
    detector ids, engines or ``category:NAME`` (as ``--select``/``--ignore``). ``settings``:
    engine options by their CLI names with underscores (``model_dir``, ``cache_dir``, …).
    """

    def __init__(
        self,
        engines: str | Sequence[str] | None = None,
        *,
        weights: tuple[float, float, float] | Weights | None = None,
        select: Sequence[str] = (),
        ignore: Sequence[str] = (),
        config: str | None = None,
        **settings: Any,
    ) -> None:
        from auditor.config import Config, load_config
        from auditor.engines import create_engines, parse_engine_list
        from auditor.pipeline import Pipeline

        base = load_config(config) if config else Config()
        names = engines if engines is None or isinstance(engines, str) else ",".join(engines)
        if isinstance(weights, tuple):
            weights = Weights(*(float(w) for w in weights))
        cfg = base.override(
            engine=names,
            weights=weights,
            select=tuple(select) or None,
            ignore=tuple(ignore) or None,
        )
        self.engine_names = parse_engine_list(cfg.engine)
        self._pipeline = Pipeline(create_engines(self.engine_names, settings), cfg.weights, selection=cfg.selection())

    @property
    def signature(self) -> str:
        return self._pipeline.signature

    def audit(self, text: str, source: str | None = None, *, path: str = "<text>") -> AuditResult:
        """Audit one German text; ``source``, the English original, line-aligned, runs the alignment checks."""
        if not isinstance(text, str):
            raise TypeError(f"audit() takes the German text as a str, not {type(text).__name__}")
        return AuditResult(self._pipeline.run(Document(path=path, text=text, source=source)))

    def audit_many(
        self, texts: Iterable[str | tuple[str, str | None]], *, path: str = "<text>"
    ) -> list[AuditResult]:
        """Audit many texts (``"text"`` or ``("text", "source")``) in engine batches, in order."""
        docs = []
        for item in texts:
            text, source = (item, None) if isinstance(item, str) else item
            docs.append(Document(path=path, text=text, source=source))
        return [AuditResult(r) for r in self._pipeline.run_many(docs)]

    def __repr__(self) -> str:
        return f"Auditor(engines={','.join(self.engine_names)!r})"


def audit(
    text: str,
    source: str | None = None,
    *,
    engines: str | Sequence[str] | None = None,
    **options: Any,
) -> AuditResult:
    """Audit one text with a new :class:`Auditor` (build one yourself for many texts)."""
    return Auditor(engines, **options).audit(text, source)
