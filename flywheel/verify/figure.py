"""Figure verifier: read the rendered pixels back against the scene they were drawn from.

The `image` verifier asks whether a figure is readable (labels clear, no slivers, no leaked answer);
this one asks whether it is *this problem's* figure: every stroke of the scene (segments, circles,
angle arcs, right-angle marks, element strokes, axes and curves, a chart's bar edges) is inked along
its length, every dotted point has its dot at its pixel and every other named point has ink at it
(a crossing, an arrow tip, a bar corner), and no ink lies where the scene draws nothing (a moved
vertex, an extra line, a curve spike, another problem's figure). It judges every domain: charts and
solids are scenes too, and a scene that fills areas (a chart's bars and sectors) names them through
an optional `filled_regions(layout)` hook.

Everything is numpy over whole masks (PIL rasterises the expected corridors; each stroke's
coverage is one fancy-indexed lookup into a dilated ink mask): ~2 ms a figure.
Failure codes: render (nothing to read), missing (a stroke the scene has is not inked), moved (a
point's dot or ink is not at its pixel), stray (ink where the scene draws nothing).
"""

from __future__ import annotations

import math
from dataclasses import dataclass

import numpy as np
from PIL import Image, ImageDraw

from flywheel.render.scene import coords, elements, pixels
from flywheel.render.scene.elements import arrow_head_px
from flywheel.render.scene.layout import arc_px, right_mark_px
from flywheel.verify.registry import Check, VerifyContext, register_verifier

INK_LEVEL = 128  # a pixel whose darkest channel is below this is ink (black strokes, saturated fills)
NEAR_PX = 4  # half-width of the corridor around an expected stroke where its ink may land
REACH_PX = 2  # a stroke sample is inked when ink lies within this many pixels of it
STEP_PX = 2.0  # spacing of the samples along a stroke
MIN_COVER = 0.9  # share of a solid stroke's samples that must be inked
MIN_COVER_DASHED = 0.55  # a dashed stroke is ink for ~70% of its length
MAX_STRAY_PX = 60  # ink pixels allowed outside every expected corridor (anti-aliasing, thick plates)
DOT_R = 2  # the dot of a labelled point (3.5 pt marker, ~5 px across) fills this disc
MIN_DOT_INK = 0.6  # share of that disc that must be ink


@dataclass(frozen=True)
class Part:
    """One expected stroke of the figure: its name for the reason, its pixel segments, its style."""

    name: str
    segs: np.ndarray  # (N, 4) x0, y0, x1, y1 in image pixels
    dashed: bool = False


def _segs(poly: np.ndarray, closed: bool = False) -> np.ndarray:
    pts = np.asarray(poly, dtype=float)
    return pixels.polyline_segments(np.vstack([pts, pts[:1]]) if closed else pts)


def figure_parts(scene, lay) -> list[Part]:
    """Every stroke the figure code draws for the scene, named (the tool's construction excluded)."""
    px = lay.points_px(scene)
    parts = [Part(f"segment {s.a}{s.b}", np.asarray([px[s.a] + px[s.b]], dtype=float), s.dashed) for s in scene.segments]
    parts += [Part(f"arrow head {s.a}{s.b}", _segs(arrow_head_px(px[s.a], px[s.b]), closed=True))
              for s in scene.segments if s.arrow]
    for c in scene.circles:
        r = scene.radius_float(c) * lay.px_per_unit
        parts.append(Part(f"circle {c.center}", _segs(pixels.circle_polyline(*px[c.center], r, n=max(36, int(r))))))
    parts += [Part(f"angle mark at {m.v}", _segs(arc_px(px[m.a], px[m.v], px[m.b]))) for m in scene.angle_marks]
    parts += [Part(f"right-angle mark at {m.v}", _segs(right_mark_px(px[m.a], px[m.v], px[m.b]))) for m in scene.right_marks]
    for e in scene.elements:
        for i, s in enumerate(e.strokes(scene, lay)):
            parts.append(Part(f"{type(e).__name__.lower()} stroke {i + 1}", s.segments(), s.dashed))
    if scene.coordinate_plane is not None:
        parts.append(Part("axes and curves", coords.plane_strokes_px(scene.coordinate_plane, lay)))
    return [p for p in parts if len(p.segs)]


def dilate(mask: np.ndarray, r: int) -> np.ndarray:
    """Binary dilation by a (2r+1)² square: shifted ORs of whole arrays (no per-pixel Python)."""
    out = mask.copy()
    for k in range(1, r + 1):
        out[k:] |= mask[:-k]
        out[:-k] |= mask[k:]
    rows = out.copy()
    for k in range(1, r + 1):
        out[:, k:] |= rows[:, :-k]
        out[:, :-k] |= rows[:, k:]
    return out


def samples_along(segs: np.ndarray, step: float = STEP_PX) -> tuple[np.ndarray, np.ndarray]:
    """Points every `step` px along each segment, and which segment each belongs to."""
    lengths = np.hypot(segs[:, 2] - segs[:, 0], segs[:, 3] - segs[:, 1])
    counts = np.maximum(2, (lengths / step).astype(int) + 1)
    owner = np.repeat(np.arange(len(segs)), counts)
    start = np.repeat(np.cumsum(counts) - counts, counts)
    t = (np.arange(counts.sum()) - start) / np.repeat(counts - 1, counts)
    s = segs[owner]
    return np.stack([s[:, 0] + t * (s[:, 2] - s[:, 0]), s[:, 1] + t * (s[:, 3] - s[:, 1])], axis=1), owner


