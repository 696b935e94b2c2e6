"""Solid geometry in a Scene: exact 3D points projected to the plane, hidden edges, round rims.

A `SolidScene` is a plane Scene whose points are the exact projections of a 3D model (`Space`),
which it keeps: the answer verifier measures there. Everything it draws is an Element
(scene/elements.py), so emit, layout and the generic verifiers need nothing new:

- `Edges`: straight edges; a polyhedron's hidden edges are found, not declared (dashed when
  neither face beside the edge faces the viewer).
- `Rim`: a circle of a round solid, drawn as the projected ellipse, solid where the surface it
  lies on faces the viewer and dashed elsewhere. It is defined by three scene points (centre and
  the ends of two perpendicular radii), so it follows the scene if the scene is moved.
- `SectionTint`: the tool's pale tint of a cross-section polygon.

A SolidScene renders itself (`render_draft`) only to place vertex labels outside the solid.
"""

from __future__ import annotations

import math
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Literal

import numpy as np
import sympy as sp

from flywheel.render.scene import emit, layout, pixels, values
from flywheel.render.scene.elements import Element, Stroke
from flywheel.render.scene.model import Point, Scene, Segment, fast_float

if TYPE_CHECKING:
    from flywheel.render.draft import Draft, Rendered
    from flywheel.render.scene.layout import Layout

Point3 = tuple[sp.Expr, sp.Expr, sp.Expr]
Vec3 = tuple[float, float, float]
RIM_SAMPLES = 144  # points per full ellipse: smooth at 448 px, and a multiple of 4 (quarter points are samples)
HIDDEN_W = 1.4  # pt: hidden lines a little thinner, as in print


def P3(x, y, z) -> Point3:  # noqa: N802 - reads like the math
    return (sp.sympify(x), sp.sympify(y), sp.sympify(z))


@dataclass(frozen=True)
class Projection:
    """Parallel projection (x, y, z) ↦ x·u + y·v + z·w; y is depth (away from the viewer), z is up."""

    name: str
    u: Point
    v: Point
    w: Point

    def project(self, p: Point3) -> Point:
        x, y, z = p
        return (x * self.u[0] + y * self.v[0] + z * self.w[0], x * self.u[1] + y * self.v[1] + z * self.w[1])

    def toward_viewer(self) -> np.ndarray:
        """The direction the projection collapses, pointing at the viewer (faces seen map counterclockwise)."""
        r1 = [fast_float(sp.sympify(c)) for c in (self.u[0], self.v[0], self.w[0])]
        r2 = [fast_float(sp.sympify(c)) for c in (self.u[1], self.v[1], self.w[1])]
        return np.cross(r1, r2)


_ONE, _ZERO = sp.Integer(1), sp.Integer(0)
_HALF_DIAG = sp.sqrt(2) / 4  # cabinet: receding edges at 45°, drawn at half length
CABINET = Projection("cabinet", (_ONE, _ZERO), (_HALF_DIAG, _HALF_DIAG), (_ZERO, _ONE))
ISOMETRIC = Projection("isometric", (sp.sqrt(3) / 2, sp.Rational(-1, 2)), (sp.sqrt(3) / 2, sp.Rational(1, 2)), (_ZERO, _ONE))
# Orthographic view from 22.6° above (sin = 5/13): a sphere's outline stays a circle, circles of
# round solids become axis-aligned ellipses, and every coordinate stays rational.
ELEVATED = Projection("elevated", (_ONE, _ZERO), (_ZERO, sp.Rational(5, 13)), (_ZERO, sp.Rational(12, 13)))


@dataclass
class Space:
    """The 3D model behind a SolidScene: exact points and, for a convex polyhedron, its faces."""

    points: dict[str, Point3]
    projection: Projection
    faces: list[str] = field(default_factory=list)  # vertex names in cyclic order

    def floats(self) -> dict[str, np.ndarray]:
        cache = self.__dict__.get("_floats")
        if cache is None:
            cache = {k: np.array([fast_float(sp.sympify(c)) for c in p]) for k, p in self.points.items()}
            self.__dict__["_floats"] = cache
        return cache

    def outward_normal(self, face: str) -> np.ndarray:
        f = self.floats()
        pts = np.array([f[n] for n in face])
        n = np.cross(pts[1] - pts[0], pts[2] - pts[0])
        body = np.mean([f[c] for fc in self.faces for c in fc], axis=0)
        return -n if np.dot(n, pts.mean(axis=0) - body) < 0 else n

    def front_faces(self) -> set[str]:
        view = self.projection.toward_viewer()
        return {fc for fc in self.faces if np.dot(self.outward_normal(fc), view) > 1e-9}

    def edges(self) -> list[tuple[str, str, bool]]:
        """Every edge of the faces once, as (a, b, hidden): hidden when no face beside it is seen."""
        seen = self.front_faces()
        visible: dict[tuple[str, str], bool] = {}
        for fc in self.faces:
            for a, b in zip(fc, fc[1:] + fc[0], strict=True):
                key = (a, b) if (b, a) not in visible else (b, a)
                visible[key] = visible.get(key, False) or fc in seen
        return [(a, b, not v) for (a, b), v in visible.items()]


