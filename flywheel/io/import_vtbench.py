"""Import VTBench rows — V-Thinker's `Vtbench.json` (image fields are paths relative to the file) or
flywheel's `vtbench.parquet` — as benchmark samples: each row is three tasks of one stream, its
perception, instruction and interaction sample, checked as far as the row allows.

A VTBench row carries no figure code, so nothing re-renders its figure: the checks are that every
image decodes within the size limits, that the annotations are the figure's size, that a perception
answer (when the row has one) names points inside the figure, that the instruction's ground-truth
tool code (when it has one) re-run in the hardened sandbox makes a small edit reproducing its
annotation, and that the reasoning answer is one `answers_equivalent` can check. Ids are the
row's `id_perception` / `id_instruction` / `id_reasoning` when it has them (a flywheel export
round-trips), else derived from the row's content.
"""

from __future__ import annotations

import dataclasses
import json
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from functools import partial
from pathlib import Path

import pyarrow.parquet as pq

from flywheel.catalog import Catalog
from flywheel.catalog.runs import known_ids
from flywheel.core.answers import answer_checkable
from flywheel.core.errors import FlywheelError
from flywheel.core.records import Verdict, content_id
from flywheel.io.importing import (
    LIMITS,
    ImportResult,
    RowProblem,
    _pixels,
    _points_verdict,
    row_executor,
)
from flywheel.io.limits import MAX_IMAGE_BYTES
from flywheel.run.build import Outcome, Png, assemble, execute_untrusted, store_images
from flywheel.run.stream import NewRun, RunStats, run_stream
from flywheel.verify.registry import Submitted, run_verifiers

KINDS = ("perception", "instruction", "interaction")
REQUIRED = ["image", "question_perception", "question_instruction", "question_reasoning", "answer_reasoning"]
IMAGE_FIELDS = ("image", "annotation_perception", "annotation_instruction")
ID_FIELDS = {"perception": "id_perception", "instruction": "id_instruction", "interaction": "id_reasoning"}
GENERATOR = "import:vtbench"
BATCH_SIZE = 32


@dataclass(frozen=True)
class VtbenchSource:
    path: Path
    rows: list[dict]  # image fields: PNG bytes (parquet), or a path relative to the file (JSON)
    stream: str

    @property
    def tasks(self) -> int:
        return len(self.rows) * len(KINDS)


def open_vtbench(path: Path) -> VtbenchSource:
    """The rows, checked for VTBench's fields before anything is created or run. A benchmark is
    hundreds of rows, so the file is read whole; images are read when their row is checked."""
    path = Path(path)
    try:
        if path.suffix == ".json":
            rows = json.loads(path.read_text(encoding="utf-8"))
        else:
            rows = pq.read_table(path).to_pylist()
    except Exception as exc:  # noqa: BLE001 - any unreadable file is the user's to fix
        raise FlywheelError(f"cannot read {path} as a VTBench JSON list or parquet file: {exc}") from None
    if not isinstance(rows, list) or not all(isinstance(r, dict) for r in rows):
        raise FlywheelError(f"{path} must hold a JSON list of objects (V-Thinker's Vtbench.json layout)")
    for i, row in enumerate(rows):
        missing = [c for c in REQUIRED if c not in row]
        if missing:
            raise FlywheelError(f"{path}: row {i} lacks VTBench fields {missing}")
    return VtbenchSource(path, rows, "import:" + content_id("vtbench", path.name, len(rows)))


def _png(src: VtbenchSource, value) -> bytes | None:
    """An image field's PNG bytes: a `{bytes, path}` struct or a path relative to the JSON file."""
    if value is None or value == "null":
        return None
    if isinstance(value, dict):
        return value.get("bytes")
    file = src.path.parent / str(value)
    if not file.is_file():
        raise RowProblem(f"image {value!r} is not a file beside {src.path.name}")
    if file.stat().st_size > MAX_IMAGE_BYTES:
        raise RowProblem(f"image {value!r} is over {MAX_IMAGE_BYTES:,} bytes")
    return file.read_bytes()


def _sample_id(row: dict, kind: str) -> str:
    given = row.get(ID_FIELDS[kind])
    if given:
        return str(given)
    return "import-" + content_id("vtbench", kind, row.get("id") or "", *(str(row.get(c) or "") for c in REQUIRED))


def _same_size(sid: str, name: str, png: bytes | None, shape) -> Verdict:
    if png is None:
        return Verdict(sid, "annotation", False, 0.0, f"the row has no {name}")
    try:
        pixels = _pixels(png, f"the {name}")
    except RowProblem as p:
        return Verdict(sid, "annotation", False, 0.0, str(p))
    if pixels.shape != shape:
        return Verdict(sid, "annotation", False, 0.0, f"the {name} is not the figure's size")
    return Verdict(sid, "annotation", True, 1.0, f"the {name} decodes at the figure's size")


