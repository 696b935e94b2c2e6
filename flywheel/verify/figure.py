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
point's dot or ink is not at its pixel), stray (ink where the scene draws nothing, or a straight
black line in a chart's text margins, where black text is otherwise allowed).
"""

from __future__ import annotations

import math
from dataclasses import dataclass

import numpy as np
from PIL import Image, ImageDraw

from flywheel.render.scene import coords, pixels
from flywheel.render.scene.elements import arrow_head_px
from flywheel.render.scene.layout import DPI, arc_px, right_mark_px
from flywheel.verify.registry import Check, VerifyContext, register_verifier

INK_LEVEL = 128  # a pixel whose darkest channel is below this is ink (black strokes, saturated fills)
BLACK_LEVEL = 90  # every channel below this: black ink (strokes, text), not a colour fill
NEAR_PX = 4  # half-width of the corridor around an expected stroke where its ink may land
REACH_PX = 2  # a stroke sample is inked when ink lies within this many pixels of it
STEP_PX = 2.0  # spacing of the samples along a stroke
MIN_COVER = 0.9  # share of a solid stroke's samples that must be inked
MIN_COVER_DASHED = 0.55  # a dashed stroke is ink for ~70% of its length
RULE_PX = 30  # a straight black run this long is a line, never a glyph (a bold title's bars are ≤ ~12 px)
MAX_STRAY_PX = 40  # ink pixels allowed outside every expected corridor (anti-aliasing; clean figures leave ≤ 32)
DOT_R = 2  # the dot of a labelled point (3.5 pt marker, ~5 px across) fills this disc
MIN_DOT_INK = 0.6  # share of that disc that must be ink


@dataclass(frozen=True)
class Part:
    """One expected stroke of the figure: its name for the reason, its pixel segments, its style."""

    name: str
    segs: np.ndarray  # (N, 4) x0, y0, x1, y1 in image pixels
    dashed: bool = False
    width_pt: float = 1.8  # line width: a thick stroke (a cell's plate) gets a wider corridor


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
            parts.append(Part(f"{type(e).__name__.lower()} stroke {i + 1}", s.segments(), s.dashed, s.width))
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
    """Each part's share of inked samples, all parts in one pass; the first short one is missing."""
    segs = np.concatenate([p.segs for p in parts])
    part_of = np.repeat(np.arange(len(parts)), [len(p.segs) for p in parts])
    pts, owner = samples_along(segs)
    pid = part_of[owner]
    cover = np.bincount(pid, weights=ink_at(reach, pts), minlength=len(parts)) / np.bincount(pid, minlength=len(parts))
    need = np.asarray([MIN_COVER_DASHED if p.dashed else MIN_COVER for p in parts])
    short = np.nonzero(cover < need)[0]
    if len(short):
        i = int(short[0])
        return f"{parts[i].name} is inked along only {cover[i]:.0%} of its length"
    return None


def chains(segs: np.ndarray) -> list[np.ndarray]:
    """Split (N, 4) segments into polylines wherever one segment does not start where the last ended."""
    breaks = np.nonzero(np.any(np.abs(segs[1:, :2] - segs[:-1, 2:]) > 1e-6, axis=1))[0] + 1
    return [np.vstack([run[:, :2], run[-1:, 2:]]) for run in np.split(segs, breaks)]


def _dots(scene, lay, parts: list[Part], ink: np.ndarray, reach: np.ndarray) -> str | None:
    """Each dotted labelled point has a dot at its pixel; every other anchor has ink there."""
    px = lay.points_px(scene)
    ys, xs = np.mgrid[-DOT_R : DOT_R + 1, -DOT_R : DOT_R + 1]
    disc = (xs**2 + ys**2) <= DOT_R**2
    offsets = np.stack([xs[disc], ys[disc]], axis=1).astype(float)
    for n in dotted_points(scene):
        share = float(ink_at(ink, np.asarray(px[n]) + offsets).mean())
        if share < MIN_DOT_INK:
            return f"point {n} has no dot at its pixel ({px[n][0]:.0f}, {px[n][1]:.0f}): {share:.0%} ink"
    names, where = anchors(scene, lay, parts)
    if len(names):
        hit = ink_at(reach, where)
        if not hit.all():
            i = int(np.argmin(hit))
            return f"{names[i]} has no ink at its pixel ({where[i][0]:.0f}, {where[i][1]:.0f})"
    return None


def anchors(scene, lay, parts: list[Part]) -> tuple[list[str], np.ndarray]:
    """Pixels that must hold ink beyond the dots: every named stroke end (vertices, crossings, arrow
    tips, bar corners) and every corner of a solid element stroke (a solid's edges, a graph's edges)."""
    px = lay.points_px(scene)
    dotted = set(dotted_points(scene))
    names = [f"point {n}" for n in ink_points(scene) if n not in dotted]
    where = [px[n[6:]] for n in names]
    for p in parts:
        if p.dashed or p.name.startswith(("segment ", "circle ")):
            continue  # a dash may end in a gap; a segment's ends are named points, a circle has no corner
        ends = np.unique(np.concatenate([p.segs[:, :2], p.segs[:, 2:]]), axis=0)
        names += [f"{p.name} (corner {i + 1})" for i in range(len(ends))]
        where += [tuple(e) for e in ends.tolist()]
    return names, np.asarray(where, dtype=float).reshape(-1, 2)


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


