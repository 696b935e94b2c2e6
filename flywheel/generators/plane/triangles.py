"""Triangle problems: Pythagoras in a rectangle, area via an altitude, and their relatives."""

from __future__ import annotations

import random

import sympy as sp

from flywheel.answers import to_latex
from flywheel.generators.base import Draft, Given, orient
from flywheel.generators.registry import register_generator
from flywheel.generators.scene.exact import PYTHAGOREAN_TRIPLES, P, foot
from flywheel.generators.scene.model import Construction, Measure, RightMark, Scene, Segment
from flywheel.records import Difficulty

L = Measure


def _shared_leg_pairs() -> list[tuple[int, int, int, int, int]]:
    """(h, b1, c1, b2, c2): two right triangles with a common leg h, glued along it."""
    legs: dict[int, set[tuple[int, int]]] = {}
    for a, b, c in PYTHAGOREAN_TRIPLES:
        for k in (1, 2, 3):
            legs.setdefault(k * a, set()).add((k * b, k * c))
            legs.setdefault(k * b, set()).add((k * a, k * c))
    out = []
    for h, others in legs.items():
        for b1, c1 in others:
            for b2, c2 in others:
                if h <= 24 and b1 + b2 <= 40 and 0.3 <= b1 / (b1 + b2) <= 0.7:
                    out.append((h, b1, c1, b2, c2))
    return sorted(out)


SHARED_LEG = _shared_leg_pairs()


@register_generator("plane.pythagoras", domain="plane_geometry")
def rectangle_diagonal(rng: random.Random) -> Draft:
    a = rng.randint(3, 16)
    b = rng.randint(max(3, round(a * 0.5)), min(20, round(a * 2)))
    pts = {"A": P(0, 0), "B": P(a, 0), "C": P(a, b), "D": P(0, b)}
    scene = Scene(
        points=pts,
        segments=[Segment("A", "B"), Segment("B", "C"), Segment("C", "D"), Segment("D", "A")],
        right_marks=[RightMark("A", "B", "C")],
        labeled=["A", "B", "C", "D"],
        construction=Construction("draw the diagonal AC", [Segment("A", "C")]),
    )
    ans = sp.sqrt(a * a + b * b)
    return Draft(
        title="Rectangle ABCD",
        scene=orient(scene, rng),
        question=f"In rectangle ABCD, AB = {a} and BC = {b}. Find the length of the diagonal AC.",
        answer=ans,
        target=L("length", ("A", "C")),
        givens=[Given(L("length", ("A", "B")), sp.Integer(a)), Given(L("length", ("B", "C")), sp.Integer(b))],
        reasoning=["ABCD is a rectangle, so ∠ABC = 90°.", "The diagonal AC closes the right triangle ABC."],
        conclusion=[
            "In right triangle ABC the diagonal AC is the hypotenuse.",
            f"By the Pythagorean theorem AC² = AB² + BC² = {a * a} + {b * b} = {a * a + b * b},",
            f"so AC = {to_latex(ans)}.",
        ],
        difficulty=Difficulty(hops=1, constructions=1),
        params={"a": a, "b": b},
    )


@register_generator("plane.triangle_area_altitude", domain="plane_geometry")
def area_by_altitude(rng: random.Random) -> Draft:
    h, b1, c1, b2, c2 = rng.choice(SHARED_LEG)
    pts = {"B": P(0, 0), "C": P(b1 + b2, 0), "A": P(b1, h)}
    pts["D"] = foot(pts["A"], pts["B"], pts["C"])
    scene = Scene(
        points=pts,
        segments=[Segment("A", "B"), Segment("B", "C"), Segment("C", "A")],
        labeled=["A", "B", "C"],
        construction=Construction(
            "draw the altitude AD from A to BC", [Segment("A", "D")], ["D"], [RightMark("A", "D", "C")]
        ),
    )
    area = sp.Rational((b1 + b2) * h, 2)
    a = b1 + b2
    return Draft(
        title="Triangle ABC",
        scene=orient(scene, rng),
        question=f"In triangle ABC, AB = {c1}, AC = {c2} and BC = {a}. Find the area of triangle ABC.",
        answer=area,
        target=L("area", ("A", "B", "C")),
        givens=[
            Given(L("length", ("A", "B")), sp.Integer(c1)),
            Given(L("length", ("A", "C")), sp.Integer(c2)),
            Given(L("length", ("B", "C")), sp.Integer(a)),
        ],
        reasoning=["The area needs a height on side BC, which the figure does not show."],
        conclusion=[
            f"Let BD = x, so DC = {a} - x. Both right triangles share AD:",
            f"{c1}² - x² = {c2}² - ({a} - x)², which gives x = {b1} and AD = √({c1}² - {b1}²) = {h}.",
            f"Area = ½ · BC · AD = ½ · {a} · {h} = {to_latex(area)}.",
        ],
        difficulty=Difficulty(hops=2, constructions=1),
        params={"h": h, "b1": b1, "b2": b2},
    )
