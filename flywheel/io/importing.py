"""Import external data (V-Interaction or V-Perception parquet) into a catalog, through the same kind of checks.

Nothing in an external file is trusted: its figure code and tool code are re-run in the hardened
sandbox (`run.build.execute_untrusted`) and the row is judged by the registered verifiers like every
other sample: `image` (the figure reproduces the stored one, has ink, states no answer), `tool` (a
small edit that reproduces the stored edited image), `format` (the trace's V-Thinker format and a
parsable answer), the duplicate index; the verifiers that need a scene (`figure`, a domain's own)
record `not_checkable`. Ids are kept, so an exported file round-trips.

What can go wrong goes wrong in one place only:
- the file (not parquet, a missing column, a column of the wrong type) is one FlywheelError from
  `open_v_interaction`, before any catalog is opened or any code is run;
- a row (over a size limit, code that writes junk, anything that raises while it is checked) is
  a rejected sample with its reason, never an aborted import;
- a row whose id an earlier row of the file had is skipped and counted, and a row without an id
  gets one derived from its content (the same file gives the same ids again).
"""

from __future__ import annotations

import contextlib
import io
import math
import os
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from functools import partial
from pathlib import Path
from typing import Any

import numpy as np
import pyarrow as pa
import pyarrow.compute as pc
import pyarrow.parquet as pq
from PIL import Image

from flywheel.catalog import Catalog
from flywheel.catalog.runs import known_ids
from flywheel.core.errors import FlywheelError
from flywheel.core.records import Verdict, content_id
from flywheel.io.limits import MAX_IMAGE_BYTES, MAX_IMAGE_PIXELS, TEXT_LIMITS
from flywheel.kinds.points import Points, parse_points
from flywheel.render.question import VERSIONS
from flywheel.run.build import Outcome, Png, assemble, execute_untrusted, store_images
from flywheel.run.pool import make_pool
from flywheel.run.stream import Executor, NewRun, RunStats, in_processes, in_threads, run_stream
from flywheel.sandbox.hardened import SandboxLimits
from flywheel.verify.registry import Submitted, run_verifiers

V_INTERACTION = ["id", "question", "image", "original_img_code", "edited_image", "tool_code", "CoT_with_code", "answer"]
V_PERCEPTION = ["id", "image", "question", "answer", "python_code", "element_arrtibute"]  # (sic), as published
PERCEPTION_TEXT = ["question", "answer", "python_code"]
# Columns flywheel's own export adds (flywheel/io/v_interaction.py); read back when a file has them.
OPTIONAL = ["knowledge_id", "domain", "generator", "difficulty", "difficulty_score", "version"]
TEXT = ["question", "original_img_code", "tool_code", "CoT_with_code", "answer"]
IMAGES = ["image", "edited_image"]
LIMITS = SandboxLimits(wall_s=30, cpu_s=20)
GENERATOR = "import:v-interaction"
BATCH_SIZE = 32  # rows per catalog transaction: an interrupted import keeps what it committed
READ_ROWS = 4  # rows per record batch read from the file: memory is bounded by a batch, not the file
MAX_DIFFICULTY = 10_000  # the catalog's difficulty is a 32-bit integer; no real problem has more steps


# -- the file -------------------------------------------------------------------------------------

def _is_text(t: pa.DataType) -> bool:
    if pa.types.is_dictionary(t):  # pandas categoricals are written so
        t = t.value_type
    return pa.types.is_string(t) or pa.types.is_large_string(t)


def _is_image(t: pa.DataType) -> bool:
    if not pa.types.is_struct(t) or t.get_field_index("bytes") < 0:
        return False
    b = t.field("bytes").type
    return pa.types.is_binary(b) or pa.types.is_large_binary(b)


TEXT_COLUMN = (_is_text, "a string column")
COLUMN_TYPES: dict[str, tuple[Callable[[pa.DataType], bool], str]] = {
    "id": (lambda t: _is_text(t) or pa.types.is_integer(t), "a string or integer column"),
    **{c: TEXT_COLUMN for c in TEXT + ["knowledge_id", "domain", "generator", "version"]},
    **{c: (_is_image, "an image struct with a binary 'bytes' field") for c in IMAGES},
    "python_code": TEXT_COLUMN,
    "element_arrtibute": (lambda t: pa.types.is_list(t) and _is_text(t.value_type), "a list of strings"),
    "difficulty": (pa.types.is_integer, "an integer column"),
    "difficulty_score": (lambda t: pa.types.is_floating(t) or pa.types.is_integer(t), "a number column"),
}


