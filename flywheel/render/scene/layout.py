"""Data→pixel transform and collision-free label placement for a Scene."""

from __future__ import annotations

import math
from dataclasses import dataclass, field

import numpy as np

from flywheel.render.scene import coords, elements, pixels, values
from flywheel.render.scene.model import Scene

SIZE = 448  # px; figures are square
DPI = 100
FONT_PX = 14 * DPI / 72  # 14 pt labels
PAD_PX = 40  # room for labels around the drawing
ARC_PX = 20  # radius of angle arcs
RIGHT_PX = 11  # side of right-angle marks


def label_box(cx: float, cy: float, text: str) -> pixels.Rect:
    # DejaVu Serif Italic at 14 pt renders ~16 px wide per capital and ~20 px tall (with descent).
    w, h = 13.0 * len(text) + 3, 20.0
    return (cx - w / 2, cy - h / 2, cx + w / 2, cy + h / 2)


@dataclass
class Layout:
    """Where everything lands on the canvas; `to_px` is exactly matplotlib's transform."""

    x0: float
    y0: float
    span: float
    size: int = SIZE
    labels: dict[str, tuple[float, float]] = field(default_factory=dict)  # centre, px
    plane_texts: list[coords.PlaneText] = field(default_factory=list)  # tick labels, axis names, O
    values: list[values.ValueLabel] = field(default_factory=list)  # the givens printed beside their elements

    def to_px(self, x: float, y: float) -> tuple[float, float]:
        s = self.size / self.span
        return ((x - self.x0) * s, self.size - (y - self.y0) * s)

    def to_data(self, px: float, py: float) -> tuple[float, float]:
        s = self.span / self.size
        return (self.x0 + px * s, self.y0 + (self.size - py) * s)

    @property
    def px_per_unit(self) -> float:
        return self.size / self.span

    def points_px(self, scene: Scene) -> dict[str, tuple[float, float]]:
        """Every scene point in pixels."""
        return {k: self.to_px(*v) for k, v in scene.floats().items()}


def fit_view(scene: Scene, size: int = SIZE) -> Layout:
    """Square view around every point and circle (construction included) with room for labels."""
    pts = scene.floats()
    xs, ys = [p[0] for p in pts.values()], [p[1] for p in pts.values()]
    for c in scene.circles:
        (cx, cy), r = pts[c.center], scene.radius_float(c)
        xs += [cx - r, cx + r]
        ys += [cy - r, cy + r]
    more = elements.extent(scene)
    xs += [p[0] for p in more]
    ys += [p[1] for p in more]
    if scene.coordinate_plane is not None:
        xs += [p[0] for p in scene.coordinate_plane.corners()]
        ys += [p[1] for p in scene.coordinate_plane.corners()]
    w, h = max(xs) - min(xs), max(ys) - min(ys)
    span_inner = max(w, h, 1e-9)
    span = span_inner * size / (size - 2 * PAD_PX)
    x0 = (min(xs) + max(xs)) / 2 - span / 2
    y0 = (min(ys) + max(ys)) / 2 - span / 2
    return Layout(x0=x0, y0=y0, span=span, size=size)


def obstacle_segments(scene: Scene, layout: Layout, with_construction: bool = True) -> np.ndarray:
    """Every stroke of the figure as pixel segments (lines, circles, arcs, right-angle marks)."""
    pts = {k: layout.to_px(*v) for k, v in scene.floats().items()}
    segs = [pts[s.a] + pts[s.b] for s in scene.segments]
    if with_construction:
        segs += [pts[s.a] + pts[s.b] for s in scene.construction.segments]
    parts = [np.asarray(segs, dtype=float).reshape(-1, 4)]
    for c in scene.circles:
        r = scene.radius_float(c) * layout.px_per_unit
        parts.append(pixels.polyline_segments(pixels.circle_polyline(*pts[c.center], r)))
    for m in scene.angle_marks:
        parts.append(pixels.polyline_segments(arc_px(pts[m.a], pts[m.v], pts[m.b])))
    marks = scene.right_marks + (scene.construction.right_marks if with_construction else [])
    for m in marks:
        parts.append(pixels.polyline_segments(right_mark_px(pts[m.a], pts[m.v], pts[m.b])))
    parts += elements.obstacle_parts(scene, layout, with_construction)
    plane = scene.coordinate_plane
    if plane is not None:
        parts.append(coords.plane_strokes_px(plane, layout))
        if with_construction:
            parts += [coords.hatch_segments_px(plane, h, layout) for h in scene.construction.hatches]
    return np.concatenate(parts, axis=0)


def arc_px(a, v, b, r: float = ARC_PX) -> np.ndarray:
    """The smaller arc at v between rays v→a and v→b, in pixel space."""
    t0 = math.atan2(a[1] - v[1], a[0] - v[0])
    t1 = math.atan2(b[1] - v[1], b[0] - v[0])
    d = (t1 - t0 + math.pi) % (2 * math.pi) - math.pi
    return pixels.arc_polyline(v[0], v[1], r, t0, t0 + d)


def right_mark_px(a, v, b, s: float = RIGHT_PX) -> np.ndarray:
    ua = np.subtract(a, v) / max(math.dist(a, v), 1e-9)
    ub = np.subtract(b, v) / max(math.dist(b, v), 1e-9)
    v = np.asarray(v, dtype=float)
    return np.stack([v + s * ua, v + s * (ua + ub), v + s * ub])


