"""Coordinate-plane primitives: axes with arrows, ticks and tick labels, exact sampled curves, hatched regions.

A Scene with a `coordinate_plane` is drawn on x/y axes. Curves are exact sympy parametrisations
(graphs y = f(x), ellipses …) sampled to polylines when the figure is emitted, so the image code
stays numbers only. Layout, emitters and verifiers all read the same samples and the same
data→pixel transform. Claims (`OnCurve`, `TangentAt` …) record what the figure asserts about its
points; the analytic verifiers re-check them numerically.
"""

from __future__ import annotations

import functools
import itertools
import math
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from typing import TYPE_CHECKING

import numpy as np
import sympy as sp

from flywheel.render.scene import pixels, text

if TYPE_CHECKING:
    from flywheel.render.scene.layout import Layout

X, Y, T = sp.symbols("x y t", real=True)
AXES = ("x-axis", "y-axis")
SAMPLES = 400
CLIP = 0.3  # curves stop this far (units) inside the axes window: the arrows stay clear
TICK_PX = 4.0
ARROW_PX = (10.0, 4.0)  # length, half width
CURVE_W = 1.8  # pt
AXIS_W = 1.0
TICK_FONT, AXIS_FONT = 10, 13  # pt
GAP_PX = 2.0  # clearance between a text and anything else


@dataclass(frozen=True)
class Curve:
    """Points (x(t), y(t)) for t in [t0, t1]; `equation` F(x, y) = 0 holds on the whole curve."""

    name: str
    x: sp.Expr
    y: sp.Expr
    t0: sp.Expr
    t1: sp.Expr
    equation: sp.Expr
    stated: bool = True  # the question states the equation: the verifier finds it in the text
    # Its equation as the question states it ("y = x² − 2x − 3"), printed beside the curve as a textbook
    # does: a vision version drops the equation from the text, so the figure must carry it.
    label: str = ""


def graph(name: str, f: sp.Expr, x0, x1, stated: bool = True, label: str = "") -> Curve:
    """The graph of y = f(x) (f in the symbol X) over [x0, x1]."""
    return Curve(name, T, f.subs(X, T), sp.sympify(x0), sp.sympify(x1), Y - f, stated, label)


def ellipse(name: str, a, b, label: str = "") -> Curve:
    """x²/a² + y²/b² = 1, centred at the origin."""
    a, b = sp.sympify(a), sp.sympify(b)
    return Curve(name, a * sp.cos(T), b * sp.sin(T), sp.Integer(0), 2 * sp.pi, X**2 / a**2 + Y**2 / b**2 - 1, label=label)


def is_graph(c: Curve) -> bool:
    return c.x == T


@dataclass(frozen=True)
class OnCurve:
    """The figure claims point lies on curve (a curve name or "x-axis"/"y-axis")."""

    point: str
    curve: str


@dataclass(frozen=True)
class TangentAt:
    """The line through `point` and `other` touches `curve` at `point`."""

    point: str
    other: str
    curve: str


@dataclass(frozen=True)
class Extremum:
    """`point` is a turning point (vertex) of the graph `curve`."""

    point: str
    curve: str


@dataclass(frozen=True)
class FocalPair:
    """`f1` and `f2` are the foci of the ellipse `curve`."""

    curve: str
    f1: str
    f2: str


@dataclass(frozen=True)
class Hatch:
    """The region between two graphs (or a graph and "x-axis") for a ≤ x ≤ b, hatched by the tool."""

    upper: str
    lower: str
    a: sp.Expr
    b: sp.Expr


@dataclass(frozen=True)
class PlaneText:
    """A tick label, axis name or the origin's O, placed by the layout (centre in pixels)."""

    text: str
    cx: float
    cy: float
    tick: bool  # tick labels: upright sans; axis names: italic serif

    @property
    def box(self) -> pixels.Rect:
        return text_box(self.text, self.cx, self.cy, self.tick)


