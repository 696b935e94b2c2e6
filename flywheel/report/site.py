"""`flywheel report`: a static site over a catalog that opens from disk (no server, no CDN).

Layout of the site directory:

    index.html            overview: counts, rates, difficulty, coverage, evolution, duplicates and repairs
    galleries.html        one gallery per domain, with its knowledge nodes
    gallery-<domain>.html cards of the domain's samples, filtered and paged in the browser
    rejected.html         rejected samples with the failing verifiers' reasons and human reject notes
    s/<id>.html           one page per sample
    data/*.js             the records the views filter (a script each: file:// pages cannot fetch JSON)
    assets/, charts/, evolution/, img/, thumb/   styles and script, SVG charts, images and thumbnails

Thumbnails are named by the image's hash and kept across builds into the same directory, so a
rebuild makes only those of new images. Every figure reads the catalog through named queries
(flywheel/catalog/report.py).
"""

from __future__ import annotations

import json
import os
import shutil
import threading
import time
from collections import defaultdict
from collections.abc import Callable
from dataclasses import dataclass
from html import escape
from pathlib import Path

from flywheel.catalog import Catalog
from flywheel.catalog import report as q
from flywheel.catalog.review import latest_human_verdicts
from flywheel.core.errors import FlywheelError
from flywheel.evolve.report import history, write_report
from flywheel.report import charts
from flywheel.report.assets import link_images, make_thumbnails
from flywheel.report.pages import Raw, layout, link, sample_page, table, view_shell

STATIC = Path(__file__).parent / "static"
MARKER = "report.json"  # written last; a directory with other files and no marker is not ours to fill

Progress = Callable[[str, int, int], None]  # (phase, done, total)


@dataclass(frozen=True)
class ReportResult:
    index: Path
    samples: int
    pages: int
    images: int
    thumbnails_made: int
    missing_images: int
    seconds: float


def check_out(out: Path) -> None:
    """Refuse a file, or a non-empty directory that no earlier report wrote."""
    if out.exists() and not out.is_dir():
        raise FlywheelError(f"--out {out} is a file, not a directory")
    if out.is_dir() and any(out.iterdir()) and not (out / MARKER).exists():
        raise FlywheelError(f"--out {out} is a non-empty directory that is not a flywheel report; give a new or empty one")


def build_report(cat: Catalog, out: Path, where: str | None = None, per_page: int = 60, workers: int | None = None,
                 progress: Progress | None = None) -> ReportResult:
    """Write the whole site into `out`; returns its index.html and what it holds."""
    t0 = time.monotonic()
    tick = progress or (lambda phase, done, total: None)
    q.check_where(cat, where)
    check_out(out)
    facets = q.present_facets(cat)
    rows = q.card_rows(cat, where, facets)
    cards = [dict(zip(q.CARD_COLUMNS, r, strict=True)) for r in rows]
    if not cards:
        raise FlywheelError("no samples to report" + (f" match --where {where!r}" if where else " in the catalog"))
    human = latest_human_verdicts(cat)
    meta = {"site": f"{cat.path.resolve()}", "catalog": cat.path.name}
    for sub in ("assets", "charts", "data", "s"):
        (out / sub).mkdir(parents=True, exist_ok=True)
    (out / MARKER).unlink(missing_ok=True)
    for f in STATIC.iterdir():
        shutil.copyfile(f, out / "assets" / f.name)

    digests = sorted({c[k] for c in cards for k in ("image", "edited_image", "overlay") if c[k]})
    tick("images", 0, len(digests))
    missing = link_images(cat.images, digests, out)
    # Thumbnails take most of a large build's CPU: worker processes make them while this one writes pages.
    made: list = [0, None]  # thumbnails made, the error that stopped them

    def thumbnails() -> None:
        try:
            made[0] = make_thumbnails(out, digests, workers or os.cpu_count() or 1, lambda n: None)
        except Exception as exc:  # re-raised on this thread after the pages are written
            made[1] = exc

    thumbs = threading.Thread(target=thumbnails, daemon=True)
    thumbs.start()

    _write_overview(cat, out, where, facets, cards, human, meta)
    _write_views(out, cards, human, per_page, meta)
    pages = _write_sample_pages(cat, out, where, cards, human, meta, tick)
    _remove_stale(out, cards)
    thumbs.join()
    if made[1] is not None:
        raise FlywheelError(f"cannot make thumbnails in {out / 'thumb'}: {made[1]}")
    (out / MARKER).write_text(json.dumps({"catalog": str(cat.path.resolve()), "where": where, "samples": len(cards),
                                          "built_at": time.strftime("%Y-%m-%dT%H:%M:%S")}), encoding="utf-8")
    return ReportResult(out / "index.html", len(cards), pages, len(digests), made[0], len(missing),
                        time.monotonic() - t0)


