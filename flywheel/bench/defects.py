"""`flywheel bench verify`: how many defects written into clean samples the registered verifiers catch.

Every registered generator draws a few problems in every kind; each clean sample is judged by the
one verification path (`run.build.judged_context` → `verify.registry.run_verifiers`), which gives
the false-reject rate, and then every defect class that applies writes one defect into a copy of it
and the copy is judged again: recall is the share of defective copies that some verdict fails.

A defect class is a function `Case -> VerifyContext | None` (None: it does not apply to this case,
e.g. a figure with no second point to join) registered with `@register_defect(name, kinds=…)`.
Text defects (a wrong given in the question, a wrong step in the trace, wrong figure text) register
from their own modules, listed in `DEFECTS`' built-ins or through the `flywheel.defects` entry-point
group; this module holds the answer, figure and tool classes:

- answer_consistent: a wrong answer stated everywhere (answer, trace's conclusion and <answer>);
  for a perception sample, one claimed point 25 px off;
- answer_tag: only the trace's <answer> tag is wrong;
- figure_moved: one named point's dot (or stroke end, bar corner …) moved 25 px in the PNG;
- figure_missing: one stroke of the scene erased from the PNG;
- figure_extra: a line the scene does not have, joining two of its points (or anywhere when it has
  fewer than two), drawn into the PNG;
- figure_other: the figure of another problem of the same generator (one that differs visibly:
  two cylinders whose proportions round to the same pixels are one picture);
- chart_text: a chart's figure code prints one text wrong: two category names swapped, a tick
  label's value changed, two legend entries swapped or a pie label's share changed (the scene and
  its data table stay right, as when the code drifted from them);
- tool_noop: the tool call saves the figure unchanged;
- tool_misplaced: the tool call's drawing lands 25 px away from where it belongs.

Figure defects re-run the sample's own tool code on the defective figure, as the pipeline would, so
a catch comes from reading the figure, not from a tool output that no longer matches it.
"""

from __future__ import annotations

import copy
import dataclasses
import io
import math
import os
import random
import re
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field

import numpy as np
import sympy as sp
from PIL import Image, ImageDraw

from flywheel.core.records import Verdict
from flywheel.core.registry import Registry
from flywheel.domains import generator_names, get_generator
from flywheel.kinds import KINDS
from flywheel.kinds.variant import Unsupported
from flywheel.render.draft import Rendered, draw, render, trace
from flywheel.render.execute import RenderResult, ToolResult, run_image_code, run_tool_code
from flywheel.run.build import judged_context
from flywheel.verify import figure
from flywheel.verify.registry import VerifyContext, run_verifiers

SHIFT_PX = 25.0  # how far a moved element or a misplaced tool drawing lands
PATCH_R = 6  # half-size of the patch moved with a point (its dot and the stroke ends at it)
BENCH_SEED = 20261207


@dataclass
class Case:
    """One clean sample: what a defect class edits (copies of) and how to judge the result."""

    generator: str
    domain: str
    kind: str
    seed: int
    ctx: VerifyContext
    rng: random.Random

    @property
    def rendered(self) -> Rendered:
        return self.ctx.rendered


DefectFn = Callable[[Case], VerifyContext | None]


@dataclass(frozen=True)
class DefectSpec:
    fn: DefectFn
    kinds: frozenset[str]


DEFECTS: Registry[DefectSpec] = Registry("defect class", "flywheel.defects", ["flywheel.bench.defects", "flywheel.bench.defects_text"])


def register_defect(name: str, kinds: Iterable[str] = KINDS) -> Callable[[DefectFn], DefectFn]:
    """Decorator: `@register_defect("trace_step", kinds=["interaction"])` on a `Case -> VerifyContext | None`."""
    return DEFECTS.decorator(name, lambda fn: DefectSpec(fn, frozenset(kinds)))


# -- helpers ---------------------------------------------------------------------------------------
def _png(rgb: np.ndarray) -> bytes:
    buf = io.BytesIO()
    Image.fromarray(rgb).save(buf, format="PNG", compress_level=1)
    return buf.getvalue()


def with_figure(case: Case, rgb: np.ndarray | None = None, render: RenderResult | None = None) -> VerifyContext:
    """The case's context with another figure (new pixels, or another render), its tool code re-run on it."""
    old = case.ctx.render
    fig = render or RenderResult(_png(rgb), old.width, old.height, list(old.labels))
    tool = run_tool_code(case.rendered.tool_code, fig.png)
    return dataclasses.replace(case.ctx, render=fig, tool=tool)


