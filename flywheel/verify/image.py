"""Image verifier: the figure renders, has ink, readable labels, no degenerate shapes, no leaked answer.

It judges every domain's figure (all of them are scenes with labels and strokes); a domain adds its
own image verifier for what only it can read (a chart's bars, a circuit's symbols). It also judges
samples without a scene (a model's candidate, an imported row): their figure code ran in the
hardened sandbox, and what can be checked without a scene is checked — a sane size, ink, the
stored image reproduced, no string of the code stating the answer.
Failure codes: render, size, degenerate (blank, a sliver, a collapsed segment: other numbers are
needed), labels (clipped or overlapping: a new layout helps), leak, reproduce (the code does not
draw the stored image).
"""

from __future__ import annotations

import ast
import itertools
import math
import re

import numpy as np

from flywheel.core.answers import answer_value
from flywheel.render.scene import elements, pixels
from flywheel.render.scene.layout import label_box, obstacle_segments
from flywheel.verify.labels import scene_texts
from flywheel.verify.registry import Check, VerifyContext, register_verifier

MIN_INK = 0.004  # fraction of non-white pixels
MIN_SEGMENT_PX = 22.0
MIN_ANGLE_DEG = 12.0
MIN_POINT_GAP_PX = 14.0
MIN_RADIUS_PX = 25.0
MIN_SIDE, MAX_SIDE = 64, 4096  # pixels: a figure without a scene a model could read and a trainer could store


def ink_fraction(rgb: np.ndarray) -> float:
    dark = (rgb[..., 0] < 200) | (rgb[..., 1] < 200) | (rgb[..., 2] < 200)
    return float(np.count_nonzero(dark)) / dark.size


def _label_problems(ctx: VerifyContext) -> str | None:
    r, scene, lay = ctx.render, ctx.rendered.draft.scene, ctx.rendered.layout
    boxes = r.labels
    shown = sorted(b.text for b in boxes)
    expected = sorted(scene.labeled + [t for t, _, _ in elements.texts(scene, lay)] + [t.text for t in lay.plane_texts]
                      + [v.text for v in lay.values] + [t[0] for t in scene_texts(scene, lay)])
    if shown != expected:
        return f"labels drawn {shown} differ from the scene's {expected}"
    for b in boxes:
        if not pixels.inside(b.rect, r.width, r.height, 1.0):
            return f"label {b.text!r} is clipped by the canvas edge"
    for a, b in itertools.combinations(boxes, 2):
        if pixels.rects_overlap(a.rect, b.rect, pad=-1.0):
            return f"labels {a.text!r} and {b.text!r} overlap"
    # Labels must stay clear in the edited figure too, so the construction's strokes count.
    strokes = obstacle_segments(scene, lay, with_construction=True)
    shown = scene.labeled + scene.construction.points
    dots = {n: lay.to_px(*scene.floats()[n]) for n in shown}
    tool_labels = [(n, label_box(*lay.labels[n], n)) for n in scene.construction.points]
    rects = [(b.text, b.rect) for b in boxes] + tool_labels
    for text, rect in tool_labels:
        for other, orect in rects:
            if other != text and pixels.rects_overlap(rect, orect, pad=-1.0):
                return f"construction label {text!r} would overlap label {other!r}"
    for text, rect in rects:
        shrunk = (rect[0] + 1, rect[1] + 1, rect[2] - 1, rect[3] - 1)
        if pixels.rect_hits_segments(shrunk, strokes):
            return f"label {text!r} overlaps a line of the figure"
        for n, (x, y) in dots.items():
            if pixels.rects_overlap(shrunk, (x - 2.5, y - 2.5, x + 2.5, y + 2.5)):
                return f"label {text!r} covers point {n}"
    return None


def _degenerate(ctx: VerifyContext) -> str | None:
    scene, lay = ctx.rendered.draft.scene, ctx.rendered.layout
    px = {k: lay.to_px(*v) for k, v in scene.floats().items()}
    # A construction may retrace a drawn segment: one stroke, counted once.
    segs = list({frozenset((s.a, s.b)): s for s in scene.segments + scene.construction.segments}.values())
    for s in segs:
        if math.dist(px[s.a], px[s.b]) < MIN_SEGMENT_PX:
            return f"segment {s.a}{s.b} is only {math.dist(px[s.a], px[s.b]):.0f} px long"
    for c in scene.circles:
        if scene.radius_float(c) * lay.px_per_unit < MIN_RADIUS_PX:
            return f"circle {c.center} is too small"
    for name in px:
        rays = [math.atan2(px[o][1] - px[name][1], px[o][0] - px[name][0])
                for s in segs if name in (s.a, s.b) for o in [s.b if s.a == name else s.a]]
        for a, b in itertools.combinations(rays, 2):
            d = math.degrees(abs((a - b + math.pi) % (2 * math.pi) - math.pi))
            if d < MIN_ANGLE_DEG:
                return f"sliver: two lines meet at {name} at {d:.1f}°"
    shown = scene.labeled + scene.construction.points
    for a, b in itertools.combinations(shown, 2):
        if math.dist(px[a], px[b]) < MIN_POINT_GAP_PX:
            return f"points {a} and {b} are only {math.dist(px[a], px[b]):.0f} px apart"
    return None