# ── drawn elements ─────────────────────────────────────────────────────────────────────────────


@dataclass(frozen=True)
class Edges(Element):
    """Straight edges of a solid between scene points; hidden ones dashed and thinner."""

    edges: tuple[tuple[str, str, bool], ...]  # (a, b, hidden)

    def extent(self, scene: Scene) -> list[tuple[float, float]]:
        f = scene.floats()
        return [f[n] for a, b, _ in self.edges for n in (a, b)]

    def strokes(self, scene: Scene, layout: Layout) -> list[Stroke]:
        px = layout.points_px(scene)
        return [Stroke(np.array([px[a], px[b]]), HIDDEN_W if hidden else 1.8, dashed=hidden) for a, b, hidden in self.edges]


@dataclass(frozen=True)
class Rim(Element):
    """A circle in space drawn as its projection c + cos t·(a − c) + sin t·(b − c); `hidden[k]` says
    whether the sample at t = 2πk/RIM_SAMPLES lies behind the solid."""

    center: str
    a: str  # end of a radius
    b: str  # end of the perpendicular radius
    hidden: tuple[bool, ...]

    def polyline(self, scene: Scene) -> np.ndarray:
        f = scene.floats()
        c, a, b = (np.asarray(f[n]) for n in (self.center, self.a, self.b))
        t = np.linspace(0, 2 * math.pi, RIM_SAMPLES, endpoint=False)[:, None]
        return c + np.cos(t) * (a - c) + np.sin(t) * (b - c)

    def extent(self, scene: Scene) -> list[tuple[float, float]]:
        return [(float(x), float(y)) for x, y in self.polyline(scene)]  # plain floats: they reach the image code

    def runs(self) -> list[tuple[np.ndarray, bool]]:
        """Sample indices of each arc of constant visibility (ends shared with the next arc), hidden flag."""
        hid = np.asarray(self.hidden)
        starts = np.flatnonzero(hid != np.roll(hid, 1))
        if len(starts) == 0:
            return [(np.arange(RIM_SAMPLES + 1) % RIM_SAMPLES, bool(hid[0]))]
        out = []
        for k, s in enumerate(starts):
            e = starts[(k + 1) % len(starts)]
            out.append((np.arange(s, s + (e - s) % RIM_SAMPLES + 1) % RIM_SAMPLES, bool(hid[s])))
        return out

    def strokes(self, scene: Scene, layout: Layout) -> list[Stroke]:
        pts = np.array([layout.to_px(x, y) for x, y in self.polyline(scene)])
        return [Stroke(pts[idx], HIDDEN_W if hidden else 1.8, dashed=hidden) for idx, hidden in self.runs()]


SurfaceKind = Literal["cap", "side", "cone", "sphere"]


def rim(space: Space, center: str, radius, name: str, surface: SurfaceKind, pole: str = "") -> Rim:
    """A horizontal circle of a round solid; adds the ends of its x and y radii (`name`x, `name`y) to space.

    surface: "cap" (a top face: always seen), "side" (a cylinder's bottom rim: seen where the side
    faces the viewer), "cone" (a cone's base: seen where the cone's side does; `pole` is the apex),
    "sphere" (a circle on a sphere: seen on the near hemisphere; `pole` is the sphere's centre).
    """
    cx, cy, cz = space.points[center]
    r = sp.sympify(radius)
    space.points[name + "x"] = (cx + r, cy, cz)
    space.points[name + "y"] = (cx, cy + r, cz)
    t = np.linspace(0, 2 * math.pi, RIM_SAMPLES, endpoint=False)
    radial = np.stack([np.cos(t), np.sin(t), np.zeros_like(t)], axis=1)
    c, rf = np.array([fast_float(cx), fast_float(cy), fast_float(cz)]), fast_float(r)
    if surface == "cap":
        normal = np.tile([0.0, 0.0, 1.0], (len(t), 1))
    elif surface == "side":
        normal = radial
    elif surface == "cone":
        h = fast_float(space.points[pole][2]) - c[2]
        normal = np.stack([h * np.cos(t), h * np.sin(t), np.full_like(t, rf)], axis=1)
    else:
        pole_f = np.array([fast_float(v) for v in space.points[pole]])
        normal = c + rf * radial - pole_f
    hidden = normal @ space.projection.toward_viewer() <= 0
    space.__dict__.pop("_floats", None)
    return Rim(center, name + "x", name + "y", tuple(bool(h) for h in hidden))


