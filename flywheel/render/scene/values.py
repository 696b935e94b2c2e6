"""Givens drawn on the figure as a textbook draws them, derived from a draft's typed givens.

Every generator states its givens as `Given(Measure, value)`; this module turns them into value
labels without per-generator code: a length beside its segment ("16", or "AC = 28" when the segment
is not drawn), an angle's degrees inside its arc (a right angle is its mark, no text), the
coordinates of a marked point beside it, a force or speed beside its arrow, a circuit symbol's value
beside it, and anything else ("g = 10 m/s²") in a clear spot. Labels go through the same placement
rules as point letters: off every stroke (construction included), off dots, marks and other texts,
inside the canvas. Each label keeps the pixel element it belongs to (`near`), so the label verifier
can check it sits next to its own element.
"""

from __future__ import annotations

import math
import re
from dataclasses import dataclass

import numpy as np
import sympy as sp

from flywheel.render.scene import pixels, text
from flywheel.render.scene.model import AngleMark, Measure, RightMark, Scene

GAP_PX = 3.0  # clearance between a value label and any stroke
TEXT_GAP_PX = 6.0  # between a value label and another text or a dot: "40" and the letter D read apart
# Two values side by side on one line need about two digits between them, or AM = 65 and AB = 96
# beside the same edge read as one number "65 96"; one above the other they need only TEXT_GAP_PX.
WORD_GAP_PX = 24.0
NEAR_PX = 40.0  # a label farther than this from its element is not "beside" it
COORD_REACH_PX = 60.0  # a point's coordinates, which can be long: "(−546/61, −816/305)"
# A label that names its quantity ("AC = 28", "g = 10 m/s²") reads unambiguously wherever it sits.
ANGLE_REACH_PX = 60.0  # an angle's value sits beyond its arc (20 px), measured from the vertex
SIN_REACH_PX = 75.0  # "sin θ = 4/5" is wider and starts farther out
UNITS = ("m/s²", "m/s", "km/h", "cm²", "m²", "cm", "mm", "km", "kg", "m", "N", "V", "Ω", "A", "J", "W", "s")
_ARROW_UNITS = {"force": "N", "launch_speed": "m/s"}
_SYMBOL_UNITS = {"emf": "V", "resistance": "Ω"}
_SINES = ("sin_angle", "incidence_sin")


@dataclass(frozen=True)
class ValueLabel:
    """A given's value printed on the figure: its text, centre (px) and the element it labels (px segment)."""

    measure: Measure
    text: str
    cx: float
    cy: float
    near: tuple[float, float, float, float]
    reach: float = NEAR_PX  # the farthest its box may be from the element and still read as beside it

    @property
    def box(self) -> pixels.Rect:
        w, h = text.drawn_size(self.text, text.VALUE_FONT)  # as drawn: the ink of "39°" reaches above its extent
        return (self.cx - w / 2 - 1, self.cy - h / 2 - 1, self.cx + w / 2 + 1, self.cy + h / 2 + 1)

    def distance_to_element(self) -> float:
        """Gap (px) between the label's box and its element."""
        return _rect_segment_gap(self.box, self.near)


def value_text(v) -> str:
    """A value as a figure prints it: 12, −3, 3/5, √2 (a real minus sign, no LaTeX)."""
    v = sp.sympify(v)
    if v.is_Float:
        v = sp.Rational(str(v)).limit_denominator(10**6)
    if v.is_Rational:
        s = str(int(v)) if v.is_Integer else f"{abs(v.p)}/{v.q}"
        return ("−" + s.lstrip("-")) if v < 0 else s
    s = re.sub(r"sqrt\((\w+)\)", r"√\1", str(v)).replace("**", "^")
    return s.replace("*√", "√").replace("*", "·").replace("-", "−")


