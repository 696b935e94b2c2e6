"""Tool verifier: the tool code runs under the contract and draws the construction where it belongs.

Failure codes: render (no figure to edit), run (the code failed or wrote no readable image),
unchanged, stray (it drew too much or elsewhere), missing (part of the construction is not drawn).
"""

from __future__ import annotations

import numpy as np
from PIL import Image, ImageDraw

from flywheel.core.records import NOT_CHECKABLE
from flywheel.render.scene import elements, pixels
from flywheel.render.scene.emit import expected_tool_regions, expected_tool_strokes
from flywheel.render.scene.layout import label_box, right_mark_px
from flywheel.verify.registry import Check, VerifyContext, register_verifier

DIFF_LEVEL = 40  # per-channel change that counts as drawn
MAX_CHANGED = 0.12  # a construction is a small edit of the figure
NEAR_PX = 6  # drawn pixels must lie this close to the expected strokes
MIN_COVER = 0.85  # share of each expected stroke that must be drawn
MIN_BOX_INK = 6  # changed pixels a written mark (a number in a cell) must leave in its box


def changed_mask(before: np.ndarray, after: np.ndarray) -> np.ndarray:
    a, b = before, after
    if a.shape != b.shape:
        raise ValueError(f"edited image is {b.shape[1]}x{b.shape[0]}, original {a.shape[1]}x{a.shape[0]}")
    d = np.maximum(a, b) - np.minimum(a, b)  # uint8-safe |a - b|
    # Per-channel compares OR-ed together: much faster than a reduction over the short last axis.
    return (d[..., 0] > DIFF_LEVEL) | (d[..., 1] > DIFF_LEVEL) | (d[..., 2] > DIFF_LEVEL)


def expected_region(ctx: VerifyContext, shape: tuple[int, int]) -> np.ndarray:
    """Where the construction may draw: its strokes, right-angle marks, new points and their labels."""
    scene, lay = ctx.rendered.draft.scene, ctx.rendered.layout
    px = {k: lay.to_px(*v) for k, v in scene.floats().items()}
    img = Image.new("L", (shape[1], shape[0]), 0)
    d = ImageDraw.Draw(img)
    for x0, y0, x1, y1 in expected_tool_strokes(scene, lay):
        d.line([(x0, y0), (x1, y1)], fill=255, width=2 * NEAR_PX + 1)
    for poly in expected_tool_regions(scene, lay):
        d.polygon([tuple(p) for p in poly], fill=255, outline=255, width=2 * NEAR_PX + 1)
    for m in scene.construction.right_marks:
        d.line([tuple(p) for p in right_mark_px(px[m.a], px[m.v], px[m.b])], fill=255, width=2 * NEAR_PX + 1)
    for n in scene.construction.points:
        x, y = px[n]
        d.ellipse((x - 10, y - 10, x + 10, y + 10), fill=255)
        bx = label_box(*lay.labels[n], n)
        d.rectangle((bx[0] - NEAR_PX, bx[1] - NEAR_PX, bx[2] + NEAR_PX, bx[3] + NEAR_PX), fill=255)
    elements.paint_tool_region(scene, lay, d, NEAR_PX)
    return np.asarray(img) > 0


def coverage(mask: np.ndarray, stroke: tuple[float, float, float, float], r: int = 3) -> float:
    pts = pixels.sample_segment(stroke[:2], stroke[2:], step=3.0)
    h, w = mask.shape
    hit = 0
    for x, y in pts:
        xi, yi = int(round(x)), int(round(y))
        hit += bool(mask[max(0, yi - r) : min(h, yi + r + 1), max(0, xi - r) : min(w, xi + r + 1)].any())
    return hit / len(pts)


def _submitted_tool(ctx: VerifyContext, after: np.ndarray, share: float) -> Check:
    """A tool edit without a scene to place it: a small real edit (checked above) that draws the
    stored edited image when the source has one."""
    stored = ctx.submitted.stored_edited
    if stored is not None and (stored.shape != after.shape or not np.array_equal(stored, after)):
        return Check(False, "tool code does not reproduce the stored edited image", code="reproduce")
    return Check(True, f"tool code re-run in the sandbox edits {share:.2%} of the figure", score=1.0)


@register_verifier("tool", role="tool", kinds=["interaction", "instruction"], needs_scene=False)
def verify_tool(ctx: VerifyContext) -> Check:
    if ctx.submitted is not None and not ctx.submitted.tool_code:
        return Check(False, "not checkable: the source ships no tool code", code=NOT_CHECKABLE)
    if ctx.render is None:
        return Check(False, "no original figure to edit", code="render")
    t = ctx.tool
    if t is None or t.error:
        return Check(False, t.error if t else "tool code did not run", code="run")
    try:
        mask = changed_mask(ctx.render.rgb, t.rgb)
    except Exception as exc:  # noqa: BLE001 - unreadable output is a failed tool call
        return Check(False, f"edited image unreadable: {exc}", code="run")
    changed = int(mask.sum())
    if changed == 0:
        return Check(False, "the tool code drew nothing: edited image equals the original", code="unchanged")
    share = changed / mask.size
    if share > MAX_CHANGED:
        return Check(False, f"the tool code changed {share:.1%} of the image (max {MAX_CHANGED:.0%})", code="stray")
    if ctx.rendered is None:
        return _submitted_tool(ctx, t.rgb, share)
    stray = int((mask & ~expected_region(ctx, mask.shape)).sum())
    if stray > 0.02 * changed:
        return Check(False, f"{stray} changed pixels lie away from the expected construction", code="stray")
    scene, lay = ctx.rendered.draft.scene, ctx.rendered.layout
    for s, stroke in zip(scene.construction.segments, expected_tool_strokes(scene, lay), strict=True):
        cov = coverage(mask, stroke)
        if cov < MIN_COVER:
            return Check(False, f"construction {s.a}{s.b} is drawn along only {cov:.0%} of its length", code="missing")
    for name, stroke in elements.tool_strokes(scene, lay):
        if (cov := coverage(mask, stroke)) < MIN_COVER:
            return Check(False, f"construction {name} is drawn along only {cov:.0%} of its length", code="missing")
    for name, (x0, y0, x1, y1) in elements.tool_boxes(scene, lay):
        if mask[max(0, int(y0)) : int(y1) + 1, max(0, int(x0)) : int(x1) + 1].sum() < MIN_BOX_INK:
            return Check(False, f"construction {name} is not drawn in its place", code="missing")
    return Check(True, f"construction drawn where expected ({share:.2%} of pixels changed)", score=1.0)
