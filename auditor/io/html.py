"""Self-contained HTML reports for ``auditor score --format html`` and ``auditor gate --html``.

The page is built from the same dicts the JSON writer emits (:func:`document_json`), so the
page and the JSON cannot disagree. Everything from the input is escaped with
:func:`html.escape`; a Content-Security-Policy allows only the page's own inline script (by
its hash) and forbids every network request, so a feed item carrying ``<script>`` stays
text even if escaping were ever missed. Highlights, findings and per-sentence details are
plain HTML (readable with JavaScript off); the script only adds filters, sorting and the
focus tooltip. Output is byte-stable: no timestamps, fixed ordering.
"""

from __future__ import annotations

import base64
import hashlib
from collections import Counter
from collections.abc import Sequence
from dataclasses import dataclass
from html import escape
from typing import Any

from auditor.io.writers import document_json
from auditor.types import SEVERITIES, DocumentResult

CSS = """
body{font:15px/1.5 system-ui,sans-serif;margin:0 auto;max-width:62rem;padding:1rem;color:#111}
h1{font-size:1.3rem}h2{font-size:1.1rem;margin-top:2rem}
.meta{color:#444;font-size:.85rem;word-break:break-all}
.strip{display:flex;gap:1px;height:18px;margin:.5rem 0}
.strip a{flex:1;min-width:2px}
.c0{background:#ddd}.c1{background:#e53935}.c2{background:#ff9800}.c3{background:#cddc39}.c4{background:#4caf50}
.text{white-space:pre-wrap;border:1px solid #ccc;padding:.75rem;background:#fff}
mark.f{background:none;color:inherit;text-underline-offset:3px;text-decoration-thickness:2px;
  text-decoration-line:underline;cursor:help}
mark.sev-minor{background:#fff3b0;text-decoration-style:dotted;text-decoration-color:#8a6d00}
mark.sev-major{background:#ffc9a8;text-decoration-style:dashed;text-decoration-color:#b03a00}
mark.sev-critical{background:#f4a6d7;text-decoration-style:double;text-decoration-color:#7a0050;
  text-decoration-thickness:3px}
mark.f mark.f{padding:1px 0;box-shadow:0 2px 0 #333}
mark.f:focus{outline:2px solid #005fcc}
mark.f.off{background:none;text-decoration:none;cursor:auto}
mark.f.empty::after{content:"\\2038"}
.sc{font-size:.65rem;color:#555;vertical-align:super;margin:0 2px;padding:0 2px;border-radius:3px;background:#eee;user-select:none}
ul.findings{font-size:.85rem}li.off,.hidden{display:none}
details.saw{font-size:.85rem;margin:.25rem 0}
.ws>span.lit{background:#9cf}
.bitext{display:grid;grid-template-columns:1fr 1fr;gap:.75rem;margin:.25rem 0}
section.doc{content-visibility:auto;contain-intrinsic-size:auto 20rem}
#tip{position:absolute;display:none;max-width:28rem;background:#222;color:#fff;padding:.5rem;
  border-radius:4px;font-size:.8rem;z-index:10}
table{border-collapse:collapse;font-size:.85rem}td,th{border:1px solid #ccc;padding:2px 6px}
th{cursor:pointer;background:#eee}th[data-dir=asc]::after{content:" \\25B2"}th[data-dir=desc]::after{content:" \\25BC"}tr.fail td.st{color:#b00;font-weight:bold}
.filters{font-size:.85rem;background:#f6f6f6;padding:.5rem;position:sticky;top:0}.filters label{margin-right:.75rem}
@media print{#tip,.filters{display:none}}
"""