def unit_of(question: str, value: str) -> str:
    """The unit the question writes after `= value` ("AB = 30 m" → "m"), or ""."""
    plain = value.replace("−", "-")
    for v in dict.fromkeys((value, plain)):
        m = re.search(r"=\s*" + re.escape(v) + r"\s?(" + "|".join(re.escape(u) for u in UNITS) + r")(?![\w/²])", question)
        if m:
            return m.group(1)
    return ""


def mark_given_angles(scene: Scene, givens) -> None:
    """Give every stated angle its mark (an arc, or the square of a right angle): the value sits in it."""
    have = {(m.v, frozenset((m.a, m.b))) for m in scene.angle_marks + scene.right_marks}
    for g in givens:
        p = g.measure.points
        if g.measure.kind != "angle" or len(p) != 3 or not all(n in scene.points for n in p):
            continue
        if (p[1], frozenset((p[0], p[2]))) in have:
            continue
        if sp.simplify(g.value - 90) == 0:
            scene.right_marks.append(RightMark(p[0], p[1], p[2]))
        else:
            scene.angle_marks.append(AngleMark(p[0], p[1], p[2]))
        have.add((p[1], frozenset((p[0], p[2]))))


def place_values(scene: Scene, lay, givens, question: str, segs: np.ndarray, taken: list[pixels.Rect]) -> list[ValueLabel]:
    """A value label for every given the figure can show, each in the cheapest clear spot near its element."""
    px = lay.points_px(scene)
    centre = np.mean(list(px.values()), axis=0) if px else np.array([lay.size / 2, lay.size / 2])
    out: list[ValueLabel] = []
    others = list(taken)  # letters, dots, tick labels; `taken` grows by the values placed here
    for measure, label, near, spots, reach in _wanted(scene, px, givens, question):
        w, h = text.drawn_size(label, text.VALUE_FONT)  # the box drawn, not the glyphs' extent: the clearance holds
        cands, pref = spots(w, h)
        k, cost = _cheapest(cands, pref, w, h, segs, others, [v.box for v in out], lay.size, centre)
        if cost >= 50:  # nothing clear beside its element: the value names its quantity, in any clear spot
            label, reach = _named(measure, label), math.inf
            w, h = text.drawn_size(label, text.VALUE_FONT)
            cands, pref = _fallback(near, lay.size, w, h)
            k, _ = _cheapest(cands, pref, w, h, segs, others, [v.box for v in out], lay.size, centre)
        v = ValueLabel(measure, label, float(cands[k, 0]), float(cands[k, 1]), near, reach)
        out.append(v)
        taken.append(v.box)
    return out


def clear_spot(anchor: tuple[float, float], w: float, h: float, segs: np.ndarray, taken: list[pixels.Rect], size: int,
               gap: float = GAP_PX, prefer: float | None = None) -> tuple[float, float, float]:
    """The centre of the clearest spot for a w × h text around `anchor` (image px), by the same costs as
    a given's label (off strokes and other texts, inside the canvas), and its cost. `prefer`: the
    direction (radians, image axes: -π/2 is straight up) a textbook would put it, dearer away from it."""
    cands, pref = _around(anchor, gap)(w, h)
    if prefer is not None:
        ang = np.arctan2(cands[:, 1] - anchor[1], cands[:, 0] - anchor[0])
        pref = pref + 0.5 * np.abs((ang - prefer + math.pi) % (2 * math.pi) - math.pi)
    # A chart's texts are all in `taken` (one text gap apart), so no separate value list here.
    k, cost = _cheapest(cands, pref, w, h, segs, taken, [], size, np.asarray(anchor, dtype=float))
    return float(cands[k, 0]), float(cands[k, 1]), cost


# ---- which label each given gets, and where it may go ---------------------------------------------


def _named(m: Measure, label: str) -> str:
    """The label that says which quantity it gives ("OF = 10 cm", "∠ABC = 40°", "P(1, −3)")."""
    if "=" in label:
        return label
    if m.kind in ("x", "y"):
        return f"{m.points[0]}{label}" if label.startswith("(") else label
    return f"{m.describe()} = {label}"


