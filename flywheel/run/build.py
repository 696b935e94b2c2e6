"""One sample end to end inside a worker: generate → render → run tool → verify → hash.

`build(task)` is the task function the worker pool runs, for every kind: an interaction sample is
the generator's problem itself; a perception or instruction sample is a variant of the same figure
(flywheel/kinds), drawn from the same seed, so all kinds of one figure share its image. It returns
plain records, so the parent only has to check duplicates and write the catalog.

`assemble` is the one place a Sample record is made (here, by the LLM creator and by the importer):
the figure's sha and pHash, the edited figure's sha, the duplicate key and acceptance are derived
the same way for every creator. `store_images` is the one way a sample's PNGs reach the store.
"""

from __future__ import annotations

import functools
import hashlib
import io
import random
import time
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, Protocol

import numpy as np
from PIL import Image

from flywheel.catalog.images import ImageStore, sha256
from flywheel.core.records import KnowledgeNode, Sample, Verdict, accepts, content_id
from flywheel.domains import get_generator
from flywheel.domains.evolution import StepFailed, apply_ops
from flywheel.kinds import instruction, perception
from flywheel.kinds.points import format_points, point_pixels
from flywheel.kinds.variant import KindVariant, Unsupported
from flywheel.render.choices import with_choices
from flywheel.render.draft import Draft, Rendered, draw, render
from flywheel.render.execute import (
    CodeError,
    RenderResult,
    ToolResult,
    decode_rgb,
    run_image_code,
    run_tool_code,
)
from flywheel.render.question import DEFAULT_VERSION, compose
from flywheel.sandbox.hardened import SandboxLimits, run_untrusted
from flywheel.verify.duplicate import phash_hex, question_key
from flywheel.verify.registry import Submitted, VerifyContext, run_verifiers

CPU_TIMING = "cpu"  # the key of Outcome.timings that is CPU time, not a stage's wall time
MAKERS: dict[str, Callable[[Rendered, random.Random], KindVariant]] = {
    "perception": perception.make,
    "instruction": instruction.make,
}


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
    # MathVerse version of an interaction sample's text (render/question.py), and the version of the
    # group's first sibling: a later sibling links to it in lineage (relation "version").
    version: str = DEFAULT_VERSION
    head_version: str = DEFAULT_VERSION
    choices: int = 0  # interaction tasks: options of the multiple-choice form (0: an open answer)
    # Reject early (run/stream.py::KeyFeed fills these): the question keys of accepted samples — a
    # snapshot file read once per worker, plus the keys accepted since — so a repeat is rejected before
    # rendering. None: no early check (the stream keeps rejected images, or the task is not a stream's).
    keys_file: str | None = field(default=None, compare=False)
    recent_keys: tuple[str, ...] = field(default=(), compare=False)
    keep_rejected_images: bool = False  # store a rejected sample's PNGs too (else only its row and verdicts)


@dataclass
class Outcome:
    index: int
    sample: Sample | None
    verdicts: list[Verdict] = field(default_factory=list)
    images: dict[str, bytes] = field(default_factory=dict)  # PNGs not yet in the store
    timings: dict[str, float] = field(default_factory=dict)  # seconds per stage, for `bench speed`
    relation: str = ""
    error: str = ""  # why no sample came out (an evolution op found no placement, a kind that does not fit)
    meta: dict = field(default_factory=dict)
    early: str = ""  # why the sample was rejected before rendering (its question is already accepted)


class Picture(Protocol):
    """A PNG as a sample records it: its sha names it in the store, its pixels give the pHash."""

    @property
    def png(self) -> bytes | None: ...

    @property
    def sha(self) -> str | None: ...

    @property
    def rgb(self) -> np.ndarray | None: ...


@dataclass
class Png:
    """PNG bytes made outside a worker's renderer (a model's figure code, an imported row)."""

    png: bytes

    @functools.cached_property
    def sha(self) -> str:
        return sha256(self.png)

    @functools.cached_property
    def rgb(self) -> np.ndarray:
        return decode_rgb(self.png)


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


@dataclass(frozen=True)
class _Problem:
    """What a sample of one kind asks of a figure: the code the sandbox runs and the verifiers judge."""

    rendered: Rendered
    question: str
    answer: str
    answer_expr: str | None
    key: str  # text of the duplicate key
    variant: KindVariant | None = None


