"""Every example of every declared detector, run through its engine as a user runs it.

One pytest case per example, named after the detector (LanguageTool runs the ``<example>``
elements of all its rules in one test; pylint its ``bad.py``/``good.py`` pairs). The lexical engine's examples
are checked on its candidates, before calibration decides which strength bins are reported.
A must-flag example must give exactly the marked spans with the declared suggestion; a must-not-flag
example must give no finding of that detector. The completeness tests fail when a detector
lacks either kind of example.
"""

from __future__ import annotations

from collections.abc import Iterator
from functools import cache
from typing import Any

import pytest

from auditor.detectors import load_all
from auditor.detectors.spec import Detector, Example
from auditor.engines import Engine, engine_class
from auditor.engines.lexical import LexicalEngine
from auditor.errors import ResourceMissing
from auditor.segment import segment_document
from auditor.types import Document

REGISTRY = load_all()


def _cases(kind: str) -> Iterator[object]:
    for d in REGISTRY.values():
        for i, ex in enumerate(getattr(d, kind)):
            yield pytest.param(d, ex, id=f"{d.id}-{kind}{i}")


@cache
def _engine(name: str) -> Engine:
    return engine_class(name)()


def _run(d: Detector, ex: Example) -> list[tuple[int, int, str | None]]:
    if d.examples_need:
        pytest.skip(f"{d.id}: its examples need {d.examples_need}")
    try:
        engine = _engine(d.engine)
    except ResourceMissing as exc:
        pytest.skip(f"engine {d.engine} unavailable: {exc}")
    doc = segment_document(Document(path="example", text=ex.plain, source=ex.source))
    if isinstance(engine, LexicalEngine):
        # before calibration: what the detector claims, whether or not its bin is reported
        found: list[Any] = engine.all_candidates(doc)
    else:
        found = list(engine.analyze_many([doc])[0].findings)
    mine = [f for f in found if f.detector == d.id]
    assert {f.category for f in mine} <= {d.category}, f"{d.id} emitted a category it does not declare"
    return sorted((f.start, f.end, f.suggestion) for f in mine)


@pytest.mark.parametrize(("det", "ex"), list(_cases("flags")))
def test_must_flag(det: Detector, ex: Example) -> None:
    expected = [(start, end, ex.suggestion) for start, end, _text in ex.spans]
    assert _run(det, ex) == expected, ex.text


@pytest.mark.parametrize(("det", "ex"), list(_cases("passes")))
def test_must_not_flag(det: Detector, ex: Example) -> None:
    assert _run(det, ex) == [], ex.text


def test_every_detector_has_both_kinds_of_example() -> None:
    lacking = [d.id for d in REGISTRY.values() if not d.flags or not d.passes]
    assert lacking == []


def test_examples_with_source_only_for_detectors_that_need_it() -> None:
    for d in REGISTRY.values():
        if d.needs_source:
            assert all(ex.source for ex in d.flags), d.id
