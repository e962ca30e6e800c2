"""``auditor eval --html``: the figures that decide whether to trust the gate, as inline SVG.

One self-contained page, no script at all (a Content-Security-Policy forbids scripts and
every network request): four charts, each followed by the table of its numbers so the page
reads without the pictures too.

* precision and recall per detector, each detector alone, beside the all-minor reference
  and the whole run (:func:`auditor.curves.per_detector`);
* a reliability diagram per detector: its findings binned by confidence, the bin's mean
  confidence against its measured precision (:func:`auditor.curves.reliability`);
* the operating curve: the run's findings added by decreasing confidence
  (:func:`auditor.curves.operating_curve`, the computation ``bench/bench_operating_curve.py``
  uses for the calibration bins);
* a scatter of ``mqm_estimate`` against the gold score, with Spearman's ρ as ``auditor
  eval`` reports it.

Byte-identical between runs: no timings, fixed ordering, fixed number formats.
"""

from __future__ import annotations

import math
from collections.abc import Sequence
from html import escape

from auditor.curves import (
    CurvePoint,
    DetectorPRF,
    ReliabilityBin,
    groups_by_confidence,
    operating_curve,
    per_detector,
    reliability,
)
from auditor.evaluate import EvalResult, GoldRecord
from auditor.types import DocumentResult

CSS = """
body{font:15px/1.5 system-ui,sans-serif;margin:0 auto;max-width:62rem;padding:1rem;color:#111}
h1{font-size:1.3rem}h2{font-size:1.1rem;margin-top:2rem}
.meta{color:#444;font-size:.85rem;word-break:break-all}
svg{display:block;margin:.5rem 0;font:11px system-ui,sans-serif;overflow:visible}
svg text{fill:#222}.axis{stroke:#444;stroke-width:1}.grid{stroke:#ddd;stroke-width:1}
.diag{stroke:#999;stroke-dasharray:4 3}.p{fill:#1f5fbf}.r{fill:#e8913a}.ref{stroke:#b00;stroke-dasharray:5 3}
.pt{fill:#1f5fbf;fill-opacity:.35}.line{fill:none;stroke:#1f5fbf;stroke-width:1.5}
.hollow{fill:#fff;stroke:#1f5fbf}.refpt{fill:#b00}
.multi{display:flex;flex-wrap:wrap;gap:.5rem}
table{border-collapse:collapse;font-size:.8rem;margin:.5rem 0}td,th{border:1px solid #ccc;padding:2px 6px}
td.n{text-align:right;font-variant-numeric:tabular-nums}th{background:#eee}
details{margin:.5rem 0}
"""


def _f(x: float, digits: int = 1) -> str:
    """A coordinate or figure, formatted the same way on every run (no ``-0.0``)."""
    s = f"{x:.{digits}f}"
    return "0" + s[2:] if s.startswith("-0") and float(s) == 0 else s


def _ticks(lo: float, hi: float, target: int = 5) -> list[float]:
    """Round tick values covering [lo, hi] (steps of 1, 2 or 5 times a power of ten)."""
    if hi <= lo:
        hi = lo + 1.0
    raw = (hi - lo) / target
    mag = 10 ** math.floor(math.log10(raw))
    step = next(m * mag for m in (1, 2, 5, 10) if m * mag >= raw)
    first = math.floor(lo / step) * step
    out = []
    v = first
    while v <= hi + step * 1e-9:
        out.append(round(v, 10))
        v += step
    if out[-1] < hi:
        out.append(round(out[-1] + step, 10))
    return out