def _remove_stale(out: Path, cards: list[dict]) -> None:
    """Pages and data of an earlier build into this directory that this build does not cover (a
    narrower --where); thumbnails and images stay, as a cache."""
    ids, domains = {c["id"] for c in cards}, {c["domain"] for c in cards}
    stale = [p for p in (out / "s").glob("*.html") if p.stem not in ids]
    stale += [p for p in out.glob("gallery-*.html") if p.stem.removeprefix("gallery-") not in domains]
    stale += [p for p in (out / "data").glob("samples-*.js") if p.stem.removeprefix("samples-") not in domains]
    for p in stale:
        p.unlink()


def _record(c: dict, human: dict) -> dict:
    """A card as the views' data files hold it (short keys: a 100K-sample domain is one script)."""
    failing = [(v, r) for v, p, r in zip(c["verifiers"] or [], c["passed"] or [], c["reasons"] or [], strict=False) if not p]
    h = human.get(c["id"])
    return {"i": c["id"], "k": c["kind"], "d": c["domain"], "n": c["knowledge_id"], "v": c.get("version"),
            "r": c["round"], "a": bool(c["accepted"]), "s": c["difficulty_score"], "q": c["question"] or "",
            "x": c["answer"] or "", "im": c["image"], "ed": c["edited_image"] or c["overlay"],
            "f": [v for v, _ in failing], "fr": [r for _, r in failing], "p": sum(bool(p) for p in c["passed"] or []),
            "t": len(c["passed"] or []), "h": [h[0], h[1] or "", h[2]] if h else None}


def _data_js(path: Path, records: list[dict]) -> None:
    path.write_text("window.FW_SAMPLES = " + json.dumps(records, ensure_ascii=False, separators=(",", ":")) + ";\n",
                    encoding="utf-8")


def _write_views(out: Path, cards: list[dict], human: dict, per_page: int, meta: dict) -> None:
    by_domain: dict[str, list[dict]] = defaultdict(list)
    rejected = []
    for c in cards:
        r = _record(c, human)
        by_domain[c["domain"]].append(r)
        if not r["a"] or (r["h"] and r["h"][0] == "reject"):
            rejected.append(r)
    items = []
    for domain, recs in sorted(by_domain.items()):
        _data_js(out / "data" / f"samples-{domain}.js", recs)
        (out / f"gallery-{domain}.html").write_text(view_shell(
            f"Gallery · {domain}", f"{len(recs)} samples. Filter by knowledge node, kind, round, verifier outcome, "
            "difficulty, or search the question; click a card for the whole sample.",
            f"data/samples-{domain}.js", "gallery", per_page, meta, "gallery"), encoding="utf-8")
        nodes = sorted({r["n"] for r in recs})
        items.append((link(f"gallery-{domain}.html", domain), len(recs), sum(r["a"] for r in recs),
                      Raw(", ".join(link(f"gallery-{domain}.html#node={n}", n) for n in nodes))))
    (out / "galleries.html").write_text(layout("Galleries", "<h1>Galleries</h1><p class=sub>One gallery per domain; "
                                               "a knowledge node opens its domain's gallery filtered to it.</p>" +
                                               table(["domain", "samples", "accepted", "knowledge nodes"], items, {1, 2}),
                                               root="", active="gallery", meta=meta), encoding="utf-8")
    _data_js(out / "data" / "rejected.js", rejected)
    (out / "rejected.html").write_text(view_shell(
        "Rejected samples", f"{len(rejected)} samples that a verifier or a reviewer rejected, with every failing "
        "verifier's reason and the reviewer's note. Filter by failing verifier to debug one generator's rejects.",
        "data/rejected.js", "rejected", per_page, meta, "rejected"), encoding="utf-8")