@dataclass(frozen=True)
class SectionTint:
    """ToolMark: the tool tints the polygon pale red (multiplied in, so lines under it stay black).

    The tint changes no channel by more than the tool verifier's threshold, so the edit it checks
    is the outline the construction draws; the tint is for the eye.
    """

    polygon: tuple[str, ...]
    needs_font: bool = False

    def tool_lines(self, scene: Scene, layout: Layout) -> list[str]:
        px = layout.points_px(scene)
        poly = ", ".join(f"({px[n][0]:.3f}, {px[n][1]:.3f})" for n in self.polygon)
        return [
            "from PIL import ImageChops",
            "tint = Image.new('RGB', img.size, (255, 255, 255))",
            f"ImageDraw.Draw(tint).polygon([{poly}], fill={SECTION_TINT})  # the cross-section {''.join(self.polygon)}",
            "img = ImageChops.multiply(img, tint)",
            "draw = ImageDraw.Draw(img)",
        ]

    def tool_strokes(self, scene: Scene, layout: Layout) -> list:
        return []

    def tool_boxes(self, scene: Scene, layout: Layout) -> list:
        return []


SECTION_TINT = (255, 220, 220)


# ── the scene ──────────────────────────────────────────────────────────────────────────────────


@dataclass
class SolidScene(Scene):
    space: Space | None = None

    def render_draft(self, draft: Draft) -> Rendered:
        """Like base.render, but vertex labels prefer the side away from the solid's centre."""
        from flywheel.render.draft import Rendered, trace

        lay = place_solid_labels(self, layout.fit_view(self), draft.givens, draft.question)
        tool = emit.tool_code(self, lay)
        return Rendered(draft, lay, emit.image_code(self, lay, draft.title), tool, trace(draft, tool))

    def edge_list(self) -> list[tuple[str, str, bool]]:
        return [e for el in self.elements if isinstance(el, Edges) for e in el.edges]

    def rims(self) -> list[Rim]:
        return [el for el in self.elements if isinstance(el, Rim)]


def solid_scene(space: Space, labeled: list[str], construction, extra_edges=(), rims=(), circles=(),
                dotted=()) -> SolidScene:
    """Project the model: the polyhedron's edges (hidden ones dashed), extra edges and rims.

    Vertices are drawn without dots, as in print; only the points in `dotted` (centres, midpoints) get one.
    """
    pts = {k: space.projection.project(p) for k, p in space.points.items()}
    edges = Edges(tuple(space.edges()) + tuple(extra_edges))
    return SolidScene(points=pts, circles=list(circles), labeled=labeled, construction=construction,
                      elements=[edges, *rims], undotted=[n for n in labeled if n not in dotted], space=space)


def min_edge_angle(scene: SolidScene) -> float:
    """Smallest angle (degrees) between two straight strokes (edges, segments, construction) at a point."""
    lines = [(a, b) for a, b, _ in scene.edge_list()] + [(s.a, s.b) for s in scene.segments + scene.construction.segments]
    sliver = Scene(points=scene.points, segments=[Segment(a, b) for a, b in lines])
    return sliver.min_stroke_angle()


# ── clearance: a point reads as on a stroke only when it is on it ──────────────────────────────

CLEARANCE_PX = 8.0  # a point nearer than this to a stroke it is not on looks as if it were on it


def crowding(scene: SolidScene, clearance: float = CLEARANCE_PX) -> list[str]:
    """Where the view misleads: drawn points (labelled, construction, stroke ends) closer than `clearance` px to
    another point, or to an edge, rim or outline they do not lie on in space. A hidden vertex 3 px from a
    visible edge makes four points look collinear; a point beside a crossing of two circles looks like the crossing."""
    lay = layout.fit_view(scene)
    px = lay.points_px(scene)
    straight = [(a, b) for a, b, _ in scene.edge_list()] + [(s.a, s.b) for s in scene.segments + scene.construction.segments]
    names = list(dict.fromkeys([*scene.labeled, *scene.construction.points, *(n for ab in straight for n in ab)]))
    out = [f"{p} and {q} {math.dist(px[p], px[q]):.1f} px apart" for i, p in enumerate(names) for q in names[i + 1 :]
           if math.dist(px[p], px[q]) < clearance]
    rims = [(r, np.array([lay.to_px(x, y) for x, y in r.polyline(scene)])) for r in scene.rims()]
    for n in names:
        for a, b in straight:
            d = float(pixels.point_segments_distance(px[n], np.array([px[a] + px[b]]))[0])
            if d < clearance and n not in (a, b) and not _on_line3(scene, n, a, b, d):
                out.append(f"{n} {d:.1f} px from {a}{b}")
        for r, poly in rims:
            d = float(pixels.point_segments_distance(px[n], pixels.polyline_segments(np.vstack([poly, poly[:1]]))).min())
            if d < clearance and not _on_rim3(scene, n, r):
                out.append(f"{n} {d:.1f} px from the circle about {r.center}")
        for c in scene.circles:
            d = abs(math.dist(px[n], px[c.center]) - scene.radius_float(c) * lay.px_per_unit)
            if 1e-6 < d < clearance:
                out.append(f"{n} {d:.1f} px from the outline about {c.center}")
    return out