def text_box(text: str, cx: float, cy: float, tick: bool) -> pixels.Rect:
    # DejaVu Sans 10 pt: digits ~8.8 px, the minus sign ~11.6 px, ~16 px tall with descent.
    # DejaVu Serif Italic 13 pt letters ~10 px wide, ~19 px tall. Estimates err on the large side.
    w = (9.5 * len(text) + 3.0) if tick else (10.0 * len(text) + 8.0)
    h = 17.0 if tick else 19.0
    return (cx - w / 2, cy - h / 2, cx + w / 2, cy + h / 2)


@dataclass
class CoordinatePlane:
    """Axes over the window [xmin, xmax] × [ymin, ymax] (0 inside both), the curves drawn on them, claims."""

    xmin: int
    xmax: int
    ymin: int
    ymax: int
    curves: list[Curve] = field(default_factory=list)
    claims: list = field(default_factory=list)
    _cache: dict = field(default_factory=dict, repr=False, compare=False)

    def curve(self, name: str) -> Curve:
        return next(c for c in self.curves if c.name == name)

    def corners(self) -> list[tuple[float, float]]:
        return [(self.xmin, self.ymin), (self.xmax, self.ymax)]

    def samples(self, c: Curve) -> np.ndarray:
        """(N, 2) float points of the whole curve (not clipped), evaluated once."""
        key = ("s", c.name)
        if key not in self._cache:
            t0, t1 = float(c.t0), float(c.t1)
            ts = np.linspace(t0, t1, SAMPLES)
            with np.errstate(all="ignore"):
                pts = np.stack([numeric(c.x)(ts), numeric(c.y)(ts)], axis=1)
            self._cache[key] = pts.astype(float)
        return self._cache[key]

    def pieces(self, c: Curve) -> list[np.ndarray]:
        """The curve clipped to the window (shrunk by CLIP): the polylines actually drawn, in data units."""
        key = ("p", c.name)
        if key not in self._cache:
            box = (self.xmin + CLIP, self.ymin + CLIP, self.xmax - CLIP, self.ymax - CLIP)
            self._cache[key] = clip_polyline(self.samples(c), box)
        return self._cache[key]

    def tick_step(self, layout: Layout) -> int:
        """Label every 1, 2, 5 or 10 units: the smallest step that keeps labels ~30 px apart."""
        return next((s for s in (1, 2, 5, 10) if s * layout.px_per_unit >= 30), 20)

    def ticks(self, layout: Layout, marks: bool = False) -> tuple[list[int], list[int]]:
        """Labelled tick values; with `marks`, every tick drawn (each unit when units are ≥ 12 px apart)."""
        s = self.tick_step(layout)
        if marks and layout.px_per_unit >= 12:
            s = 1

        def along(lo: int, hi: int) -> list[int]:
            return [v for v in range(math.ceil(lo / s) * s, hi + 1, s) if v != 0 and lo + 0.5 <= v <= hi - 0.5]

        return along(self.xmin, self.xmax), along(self.ymin, self.ymax)


@functools.lru_cache(maxsize=256)
def numeric(e: sp.Expr) -> Callable[[np.ndarray], np.ndarray]:
    """A float function of t for an expression in T: np.polyval for polynomials (lambdify costs ~30 ms)."""
    if e.is_polynomial(T):
        coeffs = [float(v) for v in sp.Poly(e, T).all_coeffs()]
        return lambda ts: np.polyval(coeffs, ts) + np.zeros_like(ts)
    f = sp.lambdify(T, e, "numpy")
    return lambda ts: np.broadcast_to(f(ts), ts.shape).astype(float)


def clip_polyline(pts: np.ndarray, box: tuple[float, float, float, float]) -> list[np.ndarray]:
    """Split a polyline into the runs inside box, each extended to where it crosses the box edge."""
    x0, y0, x1, y1 = box
    ok = np.isfinite(pts).all(axis=1)
    inside = ok & (pts[:, 0] >= x0) & (pts[:, 0] <= x1) & (pts[:, 1] >= y0) & (pts[:, 1] <= y1)
    out, i, n = [], 0, len(pts)
    while i < n:
        if not inside[i]:
            i += 1
            continue
        j = i
        while j + 1 < n and inside[j + 1]:
            j += 1
        run = [pts[k] for k in range(i, j + 1)]
        if i > 0 and ok[i - 1]:
            run.insert(0, _edge(pts[i], pts[i - 1], box))
        if j + 1 < n and ok[j + 1]:
            run.append(_edge(pts[j], pts[j + 1], box))
        if len(run) >= 2:
            out.append(np.asarray(run))
        i = j + 1
    return out


