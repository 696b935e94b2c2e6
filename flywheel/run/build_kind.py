"""Build one perception or instruction sample in a worker: the pipeline's path with the kind's variant.

Called by flywheel.run.build.build for tasks whose kind is not `interaction`. The figure is drawn
from the same seed as the interaction task of that figure, so all kinds share its image.
"""

from __future__ import annotations

import random
from collections.abc import Callable
from pathlib import Path

from flywheel.catalog.images import ImageStore, sha256
from flywheel.core.records import Sample, content_id
from flywheel.domains import get_generator
from flywheel.kinds import instruction, perception
from flywheel.kinds.points import format_points, point_pixels
from flywheel.kinds.variant import KindVariant, Unsupported
from flywheel.render.draft import Rendered, draw, render
from flywheel.run.build import Outcome, Task, _Clock, execute
from flywheel.verify.duplicate import phash_hex, question_key
from flywheel.verify.registry import run_verifiers

MAKERS: dict[str, Callable[[Rendered, random.Random], KindVariant]] = {
    "perception": perception.make,
    "instruction": instruction.make,
}


def sample_id(kind: str, generator: str, node_id: str, params: dict, seed: int) -> str:
    """The kind is part of the id, so the three tasks of one figure are three samples."""
    return content_id(kind, generator, node_id, params, seed)


def build_kind(task: Task) -> Outcome:
    clock = _Clock()
    spec = get_generator(task.node.generator)
    draft = draw(spec.fn, task.seed)
    rendered = render(draft)
    clock.lap("generate")
    sid = sample_id(task.kind, spec.name, task.node.id, draft.params, task.seed)
    try:
        variant = MAKERS[task.kind](rendered, random.Random(task.seed))
    except Unsupported as exc:
        return _unsupported(task, spec, rendered, sid, str(exc))
    ctx, images = execute(sid, variant.rendered, clock, spec.domain)
    ctx.kind, ctx.points = task.kind, variant.points
    overlay = None
    if task.kind == "instruction" and ctx.render and ctx.tool and ctx.tool.png:
        mask = instruction.mask_png(instruction.overlay_mask(ctx.render.png, ctx.tool.png))
        overlay = sha256(mask)
        images[overlay] = mask
    verdicts = run_verifiers(ctx)
    clock.lap("verify")
    if task.image_root:
        store = ImageStore(Path(task.image_root))
        for digest, data in images.items():
            store.put(data, digest)
        images = {}
    r, t = ctx.render, ctx.tool
    sample = _sample(task, spec, variant.rendered, sid, variant.question, variant.answer)
    sample.image, sample.edited_image = (r.sha if r else ""), (t.sha if t else None)
    sample.phash = phash_hex(r.rgb) if r else ""
    sample.points = {k: list(v) for k, v in variant.points.items()}
    sample.elements, sample.overlay = variant.elements, overlay
    sample.accepted = all(v.passed for v in verdicts)
    return Outcome(task.index, sample, verdicts, images, clock.laps)


def _sample(task: Task, spec, rendered: Rendered, sid: str, question: str, answer: str) -> Sample:
    draft = rendered.draft
    return Sample(
        id=sid, kind=task.kind, domain=spec.domain, knowledge_id=task.node.id, question=question,
        answer=answer, answer_expr=None, image="", image_code=rendered.image_code, tool_code=rendered.tool_code,
        edited_image=None, cot=rendered.cot, difficulty=draft.difficulty.hops, difficulty_score=draft.difficulty.score,
        params=draft.params, seed=task.seed, generator=spec.name, round=task.round, stream=task.stream,
        task_index=task.index,
        # Perception and instruction questions repeat across figures; the answer (the coordinates) and
        # the figure (where its labelled points are drawn, and what it shows unstated) tell them apart.
        question_key=question_key(f"{task.kind} {question} {answer} {figure_key(rendered)}"),
    )


def figure_key(rendered: Rendered) -> str:
    """What makes a figure itself: its labelled points' pixels and the draft's unstated data. "Draw the
    segment F₁F₂" asks the same of every ellipse drawn with its foci at the same pixels, but on two
    figures whose point P sits elsewhere it is two tasks."""
    scene = rendered.draft.scene
    return f"{format_points(point_pixels(rendered, list(scene.labeled)))} {rendered.draft.figure_key}"


def _unsupported(task: Task, spec, rendered: Rendered, sid: str, reason: str) -> Outcome:
    """No sample: the kind does not exist for this figure (a chart has no labelled points to locate).

    It is not a rejected sample either, so per-domain acceptance counts only real attempts; the
    synthesize summary reports how many tasks were skipped this way.
    """
    return Outcome(task.index, None, error=f"no {task.kind} task for {spec.name}: {reason}")
