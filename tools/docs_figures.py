"""Regenerate the pictures and measured tables of README.md and docs/ (`make docs-figures`).

    python tools/docs_figures.py [--only sample|evolution|report]

* docs/img/sample.png — one synthesized sample: its figure, the figure after its tool code ran,
  the question, the trace (code shortened) and the answer. Fixed seed, so it changes only when
  the generator does.
* docs/img/evolution.png and the round table in docs/evolve.md — `flywheel synthesize --n 300
  --seed 5` then `flywheel evolve --rounds 3 --report` (a few minutes on two cores).
* docs/img/report-overview.png, report-gallery.png, report-sample.png — `flywheel report` over
  `synthesize --n 90 --seed 7 --kinds interaction,perception` and two evolve rounds, shot in
  headless Chromium (Debian's `chromium`, driven by Playwright: the [browser] extra).

Everything is made through the real CLI in a temporary directory; nothing is copied by hand.
"""

from __future__ import annotations

import argparse
import re
import shutil
import subprocess
import sys
import tempfile
import textwrap
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
IMG = ROOT / "docs" / "img"
SAMPLE = {"knowledge": "plane.chord_distance", "seed": "7"}
TABLE_START, TABLE_END = "<!-- evolution-table:start -->", "<!-- evolution-table:end -->"


def flywheel(*args: str) -> None:
    subprocess.run([sys.executable, "-m", "flywheel.cli", "--quiet", *args], check=True, cwd=ROOT)


def short_trace(cot: str) -> str:
    """The trace with its tool code cut to the construction itself (the block after the
    `# Auxiliary construction` comment): the picture shows the format, not the PIL set-up."""
    def cut(m: re.Match) -> str:
        lines = m.group(2).splitlines()
        start = next((i for i, ln in enumerate(lines) if ln.startswith("# Auxiliary construction")), 0)
        end = next((i for i in range(start, len(lines)) if not lines[i].strip()), len(lines))
        shown = lines[start:end]
        return (f"{m.group(1)}… {start} lines: open image_path, a dashed-line helper …\n" + "\n".join(shown)
                + f"\n… {len(lines) - end} lines: save the edited image, print its path\n{m.group(3)}")

    return re.sub(r"(```python\n)(.*?)\n(```)", cut, cot, flags=re.S)


def sample_png(tmp: Path) -> Path:
    from matplotlib.backends.backend_agg import FigureCanvasAgg
    from matplotlib.figure import Figure
    from PIL import Image

    from flywheel.catalog import Catalog

    db = tmp / "sample" / "fw.duckdb"
    flywheel("synthesize", "--n", "1", "--seed", SAMPLE["seed"], "--knowledge", SAMPLE["knowledge"], "--workers", "1",
             "-c", str(db))
    with Catalog(db, read_only=True) as cat:
        _, rows = cat.query("SELECT id FROM samples WHERE accepted AND kind = 'interaction' ORDER BY task_index LIMIT 1")
        s = cat.sample(rows[0][0])
        figure, edited = Image.open(cat.images.path(s["image"])), Image.open(cat.images.path(s["edited_image"]))

    wrap = lambda text, width: "\n".join(textwrap.fill(ln, width) if ln.strip() else ln for ln in text.splitlines())  # noqa: E731
    trace = wrap(short_trace(s["cot"]), 104)
    question = wrap(f"question: {s['question']}", 104)
    lines = question.count("\n") + trace.count("\n") + 4
    fig = Figure(figsize=(9.6, 4.9 + 0.15 * lines), dpi=100)
    FigureCanvasAgg(fig)
    top = 4.9 / (4.9 + 0.15 * lines)
    for i, (img, title) in enumerate(((figure, "figure (image_code)"), (edited, "after the tool code (edited_image)"))):
        ax = fig.add_axes((0.03 + 0.49 * i, 1 - top + 0.02, 0.45, top - 0.07))
        ax.imshow(img)
        ax.set_axis_off()
        ax.set_title(title, fontsize=11)
    body = f"{question}\n\ntrace (cot):\n{trace}"
    fig.text(0.03, 1 - top - 0.01, body, va="top", ha="left", family="DejaVu Sans Mono", fontsize=8.2, parse_math=False)
    out = IMG / "sample.png"
    fig.savefig(out, pil_kwargs={"optimize": True})
    return out


