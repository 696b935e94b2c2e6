"""The site's HTML, written by Python: the shared layout, the overview, the gallery and rejected
shells (their cards are drawn by static/report.js from the data files) and one page per sample."""

from __future__ import annotations

import json
import re
from collections.abc import Iterable
from html import escape

from flywheel.report.assets import image_href, thumb_href

CODE_BLOCK = re.compile(r"```(?:python)?\n(.*?)```", re.S)


def layout(title: str, body: str, *, root: str, active: str, meta: dict, scripts: Iterable[str] = ()) -> str:
    """A whole page: the top bar (views and the review bar), `body`, then report.js."""
    nav = "".join(
        f'<a href="{root}{href}"{" class=active" if name == active else ""}>{label}</a>'
        for name, href, label in [("overview", "index.html", "Overview"), ("gallery", "galleries.html", "Galleries"),
                                  ("rejected", "rejected.html", "Rejected")])
    head_js = f"window.FW = {json.dumps({**meta, 'root': root})};"
    extra = "".join(f'<script src="{root}{s}"></script>' for s in scripts)
    return f"""<!doctype html>
<html lang="en"><head><meta charset="utf-8"><meta name="viewport" content="width=device-width, initial-scale=1">
<title>{escape(title)} · flywheel report</title><link rel="stylesheet" href="{root}assets/report.css">
<script>{head_js}</script></head>
<body><header class="top"><span class="brand">flywheel report</span>{nav}
<span class="reviewbar">review: <span id="review-count">0 decisions</span>
<button type="button" id="download-decisions" disabled>download decisions.json</button>
<button type="button" id="clear-decisions">clear</button></span></header>
<main>{body}</main>{extra}<script src="{root}assets/report.js"></script></body></html>
"""


def table(head: list[str], rows: Iterable[Iterable], numeric: set[int] = frozenset()) -> str:
    """An HTML table; cells are escaped unless they are `Raw`."""
    h = "".join(f"<th>{escape(c)}</th>" for c in head)
    body = "".join(
        "<tr>" + "".join(f'<td{" class=num" if i in numeric else ""}>{c if isinstance(c, Raw) else escape(str(c))}</td>'
                         for i, c in enumerate(r)) + "</tr>" for r in rows)
    return f'<div class="scroll"><table><thead><tr>{h}</tr></thead><tbody>{body}</tbody></table></div>'


class Raw(str):
    """HTML that `table` puts in a cell as it is (made here from escaped parts)."""


def link(href: str, text: str) -> Raw:
    return Raw(f'<a href="{escape(href)}">{escape(text)}</a>')


def view_shell(title: str, sub: str, data_js: str, mode: str, per_page: int, meta: dict, active: str) -> str:
    """A gallery or the rejected view: report.js draws filters, pages and cards from `data_js`."""
    body = (f"<h1>{escape(title)}</h1><p class=sub>{sub}</p>"
            f'<div id="view" data-mode="{mode}" data-per-page="{per_page}"><p>Loading… (this view needs JavaScript)</p></div>')
    return layout(title, body, root="", active=active, meta=meta, scripts=[data_js])


def trace_html(cot: str) -> str:
    """The trace with its code blocks as highlighted Python (report.js colours `pre.py`)."""
    parts, last = [], 0
    for m in CODE_BLOCK.finditer(cot or ""):
        parts.append(f'<div class="trace">{escape(cot[last:m.start()])}</div>')
        parts.append(f'<pre class="py">{escape(m.group(1))}</pre>')
        last = m.end()
    parts.append(f'<div class="trace">{escape((cot or "")[last:])}</div>')
    return "".join(p for p in parts if p not in ('<div class="trace"></div>',))