SCRIPT = """
(function(){
var tip=document.getElementById('tip');
function show(e){var m=e.target.closest('mark.f');if(!m)return;var i=document.getElementById(m.dataset.info);
 if(!i)return;tip.innerHTML=i.innerHTML;tip.style.display='block';var r=m.getBoundingClientRect();
 tip.style.left=(r.left+window.scrollX)+'px';tip.style.top=(r.bottom+window.scrollY+4)+'px';}
function hide(){tip.style.display='none';}
document.addEventListener('mouseover',show);document.addEventListener('focusin',show);
document.addEventListener('mouseout',function(e){if(e.target.closest&&e.target.closest('mark.f'))hide();});
document.addEventListener('focusout',hide);
function align(e,on){var w=e.target.closest&&e.target.closest('.ws>span');if(!w)return;
 var ws=w.parentNode,box=ws.closest('.align'),de=ws.lang==='de',i=Array.prototype.indexOf.call(ws.children,w);
 var other=box.querySelector(de?'.ws[lang=en]':'.ws[lang=de]').children;
 box.dataset.al.split(' ').forEach(function(pr){var ab=pr.split('-'),a=+ab[0],b=+ab[1];
  if((de?a:b)===i){var t=other[de?b:a];if(t)t.classList.toggle('lit',on);}});}
document.addEventListener('mouseover',function(e){align(e,true);});
document.addEventListener('mouseout',function(e){align(e,false);});
function apply(){
 var sev={},cat=document.getElementById('f-cat').value,det=document.getElementById('f-det').value;
 document.querySelectorAll('input[data-sev]').forEach(function(c){sev[c.dataset.sev]=c.checked;});
 function on(el){return sev[el.dataset.sev]&&(!cat||el.dataset.cat===cat)&&(!det||el.dataset.det===det);}
 document.querySelectorAll('mark.f').forEach(function(m){m.classList.toggle('off',!on(m));});
 document.querySelectorAll('li.fi').forEach(function(l){l.classList.toggle('off',!on(l));});
 var only=document.getElementById('f-flagged').checked;
 document.querySelectorAll('.segrow').forEach(function(s){
  var any=s.querySelector('li.fi:not(.off)');s.classList.toggle('hidden',only&&!any);});
}
document.querySelectorAll('.filters input,.filters select').forEach(function(c){c.addEventListener('change',apply);});
document.querySelectorAll('table.gate th').forEach(function(th,col){th.addEventListener('click',function(){
 var tb=th.closest('table').tBodies[0],rows=Array.prototype.slice.call(tb.rows),
  asc=th.dataset.dir!=='asc';
 th.parentNode.querySelectorAll('th').forEach(function(o){if(o!==th){delete o.dataset.dir;o.removeAttribute('aria-sort');}});
 th.dataset.dir=asc?'asc':'desc';th.setAttribute('aria-sort',asc?'ascending':'descending');
 var keyed=rows.map(function(r){var c=r.cells[col],v=c.dataset.v===undefined?c.textContent:c.dataset.v;
  return {r:r,v:v,n:parseFloat(v)};});
 keyed.sort(function(a,b){var c=(isNaN(a.n)||isNaN(b.n))?a.v.localeCompare(b.v):a.n-b.n;return asc?c:-c;});
 var frag=document.createDocumentFragment();keyed.forEach(function(k){frag.appendChild(k.r);});tb.appendChild(frag);});});
})();
"""


def _attr(value: object) -> str:
    return escape(str(value), quote=True)


def _score_class(score: float | None) -> str:
    """The strip colour of a sentence score, as a class (``.strip .c0`` … ``.c4`` in :data:`CSS`)."""
    if score is None:
        return "c0"
    if score >= 90:
        return "c4"
    if score >= 70:
        return "c3"
    if score >= 40:
        return "c2"
    return "c1"


@dataclass(frozen=True)
class _Interval:
    start: int
    end: int
    order: int
    open_tag: str
    close_tag: str
    cont_tag: str  # the opening tag of a continued fragment (after a split)