@dataclass(frozen=True)
class Source:
    """A parquet file whose columns were checked: the rows are read from it in batches, when imported."""

    path: Path
    file: pq.ParquetFile
    columns: list[str]  # the format's columns and the optional ones the file has
    rows: int
    stream: str
    format: str = "v-interaction"  # or v-perception


def open_v_interaction(path: Path) -> Source:
    return open_source(path, "v-interaction")


def open_source(path: Path, fmt: str) -> Source:
    """The file, checked before anything is created or run: parquet, every column of the format
    (`v-interaction` or `v-perception`), every column we read of a type we can read."""
    try:
        # pre_buffer off: a row group's column chunks are read as they are decoded, not all up front
        f = pq.ParquetFile(path, pre_buffer=False)
        schema = f.schema_arrow
    except Exception as exc:  # noqa: BLE001 - any unreadable file is the user's to fix
        raise FlywheelError(f"cannot read {path} as parquet: {exc}") from None
    required, label = (V_PERCEPTION, "V-Perception") if fmt == "v-perception" else (V_INTERACTION, "V-Interaction")
    missing = [c for c in required if c not in schema.names]
    if missing:
        raise FlywheelError(f"{path} lacks {label} columns {missing}")
    columns = required + [c for c in OPTIONAL if c in schema.names]
    for name in columns:
        fits, what = COLUMN_TYPES[name]
        typ = schema.field(name).type
        if not fits(typ):
            raise FlywheelError(f"{path}: column {name!r} is {typ}, expected {what}")
    rows = f.metadata.num_rows
    stream = "import:" + content_id(Path(path).name, rows) if fmt == "v-interaction" else \
        "import:" + content_id(fmt, Path(path).name, rows)
    return Source(Path(path), f, columns, rows, stream, fmt)


def _rows(src: Source, start: int) -> Iterator[tuple[int, dict[str, Any], list[str]]]:
    """(row index, row, the row's fields over a size limit) from row `start` on, read a record batch
    at a time; row groups wholly before `start` (a resumed import) are not read at all."""
    md, offset, groups = src.file.metadata, 0, []
    for g in range(md.num_row_groups):
        n = md.row_group(g).num_rows
        if groups or offset + n > start:
            groups.append(g)
        else:
            offset += n
    if not groups:
        return
    index = offset
    for batch in src.file.iter_batches(batch_size=READ_ROWS, row_groups=groups, columns=src.columns):
        batch, oversized = _without_oversized(batch)
        for row, problems in zip(batch.to_pylist(), oversized, strict=True):
            if index >= start:
                yield index, row, problems
            index += 1


def _without_oversized(batch: pa.RecordBatch) -> tuple[pa.RecordBatch, list[list[str]]]:
    """The batch with every value over its size limit made null, and per row the reasons: measured
    in Arrow, so an oversized value is never copied into Python."""
    problems: list[list[str]] = [[] for _ in range(batch.num_rows)]
    columns = []
    for name, col in zip(batch.schema.names, batch.columns, strict=True):
        if pa.types.is_dictionary(col.type):
            col = col.dictionary_decode()
        if name in TEXT_LIMITS and _is_text(col.type):
            limit, lengths, unit = TEXT_LIMITS[name], pc.utf8_length(col), "characters"
        elif name in IMAGES:
            limit, lengths, unit = MAX_IMAGE_BYTES, pc.binary_length(pc.struct_field(col, "bytes")), "bytes"
        else:
            columns.append(col)
            continue
        over = pc.fill_null(pc.greater(lengths, limit), False)
        for i in pc.indices_nonzero(over).to_pylist():
            problems[i].append(f"{name} is {lengths[i].as_py():,} {unit} (limit {limit:,})")
        columns.append(pc.if_else(over, pa.scalar(None, col.type), col) if pc.any(over).as_py() else col)
    return pa.RecordBatch.from_arrays(columns, names=batch.schema.names), problems