def allowed_masks(ctx: VerifyContext, shape: tuple[int, int], parts: list[Part]) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """Where the figure may put ink (its stroke corridors, dots, texts and filled regions), where it
    may put black ink (the same without the colour fills: a black line across a bar is stray), and
    where it may put a long straight black line (the same without a chart's text margins)."""
    scene, lay = ctx.rendered.draft.scene, ctx.rendered.layout
    img = Image.new("L", (shape[1], shape[0]), 0)
    d = ImageDraw.Draw(img)
    for p in parts:
        for poly in chains(p.segs):
            half = NEAR_PX + max(0, round((p.width_pt - 1.8) * DPI / 72 / 2))
            d.line([tuple(q) for q in poly.tolist()], fill=255, width=2 * half + 1, joint="curve")
    px = lay.points_px(scene)
    r = NEAR_PX + 2
    for n in scene.labeled:
        if n in px:
            x, y = px[n]
            d.ellipse((x - r, y - r, x + r, y + r), fill=255)
    for b in ctx.render.labels:
        d.rectangle((b.x0 - 2, b.y0 - 2, b.x1 + 2, b.y1 + 2), fill=255)
    plain = np.asarray(img) > 0  # before the text margins: where a long straight black line may be
    for poly in _regions(scene, "text_regions", lay):
        d.polygon(poly, fill=255)
    black = np.asarray(img) > 0
    for poly in _regions(scene, "filled_regions", lay):
        d.polygon(poly, fill=255, outline=255, width=2 * NEAR_PX + 1)
    return np.asarray(img) > 0, black, plain


def _regions(scene, hook: str, lay) -> list[list[tuple[float, float]]]:
    """A scene's optional region hook (charts name their fills and text margins), as PIL polygons."""
    fn = getattr(scene, hook, None)
    return [[tuple(q) for q in np.asarray(poly, dtype=float).tolist()] for poly in (fn(lay) if fn else [])]


def ink_mask(rgb: np.ndarray, level: int = INK_LEVEL) -> np.ndarray:
    """Pixels whose darkest channel is below `level`: per-channel compares OR-ed together, much faster
    than a reduction over the short last axis."""
    return (rgb[..., 0] < level) | (rgb[..., 1] < level) | (rgb[..., 2] < level)


def black_mask(rgb: np.ndarray) -> np.ndarray:
    return (rgb[..., 0] < BLACK_LEVEL) & (rgb[..., 1] < BLACK_LEVEL) & (rgb[..., 2] < BLACK_LEVEL)


def _stray(rgb: np.ndarray, ink: np.ndarray, allowed: np.ndarray, allowed_black: np.ndarray,
           allowed_rule: np.ndarray) -> str | None:
    black = black_mask(rgb)
    stray = (ink & ~allowed) | (black & ~allowed_black)
    n = int(stray.sum())
    if n > MAX_STRAY_PX:
        ys, xs = np.nonzero(stray)
        return f"{n} ink pixels lie where the scene draws nothing (around ({int(np.median(xs))}, {int(np.median(ys))}))"
    # A chart's text margins may hold black text anywhere, but no glyph is a straight black run of
    # RULE_PX: such a run there is a line the scene does not draw (one along the plot's top edge).
    at = _straight_run(black & ~allowed_rule, RULE_PX)
    if at is not None:
        return f"a straight black line of {RULE_PX}+ px lies where the scene draws nothing (at ({at[0]}, {at[1]}))"
    return None


def _straight_run(mask: np.ndarray, n: int) -> tuple[int, int] | None:
    """(x, y) of the start of a horizontal or vertical run of ≥ n set pixels, else None: window sums
    from one cumulative sum per axis."""
    for m, flip in ((mask, False), (mask.T, True)):
        c = np.pad(np.cumsum(m, axis=1, dtype=np.int32), ((0, 0), (1, 0)))
        full = (c[:, n:] - c[:, :-n]) == n
        if full.any():
            r, k = (int(v[0]) for v in np.nonzero(full))
            return (r, k) if flip else (k, r)
    return None


@register_verifier("figure", role="image")
def verify_figure(ctx: VerifyContext) -> Check:
    if ctx.render is None:
        return Check(False, ctx.render_error or "the figure did not render", code="render")
    scene, lay = ctx.rendered.draft.scene, ctx.rendered.layout
    ink = ink_mask(ctx.render.rgb)
    reach = dilate(ink, REACH_PX)
    parts = figure_parts(scene, lay)
    if not parts:
        return Check(False, "the scene draws no stroke to read the figure against", code="missing")
    for problem, code in ((_missing(parts, reach), "missing"), (_dots(scene, lay, parts, ink, reach), "moved"),
                          (_stray(ctx.render.rgb, ink, *allowed_masks(ctx, ink.shape, parts)), "stray")):
        if problem:
            return Check(False, problem, code=code)
    length = sum(float(np.hypot(p.segs[:, 2] - p.segs[:, 0], p.segs[:, 3] - p.segs[:, 1]).sum()) for p in parts)
    return Check(True, f"{len(parts)} strokes ({math.floor(length)} px) inked where the scene draws them, no stray ink")
