"""Linear functions: a line given by two points, its intercepts and the triangle it cuts off the axes."""

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
    rise_run,
    surd,
)
from flywheel.domains.registry import register_generator
from flywheel.render.draft import Draft, parts
from flywheel.render.scene.coords import Hatch, OnCurve, X
from flywheel.render.scene.exact import P
from flywheel.render.scene.model import Construction, Measure, RightMark, Scene, Segment

COORDS = [v for v in range(-6, 7) if v != 0]


def _draw_line(rng: random.Random):
    """Two lattice points off the axes whose line has both intercepts away from the origin and from them."""
    while True:
        xa, xb = sorted(rng.sample(COORDS, 2))
        ya, yb = rng.sample(COORDS, 2)
        a, b = P(xa, ya), P(xb, yb)
        run, rise, m = rise_run(a, b)
        q = a[1] - m * a[0]
        if q == 0 or abs(run) < 2 or abs(rise) < 2:
            continue
        p = -q / m
        if not (1 <= abs(p) <= 7 and 1 <= abs(q) <= 7):
            continue
        pts = [a, b, (p, sp.Integer(0)), (sp.Integer(0), q)]
        if min(float(sp.sqrt((u[0] - v[0]) ** 2 + (u[1] - v[1]) ** 2)) for i, u in enumerate(pts) for v in pts[i + 1 :]) >= 1.2:
            return a, b, m, p, q


@register_generator("analytic.line_axes_triangle", DOMAIN)
def line_axes_triangle(rng: random.Random) -> Draft:
    """The line through A and B meets the axes at P and Q: area of OPQ = |OP|·|OQ|/2 (slope from rise over run)."""
    ask = rng.choice(list(AXES_ASKS))  # which measure of triangle OPQ, each from the two intercepts
    while True:
        a, b, m, p, q = _draw_line(rng)
        pq = sp.sqrt(p * p + q * q)
        area = {"area": sp.Abs(p * q) / 2, "hypotenuse": pq, "distance": sp.Abs(p * q) / pq}[ask]
        foot = (-m * q / (1 + m * m), q / (1 + m * m))  # the foot H of the perpendicular from O to l
        pts = {"A": a, "B": b, "P": (p, sp.Integer(0)), "Q": (sp.Integer(0), q), "O": P(0, 0), "C": (b[0], a[1]),
               "H": (sp.nsimplify(foot[0]), sp.nsimplify(foot[1]))}
        claims = [OnCurve(n, "l") for n in "ABPQH"] + [OnCurve("P", "x-axis"), OnCurve("Q", "y-axis")]
        axes = plane(list(pts.values()), {"l": (m * X + q, False)}, claims)
        # H keeps clear of the other marked points, so its label and right-angle mark have room
        clear = ask != "distance" or all(
            max(abs(pts["H"][0] - v[0]), abs(pts["H"][1] - v[1])) >= 1 for n, v in pts.items() if n in "ABPQO")
        if not leaks(area, axes) and clear:
            break
    run, rise, _ = rise_run(a, b)
    scene = Scene(
        points=pts,
        labeled=["A", "B", "P", "Q"],
        construction=Construction(
            "draw the run and rise from A to B and hatch triangle OPQ"
            + (", and drop the perpendicular OH to l" if ask == "distance" else ""),
            segments=[Segment("A", "C"), Segment("C", "B")] + ([Segment("O", "H")] if ask == "distance" else []),
            points=["H"] if ask == "distance" else [],
            right_marks=[RightMark("A", "C", "B")] + ([RightMark("O", "H", "P")] if ask == "distance" else []),
            hatches=[Hatch("l", "x-axis", sp.Min(0, p), sp.Max(0, p))],
        ),
        coordinate_plane=axes,
    )
    return Draft(
        title="A line through two points and the triangle it cuts off the coordinate axes",
        scene=scene,
        question=parts(["The line l passes through A and B.", "It meets the x-axis at P and the y-axis at Q."],
                       [point_fact("A", a), point_fact("B", b)], AXES_ASKS[ask][0],
                       premises="O is the origin."),
        answer=area,
        target=AXES_ASKS[ask][1],
        givens=point_givens("A", a) + point_givens("B", b),
        reasoning=[
            "Triangle OPQ has a right angle at O, so its area is half the product of the intercepts OP and OQ.",
            "The intercepts follow from the line's slope, which the run and rise between A and B show.",
        ],
        conclusion=[
            f"From A to B the line runs {num(run)} and rises {num(rise)}, so its slope is {num(m)}.",
            f"Through A this gives l: y = {num(m)}·(x − {base(a[0])}) + {base(a[1])} = {graph_text(m * X + q)[4:]}, "
            f"so Q = (0, {num(q)}) and P = ({num(p)}, 0).",
            {"area": lambda: f"Area of OPQ = ½·OP·OQ = ½·{num(abs(p))}·{num(abs(q))} = {num(area)}.",
             "hypotenuse": lambda: f"PQ = √(OP² + OQ²) = √({num(p * p)} + {num(q * q)}) = {surd(pq)}.",
             "distance": lambda: f"PQ = √({num(p * p)} + {num(q * q)}) = {surd(pq)}, and twice the area of OPQ is "
                                 f"OP·OQ = PQ·OH, so OH = ({num(abs(p * q))})/({surd(pq)}) = {surd(area)}."}[ask](),
        ],
        difficulty=Difficulty(hops=3, constructions=2),
        params={"A": [int(a[0]), int(a[1])], "B": [int(b[0]), int(b[1])], "ask": ask},
    )


# The measures of triangle OPQ asked (in words the duplicate key keeps apart): words, then the measure.
AXES_ASKS = {"area": ("the area of triangle OPQ", Measure("area", ("O", "P", "Q"))),
             "hypotenuse": ("the length of the segment PQ that the axes cut off l", Measure("length", ("P", "Q"))),
             "distance": ("the distance from the origin O to the line l", Measure("length", ("O", "H")))}