def row_id(row: dict[str, Any], oversized: list[str], fmt: str = "v-interaction") -> str:
    """The row's id; a missing, empty or oversized (nulled) one is derived from the row's content
    (and what was too large in it), so the same row always gets the same id (a rerun adds nothing)
    and two copies of one row are one sample."""
    raw = row.get("id")
    sid = "" if raw is None else str(raw)
    if sid.strip():
        return sid
    text = PERCEPTION_TEXT if fmt == "v-perception" else TEXT
    return "import-" + content_id(fmt, *(row.get(c) or "" for c in text), oversized)


# -- one row --------------------------------------------------------------------------------------

class RowProblem(Exception):
    """Why a row cannot be checked further; becomes a failed verdict."""


def _labels(row: dict[str, Any]) -> list[str]:
    """Optional columns whose values the catalog cannot hold."""
    d, s = row.get("difficulty"), row.get("difficulty_score")
    bad = []
    if d is not None and not 0 <= d <= MAX_DIFFICULTY:
        bad.append(f"difficulty {d} is outside 0..{MAX_DIFFICULTY:,}")
    if s is not None and not math.isfinite(s):
        bad.append(f"difficulty_score {s} is not a finite number")
    return bad


def _pixels(png: bytes, what: str) -> np.ndarray:
    """Decode a PNG as RGB, after checking its size from the header alone (a small file may claim
    a huge image)."""
    try:
        img = Image.open(io.BytesIO(png))
        w, h = img.size
    except Exception as exc:  # noqa: BLE001 - any undecodable image is the row's problem
        raise RowProblem(f"{what} is not a readable image ({type(exc).__name__})") from None
    if w * h > MAX_IMAGE_PIXELS:
        raise RowProblem(f"{what} is {w}×{h} pixels (limit {MAX_IMAGE_PIXELS:,})")
    try:
        return np.asarray(img.convert("RGB"))
    except Exception as exc:  # noqa: BLE001
        raise RowProblem(f"{what} is not a readable image ({type(exc).__name__}: {exc})") from None


def _stored(row: dict[str, Any], column: str) -> np.ndarray | None:
    png = (row.get(column) or {}).get("bytes")
    return None if png is None else _pixels(png, f"the stored {column}")


def _sample(row: dict, sid: str, stream: str, index: int, verdicts: list[Verdict],
            figure: Png | None = None, edited: Png | None = None) -> Outcome:
    """The row as a Sample. The duplicate key is the question with the figure's sha: as the generator's
    key (the question with what makes its figure) two questions worded alike on different figures
    are two problems; near-identical figures with the same answer are caught by the pHash check."""
    text = {c: str(row.get(c) or "") for c in TEXT}
    source = row.get("generator")
    sample = assemble(
        sid=sid, kind="interaction", domain=row.get("domain") or "imported",
        knowledge_id=row.get("knowledge_id") or f"imported:{stream}", generator=GENERATOR, seed=0,
        # The file's generator is kept as provenance, not as `generator`: the catalog's generator is
        # what can replay a sample from its seed, and an imported row cannot be replayed.
        params={"source_generator": source} if source else {},
        question=text["question"], answer=text["answer"], answer_expr=None, image_code=text["original_img_code"],
        tool_code=text["tool_code"], cot=text["CoT_with_code"], difficulty=int(row.get("difficulty") or 0),
        difficulty_score=float(row.get("difficulty_score") or 0.0), figure=figure, edited=edited,
        key=f"{text['question']} {figure.sha}" if figure else None, verdicts=verdicts, stream=stream, index=index,
        # A file's MathVerse version when it names one flywheel knows; a row without says everything in its text.
        version=row.get("version") if row.get("version") in VERSIONS else "text_dominant",
    )
    return Outcome(index, sample, verdicts, store_images([figure, edited]))


def _rejected(row: dict, sid: str, stream: str, index: int, reason: str, fmt: str = "v-interaction") -> Outcome:
    """A row that was not (fully) checked: one failed `row` verdict. Values the catalog cannot hold
    are not stored (nor are those over a size limit: they never left Arrow)."""
    kept = {k: v for k, v in row.items() if k not in ("difficulty", "difficulty_score")} if _labels(row) else row
    make = _perception_sample if fmt == "v-perception" else _sample
    return make(kept, sid, stream, index, [Verdict(sid, "row", False, 0.0, reason)])


