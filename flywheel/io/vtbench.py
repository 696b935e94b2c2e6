"""`vtbench`: one row per figure with VTBench's three tasks, plus machine-checkable ground truth.

A figure qualifies when the catalog holds an accepted perception, instruction and interaction
sample of it (same image sha: `synthesize --kinds interaction,perception,instruction` makes them
from one figure). Column names are the ones VTBench's public evaluation scripts read:
`question_perception` / `annotation_perception` (the figure with the points ringed),
`question_instruction` / `annotation_instruction` (the ground-truth overlay image),
`question_reasoning` / `answer_reasoning` and `interactive_reasoning_answer` (the IR judge keeps
rows where it is set). The extra columns carry what our scorers need: the points as JSON, the
overlay mask and its sha, the ground-truth tool code, the sample ids, and the reasoning question's
MathVerse version.

Two layouts: `parquet` (one file, images inside as `datasets` Image structs) and `vthinker`
(V-Thinker's own `Vtbench.json`: a JSON list whose image fields are paths, relative to the JSON
file, of PNGs written under `images/`).
"""

from __future__ import annotations

import json
import os
from collections.abc import Iterator
from pathlib import Path

import pyarrow as pa

from flywheel.catalog import Catalog
from flywheel.catalog.samples import vtbench_rows
from flywheel.io.parquet import IMAGE, hf_schema, image_cell, write_rows
from flywheel.io.registry import DEFAULT_OPTIONS, ExportOptions, register_exporter
from flywheel.render.scene.emit import unique_output

S = pa.string()
IMAGE_FIELDS = ("image", "annotation_perception", "annotation_instruction", "overlay_instruction")
SCHEMA = hf_schema([
    ("id", S), ("domain", S), ("image", IMAGE),
    ("question_perception", S), ("annotation_perception", IMAGE),
    ("question_instruction", S), ("annotation_instruction", IMAGE),
    ("question_reasoning", S), ("answer_reasoning", S), ("interactive_reasoning_answer", S),
    ("answer_perception", S), ("points_perception", S), ("answer_instruction", S), ("points_instruction", S),
    ("overlay_instruction", IMAGE), ("overlay_sha", S), ("tool_code_instruction", S),
    ("id_perception", S), ("id_instruction", S), ("id_reasoning", S), ("version_reasoning", S),
])
JSON_NAME = "Vtbench.json"  # the name V-Thinker's run.sh scripts read


def _rows(found) -> Iterator[dict]:
    """Each figure's row, image fields as the sha of a PNG in the catalog's image store."""
    for img, domain, qp, ann_p, qi, ann_i, qr, ar, ap, pp, ai, pi, overlay, tool, idp, idi, idr, ver in found:
        yield {
            "id": img[:16], "domain": domain, "image": img,
            "question_perception": qp, "annotation_perception": ann_p,
            "question_instruction": qi, "annotation_instruction": ann_i,
            # the reasoning task is answered interactively (with the tool): its answer is the reference
            "question_reasoning": qr, "answer_reasoning": ar, "interactive_reasoning_answer": ar,
            "answer_perception": ap, "points_perception": pp, "answer_instruction": ai, "points_instruction": pi,
            "overlay_instruction": overlay, "overlay_sha": overlay, "tool_code_instruction": unique_output(tool, idi),
            "id_perception": idp, "id_instruction": idi, "id_reasoning": idr, "version_reasoning": ver,
        }


@register_exporter("vtbench", options=("layout",))
def export_vtbench(cat: Catalog, out: Path, where: str | None = None, options: ExportOptions = DEFAULT_OPTIONS) -> Path:
    found = vtbench_rows(cat, where)  # checks the filter before any file is written
    if options.layout == "vthinker":
        return _write_vthinker(cat, Path(out), _rows(found))
    rows = ({**r, **{f: image_cell(cat.images, r[f]) for f in IMAGE_FIELDS}} for r in _rows(found))
    path = Path(out) / "vtbench.parquet"
    write_rows(path, SCHEMA, rows)
    return path


def _write_vthinker(cat: Catalog, out: Path, rows: Iterator[dict]) -> Path:
    """`Vtbench.json` (written last, atomically) and `images/<sha>.png`: a PNG shared by rows is one file."""
    (out / "images").mkdir(parents=True, exist_ok=True)
    path, tmp = out / JSON_NAME, out / f"{JSON_NAME}.tmp"
    try:
        with open(tmp, "w") as fh:
            # The array one item at a time, byte for byte what json.dumps(items, indent=1) writes, so
            # memory follows one row, not the benchmark.
            sep = "["
            for row in rows:
                for f in IMAGE_FIELDS:
                    if row[f]:
                        target = out / "images" / f"{row[f]}.png"
                        if not target.exists():
                            target.write_bytes(cat.images.get(row[f]))
                        row[f] = f"images/{row[f]}.png"
                fh.write(sep + "\n " + json.dumps(row, indent=1, ensure_ascii=False).replace("\n", "\n "))
                sep = ","
            fh.write("[]" if sep == "[" else "\n]")
        os.replace(tmp, path)
    finally:
        tmp.unlink(missing_ok=True)
    return path