def nest(text: str, intervals: Sequence[_Interval]) -> str:
    """Escaped ``text`` with ``intervals`` as properly nested elements.

    Intervals sorted by (start, longest first) open in that order; when one ends while an
    interval opened after it is still open (a crossing overlap), the inner ones are closed
    and reopened as continued fragments, so the markup is always well nested.
    """
    starting: dict[int, list[_Interval]] = {}
    points = {0, len(text)}
    for iv in intervals:
        starting.setdefault(iv.start, []).append(iv)
        points.update((iv.start, iv.end))
    out: list[str] = []
    stack: list[_Interval] = []
    prev = 0
    for p in sorted(points):
        out.append(escape(text[prev:p], quote=False))
        prev = p
        ending = [i for i, iv in enumerate(stack) if iv.end <= p]
        if ending:
            first = ending[0]
            reopen = [iv for iv in stack[first:] if iv.end > p]
            out.extend(iv.close_tag for iv in reversed(stack[first:]))
            del stack[first:]
            for iv in reopen:
                out.append(iv.cont_tag)
                stack.append(iv)
        for iv in sorted(starting.get(p, []), key=lambda iv: (-iv.end, iv.order)):
            if iv.end == iv.start:
                out.append(iv.open_tag + iv.close_tag)
                continue
            out.append(iv.open_tag)
            stack.append(iv)
    out.extend(iv.close_tag for iv in reversed(stack))
    return "".join(out)


def _explain(detector_ids: Sequence[str]) -> str:
    """Embedded ``explain`` text per detector id, from the detector catalogue."""
    from auditor.detectors import load_all

    catalogue = load_all()
    parts = ['<section id="explain"><h2>Detectors</h2><dl>']
    for det in detector_ids:
        d = catalogue.get(det)
        parts.append(f'<dt id="x-{_attr(det)}"><code>{escape(det)}</code></dt>')
        if d is not None:
            parts.append(
                f"<dd><p>{escape(d.summary)}</p><p>{escape(d.doc)}</p>"
                f"<p>category {escape(d.category)}, default severity {escape(d.severity)}</p></dd>"
            )
        else:
            parts.append("<dd>(not in the detector catalogue)</dd>")
    parts.append("</dl></section>")
    return "".join(parts)


def _words(lang: str, words: Sequence[str]) -> str:
    """One side of an alignment: a word per element, found by position (no ids, to keep big pages small)."""
    return f'<div class="ws" lang="{lang}">' + " ".join(f"<span>{escape(w)}</span>" for w in words) + "</div>"


def _saw(seg: dict[str, Any], source: str | None = None) -> str:
    """What the engines saw for one sentence: the English source beside the German, the gloss,
    the back-translation and round trip, the alignments."""
    rows: list[str] = []
    if source:
        rows.append(f'<div class="bitext"><div lang="de">{escape(seg["text"])}</div>'
                    f'<div lang="en"><b>source</b> {escape(source)}</div></div>')
    lex = seg.get("lexical") or {}
    neu = seg.get("neural") or {}
    if lex.get("gloss"):
        rows.append(f"<div><b>gloss</b> {escape(lex['gloss'])}</div>")
    if neu.get("back_translation"):
        rows.append(f"<div><b>back-translation</b> {escape(neu['back_translation'])}</div>")
    if neu.get("round_trip"):
        rows.append(f"<div><b>round trip</b> {escape(neu['round_trip'])}</div>")
    for name, ann, de_key, en_key in (("lexical", lex, "target_words", "source_words"),
                                      ("neural", neu, "de_words", "en_words")):
        if ann.get(de_key) and ann.get(en_key) and "alignment" in ann:
            pairs = " ".join(f"{int(d)}-{int(e)}" for d, e in ann["alignment"])
            rows.append(
                f'<div class="align" data-al="{pairs}"><b>{name} alignment</b>'
                f"{_words('de', ann[de_key])}{_words('en', ann[en_key])}</div>"
            )
    if not rows:
        return ""
    return f'<details class="saw"><summary>what the engines saw</summary>{"".join(rows)}</details>'