def _write_sample_pages(cat: Catalog, out: Path, where: str | None, cards: list[dict], human: dict, meta: dict,
                        tick: Progress) -> int:
    by_id = {c["id"]: c for c in cards}
    children: dict[str, list[dict]] = defaultdict(list)
    for c in cards:
        if c["parent_id"]:
            children[c["parent_id"]].append(c)
    done = 0
    for row in q.page_rows(cat, where):
        page = dict(zip(q.PAGE_COLUMNS, row, strict=True))
        card = by_id[page["id"]]
        (out / "s" / f"{card['id']}.html").write_text(
            sample_page(card, page, _chain(card, by_id), children.get(card["id"], []), human.get(card["id"]), meta),
            encoding="utf-8")
        done += 1
        if done % 500 == 0 or done == len(cards):
            tick("sample pages", done, len(cards))
    return done


def _chain(card: dict, by_id: dict[str, dict]) -> list[dict]:
    """The sample's ancestors, round 0 first, ending with the sample itself."""
    chain, seen = [card], {card["id"]}
    while (parent := chain[-1]["parent_id"]) and parent not in seen:
        if parent not in by_id:
            chain[-1] = {**chain[-1], "missing": parent}
            break
        chain.append(by_id[parent])
        seen.add(parent)
    return chain[::-1]


def _history(cat: Catalog, out: Path) -> list[dict]:
    """The whole catalog's evolution history and figure (`flywheel evolve --report`'s), kept in
    `out` with the catalog state they were computed from. Round 0's near-duplicate recheck walks
    every accepted sample in Python (a sixth of a 20K-sample first build): a rebuild of an
    unchanged catalog reads them back instead."""
    key, saved = q.catalog_state(cat), out / "history.json"
    try:
        kept = json.loads(saved.read_text(encoding="utf-8"))
        if kept["state"] == key and (out / "evolution.png").exists():
            return kept["history"]
    except (OSError, ValueError, KeyError, TypeError):
        pass  # none yet, or unreadable: compute it
    hist = history(cat)
    write_report(cat, out, hist)
    saved.write_text(json.dumps({"state": key, "history": hist}), encoding="utf-8")
    return json.loads(saved.read_text(encoding="utf-8"))["history"]  # the same JSON types as a reused one


def _pct(a: int, n: int) -> str:
    return f"{a / n:.1%}" if n else "–"