def place_labels(scene: Scene, layout: Layout, givens=(), question: str = "") -> Layout:
    """Put each label beside its point, off every stroke, inside the canvas, apart from other labels;
    then the tick labels of a coordinate plane, then each given's value beside its element (`values.py`)."""
    pts = {k: layout.to_px(*v) for k, v in scene.floats().items()}
    segs = obstacle_segments(scene, layout)
    names = list(dict.fromkeys(scene.labeled + scene.construction.points))
    dots = [(pts[n][0] - 3, pts[n][1] - 3, pts[n][0] + 3, pts[n][1] + 3) for n in names]
    placed: list[pixels.Rect] = []
    plane = scene.coordinate_plane
    if plane is not None:
        layout.plane_texts = coords.place_axis_names(plane, layout, segs, dots)
        placed += [t.box for t in layout.plane_texts]
    for name in sorted(names, key=lambda n: -_degree(scene, n)):
        best = _best_spot(name, pts[name], _directions(scene, pts, name), segs, placed + dots, layout.size)
        layout.labels[name] = best
        placed.append(label_box(*best, name))
    if plane is not None:  # curve names, then a regular scale: the values find room around them more easily
        regions = [coords.hatch_polygon_px(plane, h, layout) for h in scene.construction.hatches]
        named_curves = coords.place_curve_names(plane, layout, segs, placed + dots, regions, [pts[n] for n in names],
                                                [label_box(*layout.labels[n], n) for n in names])
        layout.plane_texts += named_curves
        placed += [t.box for t in named_curves]
        ticks = coords.place_tick_labels(plane, layout, segs, placed + dots, regions, [pts[n] for n in names],
                                         [label_box(*layout.labels[n], n) for n in names])
        layout.plane_texts += ticks
        placed += [t.box for t in ticks]
    if givens:
        layout.values = values.place_values(scene, layout, givens, question, segs, placed + dots)
    return layout


def _degree(scene: Scene, name: str) -> int:
    segs = scene.segments + scene.construction.segments
    return sum(name in (s.a, s.b) for s in segs)


def _directions(scene: Scene, pts, name: str) -> list[float]:
    """Directions (radians, pixel space) of the strokes leaving the point."""
    out = []
    for s in scene.segments + scene.construction.segments:
        if name in (s.a, s.b):
            other = pts[s.b if s.a == name else s.a]
            out.append(math.atan2(other[1] - pts[name][1], other[0] - pts[name][0]))
    for c in scene.circles:
        if c.through == name or _on_circle(scene, c, name):
            cx, cy = pts[c.center]
            radial = math.atan2(pts[name][1] - cy, pts[name][0] - cx)
            out += [radial + math.pi / 2, radial - math.pi / 2, radial + math.pi]
    return out


def _on_circle(scene: Scene, c, name: str) -> bool:
    p, o = scene.floats()[name], scene.floats()[c.center]
    return abs(math.dist(p, o) - scene.radius_float(c)) < 1e-6 * max(1.0, scene.radius_float(c))


def _best_spot(name, p, dirs, segs, taken, size):
    """Try 24 directions × 4 distances at once; cheapest clear spot, preferring room from strokes."""
    ang = np.tile(np.arange(24) * (2 * math.pi / 24), 4)
    dist = np.repeat([15.0, 19.0, 24.0, 30.0], 24)
    cx, cy = p[0] + dist * np.cos(ang), p[1] + dist * np.sin(ang)
    w, h = (label_box(0, 0, name)[2] * 2, label_box(0, 0, name)[3] * 2)
    boxes = np.stack([cx - w / 2, cy - h / 2, cx + w / 2, cy + h / 2], axis=1)
    grown = boxes + np.array([-2, -2, 2, 2])
    if dirs:
        diff = (ang[:, None] - np.asarray(dirs)[None, :] + math.pi) % (2 * math.pi) - math.pi
        clear = np.abs(diff).min(axis=1)
    else:
        clear = np.full(len(ang), math.pi)
    cost = dist * 0.05 - clear + pixels.crowding_cost(boxes, grown, taken, segs, size)
    k = int(np.argmin(cost))
    return (float(cx[k]), float(cy[k]))


def place_new_labels(scene: Scene, layout: Layout, names: list[str]) -> Layout:
    """Label points added after the figure was drawn, keeping every existing label where it is."""
    pts = {k: layout.to_px(*v) for k, v in scene.floats().items()}
    segs = obstacle_segments(scene, layout)
    shown = list(dict.fromkeys(scene.labeled + scene.construction.points))
    taken = [(pts[n][0] - 3, pts[n][1] - 3, pts[n][0] + 3, pts[n][1] + 3) for n in shown]
    taken += [label_box(*xy, n) for n, xy in layout.labels.items()]
    taken += [t.box for t in layout.plane_texts]  # tick labels and axis names stay readable
    taken += [v.box for v in layout.values]  # and so do the givens' values
    for name in names:
        best = _best_spot(name, pts[name], _directions(scene, pts, name), segs, taken, layout.size)
        layout.labels[name] = best
        taken.append(label_box(*best, name))
    return layout