def _wrong(value: sp.Expr) -> sp.Expr:
    """A plausible wrong answer: one more for integers, a quarter more otherwise (never equal)."""
    return value + 1 if value.is_Integer or value == 0 else value * sp.Rational(5, 4)


def _direction(rng: random.Random) -> tuple[float, float]:
    a = rng.uniform(0, 2 * math.pi)
    return SHIFT_PX * math.cos(a), SHIFT_PX * math.sin(a)


# -- answer defects ----------------------------------------------------------------------------------
@register_defect("answer_consistent", kinds=["interaction", "perception"])
def answer_consistent(case: Case) -> VerifyContext | None:
    ctx = case.ctx
    if case.kind == "perception":
        if not ctx.points:
            return None
        name = case.rng.choice(sorted(ctx.points))
        dx, dy = _direction(case.rng)
        x, y = ctx.points[name]
        return dataclasses.replace(ctx, points={**ctx.points, name: (x + dx, y + dy)})
    d = case.rendered.draft
    wrong = _wrong(d.answer)
    draft = dataclasses.replace(d, answer=wrong)
    old, new = re.escape(d.answer_latex), draft.answer_latex
    # The conclusion states the answer too: a consistent wrong answer says the wrong value there.
    draft.conclusion = [re.sub(rf"(?<![\w.]){old}(?![\w.])", lambda _: new, line) for line in d.conclusion]
    return dataclasses.replace(ctx, rendered=dataclasses.replace(case.rendered, draft=draft,
                                                                 cot=trace(draft, case.rendered.tool_code)))


@register_defect("answer_tag", kinds=["interaction"])
def answer_tag(case: Case) -> VerifyContext | None:
    r = case.rendered
    wrong = sp.latex(_wrong(r.draft.answer))
    cot = re.sub(r"<answer>.*?</answer>\s*$", lambda _: f"<answer>{wrong}</answer>", r.cot, flags=re.S)
    return dataclasses.replace(case.ctx, rendered=dataclasses.replace(r, cot=cot))


# -- figure defects ----------------------------------------------------------------------------------
@register_defect("figure_moved")
def figure_moved(case: Case) -> VerifyContext | None:
    ctx = case.ctx
    scene, lay = ctx.rendered.draft.scene, ctx.rendered.layout
    px = lay.points_px(scene)
    where = [px[n] for n in figure.dotted_points(scene)]
    where = where or figure.anchors(scene, lay, figure.figure_parts(scene, lay))[1].tolist()
    rgb = ctx.render.rgb
    h, w = rgb.shape[:2]
    r = PATCH_R
    for _ in range(20):
        if not where:
            return None
        x, y = (int(round(v)) for v in case.rng.choice(where))
        dx, dy = (int(round(v)) for v in _direction(case.rng))
        if r <= x < w - r and r <= y < h - r and r <= x + dx < w - r and r <= y + dy < h - r:
            out = rgb.copy()
            patch = rgb[y - r : y + r + 1, x - r : x + r + 1].copy()
            out[y - r : y + r + 1, x - r : x + r + 1] = 255
            dest = out[y + dy - r : y + dy + r + 1, x + dx - r : x + dx + r + 1]
            np.minimum(dest, patch, out=dest)  # ink over what is there, as drawing it would
            return with_figure(case, out)
    return None


@register_defect("figure_missing")
def figure_missing(case: Case) -> VerifyContext | None:
    ctx = case.ctx
    parts = figure.figure_parts(ctx.rendered.draft.scene, ctx.rendered.layout)
    if not parts:
        return None
    part = case.rng.choice(parts)
    img = Image.fromarray(ctx.render.rgb.copy())
    d = ImageDraw.Draw(img)
    for x0, y0, x1, y1 in part.segs.tolist():
        d.line([(x0, y0), (x1, y1)], fill=(255, 255, 255), width=7)
    return with_figure(case, np.asarray(img))


