"""`trl-sft`, `trl-grpo` and `sharegpt` exports: the rows `flywheel train` trains on, written to files.

The TRL formats are parquet with a `split` column (train/heldout by knowledge node and lineage)
and images as Hugging Face `Image` structs; `sharegpt` is ms-swift/LLaMA-Factory JSONL with the
V-Thinker trace as the assistant turn and image files written beside it.
"""

from __future__ import annotations

import json
import os
from pathlib import Path

import pyarrow as pa
import pyarrow.parquet as pq

from flywheel.catalog import Catalog
from flywheel.io.registry import register_exporter
from flywheel.train.data import Split, grpo_row, load_samples, sft_row


def _split_rows(cat: Catalog, where: str | None, make) -> list[dict]:
    rows = []
    for split in (Split.train, Split.heldout):
        for kind in ("interaction", "perception"):
            rows += [{**make(s), "version": s.version, "split": str(split)} for s in load_samples(cat, kind, split, where)]
    return sorted(rows, key=lambda r: r["id"])


def _write_parquet(path: Path, rows: list[dict]) -> Path:
    """Schema inferred from the rows; image cells are `{bytes, path}` structs, which
    `ds.cast_column("images", datasets.Sequence(datasets.Image()))` decodes."""
    table = pa.Table.from_pylist(rows) if rows else pa.table({"id": pa.array([], pa.string())})
    path.parent.mkdir(parents=True, exist_ok=True)
    tmp = path.with_suffix(".parquet.tmp")
    try:
        pq.write_table(table, tmp)
        os.replace(tmp, path)
    finally:
        tmp.unlink(missing_ok=True)
    return path


@register_exporter("trl-sft")
def export_trl_sft(cat: Catalog, out: Path, where: str | None = None) -> Path:
    rows = _split_rows(cat, where, lambda s: sft_row(s, vision=True))
    return _write_parquet(Path(out) / "trl-sft.parquet", rows)


@register_exporter("trl-grpo")
def export_trl_grpo(cat: Catalog, out: Path, where: str | None = None) -> Path:
    rows = _split_rows(cat, where, lambda s: grpo_row(s, vision=True))
    return _write_parquet(Path(out) / "trl-grpo.parquet", rows)


@register_exporter("sharegpt")
def export_sharegpt(cat: Catalog, out: Path, where: str | None = None) -> Path:
    from flywheel.train.trace import SYSTEM_PROMPT

    out = Path(out)
    (out / "images").mkdir(parents=True, exist_ok=True)
    path, tmp = out / "sharegpt.jsonl", out / "sharegpt.jsonl.tmp"
    try:
        with open(tmp, "w") as fh:
            for split in (Split.train, Split.heldout):
                for kind in ("interaction", "perception"):
                    for s in load_samples(cat, kind, split, where):
                        image = out / "images" / f"{s.id}.png"
                        image.write_bytes(s.image)
                        answer = s.cot or f"<answer>{s.answer}</answer>"
                        fh.write(json.dumps({"id": s.id, "split": str(split), "system": SYSTEM_PROMPT, "conversations": [
                            {"from": "human", "value": f"<image>{s.question}"}, {"from": "gpt", "value": answer}],
                            "images": [f"images/{s.id}.png"], "answer": s.answer, "version": s.version}) + "\n")
        os.replace(tmp, path)
    finally:
        tmp.unlink(missing_ok=True)  # a failed export (a damaged image, a full disk) leaves no half file
    return path
