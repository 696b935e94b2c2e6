"""One sample end to end inside a worker: generate → render → run tool → verify → hash.

`build(task)` is the task function the worker pool runs; it returns plain records and PNG bytes,
so the parent only has to check duplicates and write the catalog.
"""

from __future__ import annotations

import hashlib
import time
from dataclasses import dataclass, field
from pathlib import Path

from flywheel.catalog.images import ImageStore
from flywheel.core.records import KnowledgeNode, Sample, Verdict, content_id
from flywheel.domains import get_generator
from flywheel.domains.evolution import StepFailed, apply_ops
from flywheel.render.draft import Rendered, draw, render
from flywheel.render.execute import CodeError, run_image_code, run_tool_code
from flywheel.verify.duplicate import phash_hex, question_key
from flywheel.verify.registry import VerifyContext, run_verifiers


@dataclass(frozen=True)
class Task:
    index: int
    node: KnowledgeNode
    seed: int
    stream: str
    round: int = 0
    image_root: str | None = None  # workers write PNGs straight into the catalog's store
    ops: tuple = ()  # evolution recipe replayed on the drawn problem (domains/evolution.py)
    parent_id: str | None = None  # the sample this one was evolved or repaired from
    relation: str = ""  # lineage edge to the parent: extend | distract | variant | compose | repair
    meta: dict = field(default_factory=dict, hash=False, compare=False)  # passed through to the Outcome
    kind: str = "interaction"  # interaction | perception | instruction (flywheel/kinds)


@dataclass
class Outcome:
    index: int
    sample: Sample | None
    verdicts: list[Verdict] = field(default_factory=list)
    images: dict[str, bytes] = field(default_factory=dict)  # PNGs not yet in the store
    timings: dict[str, float] = field(default_factory=dict)  # seconds per stage, for `bench speed`
    relation: str = ""
    error: str = ""  # why no sample came out (an evolution op found no well-conditioned placement)
    meta: dict = field(default_factory=dict)


def task_seed(stream: str, index: int) -> int:
    """64-bit seed of task `index` of a stream: the same task always draws the same problem."""
    return int(hashlib.sha256(f"{stream}:{index}".encode()).hexdigest()[:15], 16)  # 60 bits: fits int64 columns


def warm() -> None:
    """Worker start-up: import the heavy modules once and render one figure to fill font caches."""
    import matplotlib

    matplotlib.use("Agg")
    from matplotlib.backends.backend_agg import FigureCanvasAgg
    from matplotlib.figure import Figure

    fig = Figure(figsize=(1, 1))
    FigureCanvasAgg(fig)
    fig.text(0.5, 0.5, "A", family="DejaVu Serif", style="italic")
    fig.canvas.draw()
    get_generator("plane.pythagoras")


def ping(_: object = None) -> bool:
    """No-op task: returns once a worker has finished warming up."""
    return True


def build(task: Task) -> Outcome:
    if task.kind != "interaction":
        from flywheel.run.build_kind import build_kind

        return build_kind(task)
    clock = _Clock()
    node = task.node
    spec = get_generator(node.generator)
    draft = draw(spec.fn, task.seed)
    if task.ops:
        try:
            draft = apply_ops(draft, list(task.ops), spec.domain)
        except StepFailed as exc:
            return Outcome(task.index, None, relation=task.relation, error=str(exc), meta=task.meta)
    clock.lap("generate")
    rendered = render(draft)
    clock.lap("layout+emit")
    sid = content_id(spec.name, node.id, draft.params, task.seed)
    ctx, images = execute(sid, rendered, clock, spec.domain)
    if task.image_root:
        # Content-addressed, atomic writes: safe from any worker, and it keeps PNG bytes out of
        # the pipe to the parent (which would otherwise do all the file I/O on one core).
        store = ImageStore(Path(task.image_root))
        for digest, data in images.items():
            store.put(data, digest)
        images = {}
        clock.lap("store")
    verdicts = run_verifiers(ctx)
    clock.lap("verify")
    render_result, tool_result = ctx.render, ctx.tool
    image_sha = render_result.sha if render_result else ""
    edited_sha = tool_result.sha if tool_result else None
    phash = phash_hex(render_result.rgb) if render_result else ""
    clock.lap("phash")
    sample = Sample(
        id=sid, kind="interaction", domain=spec.domain, knowledge_id=node.id,
        question=draft.question, answer=draft.answer_latex, answer_expr=str(draft.answer),
        image=image_sha, image_code=rendered.image_code, tool_code=rendered.tool_code,
        edited_image=edited_sha, cot=rendered.cot, difficulty=draft.difficulty.hops,
        difficulty_score=draft.difficulty.score, params=draft.params, seed=task.seed,
        generator=spec.name, round=task.round, parent_id=task.parent_id, accepted=all(v.passed for v in verdicts),
        stream=task.stream, task_index=task.index, phash=phash, question_key=question_key(f"{draft.question} {draft.figure_key}"),
    )
    return Outcome(task.index, sample, verdicts, images, clock.laps, task.relation, meta=task.meta)


def execute(
    sid: str, rendered: Rendered, clock: _Clock | None, domain: str
) -> tuple[VerifyContext, dict[str, bytes]]:
    """Run the image code, then the tool code on its output; the context the verifiers judge."""
    clock = clock or _Clock()
    images: dict[str, bytes] = {}
    render_result = tool_result = render_error = None
    try:
        render_result = run_image_code(rendered.image_code)
        images[render_result.sha] = render_result.png
        clock.lap("image_code")
        tool_result = run_tool_code(rendered.tool_code, render_result.png)
        if tool_result.png:
            images[tool_result.sha] = tool_result.png
        clock.lap("tool_code")
    except CodeError as exc:
        render_error = str(exc)
    return VerifyContext(sid, rendered, render_result, render_error, tool_result, domain), images


class _Clock:
    def __init__(self) -> None:
        self.laps: dict[str, float] = {}
        self._t = time.perf_counter()

    def lap(self, name: str) -> None:
        now = time.perf_counter()
        self.laps[name] = now - self._t
        self._t = now