def _new_line(case: Case, ink: np.ndarray) -> tuple[tuple[float, float], tuple[float, float]] | None:
    """Two of the scene's points whose join is not drawn (most of it lies away from any ink and any
    text), else a random line across the drawing: an element the scene does not have, clearly visible."""
    scene, lay = case.rendered.draft.scene, case.rendered.layout
    px = lay.points_px(scene)
    names = figure.ink_points(scene) + figure.dotted_points(scene)
    near = figure.dilate(ink, figure.NEAR_PX + 2)
    for b in case.ctx.render.labels:  # a line hidden in a text's box is a text defect (the text verifiers')
        near[max(0, int(b.y0) - 2) : int(b.y1) + 3, max(0, int(b.x0) - 2) : int(b.x1) + 3] = True
    h, w = ink.shape
    for attempt in range(40):
        if attempt < 30 and len(set(names)) >= 2:
            a, b = case.rng.sample(sorted(set(names)), 2)
            p, q = px[a], px[b]
        else:
            p = (case.rng.uniform(0.2, 0.8) * w, case.rng.uniform(0.2, 0.8) * h)
            ang, length = case.rng.uniform(0, 2 * math.pi), case.rng.uniform(60, 120)
            q = (p[0] + length * math.cos(ang), p[1] + length * math.sin(ang))
        if not (math.dist(p, q) >= 40 and all(0 <= c < w for c in (p[0], q[0])) and all(0 <= c < h for c in (p[1], q[1]))):
            continue
        pts, _ = figure.samples_along(np.asarray([p + q], dtype=float))
        if (~figure.ink_at(near, pts)).mean() >= 0.5:
            return p, q
    return None


@register_defect("figure_extra")
def figure_extra(case: Case) -> VerifyContext | None:
    rgb = case.ctx.render.rgb
    line = _new_line(case, figure.ink_mask(rgb))
    if line is None:
        return None
    img = Image.fromarray(rgb.copy())
    ImageDraw.Draw(img).line(list(line), fill=(0, 0, 0), width=2)
    return with_figure(case, np.asarray(img))


@register_defect("figure_other")
def figure_other(case: Case) -> VerifyContext | None:
    spec = get_generator(case.generator)
    for k in range(1, 6):
        other = render(draw(spec.fn, case.seed + 7919 * k))
        try:
            _, _, octx = judged_context(spec.name, "other", spec.domain, other.draft.params, case.seed, "interaction", other)
        except Unsupported:
            continue
        if octx.render is not None and _visibly_different(case.ctx.render.rgb, octx.render.rgb):
            return with_figure(case, render=octx.render)
    return None  # the generator draws one figure only: there is no other problem's figure


def _visibly_different(a: np.ndarray, b: np.ndarray) -> bool:
    """More ink of one figure lies ≥ 3 px from any ink of the other than anti-aliasing leaves: a figure
    that differs from this one by a pixel's rounding is the same picture, not another problem's."""
    if a.shape != b.shape:
        return True
    ia, ib = figure.ink_mask(a), figure.ink_mask(b)
    apart = (ia & ~figure.dilate(ib, 2)).sum() + (ib & ~figure.dilate(ia, 2)).sum()
    return int(apart) > figure.MAX_STRAY_PX


@register_defect("chart_text")
def chart_text(case: Case) -> VerifyContext | None:
    """One of the chart text edits that fit the chart (`CHART_TEXT_EDITS`), drawn at random."""
    scene = case.rendered.draft.scene
    if not hasattr(scene, "figure_texts"):
        return None
    fits = [name for name, edit in CHART_TEXT_EDITS.items() if edit(copy.deepcopy(scene), random.Random(0))]
    return wrong_chart_text(case, CHART_TEXT_EDITS[case.rng.choice(fits)]) if fits else None


def wrong_chart_text(case: Case, edit: Callable[[object, random.Random], bool]) -> VerifyContext | None:
    """The chart re-emitted from a copy of its scene with one text edited, rendered, and judged against
    the scene it came from (whose table still holds the right names and values); None when the edit
    does not fit the chart."""
    draft = case.rendered.draft
    scene = copy.deepcopy(draft.scene)
    if not edit(scene, case.rng):
        return None
    wrong = scene.render_draft(dataclasses.replace(draft, scene=scene))
    return with_figure(case, render=run_image_code(wrong.image_code))