class _Plot:
    """A rectangular plot area mapping data coordinates to SVG pixels."""

    def __init__(self, width: int, height: int, x: Sequence[float], y: Sequence[float], margin: int = 40) -> None:
        self.w, self.h, self.m = width, height, margin
        self.x0, self.x1 = x[0], x[-1]
        self.y0, self.y1 = y[0], y[-1]
        self.xt, self.yt = list(x), list(y)

    def px(self, x: float) -> float:
        return self.m + (x - self.x0) / (self.x1 - self.x0) * (self.w - self.m - 10)

    def py(self, y: float) -> float:
        return self.h - self.m + 10 - (y - self.y0) / (self.y1 - self.y0) * (self.h - self.m - 10) - 10

    def frame(self, xlabel: str, ylabel: str, fmt: str = "{:g}") -> list[str]:
        out = []
        for t in self.xt:
            x = _f(self.px(t))
            out.append(f'<line class="grid" x1="{x}" y1="{_f(self.py(self.y0))}" x2="{x}" y2="{_f(self.py(self.y1))}"/>')
            out.append(f'<text x="{x}" y="{_f(self.py(self.y0) + 14)}" text-anchor="middle">{fmt.format(t)}</text>')
        for t in self.yt:
            y = _f(self.py(t))
            out.append(f'<line class="grid" x1="{_f(self.px(self.x0))}" y1="{y}" x2="{_f(self.px(self.x1))}" y2="{y}"/>')
            out.append(f'<text x="{_f(self.px(self.x0) - 4)}" y="{_f(self.py(t) + 4)}" text-anchor="end">'
                       f"{fmt.format(t)}</text>")
        x0, y0 = _f(self.px(self.x0)), _f(self.py(self.y0))
        out.append(f'<line class="axis" x1="{x0}" y1="{y0}" x2="{_f(self.px(self.x1))}" y2="{y0}"/>')
        out.append(f'<line class="axis" x1="{x0}" y1="{y0}" x2="{x0}" y2="{_f(self.py(self.y1))}"/>')
        out.append(f'<text x="{_f((self.px(self.x0) + self.px(self.x1)) / 2)}" y="{_f(self.h - 2)}" '
                   f'text-anchor="middle">{escape(xlabel)}</text>')
        out.append(f'<text transform="translate(10 {_f((self.py(self.y0) + self.py(self.y1)) / 2)}) rotate(-90)" '
                   f'text-anchor="middle">{escape(ylabel)}</text>')
        return out


def _svg(width: int, height: int, label: str, parts: Sequence[str], cls: str) -> str:
    return (f'<svg class="{cls}" xmlns="http://www.w3.org/2000/svg" width="{width}" height="{height}" '
            f'viewBox="0 0 {width} {height}" role="img" aria-label="{escape(label)}">'
            f"<title>{escape(label)}</title>{''.join(parts)}</svg>")


# ----------------------------------------------------------------------------- charts


def bars_chart(metrics: EvalResult, detectors: Sequence[DetectorPRF]) -> str:
    """Precision and recall bars per detector, under the all-minor reference and the whole run."""
    rows: list[tuple[str, float, float, str]] = [
        ("all-minor reference", metrics.all_minor.severity.precision, metrics.all_minor.severity.recall, "ref"),
        ("this run (all detectors)", metrics.auditor.severity.precision, metrics.auditor.severity.recall, "run"),
    ]
    rows += [(d.detector, d.prf.precision, d.prf.recall, "det") for d in detectors]
    label_w, bar_w, row_h = 200, 380, 30
    width, height = label_w + bar_w + 60, 30 + row_h * len(rows)
    out = ['<text x="0" y="12"><tspan class="p">■</tspan> precision  <tspan class="r">■</tspan> recall'
           " (severity-aware, characters)</text>"]
    for t in (0.0, 0.2, 0.4, 0.6, 0.8, 1.0):
        x = _f(label_w + t * bar_w)
        out.append(f'<line class="grid" x1="{x}" y1="20" x2="{x}" y2="{height - 4}"/>'
                   f'<text x="{x}" y="{height + 8}" text-anchor="middle">{t:g}</text>')
    for k, (name, p, r, kind) in enumerate(rows):
        y = 24 + k * row_h
        weight = ' font-weight="bold"' if kind != "det" else ""
        out.append(f'<text x="{label_w - 6}" y="{y + 15}" text-anchor="end"{weight}>{escape(name)}</text>')
        for j, (cls, v, what) in enumerate((("p", p, "precision"), ("r", r, "recall"))):
            yy = y + 2 + j * 12
            out.append(f'<rect class="{cls}" data-det="{escape(name, quote=True)}" data-{what}="{_f(v, 3)}" '
                       f'x="{label_w}" y="{yy}" width="{_f(v * bar_w)}" height="11">'
                       f"<title>{escape(name)}: {what} {_f(v, 3)}</title></rect>"
                       f'<text x="{_f(label_w + v * bar_w + 3)}" y="{yy + 9}">{_f(v, 3)}</text>')
    ref = _f(label_w + metrics.all_minor.severity.precision * bar_w)
    out.append(f'<line class="ref" x1="{ref}" y1="20" x2="{ref}" y2="{height - 4}">'
               "<title>all-minor reference precision</title></line>")
    return _svg(width, height + 12, "precision and recall per detector", out, "bars")


