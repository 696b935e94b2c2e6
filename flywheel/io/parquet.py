"""Parquet helpers shared by formats: Hugging Face `Image` columns and atomic, chunked writing."""

from __future__ import annotations

import json
import os
from collections.abc import Iterable
from pathlib import Path

import pyarrow as pa
import pyarrow.parquet as pq

IMAGE = pa.struct([("bytes", pa.binary()), ("path", pa.string())])


def hf_schema(fields: list[tuple[str, pa.DataType]]) -> pa.Schema:
    """Arrow schema with the `huggingface` metadata so `datasets` decodes image structs as Image."""
    features = {name: _feature(typ) for name, typ in fields}
    meta = {b"huggingface": json.dumps({"info": {"features": features}}).encode()}
    return pa.schema(fields, metadata=meta)


def _feature(typ: pa.DataType) -> dict:
    if typ == IMAGE:
        return {"_type": "Image"}
    if pa.types.is_list(typ):
        return {"feature": _feature(typ.value_type), "_type": "Sequence"}
    # `datasets` names numbers by numpy's names (float64, not Arrow's double)
    dtype = "float64" if typ == pa.float64() else str(typ) if pa.types.is_integer(typ) else "string"
    return {"dtype": dtype, "_type": "Value"}


def image_cell(images, digest: str | None) -> dict | None:
    """A Hugging Face Image struct for a PNG of the catalog's image store (None when absent)."""
    return None if not digest else {"bytes": images.get(digest), "path": f"{digest}.png"}


def write_rows(path: Path, schema: pa.Schema, rows: Iterable[dict], chunk: int = 256) -> int:
    """Write rows in row groups to a temp file, then rename: a failed export leaves nothing behind."""
    path.parent.mkdir(parents=True, exist_ok=True)
    tmp = path.with_suffix(path.suffix + ".tmp")
    n, buf = 0, []
    try:
        with pq.ParquetWriter(tmp, schema) as w:
            for row in rows:
                buf.append(row)
                if len(buf) >= chunk:
                    w.write_table(pa.Table.from_pylist(buf, schema=schema))
                    n, buf = n + len(buf), []
            if buf or n == 0:
                w.write_table(pa.Table.from_pylist(buf, schema=schema))
                n += len(buf)
        os.replace(tmp, path)
    finally:
        tmp.unlink(missing_ok=True)
    return n
