"""Cubic functions: the tangent at a point meets the curve again where f − tangent has its single root."""

from __future__ import annotations

import random

import sympy as sp

from flywheel.core.records import Difficulty
from flywheel.domains.analytic_geometry import DOMAIN
from flywheel.domains.analytic_geometry.plot import (
    graph_text,
    leaks,
    num,
    plane,
    point_fact,
    point_givens,
    poly_text,
    surd,
)
from flywheel.domains.registry import register_generator
from flywheel.render.draft import Draft, parts
from flywheel.render.scene.coords import OnCurve, TangentAt, X
from flywheel.render.scene.model import Construction, Measure, Scene, Segment

LEADING = [sp.Integer(1), sp.Integer(-1), sp.Rational(1, 2), sp.Rational(-1, 2), sp.Rational(1, 4), sp.Rational(-1, 4)]
SLOPES = [sp.Integer(v) for v in (-2, -1, 1, 2)] + [sp.Rational(v, 2) for v in (-3, -1, 1, 3)]


def _ends(p, q, box) -> tuple:
    """The tangent drawn a little past P and Q, as far as the window allows."""
    x0, x1, y0, y1 = box
    out = []
    for a, b in ((p, q), (q, p)):
        for t in (sp.Rational(3, 10), sp.Rational(3, 20), sp.Integer(0)):
            e = (a[0] + t * (a[0] - b[0]), a[1] + t * (a[1] - b[1]))
            if x0 + 0.5 <= e[0] <= x1 - 0.5 and y0 + 0.5 <= e[1] <= y1 - 0.5:
                out.append(e)
                break
    return tuple(out)


@register_generator("analytic.cubic_tangent", DOMAIN)
def cubic_tangent(rng: random.Random) -> Draft:
    """f = g + k(x − x0)²(x − x1) touches the line g at P (x0) and crosses it at Q (x1): PQ or area OPQ."""
    ask_area = rng.random() < 0.5
    while True:
        k, m, n = rng.choice(LEADING), rng.choice(SLOPES), rng.randint(-3, 3)
        x0 = rng.randint(-3, 3)
        x1 = x0 + rng.choice([-4, -3, -2, 2, 3, 4])
        g = m * X + n
        f = sp.expand(g + k * (X - x0) ** 2 * (X - x1))
        if any(c.q > 4 for c in sp.Poly(f, X).coeffs()) or (ask_area and n == 0):
            continue
        p, q = (sp.Integer(x0), g.subs(X, x0)), (sp.Integer(x1), g.subs(X, x1))
        if 0 in (x0, x1, p[1], q[1]):
            continue  # P or Q on an axis: OP or OQ would retrace the axis, and the labels crowd the ticks
        xe = x0 + sp.Rational(2 * (x1 - x0), 3)  # the bump of f − g between P and Q
        answer = sp.Rational(abs(n * (x1 - x0)), 2) if ask_area else abs(x1 - x0) * sp.sqrt(1 + m * m)
        if max(abs(p[1]), abs(q[1]), abs(f.subs(X, xe))) > 7 or abs(x1) > 6:
            continue
        axes = plane([p, q, (xe, f.subs(X, xe))], {"f": (f, True)}, [], pad=1.2)
        box = (axes.xmin, axes.xmax, axes.ymin, axes.ymax)
        ends = _ends(p, q, box)
        if len(ends) == 2 and not leaks(answer, axes) and max(box[1] - box[0], box[3] - box[2]) <= 14:
            break
    axes.claims = [OnCurve("P", "f"), OnCurve("Q", "f"), TangentAt("P", "Q", "f"), TangentAt("P", "E", "f")]
    scene = Scene(
        points={"P": p, "Q": q, "E": ends[0], "F": ends[1], "O": (sp.Integer(0), sp.Integer(0))},
        labeled=["P"],
        construction=Construction(
            "draw the tangent at P on to where it meets the curve again at Q" + (" and join OP, OQ" if ask_area else ""),
            segments=[Segment("E", "F")] + ([Segment("O", "P"), Segment("O", "Q")] if ask_area else []),
            points=["Q"],
        ),
        coordinate_plane=axes,
    )
    slope = sp.diff(f, X)
    last = (f"Area of OPQ = ½·|x_P·y_Q − x_Q·y_P| = ½·|{num(p[0])}·{num(q[1])} − {num(q[0])}·{num(p[1])}| = {num(answer)}."
            if ask_area else f"PQ = |{num(x1)} − {num(x0)}|·√(1 + ({num(m)})²) = {surd(answer)}.")
    return Draft(
        title="The tangent to a cubic at a point and where it meets the curve again",
        scene=scene,
        question=parts("The tangent to a cubic curve at the point P meets the curve again at Q.",
                       [f"the curve is {graph_text(f)}", point_fact("P", p)],
                       "the area of triangle OPQ" if ask_area else "the length PQ",
                       premises="O is the origin." if ask_area else ()),
        answer=answer,
        target=Measure("area", ("O", "P", "Q")) if ask_area else Measure("length", ("P", "Q")),
        givens=point_givens("P", p),
        reasoning=[
            "The tangent touches the cubic at P, so x_P is a double root of f(x) − (tangent); the third root is "
            "where the tangent meets the curve again.",
        ],
        conclusion=[
            f"y′ = {poly_text(slope)}, so the slope at P is {num(m)} and the tangent is {graph_text(g)}.",
            f"f(x) − ({poly_text(g)}) = {poly_text(f - g)} = {num(k)}(x − {num(x0)})²(x − {num(x1)}), so Q = "
            f"({num(x1)}, {num(q[1])}).".replace("− −", "+ ").replace("(x − 0)", "x"),
            last,
        ],
        difficulty=Difficulty(hops=3, constructions=1),
        params={"k": str(k), "m": str(m), "n": n, "x0": x0, "x1": x1, "ask": "area" if ask_area else "length"},
    )