def reliability_charts(bins: Sequence[ReliabilityBin]) -> str:
    """One small reliability diagram per detector: mean confidence (x) against measured precision (y)."""
    by_det: dict[str, list[ReliabilityBin]] = {}
    for b in bins:
        by_det.setdefault(b.detector, []).append(b)
    charts = []
    most = max((b.predicted_chars for b in bins), default=1) or 1
    for det, bs in sorted(by_det.items()):
        plot = _Plot(200, 200, [0.0, 0.5, 1.0], [0.0, 0.5, 1.0], margin=30)
        out = plot.frame("confidence", "precision")
        out.append(f'<line class="diag" x1="{_f(plot.px(0))}" y1="{_f(plot.py(0))}" '
                   f'x2="{_f(plot.px(1))}" y2="{_f(plot.py(1))}"/>')
        pts = [b for b in bs if b.predicted_chars]
        if len(pts) > 1:
            path = " ".join(f"{_f(plot.px(b.mean_confidence))},{_f(plot.py(b.precision))}" for b in pts)
            out.append(f'<polyline class="line" points="{path}"/>')
        for b in pts:
            radius = 2.5 + 6 * math.sqrt(b.predicted_chars / most)
            out.append(
                f'<circle class="pt" cx="{_f(plot.px(b.mean_confidence))}" cy="{_f(plot.py(b.precision))}" '
                f'r="{_f(radius)}"><title>{escape(det)} confidence [{b.lo:g}, {b.hi:g}): mean '
                f"{_f(b.mean_confidence, 3)}, precision {_f(b.precision, 3)}, {b.findings} findings, "
                f"{b.predicted_chars} characters</title></circle>"
            )
        out.append(f'<text x="{_f(plot.px(0.5))}" y="10" text-anchor="middle" font-weight="bold">{escape(det)}</text>')
        charts.append(_svg(200, 200, f"reliability of {det}", out, "reliability"))
    return f'<div class="multi">{"".join(charts)}</div>'


def curve_chart(points: Sequence[CurvePoint], metrics: EvalResult) -> str:
    """Precision against recall as the run's findings are added by decreasing confidence."""
    top = max([p.recall for p in points] + [0.05])
    plot = _Plot(560, 360, _ticks(0.0, top), [0.0, 0.2, 0.4, 0.6, 0.8, 1.0])
    out = plot.frame("recall (severity-aware, characters)", "precision")
    ref = metrics.all_minor.severity
    y = _f(plot.py(ref.precision))
    out.append(f'<line class="ref" x1="{_f(plot.px(plot.x0))}" y1="{y}" x2="{_f(plot.px(plot.x1))}" y2="{y}">'
               f"<title>all-minor reference: precision {_f(ref.precision, 3)} at recall "
               f"{_f(ref.recall, 3)}</title></line>"
               f'<text x="{_f(plot.px(plot.x1))}" y="{_f(plot.py(ref.precision) - 4)}" text-anchor="end">'
               f"all-minor precision {_f(ref.precision, 3)}</text>")
    if len(points) > 1:
        path = " ".join(f"{_f(plot.px(p.recall))},{_f(plot.py(p.precision))}" for p in points)
        out.append(f'<polyline class="line" points="{path}"/>')
    for k, p in enumerate(points):
        out.append(f'<circle class="{"pt" if p.reported else "hollow"}" data-step="{k}" cx="{_f(plot.px(p.recall))}" '
                   f'cy="{_f(plot.py(p.precision))}" r="3"><title>+{escape(p.label)}: P {_f(p.precision, 3)} '
                   f"R {_f(p.recall, 3)} F1 {_f(p.f1, 3)}</title></circle>")
    return _svg(560, 360, "operating curve", out, "curve")


