"""The scene: named points with exact sympy coordinates and the elements drawn between them.

A Scene is the single source of truth for a figure: the image code, the tool code, the
perception coordinates and the verifiers' re-measurements are all derived from it.
"""

from __future__ import annotations

import math
import random
from dataclasses import dataclass, field, replace
from typing import TYPE_CHECKING, Literal

import sympy as sp

if TYPE_CHECKING:
    from flywheel.render.scene.coords import CoordinatePlane, Hatch

Point = tuple[sp.Expr, sp.Expr]

_FUNCS = {sp.cos: math.cos, sp.sin: math.sin, sp.tan: math.tan, sp.cot: lambda x: 1 / math.tan(x)}


def fast_float(e: sp.Expr) -> float:
    """Evaluate an exact expression in double precision by walking its tree with `math`.

    sympy's evalf works in arbitrary precision and costs ~2 ms for a rotated trig coordinate;
    drawing only needs doubles. Anything unusual falls back to sympy.
    """
    if e.is_Rational:
        return int(e.p) / int(e.q)
    if e is sp.pi:
        return math.pi
    if e.is_Add:
        return math.fsum(fast_float(a) for a in e.args)
    if e.is_Mul:
        return math.prod(fast_float(a) for a in e.args)
    if e.is_Pow:
        return fast_float(e.base) ** fast_float(e.exp)
    fn = _FUNCS.get(type(e))
    if fn is not None:
        return fn(fast_float(e.args[0]))
    return float(e)


@dataclass(frozen=True)
class Segment:
    a: str
    b: str
    dashed: bool = False
    arrow: bool = False  # a vector: drawn with a filled head at b (forces, velocities, rays)


@dataclass(frozen=True)
class CircleEl:
    center: str
    through: str  # a point on the circle: keeps the radius exact and measurable


@dataclass(frozen=True)
class AngleMark:
    """An arc at vertex `v` from ray v→a to ray v→b (counted both ways; the smaller angle is drawn)."""

    a: str
    v: str
    b: str


@dataclass(frozen=True)
class RightMark:
    a: str
    v: str
    b: str


@dataclass(frozen=True)
class Measure:
    """A quantity of the scene: length(P,Q), angle(P,V,Q) in degrees, area/perimeter(polygon);
    on a coordinate plane also x/y(P) and area_between(upper graph, lower graph, A, B) for x_A ≤ x ≤ x_B."""

    kind: Literal["length", "angle", "area", "perimeter", "value", "x", "y", "area_between"]  # value: points[0] names it in words
    points: tuple[str, ...]

    def describe(self) -> str:
        p = self.points
        return {
            "length": lambda: f"{p[0]}{p[1]}",
            "angle": lambda: f"∠{''.join(p)}",
            "area": lambda: f"area of {''.join(p)}",
            "perimeter": lambda: f"perimeter of {''.join(p)}",
            "value": lambda: p[0],
            "x": lambda: f"x-coordinate of {p[0]}",
            "y": lambda: f"y-coordinate of {p[0]}",
            "area_between": lambda: f"area between {p[0]} and {p[1]} from {p[2]} to {p[3]}",
        }.get(self.kind, lambda: f"{self.kind.replace('_', ' ')} of {''.join(p)}")()


@dataclass
class Construction:
    """The auxiliary construction a solver draws: the visual tool action."""

    description: str
    segments: list[Segment] = field(default_factory=list)
    points: list[str] = field(default_factory=list)  # new points, dotted and labelled by the tool
    right_marks: list[RightMark] = field(default_factory=list)
    marks: list = field(default_factory=list)  # tool marks beyond segments (scene/elements.py ToolMark)
    hatches: list[Hatch] = field(default_factory=list)  # regions of a coordinate plane, hatched by the tool


@dataclass
class Scene:
    points: dict[str, Point]
    segments: list[Segment] = field(default_factory=list)
    circles: list[CircleEl] = field(default_factory=list)
    angle_marks: list[AngleMark] = field(default_factory=list)
    right_marks: list[RightMark] = field(default_factory=list)
    labeled: list[str] = field(default_factory=list)  # points drawn with a dot and a label
    construction: Construction = field(default_factory=lambda: Construction(""))
    # Everything drawn beyond points, segments and circles (scene/elements.py: hatched ground, lenses,
    # resistors, graph diagrams, boards …): each knows its own strokes, so emit/layout/verifiers treat them alike.
    elements: list = field(default_factory=list)
    undotted: list[str] = field(default_factory=list)  # labeled points drawn without a dot (arrow tips, symbols)
    coordinate_plane: CoordinatePlane | None = None  # axes, ticks and curves (scene/coords.py)

    def floats(self) -> dict[str, tuple[float, float]]:
        """Float coordinates, computed once per scene (sympy evaluation is the slow part)."""
        cache = self.__dict__.get("_floats")
        if cache is None:
            cache = {k: (fast_float(x), fast_float(y)) for k, (x, y) in self.points.items()}
            self.__dict__["_floats"] = cache
        return cache

    def radius(self, c: CircleEl) -> sp.Expr:
        (cx, cy), (px, py) = self.points[c.center], self.points[c.through]
        return sp.sqrt((px - cx) ** 2 + (py - cy) ** 2)

    def radius_float(self, c: CircleEl) -> float:
        (cx, cy), (px, py) = self.floats()[c.center], self.floats()[c.through]
        return math.hypot(px - cx, py - cy)

    def min_stroke_angle(self) -> float:
        """Smallest angle (degrees) between two strokes, construction included, meeting at a point."""
        f = self.floats()
        rays: dict[str, list[float]] = {}
        # A construction may retrace a drawn segment: one stroke, counted once.
        for a, b in {frozenset((s.a, s.b)): (s.a, s.b) for s in self.segments + self.construction.segments}.values():
            for p, q in ((a, b), (b, a)):
                rays.setdefault(p, []).append(math.atan2(f[q][1] - f[p][1], f[q][0] - f[p][0]))
        best = 180.0
        for angles in rays.values():
            for i, a in enumerate(angles):
                for b in angles[i + 1 :]:
                    d = abs((a - b + math.pi) % (2 * math.pi) - math.pi)
                    best = min(best, math.degrees(d))
        return best

    def transformed(self, cos: sp.Expr, sin: sp.Expr, mirror: bool) -> Scene:
        """Rotate (exactly, by a rational rotation) and optionally mirror every point."""

        def move(p: Point) -> Point:
            x, y = (-p[0], p[1]) if mirror else p
            return (cos * x - sin * y, sin * x + cos * y)

        moved = replace(self, points={k: move(p) for k, p in self.points.items()})
        moved.__dict__.pop("_floats", None)
        return moved


def rational_rotation(rng: random.Random) -> tuple[sp.Rational, sp.Rational]:
    """A random rotation whose cos and sin are rational, so exact lengths stay exact."""
    m, n = rng.randint(1, 7), rng.randint(0, 7)
    if m == n:
        n = 0
    d = m * m + n * n
    cos, sin = sp.Rational(m * m - n * n, d), sp.Rational(2 * m * n, d)
    quarter = rng.randint(0, 3)  # compose with a quarter turn to cover all orientations
    for _ in range(quarter):
        cos, sin = -sin, cos
    return cos, sin
