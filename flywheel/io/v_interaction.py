"""`v-interaction`: V-Thinker's V-Interaction columns, one row per accepted interaction sample."""

from __future__ import annotations

from pathlib import Path

import pyarrow as pa

from flywheel.catalog import Catalog
from flywheel.catalog.samples import interaction_export_rows
from flywheel.io.parquet import IMAGE, hf_schema, write_rows
from flywheel.io.registry import register_exporter
from flywheel.render.scene.emit import unique_output

# V-Thinker's eight columns, then what flywheel knows of each sample: `flywheel import` reads these back
# when a file has them (files without them import too), so an export round-trips its knowledge points
# and each problem's MathVerse version (render/question.py).
SCHEMA = hf_schema([
    ("id", pa.string()), ("question", pa.string()), ("image", IMAGE), ("original_img_code", pa.string()),
    ("edited_image", IMAGE), ("tool_code", pa.string()), ("CoT_with_code", pa.string()), ("answer", pa.string()),
    ("knowledge_id", pa.string()), ("domain", pa.string()), ("generator", pa.string()), ("difficulty", pa.int64()),
    ("difficulty_score", pa.float64()), ("version", pa.string()),
])


@register_exporter("v-interaction")
def export_v_interaction(cat: Catalog, out: Path, where: str | None = None) -> Path:
    found = interaction_export_rows(cat, where)  # checks the filter before any file is written

    def rows():
        for sid, q, img, code, edited, tool, cot, ans, kid, domain, generator, hops, score, version in found:
            yield {
                "id": sid, "question": q, "original_img_code": code, "tool_code": unique_output(tool, sid),
                "CoT_with_code": unique_output(cot, sid), "answer": ans,
                "image": {"bytes": cat.images.get(img), "path": f"{img}.png"},
                "edited_image": {"bytes": cat.images.get(edited), "path": f"{edited}.png"},
                "knowledge_id": kid, "domain": domain, "generator": generator, "difficulty": hops,
                "difficulty_score": score, "version": version,
            }

    path = Path(out) / "v-interaction.parquet"
    write_rows(path, SCHEMA, rows())
    return path
