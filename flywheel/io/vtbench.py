"""`vtbench`: one row per figure with VTBench's three tasks, plus machine-checkable ground truth.

A figure qualifies when the catalog holds an accepted perception, instruction and interaction
sample of it (same image sha: `synthesize --kinds interaction,perception,instruction` makes them
from one figure). Column names are the ones VTBench's public evaluation scripts read:
`question_perception` / `annotation_perception` (the figure with the points ringed),
`question_instruction` / `annotation_instruction` (the ground-truth overlay image),
`question_reasoning` / `answer_reasoning`. The extra columns carry what our scorers need:
the points as JSON, the overlay mask and its sha, the ground-truth tool code, the sample ids, and
the reasoning question's MathVerse version.
"""

from __future__ import annotations

from pathlib import Path

import pyarrow as pa

from flywheel.catalog import Catalog
from flywheel.catalog.samples import vtbench_rows
from flywheel.io.parquet import IMAGE, hf_schema, image_cell, write_rows
from flywheel.io.registry import register_exporter

S = pa.string()
SCHEMA = hf_schema([
    ("id", S), ("domain", S), ("image", IMAGE),
    ("question_perception", S), ("annotation_perception", IMAGE),
    ("question_instruction", S), ("annotation_instruction", IMAGE),
    ("question_reasoning", S), ("answer_reasoning", S),
    ("answer_perception", S), ("points_perception", S), ("answer_instruction", S), ("points_instruction", S),
    ("overlay_instruction", IMAGE), ("overlay_sha", S), ("tool_code_instruction", S),
    ("id_perception", S), ("id_instruction", S), ("id_reasoning", S), ("version_reasoning", S),
])


@register_exporter("vtbench")
def export_vtbench(cat: Catalog, out: Path, where: str | None = None) -> Path:
    found = vtbench_rows(cat, where)  # checks the filter before any file is written

    def rows():
        for img, domain, qp, ann_p, qi, ann_i, qr, ar, ap, pp, ai, pi, overlay, tool, idp, idi, idr, ver in found:
            yield {
                "id": img[:16], "domain": domain, "image": image_cell(cat.images, img),
                "question_perception": qp, "annotation_perception": image_cell(cat.images, ann_p),
                "question_instruction": qi, "annotation_instruction": image_cell(cat.images, ann_i),
                "question_reasoning": qr, "answer_reasoning": ar,
                "answer_perception": ap, "points_perception": pp, "answer_instruction": ai, "points_instruction": pi,
                "overlay_instruction": image_cell(cat.images, overlay), "overlay_sha": overlay,
                "tool_code_instruction": tool, "id_perception": idp, "id_instruction": idi, "id_reasoning": idr,
                "version_reasoning": ver,
            }

    path = Path(out) / "vtbench.parquet"
    write_rows(path, SCHEMA, rows())
    return path