def _checked(row: dict, sid: str, stream: str, index: int) -> Outcome:
    """Re-run one row's code in the sandbox (each run its own process) and judge it with the registered
    verifiers, as every sample is judged; those that need a scene record `not_checkable`."""
    try:
        stored = {c: _stored(row, c) for c in IMAGES}
    except RowProblem as p:
        return _rejected(row, sid, stream, index, str(p))
    text = {c: str(row.get(c) or "") for c in TEXT}
    submitted = Submitted(text["question"], text["answer"], text["CoT_with_code"], text["original_img_code"],
                          text["tool_code"], stored["image"], stored["edited_image"])
    ctx = execute_untrusted(sid, submitted, row.get("domain") or "imported", "import", LIMITS)
    figure = Png(ctx.render.png) if ctx.render is not None else None
    edited = Png(ctx.tool.png) if ctx.tool is not None and ctx.tool.png else None
    return _sample(row, sid, stream, index, run_verifiers(ctx), figure, edited)


def _perception_sample(row: dict, sid: str, stream: str, index: int, verdicts: list[Verdict],
                       figure: Png | None = None, points: Points | None = None) -> Outcome:
    """A V-Perception row as a perception Sample (its figure code is `python_code`)."""
    question = str(row.get("question") or "")
    elements = row.get("element_arrtibute")
    sample = assemble(
        sid=sid, kind="perception", domain=row.get("domain") or "imported",
        knowledge_id=row.get("knowledge_id") or f"imported:{stream}", generator="import:v-perception", seed=0,
        params={}, question=question, answer=str(row.get("answer") or ""), answer_expr=None,
        image_code=str(row.get("python_code") or ""), tool_code="", cot="", difficulty=0, difficulty_score=0.0,
        figure=figure, edited=None, key=f"{question} {figure.sha}" if figure else None, verdicts=verdicts,
        stream=stream, index=index, points={k: list(v) for k, v in points.items()} if points else None,
        elements=[str(e) for e in elements] if isinstance(elements, list) else None,
    )
    return Outcome(index, sample, verdicts, store_images([figure]))


def _points_verdict(sid: str, row: dict, shape: tuple[int, ...] | None) -> tuple[Verdict, Points | None]:
    """The answer must name pixel points, each inside the figure."""
    try:
        points = parse_points(row.get("answer") or "")
    except FlywheelError as exc:
        return Verdict(sid, "answer", False, 0.0, f"answer is no set of named points: {exc}"), None
    if not points:
        return Verdict(sid, "answer", False, 0.0, "answer names no points"), None
    h, w = (shape or (0, 0))[:2]
    outside = [k for k, (x, y) in points.items() if shape is not None and not (0 <= x <= w and 0 <= y <= h)]
    if outside:
        return Verdict(sid, "answer", False, 0.0, f"points {outside} lie outside the {w}×{h} figure"), points
    return Verdict(sid, "answer", True, 1.0, f"answer names {len(points)} points inside the figure"), points


def _perception_checked(row: dict, sid: str, stream: str, index: int) -> Outcome:
    """A V-Perception row: its `python_code` re-run in the sandbox and judged by the registered
    verifiers of the perception kind, plus the answer's points against the figure."""
    try:
        stored = _stored(row, "image")
    except RowProblem as p:
        return _rejected(row, sid, stream, index, str(p), "v-perception")
    submitted = Submitted(str(row.get("question") or ""), str(row.get("answer") or ""), "",
                          str(row.get("python_code") or ""), "", stored)
    ctx = execute_untrusted(sid, submitted, row.get("domain") or "imported", "import", LIMITS, kind="perception")
    answer, points = _points_verdict(sid, row, (ctx.render.height, ctx.render.width) if ctx.render else None)
    figure = Png(ctx.render.png) if ctx.render is not None else None
    return _perception_sample(row, sid, stream, index, [answer, *run_verifiers(ctx)], figure, points)


