"""How long `flywheel report` takes on a 20K-sample catalog, and whether its pages open cleanly
in Chromium (a benchmark, not a test).

    python -m tools.bench_report [--samples 20000] [--base 300] [--dir /tmp/report-bench] [--workers 2]
    python -m tools.bench_report --catalog big.duckdb [--check-console] [--screenshots DIR]

With `--catalog` it reports an existing catalog (opened read-only: neither it nor its images/ is
written). Without, the catalog is made honestly but quickly: `flywheel synthesize` makes `--base` real samples of
every kind (and `flywheel evolve` one round of children, so lineage has chains), then those rows are
replicated through the catalog's one write path (`Catalog.write_batch`) until the catalog holds
`--samples`: each replica gets its own id, its verdicts, its parent's replica as parent, and its
own images — the PNG bytes with a text chunk naming the replica, so every image has its own hash
and the report decodes and thumbnails every one of them, as it would real figures.

Prints one JSON line: the first build's wall time and CPU time (user + sys, its worker processes
included) with the 1-minute load average before and after it, then the same for a rebuild into
the same directory (thumbnails cached). `--check-console` then opens the overview, a gallery page,
the rejected view, an evolved sample's page (its lineage) and a round-0 sample's page in headless
Chromium (Debian's `chromium`, Playwright: the [browser] extra), scrolled to the bottom so every
lazy image loads, and exits 1 if any logged a console error, threw, failed a request or shows a
broken image.
"""

from __future__ import annotations

import argparse
import dataclasses
import json
import os
import struct
import subprocess
import sys
import time
import zlib
from pathlib import Path

from flywheel.catalog import Catalog
from flywheel.core.records import Sample, Verdict

SAMPLE_FIELDS = [f.name for f in dataclasses.fields(Sample)]


def cli(*args: str) -> str:
    r = subprocess.run([sys.executable, "-m", "flywheel.cli", "--quiet", *args], capture_output=True, text=True)
    if r.returncode:
        sys.exit(f"flywheel {' '.join(args)} failed: {r.stderr.strip()}")
    return r.stdout


def tagged_png(data: bytes, tag: str) -> bytes:
    """The same PNG with a tEXt chunk after IHDR: identical pixels, different bytes (and hash)."""
    body = b"flywheel-replica\0" + tag.encode()
    chunk = struct.pack(">I", len(body)) + b"tEXt" + body + struct.pack(">I", zlib.crc32(b"tEXt" + body))
    ihdr_end = 8 + 8 + 13 + 4
    return data[:ihdr_end] + chunk + data[ihdr_end:]


def replicate(db: Path, target: int) -> int:
    with Catalog(db) as cat:
        cols, rows = cat.query("SELECT * FROM samples ORDER BY round, id")
        base = [dict(zip(cols, r, strict=True)) for r in rows]
        _, vrows = cat.query("SELECT sample_id, verifier, passed, score, reason, code FROM verdicts")
        verdicts: dict[str, list[tuple]] = {}
        for v in vrows:
            verdicts.setdefault(v[0], []).append(v[1:])
        run = cat.start_run("bench-report", {"target": target})
        total, k = len(base), 0
        while total < target:
            k += 1
            samples, vs, images = [], [], {}
            for row in base[: min(len(base), target - total)]:
                new = {f: row.get(f) for f in SAMPLE_FIELDS}
                new["id"] = f"{row['id'][:12]}{k:04x}"
                new["parent_id"] = f"{row['parent_id'][:12]}{k:04x}" if row["parent_id"] else None
                new["params"] = json.loads(row["params"]) if row["params"] else {}
                new["points"] = json.loads(row["points"]) if row.get("points") else None
                new["elements"] = json.loads(row["elements"]) if row.get("elements") else None
                new["stream"], new["task_index"] = f"bench-{k}", row["task_index"]
                for key in ("image", "edited_image", "overlay"):
                    if row.get(key):
                        data = tagged_png(cat.images.get(row[key]), f"{k}")
                        digest = cat.images.put(data)
                        images[digest] = data
                        new[key] = digest
                samples.append(Sample(**new))
                vs += [Verdict(new["id"], *v) for v in verdicts.get(row["id"], [])]
            cat.write_batch(samples, vs, {}, run)  # images already stored above
            total += len(samples)
            print(f"\r{total} samples", end="", file=sys.stderr, flush=True)
        cat.finish_run(run, "done", {"samples": total})
    print(file=sys.stderr)
    return total


CHROMIUM = Path("/usr/bin/chromium")
CHROMIUM_FLAGS = ["--headless", "--no-sandbox", "--disable-gpu", "--disable-background-networking",
                  "--disable-component-update", "--disable-sync", "--no-first-run"]


def timed(*args: str) -> dict:
    """Wall and CPU seconds of one `flywheel` command, with the 1-minute load average around it
    (on a shared machine the load says how much of the wall time was the neighbours')."""
    load0, t0, c0 = os.getloadavg()[0], time.monotonic(), os.times()
    cli(*args)
    c1 = os.times()
    return {"wall_s": round(time.monotonic() - t0, 1),
            "cpu_s": round(c1.children_user - c0.children_user + c1.children_system - c0.children_system, 1),
            "load_before": round(load0, 2), "load_after": round(os.getloadavg()[0], 2)}


