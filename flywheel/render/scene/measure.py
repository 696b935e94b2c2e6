"""Exact measurement of a Measure in a Scene (sympy): the ground truth tests compare answers with."""

from __future__ import annotations

import sympy as sp

from flywheel.render.scene import coords, exact
from flywheel.render.scene.model import Measure, Scene


def measure_exact(scene: Scene, m: Measure) -> sp.Expr:
    if m.kind == "area_between":
        return coords.area_between_exact(scene, *m.points)
    p = [scene.points[n] for n in m.points]
    if m.kind == "length":
        return exact.dist(p[0], p[1])
    if m.kind == "angle":
        return exact.angle_deg(p[0], p[1], p[2])
    if m.kind == "area":
        return exact.polygon_area(p)
    if m.kind in ("x", "y"):
        return p[0][0 if m.kind == "x" else 1]
    if m.kind == "perimeter":
        return sum((exact.dist(a, b) for a, b in zip(p, p[1:] + p[:1], strict=True)), sp.Integer(0))
    raise ValueError(f"unknown measure kind {m.kind!r}")


def agrees(scene: Scene, m: Measure, value: sp.Expr, digits: int = 30) -> bool:
    """Exact-enough comparison: both sides evaluated to 30 significant digits."""
    a, b = sp.N(measure_exact(scene, m), digits), sp.N(value, digits)
    return abs(a - b) <= sp.Float(10) ** (-(digits - 8)) * max(1, abs(b))