def scatter_chart(pairs: Sequence[tuple[str, float, float]], rho: float | None) -> str:
    """``mqm_estimate`` (y) against the gold score (x), one dot per record."""
    if not pairs:
        return "<p>No record has both a gold score and an mqm_estimate.</p>"
    xs = [x for _i, x, _y in pairs]
    ys = [y for _i, _x, y in pairs]
    plot = _Plot(560, 400, _ticks(min(xs), max(xs)), _ticks(min(ys), max(ys)))
    out = plot.frame("gold score", "mqm_estimate")
    lo, hi = max(plot.x0, plot.y0), min(plot.x1, plot.y1)
    if lo < hi:
        out.append(f'<line class="diag" x1="{_f(plot.px(lo))}" y1="{_f(plot.py(lo))}" '
                   f'x2="{_f(plot.px(hi))}" y2="{_f(plot.py(hi))}"><title>estimate = gold</title></line>')
    for rid, x, y in pairs:
        out.append(f'<circle class="pt" cx="{_f(plot.px(x))}" cy="{_f(plot.py(y))}" r="2.2">'
                   f"<title>{escape(rid)}: gold {_f(x, 2)}, estimate {_f(y, 2)}</title></circle>")
    label = "Spearman ρ " + ("n/a" if rho is None else _f(rho, 3))
    out.append(f'<text class="rho" x="{_f(plot.px(plot.x0) + 6)}" y="14" font-weight="bold">{label} '
               f"(n = {len(pairs)})</text>")
    return _svg(560, 400, "mqm_estimate against gold score", out, "scatter")


# ----------------------------------------------------------------------------- tables


def _table(head: Sequence[str], rows: Sequence[Sequence[object]]) -> str:
    def cell(v: object) -> str:
        if isinstance(v, float):
            return f'<td class="n">{_f(v, 3)}</td>'
        if isinstance(v, int):
            return f'<td class="n">{v}</td>'
        return f"<td>{escape(str(v))}</td>"

    return ("<table><thead><tr>" + "".join(f"<th>{escape(h)}</th>" for h in head) + "</tr></thead><tbody>"
            + "".join("<tr>" + "".join(cell(v) for v in r) + "</tr>" for r in rows) + "</tbody></table>")


def _details(summary: str, table: str) -> str:
    return f"<details><summary>{escape(summary)}</summary>{table}</details>"


# ----------------------------------------------------------------------------- page


