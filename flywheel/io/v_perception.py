"""`v-perception`: V-Thinker's V-Perception columns, one row per accepted perception sample.

`element_arrtibute` is spelled as the public dataset spells it, so its loaders work unchanged.
"""

from __future__ import annotations

import json
from pathlib import Path

import pyarrow as pa

from flywheel.catalog import Catalog
from flywheel.catalog.samples import perception_export_rows
from flywheel.io.parquet import IMAGE, hf_schema, image_cell, write_rows
from flywheel.io.registry import register_exporter

SCHEMA = hf_schema([
    ("id", pa.string()), ("image", IMAGE), ("question", pa.string()), ("answer", pa.string()),
    ("python_code", pa.string()), ("element_arrtibute", pa.list_(pa.string())),
])


@register_exporter("v-perception")
def export_v_perception(cat: Catalog, out: Path, where: str | None = None) -> Path:
    found = perception_export_rows(cat, where)  # checks the filter before any file is written

    def rows():
        for sid, img, q, ans, code, elements in found:
            yield {"id": sid, "image": image_cell(cat.images, img), "question": q, "answer": ans,
                   "python_code": code, "element_arrtibute": json.loads(elements) if elements else []}

    path = Path(out) / "v-perception.parquet"
    write_rows(path, SCHEMA, rows())
    return path