def _leaks_answer(ctx: VerifyContext) -> str | None:
    target = float(ctx.rendered.draft.answer)
    givens = {v.text for v in ctx.rendered.layout.values}  # the question states them too: not a leak
    # A chart's scale (its tick labels) and the values its question states are no answer either, even
    # where one reads as the answer's value.
    scale = [(t, x, y) for t, x, y, what in scene_texts(ctx.rendered.draft.scene, ctx.rendered.layout)
             if "tick label" in what or what.startswith("the value of ")]
    for b in ctx.render.labels:
        cx, cy = (b.x0 + b.x1) / 2, (b.y0 + b.y1) / 2
        if b.text in givens or any(t == b.text and math.dist((x, y), (cx, cy)) <= 3 for t, x, y in scale):
            continue
        v = answer_value(b.text) if any(ch.isdigit() for ch in b.text) else None
        if b.text.strip() == ctx.rendered.draft.answer_latex or (v is not None and abs(v - target) < 1e-6):
            return f"the figure prints the answer ({b.text!r})"
    return None


def prints_answer(code: str, answer: str) -> str | None:
    """A string constant of figure code that states the answer (a label, a title)."""
    target = answer_value(answer)
    try:
        tree = ast.parse(code)
    except SyntaxError:
        return None
    for node in ast.walk(tree):
        if isinstance(node, ast.Constant) and isinstance(node.value, str) and node.value.strip():
            text = node.value.strip().strip("$")
            if text == answer.strip("$") or (target is not None and re.search(r"\d", text)
                                             and answer_value(text) is not None
                                             and abs(answer_value(text) - target) < 1e-9 * max(1, abs(target))):
                return node.value
    return None


def _submitted_image(ctx: VerifyContext) -> Check:
    """A figure without a scene: it ran in the sandbox, has a sane size and ink, draws the stored
    image when the source has one, and states no answer."""
    r, sub = ctx.render, ctx.submitted
    w, h = r.width, r.height
    if not (MIN_SIDE <= w <= MAX_SIDE and MIN_SIDE <= h <= MAX_SIDE):
        return Check(False, f"figure is {w}x{h} px (allowed {MIN_SIDE}–{MAX_SIDE})", code="size")
    stored = sub.stored_figure
    if stored is not None and (stored.shape != r.rgb.shape or not np.array_equal(stored, r.rgb)):
        return Check(False, "figure code does not reproduce the stored image", code="reproduce")
    ink = ink_fraction(r.rgb)
    if ink < MIN_INK:
        return Check(False, f"figure is blank ({ink:.2%} ink)", code="degenerate")
    leak = prints_answer(sub.image_code, sub.answer)
    if leak is not None:
        return Check(False, f"the figure prints the answer ({leak!r})", code="leak")
    how = "re-run in the sandbox reproduces the stored image" if stored is not None else "renders in the sandbox"
    return Check(True, f"figure code {how}: {w}x{h} px, {ink:.1%} ink")


@register_verifier("image", role="image", needs_scene=False)
def verify_image(ctx: VerifyContext) -> Check:
    if ctx.render is None:
        return Check(False, ctx.render_error or "the figure did not render", code="render")
    if ctx.rendered is None:
        return _submitted_image(ctx)
    size = ctx.rendered.layout.size
    if (ctx.render.width, ctx.render.height) != (size, size):
        return Check(False, f"figure is {ctx.render.width}x{ctx.render.height}, expected {size}x{size}", code="size")
    ink = ink_fraction(ctx.render.rgb)
    if ink < MIN_INK:
        return Check(False, f"figure is blank ({ink:.2%} ink)", code="degenerate")  # nothing to lay out anew
    for problem, code in ((_degenerate(ctx), "degenerate"), (_label_problems(ctx), "labels"), (_leaks_answer(ctx), "leak")):
        if problem:
            return Check(False, problem, code=code)
    return Check(True, f"{len(ctx.render.labels)} labels clear, {ink:.1%} ink, no degenerate shapes")
