"""Tangents to graphs: the tangent at a point of a parabola, where it meets the x-axis, how long that piece is."""

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
    point_fact,
    point_givens,
    surd,
)
from flywheel.domains.registry import register_generator
from flywheel.render.draft import Draft, parts
from flywheel.render.scene.coords import OnCurve, TangentAt, X
from flywheel.render.scene.model import Construction, Measure, RightMark, Scene, Segment

LEADING = [sp.Rational(s * n, d) for s in (1, -1) for n, d in ((1, 1), (1, 2), (1, 4), (3, 4), (1, 3), (2, 3))]


@register_generator("analytic.tangent_length", DOMAIN)
def tangent_length(rng: random.Random) -> Draft:
    """Tangent at P(x0, y0) meets the x-axis at T: PT² = y0² + (y0/f'(x0))² (drop PH to the axis)."""
    while True:
        a, b, c = rng.choice(LEADING), rng.randint(-3, 3), rng.randint(-5, 5)
        x0 = sp.Rational(rng.choice([v for v in range(-8, 9) if v != 0]), 2)
        f = a * X**2 + b * X + c
        y0, s = f.subs(X, x0), sp.diff(f, X).subs(X, x0)
        if y0 == 0 or s == 0 or not (1 <= abs(y0) <= 6 and sp.Rational(1, 2) <= abs(s) <= 3):
            continue
        run = y0 / s  # from T to the foot H: the tangent falls |y0| over |y0/s|
        tx = x0 - run
        if tx == 0 or abs(run) < sp.Rational(6, 5) or abs(tx) > 7:
            continue
        pt, t = (x0, y0), (tx, sp.Integer(0))
        reach = sp.Rational(max(1, round(6 / float(abs(run)))), 4)  # the dashed tangent runs on past P
        e = (x0 + (x0 - tx) * reach, y0 + y0 * reach)
        length = sp.sqrt(y0**2 + run**2)
        pts = {"P": pt, "T": t, "H": (x0, sp.Integer(0)), "E": e}
        claims = [OnCurve("P", "f"), TangentAt("P", "T", "f"), TangentAt("P", "E", "f"),
                  OnCurve("T", "x-axis"), OnCurve("H", "x-axis")]
        axes = plane([pt, t, e, (-sp.Rational(b, 2) / a, f.subs(X, -sp.Rational(b, 2) / a))], {"f": (f, True)}, claims)
        if not leaks(length, axes) and max(axes.xmax - axes.xmin, axes.ymax - axes.ymin) <= 14:
            break
    scene = Scene(
        points=pts,
        labeled=["P"],
        construction=Construction(
            "draw the tangent at P down to T on the x-axis and drop the perpendicular PH to the x-axis",
            segments=[Segment("T", "E"), Segment("P", "H")],
            points=["T", "H"],
            right_marks=[RightMark("T", "H", "P")],
        ),
        coordinate_plane=axes,
    )
    return Draft(
        title="The tangent to a parabola at a point and where it meets the x-axis",
        scene=scene,
        question=parts("The tangent to a parabola at the point P meets the x-axis at T.",
                       [f"the parabola is {graph_text(f)}", point_fact("P", pt)], "the length PT"),
        answer=length,
        target=Measure("length", ("P", "T")),
        givens=point_givens("P", pt),
        reasoning=[
            "PT is the hypotenuse of a right triangle whose legs are the height of P above the x-axis and the "
            "horizontal run of the tangent from P down to the axis.",
            "The run follows from the slope of the tangent, the derivative at P.",
        ],
        conclusion=[
            f"The slope at P is y′({num(x0)}) = {num(s)}, and PH = |{num(y0)}| = {num(abs(y0))}.",
            f"Along the tangent the height drops {num(abs(y0))} over a run of {num(abs(y0))} ÷ {base(abs(s))} = "
            f"{num(abs(run))}, so T = ({num(x0)} {'+' if tx > x0 else '−'} {base(abs(run))}, 0) = ({num(tx)}, 0) "
            f"and HT = {num(abs(run))}.",
            f"PT = √(PH² + HT²) = √({num(y0**2)} + {num(run**2)}) = {surd(length)}.",
        ],
        difficulty=Difficulty(hops=3, constructions=2),
        params={"a": str(a), "b": b, "c": c, "x0": str(x0)},
    )