def _write_overview(cat: Catalog, out: Path, where: str | None, facets: list[str], cards: list[dict], human: dict,
                    meta: dict) -> None:
    counts = q.facet_counts(cat, where, facets)
    verifiers = q.pass_rates(cat, where)
    rounds = q.round_acceptance(cat, where)
    nodes = q.knowledge_coverage(cat, where)
    hist = _history(cat, out / "evolution")
    charts.samples_by_domain(counts, out / "charts" / "samples.svg")
    charts.rates(rounds, verifiers, out / "charts" / "rates.svg")
    charts.difficulty(q.difficulty_by_round(cat, where), out / "charts" / "difficulty.svg")
    charts.coverage(nodes, out / "charts" / "coverage.svg")
    charts.dups_and_repairs(hist, out / "charts" / "dups_repairs.svg")

    total, accepted = len(cards), sum(bool(c["accepted"]) for c in cards)
    reviewed = sum(1 for c in cards if c["id"] in human)
    hum_rej = sum(1 for c in cards if human.get(c["id"], ("",))[0] == "reject")
    drawable = [n for n in nodes if n[3]]
    covered = sum(1 for n in drawable if n[4])
    tiles = [(total, "samples"), (accepted, f"accepted ({_pct(accepted, total)})"), (total - accepted, "rejected"),
             (len({c['domain'] for c in cards}), "domains"), (f"{covered}/{len(drawable)}", "knowledge nodes covered"),
             (max((c["round"] for c in cards), default=0), "last round"), (reviewed, f"human-reviewed · {hum_rej} rejected")]
    tile_html = "".join(f'<div class="tile"><b>{escape(str(v))}</b><span>{escape(k)}</span></div>' for v, k in tiles)
    facet_names = list(q.OPTIONAL_FACETS)
    head = ["domain", "kind", *[f for f in facet_names if f in facets], "round", "samples", "accepted", "acceptance"]
    crow = []
    for domain, kind, *rest in counts:
        extra, (rnd, n, a) = rest[:len(facet_names)], rest[len(facet_names):]
        shown = [v for f, v in zip(facet_names, extra, strict=True) if f in facets]
        crow.append((link(f"gallery-{domain}.html#kind={kind}&round={rnd}", domain), kind, *shown, rnd, n, a, _pct(a, n)))
    k = len(head)
    vrows = [(v, n, p, _pct(p, n)) for v, n, p in verifiers]
    hrows = [(s["round"], s["generated"], s["accepted"], f"{s['near_dup_rate']:.1%}", f"{s['near_dup_accepted']:.1%}",
              s.get("repair_attempts", 0), s.get("repaired_rejects", 0), s.get("repaired_accepted", 0))
             for s in hist]
    node_rows = [(link(f"gallery-{d}.html#node={i}", i), d, name, a, n) for i, d, name, _g, a, n in nodes if n]
    scope = f"samples matching <code>{escape(where)}</code>" if where else "every sample of the catalog"
    body = f"""<h1>Overview</h1><p class=sub>{escape(str(cat.path))} · {scope}</p>
<div class="tiles">{tile_html}</div>
<div class="charts"><div class="chart"><img src="charts/samples.svg" alt="samples by domain and kind"></div>
<div class="chart"><img src="charts/coverage.svg" alt="coverage of the knowledge tree"></div></div>
<h2>Acceptance and verifiers</h2><div class="charts"><div class="chart"><img src="charts/rates.svg" alt="acceptance and pass rates"></div></div>
<h2>Difficulty</h2><div class="charts"><div class="chart"><img src="charts/difficulty.svg" alt="difficulty by round"></div></div>
<h2>Evolution</h2><p class=sub>Rounds of the whole catalog, as <code>flywheel evolve --report</code> draws them.</p>
<div class="charts"><div class="chart"><img src="evolution/evolution.png" alt="evolution across rounds"></div></div>
<h2>Near-duplicates and repairs</h2><div class="charts"><div class="chart"><img src="charts/dups_repairs.svg" alt="near-duplicates and repairs by round"></div></div>
{table(["round", "generated", "accepted", "near-dup rejects", "near-dups among accepted", "repair attempts", "rejects repaired", "repaired and accepted"], hrows, {1, 2, 5, 6, 7})}
<h2>Counts by domain × kind × round</h2>{table(head, crow, {k - 3, k - 2, k - 1})}
<h2>Verifier pass rates</h2>{table(["verifier", "verdicts", "passed", "pass rate"], vrows, {1, 2, 3})}
<h2>Knowledge nodes with samples</h2>{table(["knowledge node", "domain", "name", "accepted", "samples"], node_rows, {3, 4})}"""
    (out / "index.html").write_text(layout("Overview", body, root="", active="overview", meta=meta), encoding="utf-8")