def _swap_categories(scene, rng: random.Random) -> bool:
    """Two x tick labels (category names, years, class bounds) trade places."""
    texts = [t for _, t in scene.xticks]
    pairs = [(i, j) for i in range(len(texts)) for j in range(i + 1, len(texts)) if texts[i] != texts[j]]
    if not pairs:
        return False
    i, j = rng.choice(pairs)
    texts[i], texts[j] = texts[j], texts[i]
    scene.xticks = [(v, t) for (v, _), t in zip(scene.xticks, texts, strict=True)]
    return True


def _tick_value(scene, rng: random.Random) -> bool:
    """One y tick label prints another value (at the right height: the gridline stays)."""
    ticks = [(k, v, t) for k, (v, t) in enumerate(scene.yticks) if t.lstrip("-").isdigit()]
    if len(ticks) < 2:
        return False
    step = int(ticks[1][2]) - int(ticks[0][2]) or 1
    k, v, t = rng.choice(ticks)
    scene.yticks[k] = (v, str(int(t) + rng.choice((-1, 1)) * max(1, step // 2)))
    return True


def _swap_legend(scene, rng: random.Random) -> bool:
    """A multi-series chart's legend names its series the wrong way round."""
    bars = scene.extra.get("series_bars", [])
    if len(bars) < 2:
        return False
    i, j = rng.sample(range(len(bars)), 2)
    (a, *ra), (b, *rb) = bars[i], bars[j]
    bars[i], bars[j] = (b, *ra), (a, *rb)
    return True


def _pie_share(scene, rng: random.Random) -> bool:
    """A pie label prints another percentage for its sector."""
    shares = [n for n in scene.labeled if re.fullmatch(r".+\n\d+%", n)]
    if not shares:
        return False
    old = rng.choice(shares)
    name, pct = old.rsplit("\n", 1)
    new = f"{name}\n{int(pct[:-1]) + rng.choice((-5, 5))}%"
    scene.labeled[scene.labeled.index(old)] = new
    scene.extra["label_at"][new] = scene.extra["label_at"].pop(old)
    return True


CHART_TEXT_EDITS = {"categories": _swap_categories, "tick": _tick_value, "legend": _swap_legend, "pie": _pie_share}


# -- tool defects ------------------------------------------------------------------------------------
@register_defect("tool_noop", kinds=["interaction", "instruction"])
def tool_noop(case: Case) -> VerifyContext | None:
    t = case.ctx.tool
    if t is None or t.png is None:
        return None
    return dataclasses.replace(case.ctx, tool=ToolResult(case.ctx.render.png, t.stdout, None))


@register_defect("tool_misplaced", kinds=["interaction", "instruction"])
def tool_misplaced(case: Case) -> VerifyContext | None:
    ctx = case.ctx
    if ctx.tool is None or ctx.tool.rgb is None:
        return None
    before, after = ctx.render.rgb, ctx.tool.rgb
    changed = (np.abs(before.astype(int) - after.astype(int)) > 0).any(axis=2)
    ys, xs = np.nonzero(changed)
    if not len(ys):
        return None
    dx, dy = (int(round(v)) for v in _direction(case.rng))
    h, w = changed.shape
    keep = (ys + dy >= 0) & (ys + dy < h) & (xs + dx >= 0) & (xs + dx < w)
    out = before.copy()
    out[ys[keep] + dy, xs[keep] + dx] = after[ys[keep], xs[keep]]
    return dataclasses.replace(ctx, tool=ToolResult(_png(out), ctx.tool.stdout, None))


# -- the bench -----------------------------------------------------------------------------------------
@dataclass
class Tally:
    injected: int = 0
    caught: int = 0
    missed: list[str] = field(default_factory=list)  # "generator seed kind" of defects that got through
    by: dict[str, int] = field(default_factory=dict)  # verifier → defects it failed (several may fail one)

    @property
    def recall(self) -> float | None:
        return self.caught / self.injected if self.injected else None


@dataclass
class VerifyBench:
    recall: dict[tuple[str, str], Tally] = field(default_factory=dict)  # (class, domain) → tally
    clean: dict[str, Tally] = field(default_factory=dict)  # domain → clean samples judged / rejected
    rejected: list[str] = field(default_factory=list)  # why clean samples were rejected
    figure_cpu_ms: float = 0.0  # CPU of the `figure` verifier per clean sample (os.times)
    samples: int = 0
    skipped: dict[str, int] = field(default_factory=dict)  # class → cases it does not apply to

    def summary(self) -> dict:
        classes = sorted({c for c, _ in self.recall})
        domains = sorted(self.clean)

        def total(rows: Iterable[Tally]) -> Tally:
            rows = list(rows)
            return Tally(sum(t.injected for t in rows), sum(t.caught for t in rows))

        recall = {c: {d: _rate(self.recall.get((c, d))) for d in domains} | {
            "all": _rate(total(t for (k, _), t in self.recall.items() if k == c))} for c in classes}
        clean = total(self.clean.values())
        return {
            "recall": recall,
            "injected": {c: sum(t.injected for (k, _), t in self.recall.items() if k == c) for c in classes},
            "false_reject": {d: _rate(self.clean[d]) for d in domains} | {"all": _rate(clean)},
            "clean_samples": clean.injected,
            "not_applicable": dict(sorted(self.skipped.items())),
            "figure_cpu_ms_per_sample": round(self.figure_cpu_ms, 3),
            "caught_by": {c: _merge(t.by for (k, _), t in self.recall.items() if k == c) for c in classes},
            "missed": {f"{c}/{d}": t.missed[:5] for (c, d), t in sorted(self.recall.items()) if t.missed},
            "rejected_clean": self.rejected[:20],
        }


def _merge(counts: Iterable[dict[str, int]]) -> dict[str, int]:
    out: dict[str, int] = {}
    for c in counts:
        for k, v in c.items():
            out[k] = out.get(k, 0) + v
    return dict(sorted(out.items(), key=lambda kv: -kv[1]))


def _rate(t: Tally | None) -> float | None:
    return None if t is None or not t.injected else round(t.caught / t.injected, 4)


def _failed(verdicts: list[Verdict]) -> list[Verdict]:
    return [v for v in verdicts if not v.passed]


def cases(per_generator: int, kinds: Iterable[str], generators: Iterable[str] | None = None) -> Iterable[Case]:
    for name in generators or generator_names():
        spec = get_generator(name)
        for i in range(per_generator):
            seed = BENCH_SEED + i
            rendered = render(draw(spec.fn, seed))
            for kind in kinds:
                try:
                    _, _, ctx = judged_context(spec.name, name, spec.domain, rendered.draft.params, seed, kind, rendered)
                except Unsupported:
                    continue
                yield Case(name, spec.domain, kind, seed, ctx, random.Random(f"{name}/{seed}/{kind}"))


def run_verify_bench(per_generator: int = 2, kinds: Iterable[str] = KINDS, classes: Iterable[str] | None = None,
                     generators: Iterable[str] | None = None,
                     on_progress: Callable[[int, int], None] | None = None) -> VerifyBench:
    names = list(generators or generator_names())
    specs = [(c, DEFECTS.get(c)) for c in (classes or DEFECTS.names())]
    kinds = list(kinds)
    out = VerifyBench()
    cpu = 0.0
    total, problems = len(names) * per_generator, set()  # progress counts drawn problems (a kind may not fit)
    for case in cases(per_generator, kinds, names):
        label = f"{case.generator} seed {case.seed} {case.kind}"
        t0 = os.times()
        figure.verify_figure(case.ctx)
        t1 = os.times()
        cpu += (t1.user + t1.system) - (t0.user + t0.system)
        bad = _failed(run_verifiers(case.ctx))
        clean = out.clean.setdefault(case.domain, Tally())
        clean.injected += 1
        clean.caught += bool(bad)
        out.samples += 1
        if bad:
            # A defect in a sample that is already rejected says nothing about recall.
            out.rejected.append(f"{label}: {bad[0].verifier}: {bad[0].reason}")
            continue
        for name, spec in specs:
            if case.kind not in spec.kinds:
                continue
            broken = spec.fn(case)
            if broken is None:
                out.skipped[name] = out.skipped.get(name, 0) + 1
                continue
            tally = out.recall.setdefault((name, case.domain), Tally())
            tally.injected += 1
            failed = _failed(run_verifiers(broken))
            for v in failed:
                tally.by[v.verifier] = tally.by.get(v.verifier, 0) + 1
            if failed:
                tally.caught += 1
            else:
                tally.missed.append(label)
        problems.add((case.generator, case.seed))
        if on_progress:
            on_progress(len(problems), total)
    out.figure_cpu_ms = 1000 * cpu / max(1, out.samples)
    return out