def build(task: Task) -> Outcome:
    clock = _Clock()
    cpu = time.process_time()  # the worker's CPU seconds for this sample (`bench scale`; wall laps include waiting)
    node = task.node
    spec = get_generator(node.generator)
    draft = draw(spec.fn, task.seed)
    if task.ops:
        try:
            draft = apply_ops(draft, list(task.ops), spec.domain)
        except StepFailed as exc:
            return _no_sample(task, str(exc))
    if task.choices and task.kind == "interaction":
        try:  # the options are drawn from the task's seed: the same task always lists the same options
            draft = with_choices(draft, task.choices, random.Random(task.seed))
        except ValueError as exc:
            return _no_sample(task, f"no multiple-choice form: {exc}")
    clock.lap("generate")
    rendered = render(draft)
    clock.lap("layout+emit")
    parent_id, relation = task.parent_id, task.relation
    if task.kind == "interaction" and parent_id is None and task.version != task.head_version:
        # a sibling of the group's first sample
        parent_id = sample_id(spec.name, node.id, draft.params, task.seed, task.head_version)
        relation = "version"
    try:
        sid, problem = posed(spec.name, node.id, draft.params, task.seed, task.kind, rendered, task.version)
    except Unsupported as exc:
        # Not a rejected sample either: per-domain acceptance counts only real attempts.
        return _no_sample(task, f"no {task.kind} task for {spec.name}: {exc}")

    def sample(figure: Picture | None, edited: Picture | None, overlay: Picture | None,
               verdicts: list[Verdict], version: str) -> Sample:
        v = problem.variant
        return assemble(
            sid=sid, kind=task.kind, domain=spec.domain, knowledge_id=node.id, generator=spec.name, seed=task.seed,
            params=draft.params, question=problem.question, answer=problem.answer, answer_expr=problem.answer_expr,
            image_code=problem.rendered.image_code, tool_code=problem.rendered.tool_code, cot=problem.rendered.cot,
            difficulty=draft.difficulty.hops, difficulty_score=draft.difficulty.score, figure=figure, edited=edited,
            key=problem.key, verdicts=verdicts, stream=task.stream, index=task.index, round_=task.round,
            parent_id=parent_id, points={k: list(p) for k, p in v.points.items()} if v else None,
            elements=v.elements if v else None, overlay=overlay.sha if overlay else None, version=version,
        )

    if task.keys_file is not None and question_key(problem.key) in _accepted_keys(task):
        # The verdict the commit would give after all the work (the key is the same, each version its own):
        # the question is already accepted. Its row keeps the text and code, with no figure.
        version = task.version if task.kind == "interaction" else ""
        timings = {**clock.laps, CPU_TIMING: time.process_time() - cpu}
        return Outcome(task.index, sample(None, None, None, [], version), [], {}, timings, relation, meta=task.meta,
                       early=f"{EARLY_DUPLICATE} (found before rendering)")
    ctx = judge(sid, problem, spec.domain, task.kind, task.version, clock)
    overlay = None
    if task.kind == "instruction" and ctx.render and ctx.tool and ctx.tool.png:
        overlay = Png(instruction.mask_png(instruction.overlay_mask(ctx.render.png, ctx.tool.png)))
    verdicts = run_verifiers(ctx)
    clock.lap("verify")
    out = sample(ctx.render, ctx.tool, overlay, verdicts, ctx.version)
    clock.lap("phash")
    images: dict[str, bytes] = {}
    if out.accepted or task.keep_rejected_images:
        images = store_images([ctx.render, ctx.tool, overlay], task.image_root)
    else:
        drop_images(out)  # a reject keeps its row and verdicts; its PNGs cost disk for nothing
    clock.lap("store")
    timings = {**clock.laps, CPU_TIMING: time.process_time() - cpu}
    return Outcome(task.index, out, verdicts, images, timings, relation, meta=task.meta)


EARLY_DUPLICATE = "near-duplicate: an accepted sample asks the same question"


def drop_images(sample: Sample) -> None:
    """Forget a rejected sample's PNGs: its row names none, so no sample points at a file not kept.
    Its pHash stays (it is the figure's, and costs nothing)."""
    sample.image, sample.edited_image, sample.overlay = "", None, None


_KEYS: dict[str, set[str]] = {}  # worker-local: keys file → accepted question keys seen so far


def _accepted_keys(task: Task) -> set[str]:
    """The accepted question keys this worker knows of: the run's snapshot, read once, plus every key
    that tasks have brought since. A key missed here only costs the full path: the commit checks again.
    A worker that cannot read the snapshot (a Ray actor on another node) knows the recent keys only."""
    assert task.keys_file is not None
    keys = _KEYS.get(task.keys_file)
    if keys is None:
        _KEYS.clear()  # one run at a time per worker
        try:
            keys = set(Path(task.keys_file).read_text().split())
        except OSError:
            keys = set()
        _KEYS[task.keys_file] = keys
    keys.update(task.recent_keys)
    return keys


