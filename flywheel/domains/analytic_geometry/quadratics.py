"""Quadratic functions: intercepts and vertex of a parabola, the region between a parabola and a line."""

from __future__ import annotations

import random

import sympy as sp

from flywheel.core.records import Difficulty
from flywheel.domains.analytic_geometry import DOMAIN
from flywheel.domains.analytic_geometry.plot import (
    base,
    graph_text,
    leaks,
    num,
    plane,
    poly_text,
    surd,
)
from flywheel.domains.registry import register_generator
from flywheel.render.draft import Draft, parts
from flywheel.render.scene.coords import Extremum, Hatch, OnCurve, X
from flywheel.render.scene.exact import P
from flywheel.render.scene.model import Construction, Measure, RightMark, Scene, Segment

LEADING = [sp.Integer(1), sp.Integer(-1), sp.Rational(1, 2), sp.Rational(-1, 2), sp.Integer(2), sp.Integer(-2)]
SLOPES = [sp.Integer(v) for v in (-2, -1, 0, 1, 2)] + [sp.Rational(v, 2) for v in (-3, -1, 1, 3)]
WIDE = [sp.Integer(3), sp.Integer(-3), sp.Integer(4), sp.Integer(-4)]


def _factored(a: sp.Expr, p, q) -> str:
    """a(x − p)(x − q) as text, for the trace."""
    lead = {1: "", -1: "−"}.get(a, f"{num(a)}·" if a.q != 1 else num(a))

    def factor(r) -> str:
        return "x" if r == 0 else f"(x {'−' if r > 0 else '+'} {num(abs(r))})"

    return lead + factor(p) + factor(q)


def _factored_at(a: sp.Expr, p, q, x) -> str:
    """a(x − p)(x − q) at a number x, written out for the trace: 3·(−11/4 − (−7/2))·(−11/4 − (−2))."""
    lead = {1: "", -1: "−"}.get(a, f"{num(a)}·")
    return f"{lead}({num(x)} − {base(p)})·({num(x)} − {base(q)})"


@register_generator("analytic.parabola_vertex_triangle", DOMAIN)
def parabola_vertex_triangle(rng: random.Random) -> Draft:
    """y = a(x − p)(x − q): roots A, B and vertex V on the axis of symmetry; area ABV = ½·AB·|k|, VA² = (AB/2)² + k²."""
    # What is asked (in words a duplicate key keeps apart), and the form the equation is given in: expanded
    # (factor it for A and B) or factored (A and B are read off; the vertex is computed).
    ask = rng.choice(list(VERTEX_ASKS))
    form = rng.choice(["expanded", "factored"])
    while True:
        a = rng.choice(LEADING + WIDE + [sp.Rational(s, 4) for s in (1, -1, 3, -3)])
        p = sp.Rational(rng.randint(-16, 14), 2)  # roots on the half-integers
        q = p + sp.Rational(rng.randint(3, 16), 2)
        d = q - p
        h, k = (p + q) / 2, -a * d * d / 4
        f = sp.expand(a * (X - p) * (X - q))
        if 0 in (p, q, h) or q > 8 or not (1 <= abs(k) <= 9) or abs(a) * d > 6:
            continue
        if any(c.q > 2 for c in sp.Poly(f, X).coeffs()):
            continue  # integer or half-integer coefficients: the equation reads like a textbook's
        va = sp.sqrt(d * d / 4 + k * k)
        area = {"side": va, "area": d * abs(k) / 2, "perimeter": d + 2 * va, "origin": sp.sqrt(h * h + k * k),
                "height": abs(k)}[ask]
        pts = {"A": P(p, 0), "B": P(q, 0), "V": (h, k), "M": (h, sp.Integer(0)), "O": P(0, 0)}
        claims = [OnCurve("A", "f"), OnCurve("B", "f"), OnCurve("V", "f"), Extremum("V", "f"),
                  OnCurve("A", "x-axis"), OnCurve("B", "x-axis"), OnCurve("M", "x-axis")]
        axes = plane(list(pts.values()), {"f": (f, True)}, claims)
        if not leaks(area, axes) and not leaks(abs(k), axes):
            break
    scene = Scene(
        points=pts,
        labeled=["A", "B", "V"],
        construction=Construction(
            "draw the axis of symmetry from V down to M on AB, and the sides VA and VB",
            segments=[Segment("V", "M"), Segment("V", "A"), Segment("V", "B")] + ([Segment("O", "V")] if ask == "origin" else []),
            points=["M"],
            right_marks=[RightMark("A", "M", "V")],
        ),
        coordinate_plane=axes,
    )
    return Draft(
        title="A parabola, its x-intercepts and its vertex",
        scene=scene,
        question=parts("A parabola meets the x-axis at A and B, and V is its vertex.",
                       [f"the parabola is {_equation(form, f, a, p, q)}"], VERTEX_ASKS[ask][0],
                       premises="O is the origin." if ask == "origin" else ()),
        answer=area,
        target=VERTEX_ASKS[ask][1],
        givens=[],
        reasoning=[
            "The vertex lies on the axis of symmetry, which meets AB at its midpoint M at a right angle.",
            "VA is the hypotenuse of the right triangle AMV." if ask in ("side", "perimeter")
            else "VM is the height of triangle ABV on AB." if ask in ("area", "height") else "OV joins the origin to the vertex.",
        ],
        conclusion=[
            f"{'Factoring' if form == 'expanded' else 'In factored form'}, y = {_factored(a, p, q)}, so "
            f"A = ({num(p)}, 0), B = ({num(q)}, 0) and AB = {num(q)} − ({num(p)}) = {num(d)}.",
            f"The axis of symmetry is halfway between them, x = ({num(p)} + {num(q)})/2 = {num(h)}, where "
            f"y = {_factored_at(a, p, q, h)} = {num(k)}, so V = ({num(h)}, {num(k)}) and the height VM = {num(abs(k))}.",
            {"side": lambda: f"In the right triangle AMV, AM = {num(d / 2)}, so VA = √(AM² + VM²) = {surd(area)}.",
             "area": lambda: f"Area of ABV = ½·AB·VM = ½·{num(d)}·{num(abs(k))} = {num(area)}.",
             "perimeter": lambda: f"In the right triangle AMV, AM = {num(d / 2)}, so VA = VB = √(AM² + VM²) = "
                                  f"{surd(va)}; the perimeter is {num(d)} + 2·{surd(va)}.",
             "origin": lambda: f"OV = √({base(h)}² + {base(k)}²) = {surd(area)}.",
             "height": lambda: f"The distance from V to the x-axis is |{num(k)}| = {num(area)}."}[ask](),
        ],
        difficulty=Difficulty(hops=3, constructions=1),
        params={"a": str(a), "p": str(p), "q": str(q), "ask": ask, "form": form},
    )


