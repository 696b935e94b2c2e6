"""Exact (sympy) plane geometry used by generators to build scenes."""

from __future__ import annotations

import functools
import math
import random

import sympy as sp

from flywheel.render.scene.model import Point

PYTHAGOREAN_TRIPLES = [  # primitive, the smallest (physics sines); choice_triple draws from all
    (3, 4, 5), (5, 12, 13), (8, 15, 17), (7, 24, 25), (20, 21, 29), (9, 40, 41), (12, 35, 37),
    (11, 60, 61), (28, 45, 53), (33, 56, 65),
]


def _exact(v) -> sp.Expr:
    return sp.nsimplify(v) if isinstance(v, float) else sp.sympify(v)


def P(x, y) -> Point:  # noqa: N802 - reads like the math
    return (_exact(x), _exact(y))


def _trig_deg(fn, degrees) -> sp.Expr:
    # evaluate=False keeps cos(37°) symbolic: sympy would otherwise expand some angles into
    # huge radical expressions that take ~100 ms to build and evaluate.
    return fn(sp.Mul(_exact(degrees), sp.pi / 180, evaluate=False), evaluate=False)


def cos_deg(degrees) -> sp.Expr:
    return _trig_deg(sp.cos, degrees)


def sin_deg(degrees) -> sp.Expr:
    return _trig_deg(sp.sin, degrees)


def cot_deg(degrees) -> sp.Expr:
    return _trig_deg(sp.cot, degrees)


def midpoint(a: Point, b: Point) -> Point:
    return ((a[0] + b[0]) / 2, (a[1] + b[1]) / 2)


def lerp(a: Point, b: Point, t) -> Point:
    t = _exact(t)
    return (a[0] + t * (b[0] - a[0]), a[1] + t * (b[1] - a[1]))


def dist(a: Point, b: Point) -> sp.Expr:
    return sp.sqrt((a[0] - b[0]) ** 2 + (a[1] - b[1]) ** 2)


def foot(p: Point, a: Point, b: Point) -> Point:
    """Foot of the perpendicular from p to line ab."""
    dx, dy = b[0] - a[0], b[1] - a[1]
    t = ((p[0] - a[0]) * dx + (p[1] - a[1]) * dy) / (dx * dx + dy * dy)
    return (sp.simplify(a[0] + t * dx), sp.simplify(a[1] + t * dy))


def intersect(a: Point, b: Point, c: Point, d: Point) -> Point:
    """Intersection of lines ab and cd (not parallel)."""
    x1, y1, x2, y2 = a[0], a[1], b[0], b[1]
    x3, y3, x4, y4 = c[0], c[1], d[0], d[1]
    den = (x1 - x2) * (y3 - y4) - (y1 - y2) * (x3 - x4)
    u = ((x1 - x3) * (y3 - y4) - (y1 - y3) * (x3 - x4)) / den
    return (sp.simplify(x1 + u * (x2 - x1)), sp.simplify(y1 + u * (y2 - y1)))


def on_circle(center: Point, r, t) -> Point:
    """Exact rational point on a circle from the parameter t (stereographic: no trig needed)."""
    t = _exact(t)
    return (center[0] + r * (1 - t * t) / (1 + t * t), center[1] + r * 2 * t / (1 + t * t))


def polar(center: Point, r, degrees) -> Point:
    """Point at an angle in degrees; exact through sympy's trig (used when the angle is a given)."""
    return (center[0] + r * cos_deg(degrees), center[1] + r * sin_deg(degrees))


def param_for_angle(degrees: float) -> sp.Rational:
    """A rational stereographic parameter whose point is near the given angle (for on_circle)."""
    return sp.Rational(round(math.tan(math.radians(degrees) / 2) * 40), 40)


def angle_deg(a: Point, v: Point, b: Point) -> sp.Expr:
    """Exact angle a-v-b in degrees."""
    ux, uy, wx, wy = a[0] - v[0], a[1] - v[1], b[0] - v[0], b[1] - v[1]
    cosv = (ux * wx + uy * wy) / (sp.sqrt(ux**2 + uy**2) * sp.sqrt(wx**2 + wy**2))
    return sp.deg(sp.acos(cosv))


def polygon_area(pts: list[Point]) -> sp.Expr:
    s = 0
    for (x1, y1), (x2, y2) in zip(pts, pts[1:] + pts[:1], strict=True):
        s += x1 * y2 - x2 * y1
    # expand, not nsimplify: nsimplify guesses a closed form from digits and fails on large radicals
    return sp.Abs(sp.expand(s)) / 2


def choice_triple(rng: random.Random, max_side: int = 30) -> tuple[int, int, int]:
    """A random Pythagorean triple (legs in random order), multiples included, hypotenuse ≤ max_side."""
    a, b, c = rng.choice(_triples(max_side))
    return (b, a, c) if rng.random() < 0.5 else (a, b, c)


@functools.cache
def _triples(max_side: int) -> list[tuple[int, int, int]]:
    """Every Pythagorean triple with hypotenuse ≤ max_side (primitive ones by Euclid's formula, and their multiples)."""
    out = set()
    for m in range(2, math.isqrt(max_side) + 1):
        for n in range(1, m):
            if (m - n) % 2 and math.gcd(m, n) == 1:
                a, b, c = sorted((m * m - n * n, 2 * m * n)) + [m * m + n * n]
                out |= {(k * a, k * b, k * c) for k in range(1, max_side // c + 1)}
    return sorted(out)


def polygon_angles_ok(pts: list[Point], min_deg: float = 25.0) -> bool:
    """Every interior angle of the polygon is at least `min_deg` (floats: used to resample)."""
    f = [(float(x), float(y)) for x, y in pts]
    for i, v in enumerate(f):
        a, b = f[i - 1], f[(i + 1) % len(f)]
        t = abs(math.atan2(a[1] - v[1], a[0] - v[0]) - math.atan2(b[1] - v[1], b[0] - v[0]))
        if math.degrees(min(t, 2 * math.pi - t)) < min_deg:
            return False
    return True


UNIT_DIRECTIONS = [(sp.Rational(a, c), sp.Rational(b, c)) for a, b, c in PYTHAGOREAN_TRIPLES[:5]]