def _edge(p: np.ndarray, q: np.ndarray, box) -> np.ndarray:
    """Where the segment from p (inside) towards q (outside) leaves the box."""
    x0, y0, x1, y1 = box
    t = 1.0
    for lo, hi, a, b in ((x0, x1, p[0], q[0]), (y0, y1, p[1], q[1])):
        if b > hi:
            t = min(t, (hi - a) / (b - a))
        elif b < lo:
            t = min(t, (lo - a) / (b - a))
    return p + t * (q - p)


def curve_strokes_px(plane: CoordinatePlane, layout: Layout) -> np.ndarray:
    parts = [pixels.polyline_segments(_to_px(piece, layout)) for c in plane.curves for piece in plane.pieces(c)]
    return np.concatenate(parts, axis=0) if parts else np.zeros((0, 4))


def _to_px(pts: np.ndarray, layout: Layout) -> np.ndarray:
    s = layout.px_per_unit
    return np.stack([(pts[:, 0] - layout.x0) * s, layout.size - (pts[:, 1] - layout.y0) * s], axis=1)


def _arrowheads_px(plane: CoordinatePlane, layout: Layout) -> list[list[tuple[float, float]]]:
    (tx, oy), (ox, ty) = layout.to_px(plane.xmax, 0), layout.to_px(0, plane.ymax)
    ln, hw = ARROW_PX
    return [[(tx, oy), (tx - ln, oy - hw), (tx - ln, oy + hw)], [(ox, ty), (ox - hw, ty + ln), (ox + hw, ty + ln)]]


def axis_strokes_px(plane: CoordinatePlane, layout: Layout) -> np.ndarray:
    """Both axes, their ticks and arrowheads as pixel segments."""
    segs = [layout.to_px(plane.xmin, 0) + layout.to_px(plane.xmax, 0), layout.to_px(0, plane.ymin) + layout.to_px(0, plane.ymax)]
    xt, yt = plane.ticks(layout, marks=True)
    for v in xt:
        x, y = layout.to_px(v, 0)
        segs.append((x, y - TICK_PX, x, y + TICK_PX))
    for v in yt:
        x, y = layout.to_px(0, v)
        segs.append((x - TICK_PX, y, x + TICK_PX, y))
    for tri in _arrowheads_px(plane, layout):
        segs += [tri[k] + tri[(k + 1) % 3] for k in range(3)]
    return np.asarray(segs, dtype=float)


def plane_strokes_px(plane: CoordinatePlane, layout: Layout) -> np.ndarray:
    return np.concatenate([axis_strokes_px(plane, layout), curve_strokes_px(plane, layout)], axis=0)


def tick_text(v: int) -> str:
    return f"−{-v}" if v < 0 else str(v)


def place_axis_names(plane: CoordinatePlane, layout: Layout, strokes: np.ndarray, taken: list[pixels.Rect]) -> list[PlaneText]:
    """x and y beside the arrow tips, O in the first clear quadrant around the origin (placed before point labels)."""
    ox, oy = layout.to_px(0, 0)
    tx, ty = layout.to_px(plane.xmax, 0)[0], layout.to_px(0, plane.ymax)[1]
    d = TICK_PX + GAP_PX + 10  # clear of the ticks and arrowheads
    cands = [("x", [(tx - 4, oy + d + 1), (tx - 4, oy - d - 1)]), ("y", [(ox + d + 2, ty + 8), (ox - d - 2, ty + 8)]),
             ("O", [(ox - d, oy + d), (ox + d, oy + d), (ox - d, oy - d), (ox + d, oy - d)])]
    return _place(cands, False, layout, strokes, taken, [], plane)


