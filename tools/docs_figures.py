"""Regenerate the pictures and measured tables of README.md and docs/ (`make docs-figures`).

    python tools/docs_figures.py [--only sample|evolution]

* docs/img/sample.png — one synthesized sample: its figure, the figure after its tool code ran,
  the question, the trace (code shortened) and the answer. Fixed seed, so it changes only when
  the generator does.
* docs/img/evolution.png and the round table in docs/evolve.md — `flywheel synthesize --n 300
  --seed 5` then `flywheel evolve --rounds 3 --report` (a few minutes on two cores).

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


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    ap.add_argument("--only", choices=["sample", "evolution"], help="regenerate one of the two")
    args = ap.parse_args()
    IMG.mkdir(parents=True, exist_ok=True)
    with tempfile.TemporaryDirectory(prefix="flywheel-docs-") as tmp:
        made = []
        if args.only in (None, "sample"):
            made.append(sample_png(Path(tmp)))
        if args.only in (None, "evolution"):
            made += evolution(Path(tmp))
    for p in made:
        print(f"wrote {p.relative_to(ROOT)}")


if __name__ == "__main__":
    main()