def _wanted(scene: Scene, px, givens, question: str):
    drawn = _drawn_lines(scene, px)
    coords: dict[str, dict[str, sp.Expr]] = {}
    for g in givens:
        if g.measure.kind in ("x", "y") and g.measure.points[0] in px:
            coords.setdefault(g.measure.points[0], {})[g.measure.kind] = g.value
    done: set[str] = set()
    for g in givens:
        m, p, val = g.measure, g.measure.points, value_text(g.value)
        unit = unit_of(question, val)
        if m.kind in ("x", "y") and p[0] in px:
            if p[0] in done:
                continue
            done.add(p[0])
            xy = coords[p[0]]
            label = (f"({value_text(xy['x'])}, {value_text(xy['y'])})" if len(xy) == 2
                     else f"{next(iter(xy))} = {value_text(next(iter(xy.values())))}")
            yield m, label, px[p[0]] * 2, _around(px[p[0]], 10.0), COORD_REACH_PX
        elif m.kind == "angle" and len(p) == 3 and all(n in px for n in p):
            if sp.simplify(g.value - 90) == 0:
                continue  # the right-angle mark says it; a "90°" on the mark would only clutter it
            yield m, f"{val}°", px[p[1]] * 2, _inside_angle(px[p[0]], px[p[1]], px[p[2]]), ANGLE_REACH_PX
        elif m.kind in _SINES and len(p) == 3 and all(n in px for n in p):
            yield m, f"sin θ = {val}", px[p[1]] * 2, _inside_angle(px[p[0]], px[p[1]], px[p[2]], 34.0), SIN_REACH_PX
        elif m.kind in ("length", *_ARROW_UNITS) and len(p) == 2 and all(n in px for n in p):
            unit = _ARROW_UNITS.get(m.kind, unit)
            shown = f"{val} {unit}".strip()
            seg = px[p[0]] + px[p[1]]
            if m.kind in _ARROW_UNITS or (frozenset(p) in drawn and not _inner_points(scene, px, p[0], p[1])):
                yield m, shown, seg, _beside(px[p[0]], px[p[1]]), NEAR_PX
            else:  # not a drawn stroke (a radius, a diagonal the solver draws), or one with a named point inside
                # (M on AB: a bare "96" beside AB could be AM or MB): name it with its value
                yield m, f"{p[0]}{p[1]} = {shown}", seg, _beside(px[p[0]], px[p[1]]), math.inf
        else:
            at = _anchor(scene, px, p)
            sym = p[0] if len(p) == 1 else m.describe()
            unit = _SYMBOL_UNITS.get(m.kind, unit)
            # A symbol the figure already names (W at its arrow, R₁ at its resistor) gets only its value.
            label = f"{val} {unit}".strip() if sym in scene.labeled else f"{sym} = {val} {unit}".strip()
            if sym in scene.labeled:
                at = px[sym]
            if at is None:
                yield m, label, (math.nan,) * 4, lambda w, h: (np.empty((0, 2)), np.empty(0)), NEAR_PX
            else:
                yield m, label, at * 2, _around(at, 12.0), NEAR_PX if sym in scene.labeled else math.inf


def _anchor(scene: Scene, px, names) -> tuple[float, float] | None:
    """Where a named quantity lives: its point, the centre of the element of that name, or its points' centre."""
    pts = [px[n] for n in names if n in px]
    for e in scene.elements:
        if getattr(e, "name", None) == names[0]:
            ends = [px[getattr(e, a)] for a in ("a", "b", "plus", "minus") if getattr(e, a, None) in px]
            if ends:
                return tuple(np.mean(ends, axis=0))
    return tuple(np.mean(pts, axis=0)) if pts else None


