"""Import external data (V-Interaction parquet) into a catalog, through the same kind of checks.

Nothing in an external file is trusted: its figure code and tool code are re-run in the hardened
sandbox, the rendered figure must reproduce the stored one, the tool must edit a small region
and reproduce the stored edited image, the trace must follow the V-Thinker format and its answer
must parse, and the duplicate index applies. Ids are kept, so an exported file round-trips.
"""

from __future__ import annotations

import io
import os
import re
from collections.abc import Callable, Iterator
from functools import partial
from pathlib import Path

import numpy as np
import pyarrow.parquet as pq
from PIL import Image

from flywheel.catalog import Catalog
from flywheel.catalog.runs import known_ids
from flywheel.core.answers import answer_value
from flywheel.core.errors import FlywheelError
from flywheel.core.records import Verdict, content_id
from flywheel.run.build import Outcome, Png, assemble, store_images
from flywheel.run.stream import NewRun, in_threads, run_stream
from flywheel.sandbox.hardened import SandboxLimits, run_untrusted
from flywheel.verify.image import MIN_INK, ink_fraction
from flywheel.verify.tool import MAX_CHANGED, changed_mask

V_INTERACTION = ["id", "question", "image", "original_img_code", "edited_image", "tool_code", "CoT_with_code", "answer"]
TRACE = re.compile(r"^<think>.*<code>\n```python\n.*\n```\n</code>\n<sandbox_output>.*</sandbox_output>.*</think>\s*"
                   r"<answer>(.*)</answer>\s*$", re.S)
LIMITS = SandboxLimits(wall_s=30, cpu_s=20)
GENERATOR = "import:v-interaction"
BATCH_SIZE = 32  # rows per catalog transaction: an interrupted import keeps what it committed


def _pixels(png: bytes | None) -> np.ndarray | None:
    return None if png is None else np.asarray(Image.open(io.BytesIO(png)).convert("RGB"))


def _image_verdict(sid: str, row: dict, fig) -> Verdict:
    if not fig.ok:
        return Verdict(sid, "image", False, 0.0, f"figure code failed in the sandbox: {fig.error}")
    mine, theirs = _pixels(fig.image_png), _pixels((row.get("image") or {}).get("bytes"))
    if theirs is not None and (mine.shape != theirs.shape or not np.array_equal(mine, theirs)):
        return Verdict(sid, "image", False, 0.0, "figure code does not reproduce the stored image")
    if ink_fraction(mine) < MIN_INK:
        return Verdict(sid, "image", False, 0.0, "figure is blank")
    return Verdict(sid, "image", True, 1.0, "figure code re-run in the sandbox reproduces the image")


def _tool_verdict(sid: str, row: dict, fig, tool) -> Verdict:
    if not fig.ok:
        return Verdict(sid, "tool", False, 0.0, "no figure to edit")
    if not tool.ok:
        return Verdict(sid, "tool", False, 0.0, f"tool code failed in the sandbox: {tool.error}")
    before, after = _pixels(fig.image_png), _pixels(tool.image_png)
    if before.shape != after.shape:
        return Verdict(sid, "tool", False, 0.0, "edited image has another size")
    share = float(changed_mask(before, after).mean())
    if not 0 < share <= MAX_CHANGED:
        return Verdict(sid, "tool", False, 0.0, f"tool code changed {share:.1%} of the image (expected a small edit)")
    stored = _pixels((row.get("edited_image") or {}).get("bytes"))
    if stored is not None and not np.array_equal(stored, after):
        return Verdict(sid, "tool", False, 0.0, "tool code does not reproduce the stored edited image")
    return Verdict(sid, "tool", True, 1.0, f"tool code re-run edits {share:.2%} of the image")


def _answer_verdict(sid: str, row: dict) -> Verdict:
    m = TRACE.match(row.get("CoT_with_code") or "")
    if not m:
        return Verdict(sid, "answer", False, 0.0, "CoT_with_code does not follow the trace format")
    if m.group(1).strip() != (row.get("answer") or "").strip():
        return Verdict(sid, "answer", False, 0.0, "the trace's <answer> differs from the answer column")
    if answer_value(row["answer"]) is None:
        return Verdict(sid, "answer", False, 0.0, f"answer {row['answer']!r} is not a number we can check")
    return Verdict(sid, "answer", True, 1.0, "trace well formed; answer parses and matches the trace")


def _outcome(row: dict, stream: str, index: int) -> Outcome:
    """Re-run one row's code in the sandbox (each run its own process) and judge it."""
    sid = str(row["id"])
    fig = run_untrusted(row.get("original_img_code") or "", None, LIMITS, expect_file="image.png")
    tool = run_untrusted(row.get("tool_code") or "", fig.image_png, LIMITS) if fig.ok else None
    verdicts = [_answer_verdict(sid, row), _image_verdict(sid, row, fig), _tool_verdict(sid, row, fig, tool)]
    figure = Png(fig.image_png) if fig.ok else None
    edited = Png(tool.image_png) if tool is not None and tool.ok else None
    sample = assemble(
        sid=sid, kind="interaction", domain="imported", knowledge_id=f"imported:{stream}", generator=GENERATOR,
        seed=0, params={}, question=row["question"] or "", answer=row["answer"] or "", answer_expr=None,
        image_code=row["original_img_code"] or "", tool_code=row["tool_code"] or "", cot=row["CoT_with_code"] or "",
        difficulty=0, difficulty_score=0.0, figure=figure, edited=edited, key=row["question"] or "",
        verdicts=verdicts, stream=stream, index=index,
    )
    return Outcome(index, sample, verdicts, store_images([figure, edited]))


def import_v_interaction(path: Path, cat: Catalog, workers: int | None = None,
                         progress: Callable[[int, int], None] | None = None) -> tuple[int, int]:
    """Import rows not yet in the catalog; returns (rows imported, rows accepted). `progress(done,
    total)` hears of every checked row.

    The rows are a stream committed in row order: an interrupted import run again resumes after
    the rows it committed (they are known by then, so the rows left are the stream's rest).
    """
    try:
        table = pq.read_table(path)
    except Exception as exc:  # noqa: BLE001 - any unreadable file is the user's to fix
        raise FlywheelError(f"cannot read {path} as parquet: {exc}") from None
    missing = [c for c in V_INTERACTION if c not in table.column_names]
    if missing:
        raise FlywheelError(f"{path} lacks V-Interaction columns {missing}")
    known = known_ids(cat)
    rows = [r for r in table.select(V_INTERACTION).to_pylist() if str(r["id"]) not in known]  # re-importing adds nothing
    if not rows:
        return 0, 0
    stream = "import:" + content_id(path.name, table.num_rows)

    def tasks(start: int, _accepted: int) -> Iterator[Callable[[], Outcome]]:
        return (partial(_outcome, row, stream, i) for i, row in enumerate(rows, start))

    run = NewRun("import", {"file": str(path), "format": "v-interaction", "rows": len(rows)},
                 extra=lambda: {"rows": len(rows)})
    done = (lambda s: progress(s.generated + s.failed_tasks, len(rows))) if progress else None
    stats = run_stream(cat, stream, tasks, in_threads(workers or os.cpu_count() or 1), run=run, batch_size=BATCH_SIZE,
                       progress=done)
    return len(rows), stats.accepted - stats.accepted_before