def _document(
    did: str,
    data: dict[str, Any],
    text: str,
    engines: str,
    signature: str | None,
    open_: bool = True,
    engines_view: bool = True,
    sources: dict[int, str | None] | None = None,
) -> str:
    """One document's section: header, sentence strip, highlighted text, per-sentence lists.

    ``open_=False`` collapses everything below the header; ``engines_view=False`` leaves out
    "what the engines saw" (gloss, back-translation, alignment), the bulk of a page: the gate
    page drops it for passing documents so that a 10,000-item feed stays a file a browser opens.
    ``signature=None``: the document has the page header's engines and signature (said once there).
    ``sources``: the English source of each segment index, shown beside the German.
    """
    findings = data["findings"]
    segments = data["segments"]
    sev = Counter(f["severity"] for f in findings)
    cat = Counter(f["category"] for f in findings)
    name = data["path"] + (f"#{data['id']}" if "id" in data else "")
    head = [
        f'<section class="doc" id="{did}"><h2>{escape(name)}</h2>',
        f"<p>score <b>{data['score']:.1f}</b>/100 · mqm_estimate {data['mqm_estimate']} · "
        f"words {data['words']} · "
        + " · ".join(f"{s} {sev[s]}" for s in reversed(SEVERITIES))
        + "</p>",
        "<p>" + (" · ".join(f"{escape(c)} {n}" for c, n in sorted(cat.items())) or "no findings") + "</p>",
        f'<p class="meta">engines {escape(engines)} · signature {escape(signature)}</p>'
        if signature is not None
        else '<p class="meta"><a href="#summary">engines and signature as above</a></p>',
        '<nav class="strip" aria-label="sentences">',
    ]
    for seg in segments:
        if seg["kind"] == "sentence":
            head.append(
                f'<a href="#{did}-s{seg["index"]}" class="{_score_class(seg["score"])}" '
                f'title="sentence {seg["index"] + 1}: {seg["score"]:.1f}"></a>'
            )
    head.append("</nav>")
    # segment of each finding: the one containing its start (as the pipeline assigns)
    by_seg: dict[int, list[int]] = {}
    for k, f in enumerate(findings):
        for seg in segments:
            if seg["start"] <= f["start"] < seg["end"] or (f["start"] == f["end"] == seg["end"]):
                by_seg.setdefault(seg["index"], []).append(k)
                break
    text_parts = []
    for seg in segments:
        ivs = []
        for k in by_seg.get(seg["index"], []):
            f = findings[k]
            fid = f"{did}-f{k}"
            attrs = (
                f'class="f sev-{_attr(f["severity"])}{" empty" if f["start"] == f["end"] else ""}" '
                f'data-sev="{_attr(f["severity"])}" data-cat="{_attr(f["category"])}" '
                f'data-det="{_attr(f["detector"])}" data-info="{fid}-i" '
                f'title="{_attr(f["severity"] + " " + f["category"] + ": " + f["message"])}"'
            )
            s = max(f["start"], seg["start"]) - seg["start"]
            e = min(f["end"], seg["end"]) - seg["start"]
            ivs.append(_Interval(s, e, k, f'<mark id="{fid}" tabindex="0" {attrs}>', "</mark>",
                                 f'<mark data-part="{fid}" {attrs}>'))
        body = nest(seg["text"], ivs)
        sc = f'<span class="sc">{seg["score"]:.0f}</span>' if seg["kind"] == "sentence" else ""
        text_parts.append((seg, f'<span class="seg" id="{did}-s{seg["index"]}">{body}</span>{sc}'))
    # the document text as it is: segments with the original gaps between them
    full = []
    pos = 0
    for seg, html_ in text_parts:
        full.append(escape(text[pos:seg["start"]], quote=False))
        full.append(html_)
        pos = seg["end"]
    full.append(escape(text[pos:], quote=False))
    rows = []
    for seg in segments:
        ks = by_seg.get(seg["index"], [])
        if not ks and seg["kind"] != "sentence":
            continue
        items = []
        for k in ks:
            f = findings[k]
            fix = f" → <i>{escape(f['suggestion'])}</i>" if f.get("suggestion") else ""
            items.append(
                f'<li class="fi" id="{did}-f{k}-i" data-sev="{_attr(f["severity"])}" '
                f'data-cat="{_attr(f["category"])}" data-det="{_attr(f["detector"])}">'
                f"<b>{escape(f['severity'])}</b> {escape(f['category'])} · confidence {f['confidence']} · "
                f"<code>{escape(f['detector'])}</code> “{escape(f['text'])}”: {escape(f['message'])}{fix} "
                f'<a href="#x-{_attr(f["detector"])}">explain</a></li>'
            )
        saw = _saw(seg, (sources or {}).get(seg["index"])) if engines_view else ""
        if not items and not saw:
            rows.append(f'<div class="segrow"><a href="#{did}-s{seg["index"]}">sentence {seg["index"] + 1}</a> '
                        f'score {seg["score"]:.1f}</div>')
            continue
        rows.append(
            f'<div class="segrow"><a href="#{did}-s{seg["index"]}">sentence {seg["index"] + 1}</a> '
            f'score {seg["score"]:.1f}<ul class="findings">{"".join(items)}</ul>{saw}</div>'
        )
    detail = f'<div class="text">{"".join(full)}</div>{"".join(rows)}'
    if not open_:
        detail = f"<details><summary>details</summary>{detail}</details>"
    return "".join(head) + detail + "</section>"


