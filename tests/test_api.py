"""The Python API: `from auditor import audit, Auditor`, and the README example, run as written."""

from __future__ import annotations

import re
from pathlib import Path

import pytest

import auditor
from auditor import Auditor, AuditResult, audit

README = Path(__file__).resolve().parents[1] / "README.md"


def test_audit_a_string_with_the_rules_engine() -> None:
    r = audit("Die NATO -Verbündeten trafen sich am Mittwoch.", source=None, engines="rules")
    assert isinstance(r, AuditResult)
    assert [f.detector for f in r.findings] == ["rules.detached_hyphen"]
    assert r.findings[0].text == "NATO -Verbündeten" and r.findings[0].suggestion == "NATO-Verbündeten"
    assert 0 < r.score < 100 and r.words == 7
    assert r.signature.startswith("auditor:") and "rules@" in r.signature
    d = r.to_dict()
    assert d["score"] == r.score and d["signature"] == r.signature and d["findings"][0]["start"] == 4
    assert repr(r) == "AuditResult(score=85.7, words=7, findings=1 (1 minor): 'NATO -Verbündeten')"


def test_repr_stays_short_on_a_long_text() -> None:
    text = "Die NATO -Verbündeten trafen sich. " * 300
    r = Auditor("rules").audit(text)
    assert len(r.findings) == 300
    assert len(repr(r)) < 200 and str(r) == repr(r)


def test_auditor_builds_engines_once_for_many_calls(monkeypatch: pytest.MonkeyPatch) -> None:
    import auditor.engines as engines

    built = []
    real = engines.create_engines
    monkeypatch.setattr(engines, "create_engines", lambda *a, **k: built.append(a) or real(*a, **k))
    a = Auditor("rules", ignore=["rules.straight_quote"])
    results = [a.audit("Ein sauberer Satz."), a.audit("Die EU -Kommission tagt.")]
    results += a.audit_many(["Noch ein Satz.", ("Die NATO -Staaten.", "The NATO states.")])
    assert len(built) == 1
    assert [len(r.findings) for r in results] == [0, 1, 0, 1]


def test_weights_and_selection_apply() -> None:
    text = "Die NATO -Verbündeten trafen sich am Mittwoch."
    assert audit(text, engines="rules", weights=(5, 5, 25)).score < audit(text, engines="rules").score
    assert audit(text, engines="rules", ignore=["rules.detached_hyphen"]).findings == ()


def test_a_wrong_type_is_a_clear_error() -> None:
    with pytest.raises(TypeError, match="str"):
        Auditor("rules").audit(b"bytes")  # type: ignore[arg-type]
    from auditor.engines import create_engines
    from auditor.pipeline import Pipeline

    p = Pipeline(create_engines(["rules"]))
    assert p.run("Die NATO -Verbündeten.").findings  # a str is a text, not an AttributeError
    with pytest.raises(TypeError, match="Document or a str"):
        p.run(42)  # type: ignore[arg-type]


def test_public_names() -> None:
    assert {"audit", "Auditor", "AuditResult"} <= set(auditor.__all__)
    with pytest.raises(AttributeError):
        auditor.nothing_here  # noqa: B018


def test_the_readme_example_runs_as_written(capsys: pytest.CaptureFixture[str]) -> None:
    try:
        Auditor()  # the example uses the default engines
    except Exception as exc:  # dictionaries not installed here
        pytest.skip(f"default engines unavailable: {exc}")
    text = README.read_text(encoding="utf-8")
    section = text[text.index("## Python API") :]
    code = re.search(r"```python\n(.*?)```", section, re.S)
    assert code
    lines = code.group(1).strip().splitlines()
    assert len(lines) <= 5
    exec(compile(code.group(1), "README.md", "exec"), {})
    out = capsys.readouterr().out.splitlines()
    expected = re.search(r"print\(result\)\s+# (.*)", code.group(1))
    assert expected and out[0] == expected.group(1)
    assert out[1].startswith("rules.detached_hyphen 85.71 auditor:0.1.0|engines:rules@1")
    assert out[2].startswith("[100.0, ")