# The asks of the vertex-triangle problem: words, then the measure.
VERTEX_ASKS = {"side": ("the length VA", Measure("length", ("V", "A"))),
               "area": ("the area of triangle ABV", Measure("area", ("A", "B", "V"))),
               "perimeter": ("the perimeter of triangle ABV", Measure("perimeter", ("A", "B", "V"))),
               "origin": ("the distance from the origin O to the vertex V", Measure("length", ("O", "V"))),
               "height": ("the distance from the vertex V to the x-axis", Measure("length", ("V", "M")))}


def _equation(form: str, f, a, p, q) -> str:
    """The parabola as the question states it: expanded or factored."""
    if form == "factored":
        return "y = " + _factored(a, p, q)
    return graph_text(f)


@register_generator("analytic.area_parabola_line", DOMAIN)
def area_parabola_line(rng: random.Random) -> Draft:
    """A parabola and a line meeting at A and B: the enclosed area is |a|(x_B − x_A)³/6."""
    while True:
        a = rng.choice(LEADING)
        x1 = rng.randint(-5, 3)
        d = rng.randint(2, 5)
        x2 = x1 + d
        m, n = rng.choice(SLOPES), rng.randint(-4, 4)
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
        question=parts("A parabola and a line intersect at A and B.",
                       [f"the parabola is {graph_text(f)}", f"the line is {graph_text(g)}"],
                       "the area of the region enclosed by the parabola and the line"),
        answer=area,
        target=Measure("area_between", (upper, lower, "A", "B")),
        givens=[],
        reasoning=[
            "The enclosed region lies between the two intersection points; its area is the integral of the "
            "gap between the upper and the lower curve.",
            "Seeing which curve is on top between A and B fixes the sign of the integrand.",
        ],
        conclusion=[
            f"Setting the two equal: {poly_text(f)} − ({poly_text(g)}) = {poly_gap(f, g)} = {_factored(a, x1, x2)} = 0, "
            f"so A and B have x = {x1} and x = {x2}.",
            f"Between them the {top} lies above, and the gap is {num(abs(a))}·(x − {num(x1)})({x2} − x).".replace("− −", "+ "),
            f"Area = ∫ from {x1} to {x2} of the gap = {num(abs(a))}·{d}³/6 = {num(area)}.",
        ],
        difficulty=Difficulty(hops=3, constructions=1),
        params={"a": str(a), "x1": x1, "x2": x2, "m": str(m), "n": n},
    )


def poly_gap(f: sp.Expr, g: sp.Expr) -> str:
    """f − g as text: the quadratic whose roots are the intersections."""
    from flywheel.domains.analytic_geometry.plot import poly_text

    return poly_text(f - g)