def _clean_document(did: str, data: dict[str, Any], text: str) -> str:
    """A passing document without a single finding, on the gate page: a line and its text, collapsed.

    Nothing is highlighted and every sentence scores 100, so the strip and the sentence rows
    would say nothing; most documents of a large feed are like this, and leaving that markup
    out keeps the page of a 10,000-item feed about a third smaller.
    """
    name = data["path"] + (f"#{data['id']}" if "id" in data else "")
    return (
        f'<section class="doc clean" id="{did}"><h2>{escape(name)}</h2>'
        f"<p>score <b>{data['score']:.1f}</b>/100 · mqm_estimate {data['mqm_estimate']} · words {data['words']} · "
        f'no findings</p><details><summary>text</summary><div class="text">{escape(text, quote=False)}</div>'
        "</details></section>"
    )


def _filters(findings: Sequence[dict[str, Any]]) -> str:
    cats = sorted({f["category"] for f in findings})
    dets = sorted({f["detector"] for f in findings})
    sev = "".join(f'<label><input type="checkbox" data-sev="{s}" checked> {s}</label> ' for s in reversed(SEVERITIES))
    return (
        f'<div class="filters">{sev}'
        '<label>category <select id="f-cat"><option value="">all</option>'
        + "".join(f'<option value="{_attr(c)}">{escape(c)}</option>' for c in cats)
        + '</select></label> <label>detector <select id="f-det"><option value="">all</option>'
        + "".join(f'<option value="{_attr(d)}">{escape(d)}</option>' for d in dets)
        + '</select></label> <label><input type="checkbox" id="f-flagged"> only flagged sentences</label></div>'
    )


def _page(title: str, body: str) -> str:
    digest = base64.b64encode(hashlib.sha256(SCRIPT.encode()).digest()).decode()
    csp = (f"default-src 'none'; style-src 'unsafe-inline'; script-src 'sha256-{digest}'; "
           "img-src data:; form-action 'none'; base-uri 'none'")
    return (
        '<!DOCTYPE html>\n<html lang="de"><head><meta charset="utf-8">'
        f'<meta http-equiv="Content-Security-Policy" content="{csp}">'
        '<meta name="viewport" content="width=device-width,initial-scale=1">'
        f"<title>{escape(title)}</title><style>{CSS}</style></head><body>"
        f'{body}<div id="tip" role="tooltip"></div><script>{SCRIPT}</script></body></html>\n'
    )


def _engines(signature: str) -> str:
    for part in signature.split("|"):
        if part.startswith("engines:"):
            return part[len("engines:"):]
    return ""


def _sources(result: DocumentResult) -> dict[int, str | None]:
    return {s.segment.index: s.segment.source for s in result.segments}