def sample_id(generator: str, node_id: str, params: dict, seed: int, version: str = DEFAULT_VERSION) -> str:
    """An interaction sample's id; text_dominant keeps the id it had before versions existed."""
    if version == DEFAULT_VERSION:
        return content_id(generator, node_id, params, seed)
    return content_id(generator, node_id, params, seed, version)


def shown_question(draft: Draft, version: str) -> str | None:
    """The sample's text: the draft's parts in `version`, in the frame its seed drew (None: a draft
    with no parts, e.g. a model's, has only its one text, which is text_dominant)."""
    if draft.text is None:
        return draft.question if version == DEFAULT_VERSION else None
    text = compose(draft.text, version, draft.frame_seed).text
    return f"{text} {draft.choices.listing}" if draft.choices else text  # the options follow every frame


def judged_context(generator: str, node_id: str, domain: str, params: dict[str, Any], seed: int, kind: str,
                   rendered: Rendered, clock: _Clock | None = None,
                   version: str = DEFAULT_VERSION) -> tuple[str, _Problem, VerifyContext]:
    """The sample id, the problem of the task's kind (an interaction problem in `version`) and its
    executed context, ready to judge: the one way a rendered draft becomes what the verifiers see (the
    pipeline and `bench verify` share it). Raises `Unsupported` when the kind cannot be made from the
    figure, or the version from the draft."""
    sid, problem = posed(generator, node_id, params, seed, kind, rendered, version)
    return sid, problem, judge(sid, problem, domain, kind, version, clock)


def posed(generator: str, node_id: str, params: dict[str, Any], seed: int, kind: str, rendered: Rendered,
          version: str = DEFAULT_VERSION) -> tuple[str, _Problem]:
    """The sample id and the problem of the task's kind, before anything is run: its duplicate key is
    known here, so a question already accepted is rejected before rendering (`build`)."""
    draft = rendered.draft
    if kind == "interaction":
        sid = sample_id(generator, node_id, params, seed, version)
        question = shown_question(draft, version)
        if question is None:
            raise Unsupported(f"{generator} states no question parts: no {version} version")
        # The key is the canonical statement, not the drawn frame: a repeat in other words is still a repeat.
        key = f"{draft.question} {draft.figure_key}"
        return sid, _Problem(rendered, question, draft.final_answer, str(draft.answer),
                             key if version == DEFAULT_VERSION else f"{version} {key}")
    # The kind is part of the id, so the three tasks of one figure are three samples.
    sid = content_id(kind, generator, node_id, params, seed)
    variant = MAKERS[kind](rendered, random.Random(seed))
    # Perception and instruction questions repeat across figures; the answer (the coordinates) and
    # the figure (where its labelled points are drawn, and what it shows unstated) tell them apart.
    return sid, _Problem(variant.rendered, variant.question, variant.answer, None,
                         f"{kind} {variant.question} {variant.answer} {figure_key(rendered)}", variant)


def judge(sid: str, problem: _Problem, domain: str, kind: str, version: str = DEFAULT_VERSION,
          clock: _Clock | None = None) -> VerifyContext:
    """Run the problem's figure and tool code: the context the verifiers judge."""
    ctx, _ = execute(sid, problem.rendered, clock, domain)
    ctx.question = problem.question
    ctx.version = version if kind == "interaction" else ""
    if problem.variant is not None:
        ctx.kind, ctx.points = kind, problem.variant.points
    return ctx


def _no_sample(task: Task, why: str) -> Outcome:
    return Outcome(task.index, None, relation=task.relation, error=why, meta=task.meta)


def figure_key(rendered: Rendered) -> str:
    """What makes a figure itself: its labelled points' pixels and the draft's unstated data. "Draw the
    segment F₁F₂" asks the same of every ellipse drawn with its foci at the same pixels, but on two
    figures whose point P sits elsewhere it is two tasks."""
    scene = rendered.draft.scene
    return f"{format_points(point_pixels(rendered, list(scene.labeled)))} {rendered.draft.figure_key}"