def check_task(src: VtbenchSource, row: dict, kind: str, sid: str, index: int) -> Outcome:
    """One sample of a row; anything that fails (a missing file, junk bytes) is its rejection."""
    question = str(row.get(f"question_{'reasoning' if kind == 'interaction' else kind}") or "")
    answer = str(row.get("answer_reasoning" if kind == "interaction" else f"answer_{kind}") or "")
    figure = edited = None
    points = None
    tool_code = str(row.get("tool_code_instruction") or "") if kind == "instruction" else ""
    try:
        png = _png(src, row.get("image"))
        if png is None:
            raise RowProblem("the row has no image")
        before = _pixels(png, "the image")
        figure = Png(png)
        ann = None if kind == "interaction" else _png(src, row.get(f"annotation_{kind}"))
        stored_edit = _pixels(ann, f"the annotation_{kind}") if ann and tool_code else None
        # The row ships its figure, no code for it: the registered verifiers judge the figure (and the
        # ground-truth edit of flywheel's own rows, which must reproduce its annotation) like any sample.
        submitted = Submitted(question, answer, "", "", tool_code, before, stored_edit)
        ctx = execute_untrusted(sid, submitted, str(row.get("domain") or "imported"), "import", LIMITS,
                                kind=kind, figure_png=png)
        verdicts = run_verifiers(ctx)
        if kind == "perception":
            verdicts.append(_same_size(sid, "annotation_perception", ann, before.shape))
            edited = Png(ann) if ann else None
            if answer:
                verdict, points = _points_verdict(sid, {"answer": answer}, before.shape)
                verdicts.append(verdict)
        elif kind == "instruction":
            edited = Png(ann) if ann else None
            if not tool_code:
                verdicts.append(_same_size(sid, "annotation_instruction", ann, before.shape))
        elif not answer_checkable(answer):
            verdicts.append(Verdict(sid, "answer", False, 0.0, f"answer {answer!r} is not an answer we can check"))
        else:
            verdicts.append(Verdict(sid, "answer", True, 1.0, "the reasoning answer is checkable"))
    except Exception as exc:  # noqa: BLE001 - one row must never abort the file
        why = str(exc) if isinstance(exc, RowProblem) else f"checking the row failed: {type(exc).__name__}: {exc}"
        verdicts, figure, edited = [Verdict(sid, "row", False, 0.0, why)], None, None
    sample = assemble(
        sid=sid, kind=kind, domain=str(row.get("domain") or "imported"), knowledge_id=f"imported:{src.stream}",
        generator=GENERATOR, seed=0, params={"vtbench_id": str(row.get("id") or "")}, question=question,
        answer=answer, answer_expr=None, image_code="", tool_code=tool_code, cot="", difficulty=0,
        difficulty_score=0.0, figure=figure, edited=edited,
        key=f"{kind} {question} {figure.sha}" if figure else None, verdicts=verdicts, stream=src.stream,
        index=index, points={k: list(v) for k, v in points.items()} if points else None,
    )
    return Outcome(index, sample, verdicts, store_images([figure, edited]))


def import_vtbench(src: VtbenchSource, cat: Catalog, workers: int | None = None,
                   progress: Callable[[int, int], None] | None = None, executor: str = "local",
                   ray_address: str | None = None) -> ImportResult:
    """Import the tasks not yet in the catalog, resumable like every stream (task i: row i // 3, kind i % 3).
    With executor="ray" the checks run on Ray actors (a JSON file's images must be at the same path there)."""
    known = known_ids(cat)
    bare = dataclasses.replace(src, rows=[])  # what a task needs of the source: its path and stream
    res = ImportResult()
    first = [0]

    def tasks(start: int, _accepted: int) -> Iterator[Callable[[], Outcome]]:
        first[0] = start
        for index in range(start, src.tasks):
            row, kind = src.rows[index // len(KINDS)], KINDS[index % len(KINDS)]
            res.rows += index % len(KINDS) == 0
            sid = _sample_id(row, kind)
            if sid in known:
                res.known += 1
                continue
            yield partial(check_task, bare, row, kind, sid, index)

    def done(stats: RunStats) -> None:
        if progress:
            progress(stats.next_task - first[0] + res.known, src.tasks - first[0])

    with row_executor(workers, executor, ray_address) as (run_on, workers_stats):
        run = NewRun("import", {"file": str(src.path), "format": "vtbench", "rows": len(src.rows)},
                     extra=lambda: {"rows": res.rows, "already_in_catalog": res.known, **workers_stats()})
        stats = run_stream(cat, src.stream, tasks, run_on, run=run, batch_size=BATCH_SIZE, progress=done)
    res.accepted = stats.accepted - stats.accepted_before
    res.rejected = stats.generated - res.accepted
    res.status = stats.status
    return res