def _summary(findings: Sequence[dict[str, Any]], engines: str, signature: str) -> str:
    """The page header's totals: counts by severity and by category, the engines, the signature."""
    sev = Counter(f["severity"] for f in findings)
    cat = Counter(f["category"] for f in findings)
    return (
        '<div class="summary" id="summary"><p>findings ' + " · ".join(f"{s} {sev[s]}" for s in reversed(SEVERITIES)) + "</p>"
        "<p>" + (" · ".join(f"{escape(c)} {n}" for c, n in sorted(cat.items())) or "no findings") + "</p>"
        f'<p class="meta">engines <span class="engines">{escape(engines)}</span> · signature '
        f'<span class="signature">{escape(signature)}</span></p></div>'
    )


def render_score_html(results: Sequence[DocumentResult], signature: str) -> str:
    """``auditor score --format html``: every document, every finding highlighted in place."""
    docs = [document_json(r) for r in results]
    findings = [f for d in docs for f in d["findings"]]
    engines = _engines(signature)
    # one document: its own header says it all; several: totals and the signature once, on top
    several = len(results) > 1
    body = ["<h1>mt-auditor report</h1>", _summary(findings, engines, signature) if several else "",
            _filters(findings)]
    body.extend(_document(f"d{i}", d, r.document.text, engines, None if several else signature,
                          sources=_sources(r))
                for i, (d, r) in enumerate(zip(docs, results)))
    body.append(_explain(sorted({f["detector"] for f in findings})))
    return _page("mt-auditor report", "".join(body))


def render_gate_html(decision: Any, signature: str | None = None) -> str:
    """``auditor gate --html``: a sortable table of every document, failing first, then details.

    Passing documents' details are collapsed (``<details>``), so a 10,000-item feed stays usable.
    ``decision`` is an :class:`auditor.verdicts.GateResult`. ``signature`` defaults to the one the
    pipeline stamped on the results (the full one, with resource versions and weights), since
    the gate builds its pipelines in worker processes and the CLI never sees them.
    """
    verdicts = list(decision.verdicts)
    if signature is None:
        signature = " ; ".join(sorted({v.result.signature for v in verdicts}))
    order = sorted(range(len(verdicts)), key=lambda i: (verdicts[i].passed, i))
    docs = {i: document_json(verdicts[i].result) for i in order}
    findings = [f for d in docs.values() for f in d["findings"]]
    engines = _engines(signature)
    status = "passed" if decision.passed else "FAILED"
    rows = []
    for i in order:
        v = verdicts[i]
        c = v.counts
        reason = "; ".join(v.reasons)
        st = "pass" if v.passed else "FAIL"
        rows.append(
            # a cell sorts by its text; data-v only where the text is rounded (the score)
            f'<tr class="{"pass" if v.passed else "fail"}"><td><a href="#d{i}">'
            f"{escape(v.key)}</a></td><td data-v=\"{v.score:.4f}\">{v.score:.1f}</td>"
            + "".join(f"<td>{c.get(s, 0)}</td>" for s in reversed(SEVERITIES))
            + f"<td>{sum(v.accepted)}</td>"
            f'<td class="st">{st}</td><td>{escape(reason)}</td></tr>'
        )
    table = (
        f"<h1>mt-auditor gate: {status}</h1><p>{len(verdicts)} documents, {len(decision.failed)} failing</p>"
        + _summary(findings, engines, signature)
        +         '<table class="gate"><thead><tr><th>document</th><th>score</th><th>critical</th><th>major</th>'
        "<th>minor</th><th>accepted by baseline</th><th>result</th><th>reason</th></tr></thead><tbody>"
        + "".join(rows)
        + "</tbody></table>"
    )
    body = [table, _filters(findings)]
    one = len({v.result.signature for v in verdicts}) == 1 and verdicts[0].result.signature == signature
    body.extend(
        _clean_document(f"d{i}", docs[i], verdicts[i].result.document.text)
        if verdicts[i].passed and not verdicts[i].result.findings
        else _document(f"d{i}", docs[i], verdicts[i].result.document.text, engines,
                       None if one else verdicts[i].result.signature,
                       open_=not verdicts[i].passed, engines_view=not verdicts[i].passed,
                       sources=_sources(verdicts[i].result))
        for i in order
    )
    body.append(_explain(sorted({f["detector"] for f in findings})))
    return _page("mt-auditor gate", "".join(body))