def place_tick_labels(plane: CoordinatePlane, layout: Layout, strokes: np.ndarray, taken: list[pixels.Rect],
                      regions: list[np.ndarray], named: list[tuple[float, float]],
                      own: list[pixels.Rect] | None = None) -> list[PlaneText]:
    """Tick labels below the x-axis and left of the y-axis, each dropped when its spot is not clear:
    placed after the point labels, so a tick label never crowds a named point (nor labels its tick).
    With `own` (each named point's label box), a tick label is also dropped where it would be at
    least as near a point as the point's own label: a reader (and the perception check) takes the
    nearest text for the point's name."""
    ox, oy = layout.to_px(0, 0)
    xt, yt = plane.ticks(layout)

    def x_spot(v: int) -> tuple[str, list[tuple[float, float]]] | None:
        x = layout.to_px(v, 0)[0]
        if any(abs(x - p[0]) < 8 and abs(oy - p[1]) < 8 for p in named):
            return None
        return tick_text(v), [(x, oy + TICK_PX + 12), (x, oy - TICK_PX - 12)]  # below the axis, else above

    def y_spot(v: int) -> tuple[str, list[tuple[float, float]]] | None:
        y, t = layout.to_px(0, v)[1], tick_text(v)
        if any(abs(y - p[1]) < 8 and abs(ox - p[0]) < 8 for p in named):
            return None
        w = text_box(t, 0, 0, True)[2]
        return t, [(ox - TICK_PX - 4 - w, y), (ox + TICK_PX + 4 + w, y)]  # left of the axis, else right

    out: list[PlaneText] = []
    for vals, spot, at in ((xt, x_spot, lambda v: (layout.to_px(v, 0)[0], oy)),
                           (yt, y_spot, lambda v: (ox, layout.to_px(0, v)[1]))):
        out += _regular(vals, plane.tick_step(layout), spot, own, named, layout, strokes, taken + [p.box for p in out],
                        regions, plane, at)
    return out


HOLE_PX = 40.0  # a tick may go unlabelled only this near a named point (whose letter labels the spot)


