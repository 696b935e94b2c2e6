"""Quadratic functions: intercepts and vertex of a parabola, the region between a parabola and a line."""

from __future__ import annotations

import random

import sympy as sp

from flywheel.generators.analytic.plot import graph_text, leaks, num, plane
from flywheel.generators.base import Draft
from flywheel.generators.registry import register_generator
from flywheel.generators.scene.coords import Extremum, Hatch, OnCurve, X
from flywheel.generators.scene.exact import P
from flywheel.generators.scene.model import Construction, Measure, RightMark, Scene, Segment
from flywheel.records import Difficulty

LEADING = [sp.Integer(1), sp.Integer(-1), sp.Rational(1, 2), sp.Rational(-1, 2), sp.Integer(2), sp.Integer(-2)]


def _factored(a: sp.Expr, p, q) -> str:
    """a(x − p)(x − q) as text, for the trace."""
    lead = {1: "", -1: "−"}.get(a, f"{num(a)}·" if a.q != 1 else num(a))

    def factor(r) -> str:
        return "x" if r == 0 else f"(x {'−' if r > 0 else '+'} {num(abs(r))})"

    return lead + factor(p) + factor(q)


@register_generator("analytic.parabola_vertex_triangle", domain="analytic_geometry")
def parabola_vertex_triangle(rng: random.Random) -> Draft:
    """y = a(x − p)(x − q): roots A, B and vertex V on the axis of symmetry; area ABV = ½·AB·|k|."""
    while True:
        a = rng.choice(LEADING)
        d = rng.randint(2, 6)
        p = rng.randint(-5, 5 - d)
        q = p + d
        h, k = sp.Rational(p + q, 2), -a * sp.Rational(d * d, 4)
        if 0 in (p, q, h) or not (1 <= abs(k) <= 7) or abs(a) * d > 6:
            continue
        area = d * abs(k) / 2
        f = sp.expand(a * (X - p) * (X - q))
        pts = {"A": P(p, 0), "B": P(q, 0), "V": (h, k), "M": (h, sp.Integer(0))}
        claims = [OnCurve("A", "f"), OnCurve("B", "f"), OnCurve("V", "f"), Extremum("V", "f"),
                  OnCurve("A", "x-axis"), OnCurve("B", "x-axis"), OnCurve("M", "x-axis")]
        axes = plane(list(pts.values()), {"f": (f, True)}, claims)
        if not leaks(area, axes):
            break
    scene = Scene(
        points=pts,
        labeled=["A", "B", "V"],
        construction=Construction(
            "draw the axis of symmetry from V down to M on AB, and the sides VA and VB",
            segments=[Segment("V", "M"), Segment("V", "A"), Segment("V", "B")],
            points=["M"],
            right_marks=[RightMark("A", "M", "V")],
        ),
        coordinate_plane=axes,
    )
    return Draft(
        title="A parabola, its x-intercepts and its vertex",
        scene=scene,
        question=f"The parabola {graph_text(f)} meets the x-axis at A and B, and V is its vertex. "
        "Find the area of triangle ABV.",
        answer=area,
        target=Measure("area", ("A", "B", "V")),
        givens=[],
        reasoning=[
            "Triangle ABV has base AB on the x-axis; its height is the distance from V to the x-axis.",
            "The vertex lies on the axis of symmetry, halfway between the roots.",
        ],
        conclusion=[
            f"Factoring, y = {_factored(a, p, q)}, so A = ({p}, 0), B = ({q}, 0) and AB = {d}.",
            f"The axis of symmetry is x = {num(h)}, so V = ({num(h)}, {num(k)}) and the height VM = {num(abs(k))}.",
            f"Area of ABV = ½·AB·VM = ½·{d}·{num(abs(k))} = {num(area)}.",
        ],
        difficulty=Difficulty(hops=3, constructions=1),
        params={"a": str(a), "p": p, "q": q},
    )


@register_generator("analytic.area_parabola_line", domain="analytic_geometry")
def area_parabola_line(rng: random.Random) -> Draft:
    """A parabola and a line meeting at A and B: the enclosed area is |a|(x_B − x_A)³/6."""
    while True:
        a = rng.choice(LEADING)
        x1 = rng.randint(-4, 2)
        d = rng.randint(2, 5)
        x2 = x1 + d
        m, n = rng.randint(-2, 2), rng.randint(-3, 3)
        if (m, n) == (0, 0) or 0 in (x1, x2) or abs(a) * d * d > 24:
            continue
        if abs(a) * d * d / 4 < 1.3 * (1 + m * m) ** 0.5:
            continue  # the region would be a sliver along the line
        g = m * X + n
        f = sp.expand(g + a * (X - x1) * (X - x2))
        h = sp.Rational(x1 + x2, 2)
        pts = {"A": (sp.Integer(x1), g.subs(X, x1)), "B": (sp.Integer(x2), g.subs(X, x2))}
        if 0 in (pts["A"][1], pts["B"][1]):
            continue  # an intersection on the x-axis would sit on the tick labels
        area = abs(a) * sp.Integer(d) ** 3 / 6
        claims = [OnCurve(p, c) for p in "AB" for c in "fg"]
        axes = plane(list(pts.values()) + [(h, f.subs(X, h))], {"f": (f, True), "g": (g, True)}, claims)
        if not leaks(area, axes) and axes.xmax - axes.xmin <= 14 and axes.ymax - axes.ymin <= 14:
            break
    upper, lower = ("g", "f") if a > 0 else ("f", "g")
    scene = Scene(
        points=pts,
        labeled=["A", "B"],
        construction=Construction(
            "hatch the region enclosed between the line and the parabola from A to B",
            hatches=[Hatch(upper, lower, sp.Integer(x1), sp.Integer(x2))],
        ),
        coordinate_plane=axes,
    )
    top = "line" if a > 0 else "parabola"
    return Draft(
        title="The region enclosed by a parabola and a line",
        scene=scene,
        question=f"The parabola {graph_text(f)} and the line {graph_text(g)} intersect at A and B. "
        "Find the area of the region enclosed by the parabola and the line.",
        answer=area,
        target=Measure("area_between", (upper, lower, "A", "B")),
        givens=[],
        reasoning=[
            "The enclosed region lies between the two intersection points; its area is the integral of the "
            "gap between the upper and the lower curve.",
            "Seeing which curve is on top between A and B fixes the sign of the integrand.",
        ],
        conclusion=[
            f"Setting the two equal: {poly_gap(f, g)} = {_factored(a, x1, x2)} = 0, so A and B have x = {x1} and x = {x2}.",
            f"Between them the {top} lies above, and the gap is {num(abs(a))}·(x − {num(x1)})({x2} − x)".replace("− −", "+ "),
            f"Area = ∫ from {x1} to {x2} of the gap = {num(abs(a))}·{d}³/6 = {num(area)}.",
        ],
        difficulty=Difficulty(hops=3, constructions=1),
        params={"a": str(a), "x1": x1, "x2": x2, "m": m, "n": n},
    )


def poly_gap(f: sp.Expr, g: sp.Expr) -> str:
    """f − g as text: the quadratic whose roots are the intersections."""
    from flywheel.generators.analytic.plot import poly_text

    return poly_text(f - g)