def assemble(
    *, sid: str, kind: str, domain: str, knowledge_id: str, generator: str, seed: int, params: dict[str, Any],
    question: str, answer: str, answer_expr: str | None, image_code: str, tool_code: str, cot: str,
    difficulty: int, difficulty_score: float, figure: Picture | None, edited: Picture | None, key: str | None,
    verdicts: list[Verdict], stream: str, index: int, round_: int = 0, parent_id: str | None = None,
    points: dict[str, list[float]] | None = None, elements: list[str] | None = None, overlay: str | None = None,
    version: str = "",
) -> Sample:
    """The Sample record of one task. `figure`/`edited` are the drawn and the tool-edited PNG (None
    when there is none), `key` the text of the duplicate key (None: no question to key), and
    acceptance is every verdict so far (the commit adds the duplicate verdict and decides again)."""
    return Sample(
        id=sid, kind=kind, domain=domain, knowledge_id=knowledge_id, question=question, answer=answer,
        answer_expr=answer_expr, image=(figure.sha or "") if figure else "", image_code=image_code,
        tool_code=tool_code, edited_image=edited.sha if edited else None, cot=cot, difficulty=difficulty,
        difficulty_score=difficulty_score, params=params, seed=seed, generator=generator, round=round_,
        parent_id=parent_id, accepted=accepts(verdicts), stream=stream, task_index=index,
        phash=phash_hex(figure.rgb) if figure else "", question_key=question_key(key) if key is not None else "",
        points=points, elements=elements, overlay=overlay, version=version,
    )


def store_images(pictures: Iterable[Picture | None], root: str | None = None) -> dict[str, bytes]:
    """A sample's PNGs by sha, for the image store.

    With the store's `root` they are written here and now — content-addressed, atomic writes, safe
    from any worker, and the PNG bytes stay out of the pipe to the parent (which would otherwise do
    all the file I/O on one core) — and nothing is left to write. Without it they come back for the
    batch writer, which writes them with the sample's rows.
    """
    images = {p.sha: p.png for p in pictures if p is not None and p.png and p.sha}
    if root is None:
        return images
    store = ImageStore(root)
    for digest, data in images.items():
        store.put(data, digest)
    return {}


def execute(
    sid: str, rendered: Rendered, clock: _Clock | None, domain: str
) -> tuple[VerifyContext, dict[str, bytes]]:
    """Run the image code, then the tool code on its output; the context the verifiers judge."""
    clock = clock or _Clock()
    render_result = tool_result = render_error = None
    try:
        render_result = run_image_code(rendered.image_code)
        clock.lap("image_code")
        tool_result = run_tool_code(rendered.tool_code, render_result.png)
        clock.lap("tool_code")
    except CodeError as exc:
        render_error = str(exc)
    ctx = VerifyContext(sid, rendered, render_result, render_error, tool_result, domain)
    return ctx, store_images([render_result, tool_result])


UNTRUSTED_MAX_PIXELS = 4096 * 4096  # a figure the sandbox wrote is checked at this size before it is decoded


def _png_size(png: bytes | None, what: str) -> tuple[int, int]:
    """Width and height from the PNG header alone (a small file may claim a huge image)."""
    try:
        w, h = Image.open(io.BytesIO(png or b"")).size
    except Exception as exc:  # noqa: BLE001 - any undecodable image is the sample's problem
        raise CodeError(f"{what} is not a readable image ({type(exc).__name__})") from None
    if w * h > UNTRUSTED_MAX_PIXELS:
        raise CodeError(f"{what} is {w}×{h} pixels (limit {UNTRUSTED_MAX_PIXELS:,})")
    return w, h


def execute_untrusted(sid: str, submitted: Submitted, domain: str, source: str, limits: SandboxLimits,
                      kind: str = "interaction", figure_png: bytes | None = None) -> VerifyContext:
    """Run the figure code of a sample without a scene (a model's candidate, an imported row), then its
    tool code on the figure, each in the hardened sandbox: the context the same registered verifiers
    judge (`run_verifiers`), where those that need a scene record `not_checkable`. A source that ships
    its figure but no code for it (VTBench) passes `figure_png`; one with no tool code runs no tool."""
    render = tool = error = None
    try:
        if submitted.image_code or figure_png is None:
            fig = run_untrusted(submitted.image_code, None, limits, expect_file="image.png")
            if not fig.ok:
                raise CodeError(f"figure code failed in the sandbox: {fig.error}")
            figure_png = fig.image_png
        render = RenderResult(figure_png, *_png_size(figure_png, "figure code wrote an image.png that"), [])
    except CodeError as exc:
        error = str(exc)
    if render is not None and submitted.tool_code:
        t = run_untrusted(submitted.tool_code, render.png, limits)
        try:
            if not t.ok:
                raise CodeError(f"tool code failed in the sandbox: {t.error}")
            _png_size(t.image_png, "the tool code's image")
            tool = ToolResult(t.image_png, t.stdout, None)
        except CodeError as exc:
            tool = ToolResult(None, t.stdout, str(exc))
    return VerifyContext(sid, None, render, error, tool, domain, kind=kind, source=source, submitted=submitted)


class _Clock:
    def __init__(self) -> None:
        self.laps: dict[str, float] = {}
        self._t = time.perf_counter()

    def lap(self, name: str) -> None:
        now = time.perf_counter()
        self.laps[name] = now - self._t
        self._t = now