def console_problems(site: Path, pages: list[str], shots: Path | None = None, browser=None) -> dict[str, list[str]]:
    """Open each page of the site (a path under it, with an optional #hash) in headless Chromium;
    return, by page, its console errors, uncaught exceptions, failed requests and broken images.

    Each page is scrolled to the bottom first, so lazily loaded thumbnails load (and can fail).
    With `shots`, a screenshot of each page's top is saved there as <page>.png. `browser`: a
    Playwright browser already launched (one thread runs one sync Playwright at a time)."""
    if browser is None:
        from playwright.sync_api import sync_playwright

        with sync_playwright() as p:
            launched = p.chromium.launch(executable_path=str(CHROMIUM), args=CHROMIUM_FLAGS)
            try:
                return console_problems(site, pages, shots, launched)
            finally:
                launched.close()
    found: dict[str, list[str]] = {}
    for name in pages:
        page = browser.new_page(viewport={"width": 1280, "height": 900})
        problems: list[str] = []
        page.on("console", lambda m, out=problems: out.append(f"console: {m.text}") if m.type == "error" else None)
        page.on("pageerror", lambda e, out=problems: out.append(f"exception: {e}"))
        page.on("requestfailed", lambda r, out=problems: out.append(f"request failed: {r.url} ({r.failure})"))
        path, _, anchor = name.partition("#")
        page.goto((site / path).as_uri() + (f"#{anchor}" if anchor else ""))
        page.wait_for_load_state("load")
        if shots:  # once the images in view have loaded: a screenshot of half-decoded thumbnails says nothing
            page.wait_for_function("[...document.images].filter(i => i.getBoundingClientRect().top < innerHeight)"
                                   ".every(i => i.complete)", timeout=30_000)
            shots.mkdir(parents=True, exist_ok=True)
            page.screenshot(path=shots / (path.replace("/", "_").removesuffix(".html") + ".png"))
        page.evaluate("window.scrollTo(0, document.body.scrollHeight)")
        page.wait_for_load_state("networkidle")
        broken = page.evaluate("[...document.images].filter(i => i.complete && i.naturalWidth === 0).map(i => i.src)")
        problems += [f"broken image: {src}" for src in broken]
        found[name] = problems
        page.close()
    return found


def pages_to_check(db: Path, site: Path) -> list[str]:
    """The overview, a gallery's second page, the rejected view, the deepest evolved sample's page
    (its lineage: every step's thumbnail) and a round-0 sample's page."""
    def one(sql: str) -> str | None:
        rows = cli("query", "-c", str(db), "-f", "csv", sql).split()[1:]
        return rows[0] if rows else None

    domain = one("SELECT domain FROM samples GROUP BY 1 ORDER BY count(*) DESC, 1 LIMIT 1")
    evolved = one("SELECT id FROM samples WHERE parent_id IS NOT NULL ORDER BY round DESC, id LIMIT 1")
    root = one("SELECT id FROM samples WHERE round = 0 ORDER BY id LIMIT 1")
    pages = ["index.html", f"gallery-{domain}.html#page=2", "rejected.html"]
    pages += [f"s/{i}.html" for i in (evolved, root) if i]
    missing = [p for p in pages if not (site / p.split("#")[0]).exists()]
    if missing:
        sys.exit(f"the report lacks {missing}")
    return pages


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("--samples", type=int, default=20_000)
    ap.add_argument("--base", type=int, default=300, help="real samples synthesized before replication")
    ap.add_argument("--dir", type=Path, default=Path("/tmp/report-bench"), help="where the catalog and the site go")
    ap.add_argument("--catalog", type=Path, help="report this existing catalog (read-only) instead of making one")
    ap.add_argument("--workers", type=int, default=2)
    ap.add_argument("--check-console", action="store_true", help="open five pages in headless Chromium; exit 1 on errors")
    ap.add_argument("--screenshots", type=Path, help="with --check-console: save each page's screenshot here")
    a = ap.parse_args()
    db = a.catalog or a.dir / "bench.duckdb"
    if a.catalog and not db.exists():
        sys.exit(f"no catalog at {db}")
    if not db.exists():
        a.dir.mkdir(parents=True, exist_ok=True)
        cli("synthesize", "--n", str(a.base), "--seed", "11", "--kinds", "interaction,perception,instruction",
            "--workers", str(a.workers), "-c", str(db))
        cli("evolve", "--rounds", "1", "--per-round", str(a.base // 3), "--workers", str(a.workers), "-c", str(db))
        replicate(db, a.samples)
    n = int(cli("query", "-c", str(db), "-f", "csv", "SELECT count(*) FROM samples").split()[-1])
    images = cli("query", "-c", str(db), "-f", "csv",
                 "SELECT count(DISTINCT x) FROM (SELECT image AS x FROM samples UNION SELECT edited_image FROM samples "
                 "UNION SELECT overlay FROM samples) WHERE x IS NOT NULL").split()[-1]
    site = a.dir / "site"
    if site.exists():
        subprocess.run(["rm", "-rf", str(site)], check=True)
    build = ("report", "-c", str(db), "--out", str(site), "--workers", str(a.workers))
    result = {"samples": n, "distinct_images": int(images), "cores": os.cpu_count(), "workers": a.workers,
              "first_build": timed(*build), "rebuild": timed(*build)}
    print(json.dumps(result), flush=True)
    if a.check_console:
        problems = console_problems(site, pages_to_check(db, site), a.screenshots)
        print(json.dumps({"pages": problems}, indent=1))
        if any(problems.values()):
            sys.exit(1)


if __name__ == "__main__":
    main()