def _inner_points(scene: Scene, px, a: str, b: str) -> list[str]:
    """Named points (construction ones included) strictly inside segment ab, in the drawing."""
    pa, pb = np.asarray(px[a]), np.asarray(px[b])
    d = pb - pa
    L2 = float(d @ d) or 1.0
    out = []
    for n in dict.fromkeys(scene.labeled + scene.construction.points):
        q = np.asarray(px[n]) - pa
        t = float(q @ d) / L2
        if n not in (a, b) and 0.02 < t < 0.98 and abs(d[0] * q[1] - d[1] * q[0]) / math.sqrt(L2) < 0.5:
            out.append(n)
    return out


def _drawn_lines(scene: Scene, px) -> set[frozenset]:
    """Point pairs whose segment is inked in the original figure (on a drawn stroke, end to end)."""
    strokes = [(s.a, s.b) for s in scene.segments]
    strokes += [(a, b) for e in scene.elements for a, b, *_ in getattr(e, "edges", ())]
    strokes += [(e.a, e.b) for e in scene.elements if isinstance(getattr(e, "a", None), str) and isinstance(getattr(e, "b", None), str)]
    strokes = [(a, b) for a, b in strokes if a in px and b in px]
    out = {frozenset(s) for s in strokes}
    names = list(px)
    for a, b in strokes:  # sub-segments of a drawn line: PA on the tangent PD…A
        pa, pb = np.asarray(px[a]), np.asarray(px[b])
        d = pb - pa
        L2 = float(d @ d) or 1.0
        on = [n for n in names if abs(d[0] * (px[n][1] - pa[1]) - d[1] * (px[n][0] - pa[0])) / math.sqrt(L2) < 0.5
              and -1e-6 <= float((np.asarray(px[n]) - pa) @ d) / L2 <= 1 + 1e-6]
        out |= {frozenset((u, v)) for i, u in enumerate(on) for v in on[i + 1 :]}
    return out


def _beside(p, q):
    """Spots on both sides of segment p–q near its middle, the box's near edge GAP_PX + a few px away."""

    def spots(w, h):
        p_, q_ = np.asarray(p, dtype=float), np.asarray(q, dtype=float)
        d = q_ - p_
        L = float(np.hypot(*d)) or 1.0
        u = d / L
        n = np.array([-u[1], u[0]])
        half = abs(n[0]) * w / 2 + abs(n[1]) * h / 2  # the box's half-extent across the segment
        ts = np.array([0.5, 0.42, 0.58, 0.33, 0.67, 0.25, 0.75, 0.18, 0.82])
        offs = np.array([4.0, 8.0, 13.0, 19.0, 27.0])
        along, side, off = (g.ravel() for g in np.meshgrid(ts, [1.0, -1.0], offs, indexing="ij"))
        c = p_[None, :] + along[:, None] * d[None, :] + (side * (half + GAP_PX + off))[:, None] * n[None, :]
        return c, 0.15 * off + 6.0 * np.abs(along - 0.5)

    return spots


def _inside_angle(a, v, b, r: float = 20.0):
    """Spots inside the angle a-v-b just beyond its arc: on the bisector and turned towards either arm."""

    def spots(w, h):
        t0 = math.atan2(a[1] - v[1], a[0] - v[0])
        half_angle = ((math.atan2(b[1] - v[1], b[0] - v[0]) - t0 + math.pi) % (2 * math.pi) - math.pi) / 2
        tilt = np.repeat(np.array([0.0, 0.35, -0.35, 0.65, -0.65]) * half_angle, 5)
        dist = np.tile([4.0, 9.0, 15.0, 22.0, 30.0], 5)
        ang = t0 + half_angle + tilt
        half = np.abs(np.cos(ang)) * w / 2 + np.abs(np.sin(ang)) * h / 2
        rho = r + GAP_PX + half + dist
        c = np.stack([v[0] + rho * np.cos(ang), v[1] + rho * np.sin(ang)], axis=1)
        return c, 0.15 * dist + 4.0 * np.abs(tilt)

    return spots