def _regular(vals: list[int], step: int, spot, own, named, layout: Layout, strokes, taken, regions, plane,
             at) -> list[PlaneText]:
    """The tick labels of one axis at every k-th tick, for the smallest k (1…4) whose labels all find a
    clear spot, or none: a scale labelled 1, 3, 6, 7, 9 reads as a broken scale. The holes allowed are
    ticks where a named point sits (its own letter labels that spot, as in a textbook) or beside the origin."""
    for k in (1, 2, 3, 4):
        chosen = [v for v in vals if (v // step) % k == 0]
        if not chosen or len(chosen) < min(2, len(vals)):
            continue
        cands = [(v, c) for v, c in ((v, spot(v)) for v in chosen) if c is not None]
        if own is not None:  # holes where a point's letter sits (or would be the nearer text to it)
            kept = [(v, (t, spots)) for v, (t, spots) in cands
                    if not _nearer_than_own(text_box(t, *spots[0], True), named, own)
                    and not any(pixels.rects_overlap(text_box(t, *spots[0], True), b, GAP_PX) for b in own)]
            holes = {v for v, _ in cands} - {v for v, _ in kept}
            if any(min((math.dist(at(v), p) for p in named), default=math.inf) >= HOLE_PX for v in holes):
                continue  # a hole away from every named point would read as a broken scale: try a wider k
            cands = kept
        if not cands:
            continue
        # Every label of an axis on one side of it (below the x-axis, else above; left of the y-axis, else
        # right): a lone label across the axis reads as the other axis's ("−2" above the x-axis beside the
        # y-axis) or as a point's coordinate ("−8" beside V). A label with no room on that side is left out
        # only where a hole is allowed: beside a named point or the origin.
        origin = [layout.to_px(0, 0)]
        for side in (0, 1):
            placed = _place([(t, spots[side : side + 1]) for _, (t, spots) in cands], True, layout, strokes, taken,
                            regions, plane)
            shown = {p.text for p in placed}
            missed = [v for v, (t, _) in cands if t not in shown]
            if placed and all(min(math.dist(at(v), p) for p in named + origin) < HOLE_PX for v in missed):
                return placed
    return []


def _nearer_than_own(box: pixels.Rect, named: list[tuple[float, float]], own: list[pixels.Rect]) -> bool:
    return any(_rect_gap(p, box) <= _rect_gap(p, mine) + GAP_PX for p, mine in zip(named, own, strict=True))


def _rect_gap(p: tuple[float, float], r: pixels.Rect) -> float:
    return math.hypot(max(r[0] - p[0], 0.0, p[0] - r[2]), max(r[1] - p[1], 0.0, p[1] - r[3]))


def _place(cands, tick: bool, layout: Layout, strokes, taken, regions, plane) -> list[PlaneText]:
    """First clear spot of each text: off every stroke but its own axis, off dots, texts and hatched regions."""
    out: list[PlaneText] = []
    others = _without_axes(strokes, layout, plane)
    for content, spots in cands:
        for cx, cy in spots:
            box = text_box(content, cx, cy, tick)
            grown = (box[0] - GAP_PX, box[1] - GAP_PX, box[2] + GAP_PX, box[3] + GAP_PX)
            if _clear(grown, others, taken + [p.box for p in out], regions, layout.size):
                out.append(PlaneText(content, cx, cy, tick))
                break
    return out


def _without_axes(strokes: np.ndarray, layout: Layout, plane: CoordinatePlane) -> np.ndarray:
    """Strokes other than the two axis lines: texts sit right beside an axis by construction (ticks still count)."""
    ox, oy = layout.to_px(0, 0)
    long = np.hypot(strokes[:, 2] - strokes[:, 0], strokes[:, 3] - strokes[:, 1]) > 2 * TICK_PX + 1
    on_x = (np.abs(strokes[:, 1] - oy) < 0.5) & (np.abs(strokes[:, 3] - oy) < 0.5)
    on_y = (np.abs(strokes[:, 0] - ox) < 0.5) & (np.abs(strokes[:, 2] - ox) < 0.5)
    return strokes[~(long & (on_x | on_y))]


def _clear(box, strokes, taken, regions, size) -> bool:
    if not pixels.inside(box, size, size, 2.0) or pixels.rect_hits_segments(box, strokes):
        return False
    if any(pixels.rects_overlap(box, t) for t in taken):
        return False
    corners = [(box[0], box[1]), (box[2], box[1]), (box[0], box[3]), (box[2], box[3])]
    return not any(_point_in_polygon(c, poly) for poly in regions for c in corners)


def _point_in_polygon(p, poly: np.ndarray) -> bool:
    """Even-odd rule, vectorised over the polygon's edges."""
    x, y = p
    (x1, y1), (x2, y2) = poly.T, np.roll(poly, -1, axis=0).T
    crosses = (y1 > y) != (y2 > y)
    with np.errstate(divide="ignore", invalid="ignore"):
        at = x1 + (y - y1) * (x2 - x1) / (y2 - y1)
    return bool(np.count_nonzero(crosses & (x < at)) % 2)


def graph_y(c: Curve, xs: np.ndarray) -> np.ndarray:
    """y on a graph curve (or the x-axis) at the given x values."""
    return numeric(c.y)(xs)


def hatch_polygon_px(plane: CoordinatePlane, h: Hatch, layout: Layout) -> np.ndarray:
    """The hatched region's outline in pixels: along the upper graph, back along the lower one."""
    xs = np.linspace(float(h.a), float(h.b), 80)
    up, lo = (np.zeros_like(xs) if n == "x-axis" else graph_y(plane.curve(n), xs) for n in (h.upper, h.lower))
    pts = np.concatenate([np.stack([xs, up], 1), np.stack([xs[::-1], lo[::-1]], 1)])
    return _to_px(pts, layout)


def hatch_segments_px(plane: CoordinatePlane, h: Hatch, layout: Layout, step: float = 7.0) -> np.ndarray:
    """Vertical hatch lines every `step` px across the region, inset 1.5 px from its boundary."""
    (xa, _), (xb, _) = layout.to_px(float(h.a), 0), layout.to_px(float(h.b), 0)
    n = int((xb - xa) / step)
    if n < 1:
        return np.zeros((0, 4))
    pxs = xa + (np.arange(n) + 0.5) * (xb - xa) / n
    data_x = np.asarray([layout.to_data(p, 0)[0] for p in pxs])
    up, lo = (np.zeros_like(data_x) if c == "x-axis" else graph_y(plane.curve(c), data_x) for c in (h.upper, h.lower))
    s = layout.px_per_unit
    top, bottom = layout.size - (np.maximum(up, lo) - layout.y0) * s, layout.size - (np.minimum(up, lo) - layout.y0) * s
    keep = bottom - top > 5
    return np.stack([pxs, top + 2.5, pxs, bottom - 2.5], axis=1)[keep]


def _r(v: float) -> float:
    return round(float(v), 3)


def image_lines(plane: CoordinatePlane, layout: Layout) -> list[str]:
    """Matplotlib lines (data coordinates, transform T of the emitted figure) for axes, curves and texts."""
    to_data = layout.to_data
    axis = [tuple(to_data(*s[:2]) + to_data(*s[2:])) for s in axis_strokes_px(plane, layout)[:-6]]
    pairs = ", ".join(f"(({_r(a)}, {_r(b)}), ({_r(c)}, {_r(d)}))" for a, b, c, d in axis)
    lines = [
        "from matplotlib.patches import Polygon",
        f"fig.add_artist(LineCollection([{pairs}], colors='black', linewidths={AXIS_W}, transform=T))",
    ]
    for tri in _arrowheads_px(plane, layout):
        pts = ", ".join(f"({_r(x)}, {_r(y)})" for x, y in (to_data(*p) for p in tri))
        lines.append(f"fig.add_artist(Polygon([{pts}], closed=True, facecolor='black', edgecolor='none', transform=T))")
    for c in plane.curves:
        for piece in plane.pieces(c):
            xs = ", ".join(str(_r(v)) for v in piece[:, 0])
            ys = ", ".join(str(_r(v)) for v in piece[:, 1])
            lines.append(f"fig.add_artist(Line2D([{xs}], [{ys}], color='black', linewidth={CURVE_W}, solid_joinstyle='round', transform=T))")
    for t in layout.plane_texts:
        x, y = to_data(t.cx, t.cy)
        style = f"fontsize={TICK_FONT}, family='DejaVu Sans'" if t.tick else f"fontsize={AXIS_FONT}, family='DejaVu Serif', style='italic'"
        lines.append(f"fig.text({_r(x)}, {_r(y)}, {t.text!r}, {style}, ha='center', va='center', transform=T)")
    return lines


def tool_lines(plane: CoordinatePlane, hatches: list[Hatch], layout: Layout) -> list[str]:
    """PIL lines for the tool code: each hatched region as thin red vertical strokes."""
    out = []
    for h in hatches:
        segs = hatch_segments_px(plane, h, layout)
        pts = ", ".join(f"(({_r(a)}, {_r(b)}), ({_r(c)}, {_r(d)}))" for a, b, c, d in segs)
        out.append(f"for p, q in [{pts}]:  # hatch the region between {h.upper} and {h.lower}")
        out.append("    draw.line([p, q], fill=RED, width=1)")
    return out


def area_between_exact(scene, upper: str, lower: str, a: str, b: str) -> sp.Expr:
    """Exact area between two graphs (or a graph and the x-axis) for x between points a and b."""
    plane = scene.coordinate_plane
    f, g = (sp.Integer(0) if n == "x-axis" else plane.curve(n).y for n in (upper, lower))
    xa, xb = sorted((scene.points[a][0], scene.points[b][0]), key=float)
    gap = sp.expand(f - g)
    if gap.is_polynomial(T):  # an antiderivative of the polynomial: ~50× faster than sp.integrate
        prim = sp.Poly(gap, T).integrate()
        return sp.Abs(prim.eval(xb) - prim.eval(xa))
    return sp.Abs(sp.integrate(gap, (T, xa, xb)))


NAME_CLEAR_PX = 24.0  # a curve's name keeps this far from every named point (a point's letter sits ≤ ~18 px off)


def _grid_by_distance(px: np.ndarray, w: float, h: float, size: int) -> Iterator[tuple[float, float]]:
    """Every clear-able spot of a 10 px grid for a w × h text, nearest the curve `px` first (where an
    equation goes when no spot beside its curve is clear): made only when asked, distances all at once."""
    gx, gy = np.meshgrid(np.arange(w / 2 + 6, size - w / 2 - 6, 10.0), np.arange(h / 2 + 6, size - h / 2 - 6, 10.0),
                         indexing="ij")
    grid = np.stack([gx.ravel(), gy.ravel()], axis=1)
    if not len(grid):
        return
    d = np.min(np.hypot(grid[:, None, 0] - px[None, :, 0], grid[:, None, 1] - px[None, :, 1]), axis=1)
    for i in np.argsort(d, kind="stable"):
        yield float(grid[i, 0]), float(grid[i, 1])


def place_curve_names(plane: CoordinatePlane, layout: Layout, strokes: np.ndarray, taken: list[pixels.Rect],
                      regions: list[np.ndarray], named: list[tuple[float, float]] = (),
                      own: list[pixels.Rect] = ()) -> list[PlaneText]:
    """Each curve's equation (`label`) beside it, and with more than one curve each named ("l", "f", "g"
    in print; "l: 3x + 4y = 12" with its equation). Pieces of one function (f1, f2, f3 of a piecewise
    graph) are one curve and are not named. A name alone is dropped where nothing is clear; an equation
    is a given, so it takes the clear spot nearest its curve. No text is nearer a named point than that
    point's own letter (`named`, `own`), nor within NAME_CLEAR_PX of it: "f" beside B reads as the
    point's name, to a reader and to the perception check alike."""
    names = list(dict.fromkeys(c.name for c in plane.curves))
    several = len({n.rstrip("0123456789") for n in names}) >= 2
    font = text.Font("DejaVu Serif", "italic", float(AXIS_FONT))
    out: list[PlaneText] = []
    for c in plane.curves:
        pieces = [p for p in plane.pieces(c) if len(p) > 1]
        content = f"{c.name}: {c.label}" if c.label and several else (c.label or (c.name if several else ""))
        if not pieces or not content:
            continue
        w, h, _ = text.extent(content, font)
        px = np.array([layout.to_px(x, y) for x, y in max(pieces, key=len)])
        spots = []
        for frac in (0.92, 0.08, 0.8, 0.2, 0.65, 0.35, 0.5):
            i = min(int(frac * (len(px) - 1)), len(px) - 2)
            (x0, y0), (x1, y1) = px[i], px[i + 1]
            d = math.hypot(x1 - x0, y1 - y0) or 1.0
            nx, ny = -(y1 - y0) / d, (x1 - x0) / d
            half = abs(nx) * w / 2 + abs(ny) * h / 2  # the box's half-extent across the curve
            spots += [(x0 + s * (half + r) * nx, y0 + s * (half + r) * ny) for r in (6, 12, 20) for s in (1, -1)]
        for cx, cy in itertools.chain(spots, _grid_by_distance(px, w, h, layout.size) if c.label else ()):
            box = text.ink_box(content, font, cx, cy)  # its ink: an italic f's hooks must clear the curves too
            if _nearer_than_own(box, list(named), list(own)) or any(_rect_gap(p, box) < NAME_CLEAR_PX for p in named):
                continue
            if _clear(text.ink_box(content, font, cx, cy, pad=GAP_PX), strokes, taken + [t.box for t in out], regions, layout.size):
                out.append(PlaneText(content, float(cx), float(cy), False))
                break
    return out