def check_row(row: dict, oversized: list[str], sid: str, stream: str, index: int,
              fmt: str = "v-interaction") -> Outcome:
    """One row's outcome, whatever the row holds: a row with a value over a size limit (`oversized`,
    the reasons) is rejected without being run, and anything that raises while a row is checked is
    that row's rejection."""
    try:
        problems = oversized + _labels(row)
        if problems:
            return _rejected(row, sid, stream, index, "; ".join(problems) + "; not checked", fmt)
        return _perception_checked(row, sid, stream, index) if fmt == "v-perception" else \
            _checked(row, sid, stream, index)
    except Exception as exc:  # noqa: BLE001 - one row must never abort the file
        why = (str(exc).strip().splitlines() or [""])[0]
        reason = f"checking the row failed: {type(exc).__name__}: {why}"
        try:
            return _rejected(row, sid, stream, index, reason, fmt)
        except Exception:  # noqa: BLE001 - the row's own values are what failed: keep none of them
            return _rejected({}, sid, stream, index, reason, fmt)


# -- the import -----------------------------------------------------------------------------------

@dataclass
class ImportResult:
    rows: int = 0  # rows of the file this run read (from where an interrupted import stopped)
    accepted: int = 0
    rejected: int = 0
    repeated: int = 0  # rows skipped: an earlier row of the file had their id
    known: int = 0  # rows skipped: the catalog already held their id
    status: str = ""  # done | nothing-to-do


@contextlib.contextmanager
def row_executor(workers: int | None, executor: str = "local", ray_address: str | None = None
                 ) -> Iterator[tuple[Executor, Callable[[], dict[str, Any]]]]:
    """Where an import's row checks run: this machine's threads (each row's sandbox is a process of its
    own) or, with executor="ray", Ray actors running the same checks, sent as picklable functools.partial
    tasks. Yields the stream's executor and what the `runs` row records about the workers."""
    if executor != "ray":
        yield in_threads(workers or os.cpu_count() or 1), dict
        return
    pool = make_pool("ray", workers, ray_address=ray_address)
    try:
        yield in_processes(pool, "flywheel.run.pool:call"), lambda: {"executor": pool.stats()}
    finally:
        pool.close()


def import_v_interaction(src: Source, cat: Catalog, workers: int | None = None,
                         progress: Callable[[int, int], None] | None = None, executor: str = "local",
                         ray_address: str | None = None) -> ImportResult:
    """Import the rows not yet in the catalog; `progress(rows done, rows to do)` as they are committed.

    The rows are a stream committed in row order (task i is row i): an interrupted import run again
    resumes after the rows it committed. Repeated ids are skipped in the stream, not made tasks.
    Each row's check runs on this machine's threads (its sandbox is a process of its own) or, with
    `executor="ray"`, the same checks on Ray actors; the commit stays here either way.
    """
    known = known_ids(cat)
    res = ImportResult()
    first = [0]

    def tasks(start: int, _accepted: int) -> Iterator[Callable[[], Outcome]]:
        first[0] = start
        seen: set[str] = set()
        for index, row, oversized in _rows(src, start):
            res.rows += 1
            sid = row_id(row, oversized, src.format)
            if sid in seen:
                res.repeated += 1
            elif sid in known:
                res.known += 1
            else:
                seen.add(sid)
                yield partial(check_row, row, oversized, sid, src.stream, index, src.format)

    def done(stats: RunStats) -> None:
        if progress:
            progress(stats.next_task - first[0] + res.repeated + res.known, src.rows - first[0])

    with row_executor(workers, executor, ray_address) as (run_on, workers_stats):
        run = NewRun("import", {"file": str(src.path), "format": src.format, "rows": src.rows},
                     extra=lambda: {"rows": res.rows, "repeated_ids": res.repeated, "already_in_catalog": res.known,
                                    **workers_stats()})
        stats = run_stream(cat, src.stream, tasks, run_on, run=run, batch_size=BATCH_SIZE, progress=done)
    if progress and stats.status != "nothing-to-do":
        progress(src.rows - first[0], src.rows - first[0])  # rows skipped after the last commit
    res.accepted = stats.accepted - stats.accepted_before
    res.rejected = stats.generated - res.accepted
    res.status = stats.status
    return res