def _around(p, gap: float):
    """Spots in 16 directions around a point."""

    def spots(w, h):
        ang = np.tile(np.arange(16) * (2 * math.pi / 16), 3)
        dist = np.repeat([gap, gap + 6.0, gap + 14.0], 16)
        half = np.abs(np.cos(ang)) * w / 2 + np.abs(np.sin(ang)) * h / 2
        rho = half + dist
        return np.stack([p[0] + rho * np.cos(ang), p[1] + rho * np.sin(ang)], axis=1), 0.1 * dist

    return spots


def _fallback(near, size: int, w: float, h: float):
    """A coarse grid of the canvas, dearer with distance: a label that finds no clear spot beside its
    element still gets a legible place (the label verifier then says whether it is beside it)."""
    xs = np.arange(w / 2 + 4, size - w / 2 - 4, 12.0)
    ys = np.arange(h / 2 + 4, size - h / 2 - 4, 12.0)
    gx, gy = np.meshgrid(xs, ys)
    grid = np.stack([gx.ravel(), gy.ravel()], axis=1)
    if len(grid) == 0:  # wider than the canvas: centred (the image verifier then says it is clipped)
        grid = np.array([[size / 2, size / 2]])
    if np.isnan(near[0]):
        far = np.full(len(grid), 20.0)
    else:
        gap = _points_segment_gap(grid, near)
        far = 20.0 + 0.1 * gap
    return grid, far


def _cheapest(cands, pref, w, h, segs, taken, values, size, centre) -> tuple[int, float]:
    """The cheapest candidate centre: GAP_PX off strokes, TEXT_GAP_PX off `taken` texts and dots, and
    WORD_GAP_PX beside (TEXT_GAP_PX above or below) the other `values`."""
    boxes = np.stack([cands[:, 0] - w / 2, cands[:, 1] - h / 2, cands[:, 0] + w / 2, cands[:, 1] + h / 2], axis=1)
    grown = boxes + np.array([-GAP_PX, -GAP_PX, GAP_PX, GAP_PX])
    cost = pref + pixels.crowding_cost(boxes, grown, [], segs, size)
    cost += 50 * pixels.rects_hit_rects(boxes + np.array([-TEXT_GAP_PX, -TEXT_GAP_PX, TEXT_GAP_PX, TEXT_GAP_PX]), taken)
    cost += 50 * pixels.rects_hit_rects(boxes + np.array([-WORD_GAP_PX, -TEXT_GAP_PX, WORD_GAP_PX, TEXT_GAP_PX]), values)
    # Between equally good spots, the one outside the figure reads as a textbook's.
    cost -= 0.002 * np.hypot(cands[:, 0] - centre[0], cands[:, 1] - centre[1])
    k = int(np.argmin(cost)) if len(cost) else 0
    return k, (float(cost[k]) if len(cost) else math.inf)


def _points_segment_gap(pts: np.ndarray, seg) -> np.ndarray:
    a, b = np.asarray(seg[:2], dtype=float), np.asarray(seg[2:], dtype=float)
    ab = b - a
    t = np.clip(((pts - a) @ ab) / max(float(ab @ ab), 1e-12), 0, 1)
    return np.hypot(*(pts - (a + t[:, None] * ab)).T)


def _rect_segment_gap(rect: pixels.Rect, seg) -> float:
    """Smallest distance between a rectangle and a segment (0 when they touch)."""
    if pixels.rect_hits_segments(rect, np.asarray([seg], dtype=float)):
        return 0.0
    x0, y0, x1, y1 = rect
    corners = np.array([(x0, y0), (x1, y0), (x1, y1), (x0, y1)])
    edges = [(*corners[i], *corners[(i + 1) % 4]) for i in range(4)]
    ends = np.asarray([seg[:2], seg[2:]], dtype=float)
    best = min(float(_points_segment_gap(corners, seg).min()),
               *(float(_points_segment_gap(ends, e).min()) for e in edges))
    return best