def evolution(tmp: Path) -> list[Path]:
    db = tmp / "evolve" / "fw.duckdb"
    report = tmp / "evolve" / "report"
    flywheel("synthesize", "--n", "300", "--seed", "5", "-c", str(db))
    flywheel("evolve", "--rounds", "3", "--report", str(report), "-c", str(db))
    shutil.copy(report / "evolution.png", IMG / "evolution.png")
    table = "\n".join(ln for ln in (report / "summary.md").read_text().splitlines() if ln.startswith("|"))
    doc = ROOT / "docs" / "evolve.md"
    text = doc.read_text()
    if TABLE_START not in text or TABLE_END not in text:
        raise SystemExit(f"{doc} lacks the {TABLE_START} … {TABLE_END} markers")
    head, rest = text.split(TABLE_START, 1)
    doc.write_text(f"{head}{TABLE_START}\n{table}\n{TABLE_END}{rest.split(TABLE_END, 1)[1]}")
    return [IMG / "evolution.png", doc]


CHROMIUM_FLAGS = ["--headless", "--no-sandbox", "--disable-gpu", "--disable-background-networking",
                  "--disable-component-update", "--disable-sync", "--no-first-run"]


def report_shots(tmp: Path) -> list[Path]:
    """Screenshots of the report: the overview, a gallery page (two cards reviewed), an evolved sample's page."""
    from playwright.sync_api import sync_playwright

    from flywheel.catalog import Catalog

    db, site = tmp / "report" / "fw.duckdb", tmp / "report" / "site"
    flywheel("synthesize", "--n", "90", "--seed", "7", "--kinds", "interaction,perception", "-c", str(db))
    flywheel("evolve", "--rounds", "2", "--per-round", "40", "-c", str(db))
    flywheel("report", "-c", str(db), "--out", str(site))
    with Catalog(db, read_only=True) as cat:
        sid = cat.query("SELECT id FROM samples WHERE round = 2 AND accepted AND kind = 'interaction' "
                        "ORDER BY id LIMIT 1")[1][0][0]
    shots = [IMG / "report-overview.png", IMG / "report-gallery.png", IMG / "report-sample.png"]
    with sync_playwright() as p:
        browser = p.chromium.launch(executable_path="/usr/bin/chromium", args=CHROMIUM_FLAGS)
        page = browser.new_page(viewport={"width": 1280, "height": 860})
        errors: list[str] = []
        page.on("console", lambda m: errors.append(m.text) if m.type == "error" else None)
        page.goto((site / "index.html").as_uri())
        page.screenshot(path=shots[0])
        page.goto((site / "gallery-plane_geometry.html").as_uri() + "#round=2")
        page.locator(".card button[data-decision=reject]").first.click()
        page.locator(".card button[data-decision=accept]").nth(1).click()
        page.screenshot(path=shots[1])
        page.goto((site / "s" / f"{sid}.html").as_uri())
        page.set_viewport_size({"width": 1280, "height": 1500})
        page.screenshot(path=shots[2])
        browser.close()
    if errors:
        raise SystemExit(f"the report's pages logged errors: {errors}")
    return shots


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    ap.add_argument("--only", choices=["sample", "evolution", "report"], help="regenerate one of them")
    args = ap.parse_args()
    IMG.mkdir(parents=True, exist_ok=True)
    with tempfile.TemporaryDirectory(prefix="flywheel-docs-") as tmp:
        made = []
        if args.only in (None, "sample"):
            made.append(sample_png(Path(tmp)))
        if args.only in (None, "evolution"):
            made += evolution(Path(tmp))
        if args.only in (None, "report"):
            made += report_shots(Path(tmp))
    for p in made:
        print(f"wrote {p.relative_to(ROOT)}")


if __name__ == "__main__":
    main()