def sample_page(card: dict, page: dict, chain: list[dict], children: list[dict], human: tuple | None, meta: dict) -> str:
    """One sample: both images large, question and answer, the review widget, every verdict and its
    reason, the trace with its code highlighted, the tool and figure code, params, and lineage."""
    sid = card["id"]
    status = "accepted" if card["accepted"] else "rejected"
    figs = [("figure", card["image"]), ("edited figure (after the tool code)", card["edited_image"]),
            ("ground-truth overlay", card["overlay"])]
    figures = "".join(f'<figure><a href="../{image_href(d)}"><img src="../{image_href(d)}" alt="{escape(cap)}"></a>'
                      f"<figcaption>{escape(cap)}</figcaption></figure>" for cap, d in figs if d) or (
        "<p class=sub>No figure stored: a rejected sample keeps its PNGs only when its run was given "
        "--keep-rejected-images.</p>")
    verdicts = list(zip(card["verifiers"] or [], card["passed"] or [], page["scores"] or [], page["codes"] or [],
                        card["reasons"] or [], strict=False))
    vrows = "".join(
        f'<tr class="{"" if p else "fail"}"><td>{escape(v)}</td><td>{"✓ passed" if p else "✗ failed"}</td>'
        f'<td class=num>{s:.2f}</td><td>{escape(c or "")}</td><td>{escape(r or "")}</td></tr>'
        for v, p, s, c, r in verdicts)
    if human:
        decision, note, reviewer, at = human
        when = escape(str(at)[:16])
        vrows += (f'<tr class="{"fail" if decision == "reject" else ""}"><td>human · {escape(reviewer)}</td>'
                  f"<td>{escape(decision)}</td><td class=num>–</td><td></td><td>{escape(note or '')} ({when} UTC)</td></tr>")
    params = pretty_json(page["params"])
    facts = [("kind", card["kind"]), ("domain", card["domain"]), ("knowledge node", card["knowledge_id"]),
             ("version", card.get("version")), ("round", card["round"]), ("generator", page["generator"]),
             ("seed", page["seed"]), ("difficulty", f'{page["difficulty"]} hops, score {card["difficulty_score"]:.2f}'
                                      if card["difficulty_score"] is not None else "–"),
             ("stream · task", f'{page["stream"]} · {page["task_index"]}'), ("created", str(page["created_at"])[:19])]
    fact_rows = "".join(f"<tr><th>{escape(k)}</th><td>{escape(str(v))}</td></tr>" for k, v in facts if v is not None)
    body = f"""<h1>{sid} <span class="badge {status}">{status}</span></h1>
<p class=sub><a href="../gallery-{escape(card['domain'])}.html#node={escape(card['knowledge_id'])}">{escape(card['knowledge_id'])}</a>
 · {escape(card['kind'])} · round {card['round']}</p>
<div class="figs">{figures}</div>
<h2>Question</h2><div class="qa"><p>{escape(card['question'] or '')}</p><p>answer: <b>{escape(card['answer'] or '')}</b></p>
<div class="review-slot" data-id="{sid}"></div></div>
<h2>Verdicts</h2>{'<table><thead><tr><th>verifier</th><th>outcome</th><th>score</th><th>code</th><th>reason</th></tr></thead><tbody>' + vrows + '</tbody></table>' if vrows else '<p>no verdicts</p>'}
<h2>Lineage</h2>{lineage_html(chain, children)}
<h2>Trace</h2>{trace_html(page['cot'])}
{tool_html(page['tool_code'], page['cot'])}
<details><summary>figure code (draws the figure)</summary><pre class="py">{escape(page['image_code'] or '')}</pre></details>
<h2>Sample</h2><table>{fact_rows}</table>
<h3>params (the recipe)</h3><pre>{escape(params)}</pre>
{f"<h3>ground-truth points</h3><pre>{escape(page['points'])}</pre>" if page['points'] else ''}"""
    return layout(sid, body, root="../", active="", meta=meta)


def pretty_json(text: str | None) -> str:
    """A JSON object one top-level key a line. `json.dumps(indent=...)` would do it in pure Python, a
    fifth of a sample page's cost; each value here goes through the C encoder."""
    obj = json.loads(text) if text else {}
    if not isinstance(obj, dict) or not obj:
        return json.dumps(obj, ensure_ascii=False)
    return "{\n" + ",\n".join(f" {json.dumps(k, ensure_ascii=False)}: {json.dumps(v, ensure_ascii=False)}"
                               for k, v in obj.items()) + "\n}"


def tool_html(tool: str | None, cot: str | None) -> str:
    """The tool code; folded when the trace above already shows it."""
    code = f'<pre class="py">{escape(tool or "")}</pre>'
    if tool and tool.strip() in (cot or ""):
        return f"<details><summary>tool code (the code of the trace above)</summary>{code}</details>"
    return f"<h2>Tool code</h2>{code}"


def lineage_html(chain: list[dict], children: list[dict]) -> str:
    """The chain from the round-0 ancestor to this sample (each step's figure and question), then its children."""
    if len(chain) == 1 and not children:
        return "<p>A round-0 sample: no parent, no evolved children.</p>"
    steps = []
    for i, c in enumerate(chain):
        rel = f" · {escape(c['relation'])}" if c.get("relation") else ""
        img = f'<img loading="lazy" src="../{thumb_href(c["image"])}" alt="figure">' if c.get("image") else ""
        cls = "step here" if i == len(chain) - 1 else "step"
        steps.append(f'<div class="{cls}"><a href="{c["id"]}.html">{img}</a><div><a href="{c["id"]}.html">{c["id"]}</a>'
                     f' · round {c["round"]}{rel}</div><div>{escape(c["question"] or "")}</div></div>')
    out = '<div class="lineage">' + '<span class="arrow">→</span>'.join(steps) + "</div>"
    if chain[0].get("missing"):
        out += f"<p class=sub>the chain goes on to {escape(chain[0]['missing'])}, outside this report's --where</p>"
    if children:
        out += "<h3>evolved from this sample</h3><p>" + ", ".join(
            f'<a href="{c["id"]}.html">{c["id"]}</a> (round {c["round"]}{", " + escape(c["relation"]) if c.get("relation") else ""})'
            for c in children) + "</p>"
    return out
