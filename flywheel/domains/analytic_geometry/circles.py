"""Circles and lines: the chord x² + y² = r² cuts from a line, via the perpendicular from the centre."""

from __future__ import annotations

import math
import random

import sympy as sp

from flywheel.core.records import Difficulty
from flywheel.domains.analytic_geometry import DOMAIN
from flywheel.domains.analytic_geometry.plot import MINUS, leaks, num, surd
from flywheel.domains.registry import register_generator
from flywheel.render.draft import Draft, parts
from flywheel.render.scene.coords import CoordinatePlane, OnCurve, X, ellipse, graph
from flywheel.render.scene.model import Construction, Measure, RightMark, Scene, Segment


def line_text(a: int, b: int, c: int) -> str:
    """ax + by = c as printed: 3x − 4y = 10, x + 2y = −5, y = 3."""
    def term(k: int, v: str, first: bool) -> str:
        body = v if abs(k) == 1 else f"{abs(k)}{v}"
        return (MINUS if k < 0 else "") + body if first else f" {MINUS if k < 0 else '+'} {body}"

    left = (term(a, "x", True) + term(b, "y", False)) if a else term(b, "y", True)
    return f"{left} = {num(c)}"


@register_generator("analytic.circle_chord", DOMAIN)
def circle_chord(rng: random.Random) -> Draft:
    """Distance d = |c|/√(a² + b²) from O to the line; the chord is 2√(r² − d²), the triangle OAB has area d·√(r² − d²)."""
    ask_area = rng.random() < 0.5
    while True:
        r2 = rng.randint(4, 40)
        a, b, c = rng.randint(-3, 3), rng.randint(1, 3), rng.randint(-9, 9)
        n2 = a * a + b * b
        d2 = sp.Rational(c * c, n2)
        if a < 0:
            a, b, c = -a, -b, -c  # a textbook leads with a positive x term: 3x − 2y = −7
        if c == 0 or math.gcd(a, b, c) != 1 or not (0.12 * r2 <= d2 <= 0.6 * r2):
            continue
        s = sp.sqrt((r2 - d2) / n2)  # half the chord over √(a² + b²)
        m = (sp.Rational(a * c, n2), sp.Rational(b * c, n2))
        pa, pb = (m[0] + s * b, m[1] - s * a), (m[0] - s * b, m[1] + s * a)
        answer = sp.sqrt((r2 - d2) * d2) if ask_area else 2 * sp.sqrt(r2 - d2)
        rad = math.sqrt(r2)
        lim = math.ceil(rad + 1.5)
        claims = [OnCurve(p, cv) for p in "AB" for cv in ("C", "l")] + [OnCurve("M", "l")]
        curves = [ellipse("C", sp.sqrt(r2), sp.sqrt(r2), f"x² + y² = {r2}"),
                  graph("l", (c - a * X) / sp.Integer(b), -lim, lim, label=line_text(a, b, c))]
        axes = CoordinatePlane(-lim, lim, -lim, lim, curves, claims)
        if not leaks(answer, axes):
            break
    scene = Scene(
        points={"A": pa, "B": pb, "M": m, "O": (sp.Integer(0), sp.Integer(0))},
        labeled=["A", "B"],
        construction=Construction(
            "draw the perpendicular OM from the centre to the line and the radius OA" + (" and OB" if ask_area else ""),
            segments=[Segment("O", "M"), Segment("O", "A")] + ([Segment("O", "B")] if ask_area else []),
            points=["M"], right_marks=[RightMark("O", "M", "A")],
        ),
        coordinate_plane=axes,
    )
    half = sp.sqrt(r2 - d2)
    last = (f"Area of OAB = ½·AB·OM = OM·AM = {surd(sp.sqrt(d2))}·{surd(half)} = {surd(answer)}." if ask_area
            else f"AB = 2·AM = {surd(answer)}.")
    return Draft(
        title="A circle centred at the origin and a chord cut off by a line",
        scene=scene,
        question=parts("A line meets a circle centred at the origin O at A and B.",
                       [f"the line is {line_text(a, b, c)}", f"the circle is x² + y² = {r2}"],
                       "the area of triangle OAB" if ask_area else "the length of the chord AB"),
        answer=answer,
        target=Measure("area", ("O", "A", "B")) if ask_area else Measure("length", ("A", "B")),
        givens=[],
        reasoning=[
            "The perpendicular from the centre O to a chord bisects it, so half the chord, the distance OM and the "
            "radius OA form a right triangle.",
        ],
        conclusion=[
            f"The radius is OA = {surd(sp.sqrt(r2))}, and the distance from O to the line is "
            f"OM = |{num(c)}|/√({abs(a)}² + {abs(b)}²) = {surd(sp.sqrt(d2))}.",
            f"AM = √(OA² − OM²) = √({r2} − {num(d2)}) = {surd(half)}.",
            last,
        ],
        difficulty=Difficulty(hops=3, constructions=2),
        params={"r2": r2, "a": a, "b": b, "c": c, "ask": "area" if ask_area else "length"},
    )
