"""Parquet helpers shared by formats: Hugging Face `Image` columns and atomic, chunked writing."""

from __future__ import annotations

import json
import os
from collections.abc import Iterable, Iterator
from pathlib import Path

import pyarrow as pa
import pyarrow.parquet as pq

IMAGE = pa.struct([("bytes", pa.binary()), ("path", pa.string())])


def hf_schema(fields: list[tuple[str, pa.DataType]]) -> pa.Schema:
    """Arrow schema with the `huggingface` metadata so `datasets` decodes image structs as Image."""
    return with_hf_features(pa.schema(fields))


def with_hf_features(schema: pa.Schema) -> pa.Schema:
    """`schema` with `datasets`' features metadata, derived from its types: every `{bytes, path}`
    struct, at any depth (`images: list<IMAGE>`), is an `Image`, so `load_dataset` and stock TRL
    trainers get PIL images with no cast."""
    features = {f.name: _feature(f.type) for f in schema}
    return schema.with_metadata({b"huggingface": json.dumps({"info": {"features": features}}).encode()})


def _feature(typ: pa.DataType):
    if typ == IMAGE:
        return {"_type": "Image"}
    if pa.types.is_struct(typ):
        return {typ.field(i).name: _feature(typ.field(i).type) for i in range(typ.num_fields)}
    if pa.types.is_list(typ) or pa.types.is_large_list(typ):
        # the list form `[feature]`: `Sequence` of a struct would read back as a struct of lists
        return [_feature(typ.value_type)]
    if pa.types.is_floating(typ):  # `datasets` names numbers by numpy's names (float64, not Arrow's double)
        return {"dtype": f"float{typ.bit_width}", "_type": "Value"}
    if pa.types.is_integer(typ) or pa.types.is_boolean(typ):
        return {"dtype": "bool" if pa.types.is_boolean(typ) else str(typ), "_type": "Value"}
    if pa.types.is_null(typ) or pa.types.is_binary(typ):
        return {"dtype": "null" if pa.types.is_null(typ) else "binary", "_type": "Value"}
    return {"dtype": "string", "_type": "Value"}


def image_cell(images, digest: str | None) -> dict | None:
    """A Hugging Face Image struct for a PNG of the catalog's image store (None when absent)."""
    return None if not digest else {"bytes": images.get(digest), "path": f"{digest}.png"}


def write_inferred(path: Path, rows: Iterable[dict], chunk: int = 256) -> Path:
    """Write rows whose schema Arrow infers (nested conversations), with `datasets`' features, atomically,
    in memory bounded by `chunk` rows: a first pass infers each chunk's schema and spills the chunk to
    a temporary Arrow IPC file beside `path`; the second writes them all under the schema that unifies
    the chunks (a field only later rows have, such as tool calls, is null in earlier ones)."""
    path.parent.mkdir(parents=True, exist_ok=True)
    spill = path.with_suffix(path.suffix + ".spill")
    schemas: list[pa.Schema] = []
    try:
        with open(spill, "wb") as fh:
            for part in _chunks(rows, chunk):
                table = pa.Table.from_pylist(part)
                schemas.append(table.schema)
                with pa.ipc.new_stream(fh, table.schema) as w:  # one stream per chunk: each has its own schema
                    w.write_table(table)
        if not schemas:
            write_rows(path, with_hf_features(pa.schema([("id", pa.string())])), [])
            return path
        schema = pa.unify_schemas(schemas, promote_options="permissive")
        with open(spill, "rb") as fh:
            tables = (pa.ipc.open_stream(fh).read_all() for _ in schemas)
            write_rows(path, with_hf_features(schema), (r for t in tables for r in t.to_pylist()), chunk)
    finally:
        spill.unlink(missing_ok=True)
    return path


def _chunks(rows: Iterable[dict], size: int) -> Iterator[list[dict]]:
    buf: list[dict] = []
    for row in rows:
        buf.append(row)
        if len(buf) >= size:
            yield buf
            buf = []
    if buf:
        yield buf


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