def render_eval_html(
    gold_path: str,
    gold: Sequence[GoldRecord],
    results: Sequence[DocumentResult],
    metrics: EvalResult,
    signature: str,
) -> str:
    """The eval page for ``results[i]`` audited from ``gold[i]``; ``metrics`` is their :func:`evaluate`."""
    findings = [r.findings for r in results]
    detectors = per_detector(gold, findings)
    bins = reliability(gold, findings)
    points = operating_curve(gold, groups_by_confidence(findings))
    pairs = [(r.id, float(r.score), float(res.mqm_estimate))
             for r, res in zip(gold, results, strict=True) if r.score is not None]  # fmt: skip
    corr = metrics.correlation_estimate
    run, ref = metrics.auditor.severity, metrics.all_minor.severity
    body = [
        "<h1>mt-auditor eval</h1>",
        f'<p>{escape(gold_path)}: {metrics.records} records, {metrics.gold_spans} gold spans, '
        f"{metrics.predicted_spans} findings</p>",
        f"<p>severity-aware character P {_f(run.precision, 3)} · R {_f(run.recall, 3)} · F1 {_f(run.f1, 3)} "
        f"(all-minor reference P {_f(ref.precision, 3)} · R {_f(ref.recall, 3)} · F1 {_f(ref.f1, 3)})</p>",
        f'<p class="meta">signature <span class="signature">{escape(signature)}</span></p>',
        '<section id="bars"><h2>Precision and recall per detector</h2>'
        "<p>Each detector alone, as if it were the only one reporting; recall is over every gold character, so the "
        "bars compare with each other and with the all-minor reference (every character flagged minor), whose "
        "precision is the dashed line. A detector left of that line flags errors no better than chance.</p>",
        bars_chart(metrics, detectors),
        _details("numbers", _table(
            ["detector", "findings", "precision", "recall", "F1"],
            [("all-minor reference", "–", ref.precision, ref.recall, ref.f1),
             ("this run", metrics.predicted_spans, run.precision, run.recall, run.f1)]
            + [(d.detector, d.findings, d.prf.precision, d.prf.recall, d.prf.f1) for d in detectors])),
        "</section>",
        '<section id="reliability"><h2>Reliability of the confidences</h2>'
        "<p>Each detector's findings in ten confidence bins: the bin's mean confidence against the severity-aware "
        "character precision its findings reached (the quantity the lexical calibration fits the confidence to). "
        "On the dashed diagonal a confidence means what it says; dot area grows with the bin's characters.</p>",
        reliability_charts(bins),
        _details("numbers", _table(
            ["detector", "confidence bin", "findings", "characters", "mean confidence", "precision"],
            [(b.detector, f"[{b.lo:g}, {b.hi:g})", b.findings, b.predicted_chars, b.mean_confidence, b.precision)
             for b in bins])),
        "</section>",
        '<section id="curve"><h2>Operating curve</h2>'
        "<p>The run's findings added one (detector, confidence) group at a time, most confident first: the precision "
        "and recall a confidence threshold would give. The last point is the run as reported. "
        "<code>bench/bench_operating_curve.py</code> draws the same curve over the lexical calibration bins, "
        "including those the engine does not report.</p>",
        curve_chart(points, metrics),
        _details("numbers", _table(
            ["step", "added", "confidence", "precision", "recall", "F1"],
            [(k + 1, p.label, p.confidence, p.precision, p.recall, p.f1) for k, p in enumerate(points)])),
        "</section>",
        '<section id="scatter"><h2>mqm_estimate against the gold score</h2>'
        f"<p>One dot per record with a gold score. Spearman ρ "
        f"{'n/a' if corr is None or corr.spearman is None else _f(corr.spearman, 3)}, Kendall τb "
        f"{'n/a' if corr is None or corr.kendall_tau_b is None else _f(corr.kendall_tau_b, 3)} "
        f"(n = {0 if corr is None else corr.n}), as <code>auditor eval</code> reports them.</p>",
        scatter_chart(pairs, None if corr is None else corr.spearman),
        "</section>",
    ]
    csp = "default-src 'none'; style-src 'unsafe-inline'; img-src data:; form-action 'none'; base-uri 'none'"
    return (
        '<!DOCTYPE html>\n<html lang="en"><head><meta charset="utf-8">'
        f'<meta http-equiv="Content-Security-Policy" content="{csp}">'
        '<meta name="viewport" content="width=device-width,initial-scale=1">'
        f"<title>mt-auditor eval: {escape(gold_path)}</title><style>{CSS}</style></head><body>"
        + "".join(body)
        + "</body></html>\n"
    )