def _on_line3(scene: SolidScene, n: str, a: str, b: str, d_px: float) -> bool:
    """n lies on segment ab in space (a plane scene: on it in the drawing)."""
    f = scene.space.floats() if scene.space else {}
    if not all(k in f for k in (n, a, b)):
        return d_px < 1e-6
    ab, an = f[b] - f[a], f[n] - f[a]
    size = float(np.linalg.norm(ab)) or 1.0
    return float(np.linalg.norm(np.cross(ab, an))) < 1e-9 * size * size and -1e-9 <= float(an @ ab) / size**2 <= 1 + 1e-9


def _on_rim3(scene: SolidScene, n: str, r: Rim) -> bool:
    f = scene.space.floats() if scene.space else {}
    if n not in f:
        return False
    c, a, b = f[r.center], f[r.a], f[r.b]
    rad = float(np.linalg.norm(a - c)) or 1.0
    normal = np.cross(a - c, b - c) / rad**2
    v = f[n] - c
    return abs(float(np.linalg.norm(v)) - rad) < 1e-9 * rad and abs(float(v @ normal)) < 1e-9 * rad


# ── label placement ────────────────────────────────────────────────────────────────────────────


def place_solid_labels(scene: SolidScene, lay: Layout, givens=(), question: str = "") -> Layout:
    """Each label beside its point, off every stroke, preferring the side away from the figure's centre;
    then the givens' values beside their edges (`values.py`)."""
    pts = lay.points_px(scene)
    segs = layout.obstacle_segments(scene, lay)
    names = list(dict.fromkeys(scene.labeled + scene.construction.points))
    centre = np.mean([pts[n] for n in names], axis=0)
    taken: list = [(pts[n][0] - 3, pts[n][1] - 3, pts[n][0] + 3, pts[n][1] + 3) for n in names]
    for name in names:
        p = np.asarray(pts[name])
        dirs = _stroke_directions(p, segs)
        if np.linalg.norm(p - centre) > 1:  # the centre's own direction counts as a stroke: labels go outward
            dirs.append(math.atan2(centre[1] - p[1], centre[0] - p[0]))
        best = layout._best_spot(name, pts[name], dirs, segs, taken, lay.size)  # noqa: SLF001 - shared search
        lay.labels[name] = best
        taken.append(layout.label_box(*best, name))
    if givens:
        lay.values = values.place_values(scene, lay, givens, question, segs, taken)
    return lay


def _stroke_directions(p: np.ndarray, segs: np.ndarray, near: float = 1.5) -> list[float]:
    """Directions (pixel space) of the strokes through or from p: both ways along each segment passing within `near`."""
    dist = pixels.point_segments_distance(p, segs)
    out = []
    for (x0, y0, x1, y1), d in zip(segs, dist, strict=True):
        if d > near:
            continue
        for qx, qy in ((x0, y0), (x1, y1)):
            if math.hypot(qx - p[0], qy - p[1]) > near:
                out.append(math.atan2(qy - p[1], qx - p[0]))
    return out


def turned_view(cos: sp.Rational, sin: sp.Rational, up_sin: sp.Rational, up_cos: sp.Rational) -> Projection:
    """Orthographic view of the solid turned about the vertical by (cos, sin), seen from above at
    elevation asin(up_sin); rational cos/sin keep every coordinate exact and rational."""
    return Projection(f"orthographic, turned {math.degrees(math.atan2(sin, cos)):.0f}°, "
                      f"elevation {math.degrees(math.asin(up_sin)):.0f}°",
                      (cos, sin * up_sin), (-sin, cos * up_sin), (_ZERO, up_cos))


_R = sp.Rational
# Views for polyhedra: the cabinet and isometric drawings of textbooks, and orthographic views of
# the solid turned a little and seen from 37° above (each draw picks one that shows it readably).
VIEWS = [CABINET, ISOMETRIC, turned_view(_R(24, 25), _R(7, 25), _R(3, 5), _R(4, 5)),
         turned_view(_R(12, 13), _R(5, 13), _R(3, 5), _R(4, 5)), turned_view(_R(24, 25), _R(-7, 25), _R(3, 5), _R(4, 5))]