def ink_at(mask: np.ndarray, pts: np.ndarray) -> np.ndarray:
    h, w = mask.shape
    xi = np.clip(np.rint(pts[:, 0]).astype(int), 0, w - 1)
    yi = np.clip(np.rint(pts[:, 1]).astype(int), 0, h - 1)
    inside = (pts[:, 0] >= 0) & (pts[:, 0] < w) & (pts[:, 1] >= 0) & (pts[:, 1] < h)
    return mask[yi, xi] & inside


def _missing(parts: list[Part], reach: np.ndarray) -> str | None:
    for p in parts:
        pts, _ = samples_along(p.segs)
        cover = float(ink_at(reach, pts).mean())
        if cover < (MIN_COVER_DASHED if p.dashed else MIN_COVER):
            return f"{p.name} is inked along only {cover:.0%} of its length"
    return None


def _dots(scene, lay, ink: np.ndarray, reach: np.ndarray) -> str | None:
    """Each dotted labelled point has a dot at its pixel; every other named point has ink there."""
    px = lay.points_px(scene)
    ys, xs = np.mgrid[-DOT_R : DOT_R + 1, -DOT_R : DOT_R + 1]
    disc = (xs**2 + ys**2) <= DOT_R**2
    offsets = np.stack([xs[disc], ys[disc]], axis=1).astype(float)
    dotted = dotted_points(scene)
    for n in dotted:
        share = float(ink_at(ink, np.asarray(px[n]) + offsets).mean())
        if share < MIN_DOT_INK:
            return f"point {n} has no dot at its pixel ({px[n][0]:.0f}, {px[n][1]:.0f}): {share:.0%} ink"
    named = [n for n in ink_points(scene) if n not in dotted]
    if named:
        hit = ink_at(reach, np.asarray([px[n] for n in named]))
        if not hit.all():
            n = named[int(np.argmin(hit))]
            return f"point {n} has no ink at its pixel ({px[n][0]:.0f}, {px[n][1]:.0f})"
    return None


def dotted_points(scene) -> list[str]:
    """Labelled points drawn with a dot; a chart's labelled points (its title, pie labels) are texts."""
    if hasattr(scene, "filled_regions"):
        return []
    return [n for n in scene.labeled if n not in scene.undotted and n in scene.points]


def ink_points(scene) -> list[str]:
    """Named points the figure draws ink at: stroke ends (vertices, crossings, arrow tips, bar corners)."""
    names = {n for s in scene.segments for n in (s.a, s.b)}
    names |= {m.v for m in scene.angle_marks + scene.right_marks}
    names |= {c.center for c in scene.circles if c.center in scene.labeled}
    return sorted(n for n in names if n in scene.points)


def allowed_mask(ctx: VerifyContext, shape: tuple[int, int], parts: list[Part]) -> np.ndarray:
    """Where the figure may put ink: its stroke corridors, dots, texts and filled regions."""
    scene, lay = ctx.rendered.draft.scene, ctx.rendered.layout
    img = Image.new("L", (shape[1], shape[0]), 0)
    d = ImageDraw.Draw(img)
    for p in parts:
        for x0, y0, x1, y1 in p.segs.tolist():
            d.line([(x0, y0), (x1, y1)], fill=255, width=2 * NEAR_PX + 1)
    px = lay.points_px(scene)
    r = NEAR_PX + 2
    for n in scene.labeled:
        if n in px:
            x, y = px[n]
            d.ellipse((x - r, y - r, x + r, y + r), fill=255)
    for b in ctx.render.labels:
        d.rectangle((b.x0 - 2, b.y0 - 2, b.x1 + 2, b.y1 + 2), fill=255)
    hook = getattr(scene, "filled_regions", None)
    for poly in hook(lay) if hook else []:
        d.polygon([tuple(q) for q in np.asarray(poly, dtype=float).tolist()], fill=255, outline=255, width=2 * NEAR_PX + 1)
    return np.asarray(img) > 0


def _stray(ink: np.ndarray, allowed: np.ndarray) -> str | None:
    stray = ink & ~allowed
    n = int(stray.sum())
    if n <= MAX_STRAY_PX:
        return None
    ys, xs = np.nonzero(stray)
    return f"{n} ink pixels lie where the scene draws nothing (around ({int(np.median(xs))}, {int(np.median(ys))}))"


@register_verifier("figure", role="image")
def verify_figure(ctx: VerifyContext) -> Check:
    if ctx.render is None:
        return Check(False, ctx.render_error or "the figure did not render", code="render")
    scene, lay = ctx.rendered.draft.scene, ctx.rendered.layout
    ink = ctx.render.rgb.min(axis=2) < INK_LEVEL
    reach = dilate(ink, REACH_PX)
    parts = figure_parts(scene, lay)
    for problem, code in ((_missing(parts, reach), "missing"), (_dots(scene, lay, ink, reach), "moved"),
                          (_stray(ink, allowed_mask(ctx, ink.shape, parts)), "stray")):
        if problem:
            return Check(False, problem, code=code)
    length = sum(float(np.hypot(p.segs[:, 2] - p.segs[:, 0], p.segs[:, 3] - p.segs[:, 1]).sum()) for p in parts)
    return Check(True, f"{len(parts)} strokes ({math.floor(length)} px) inked where the scene draws them, no stray ink")
