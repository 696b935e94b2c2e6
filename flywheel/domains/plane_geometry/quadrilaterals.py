"""Quadrilateral problems: parallelogram and trapezoid areas (heights), the midline theorem."""

from __future__ import annotations

import random

import sympy as sp

from flywheel.core.answers import to_latex
from flywheel.core.records import Difficulty
from flywheel.domains.plane_geometry import DOMAIN
from flywheel.domains.registry import register_generator
from flywheel.render.draft import Draft, Given, angle, length, orient, parts
from flywheel.render.scene.exact import P, choice_triple, midpoint, polygon_angles_ok
from flywheel.render.scene.model import (
    AngleMark,
    Construction,
    Measure,
    RightMark,
    Scene,
    Segment,
)

L = Measure
SIN_COS = {30: (sp.Rational(1, 2), sp.sqrt(3) / 2), 45: (sp.sqrt(2) / 2, sp.sqrt(2) / 2), 60: (sp.sqrt(3) / 2, sp.Rational(1, 2))}


def _quad(names: str) -> list[Segment]:
    return [Segment(a, b) for a, b in zip(names, names[1:] + names[0], strict=True)]


@register_generator("plane.parallelogram_area", DOMAIN)
def parallelogram_area(rng: random.Random) -> Draft:
    while True:
        theta = rng.choice([30, 45, 60])
        sin, cos = SIN_COS[theta]
        a, b = rng.randint(4, 70), rng.randint(3, 60)
        ah = b * float(cos)  # the foot H lies on AB at AH = b·cos A: keep it clear of both A and B
        if 0.2 * a <= ah <= 0.75 * a and b * float(sin) >= 0.3 * a:
            break
    d = (b * cos, b * sin)
    pts = {"A": P(0, 0), "B": P(a, 0), "C": (a + d[0], d[1]), "D": d, "H": (d[0], sp.Integer(0))}
    scene = Scene(
        points=pts,
        segments=_quad("ABCD"),
        angle_marks=[AngleMark("B", "A", "D")],
        labeled=["A", "B", "C", "D"],
        construction=Construction("drop the height DH from D to AB", [Segment("D", "H")], ["H"],
                                  [RightMark("D", "H", "B")]),
    )
    h = b * sin
    area = sp.expand(a * h)
    ask_area = rng.random() < 0.6  # the area, or the distance between the sides AB and CD
    steps = [f"In right triangle AHD, DH = AD·sin {theta}° = {to_latex(h)}."]
    if ask_area:
        steps.append(f"Area = AB · DH = {a} · {to_latex(h)} = {to_latex(area)}.")
    return Draft(
        title="Parallelogram ABCD",
        scene=orient(scene, rng),
        question=parts("ABCD is a parallelogram.", [f"AB = {a}", f"AD = {b}", f"∠DAB = {theta}°"],
                       "the area of ABCD" if ask_area else "the distance between the lines AB and CD",
                       context=["A flower bed ABCD is laid out as a parallelogram."]),
        answer=area if ask_area else h,
        target=L("area", ("A", "B", "C", "D")) if ask_area else L("length", ("D", "H")),
        givens=[length("AB", a), length("AD", b), angle("DAB", theta)],
        reasoning=["The area of a parallelogram is base × height; the height on AB is not drawn."],
        conclusion=steps,
        difficulty=Difficulty(hops=1 + ask_area, constructions=1),
        params={"a": a, "b": b, "theta": theta, "area": ask_area},
    )


@register_generator("plane.trapezoid_area", DOMAIN)
def trapezoid_area(rng: random.Random) -> Draft:
    while True:
        o, h, leg = choice_triple(rng, 100)
        top = rng.randint(3, 90)
        a = top + 2 * o
        # base angles 35°–70°, the feet H and K apart, a height neither squat nor towering
        if 0.7 <= h / o <= 2.75 and top >= 0.2 * a and 0.3 <= h / a <= 1.0 and a <= 200:
            break
    pts = {"A": P(0, 0), "B": P(a, 0), "C": P(a - o, h), "D": P(o, h), "H": P(o, 0), "K": P(a - o, 0)}
    scene = Scene(
        points=pts,
        segments=_quad("ABCD"),
        labeled=["A", "B", "C", "D"],
        construction=Construction(
            "drop the heights DH and CK from D and C to AB",
            [Segment("D", "H"), Segment("C", "K")], ["H", "K"],
            [RightMark("D", "H", "A"), RightMark("C", "K", "B")],
        ),
    )
    area = sp.Rational((a + top) * h, 2)
    ask_area = rng.random() < 0.6  # the area, or its height
    return Draft(
        title="Isosceles trapezoid ABCD",
        scene=orient(scene, rng),
        question=parts("ABCD is an isosceles trapezoid with bases AB and CD.", [f"AB = {a}", f"CD = {top}", f"AD = BC = {leg}"],
                       "the area of ABCD" if ask_area else "the distance between the bases AB and CD",
                       context=["The gable end ABCD of a roof is an isosceles trapezoid with parallel edges AB and CD."]),
        answer=area if ask_area else sp.Integer(h),
        target=L("area", ("A", "B", "C", "D")) if ask_area else L("length", ("D", "H")),
        givens=[length("AB", a), length("CD", top), length("AD", leg)],
        reasoning=["The area needs the height, which the two heights from D and C show."],
        conclusion=[
            f"HK = CD = {top}, so AH = KB = ({a} − {top})/2 = {o}.",
            f"In right triangle AHD, DH = √({leg}² − {o}²) = {h}.",
        ] + ([f"Area = (AB + CD)/2 · DH = ({a} + {top})/2 · {h} = {to_latex(area)}."] if ask_area else []),
        difficulty=Difficulty(hops=2 + ask_area, constructions=2),
        params={"a": a, "top": top, "o": o, "h": h, "area": ask_area},
    )


@register_generator("plane.midline_varignon", DOMAIN)
def varignon(rng: random.Random) -> Draft:
    """Midpoints of a quadrilateral's sides: each side of EFGH is half a diagonal (midline theorem)."""
    while True:
        ac = rng.randint(6, 150)
        dx, dy, bd = choice_triple(rng, 200)
        yb = rng.randint(max(1, round(0.3 * dy)), max(1, round(0.7 * dy)))
        xb = rng.randint(round(0.2 * ac), round(0.8 * ac))
        xd = xb + dx if rng.random() < 0.5 else xb - dx
        pts = {"A": P(0, 0), "B": P(xb, -yb), "C": P(ac, 0), "D": P(xd, dy - yb)}
        # the diagonals cross at ≥ 40° (EFGH's angles) and every triangle the diagonals cut off is
        # well shaped: the midlines and diagonals then meet the sides at clear angles, no stubs
        if (dy >= 0.84 * dx and 0.15 * ac < xd < 0.85 * ac and 0.6 <= bd / ac <= 1.6
                and all(polygon_angles_ok([pts[k] for k in tri], 22) for tri in ("ABC", "ACD", "ABD", "BCD"))):
            break
    for m, (p, q) in zip("EFGH", ["AB", "BC", "CD", "DA"], strict=True):
        pts[m] = midpoint(pts[p], pts[q])
    scene = Scene(
        points=pts,
        segments=_quad("ABCD") + _quad("EFGH"),
        labeled=list("ABCDEFGH"),
        construction=Construction("draw the diagonals AC and BD", [Segment("A", "C"), Segment("B", "D")]),
    )
    backward = rng.random() < 0.4  # the perimeter from the diagonals, or one diagonal from the perimeter
    if backward:
        question = parts("E, F, G, H are the midpoints of the sides AB, BC, CD, DA of quadrilateral ABCD.",
                         [f"the diagonal AC = {ac}", f"the perimeter of EFGH is {ac + bd}"], "BD")
        answer, target = sp.Integer(bd), L("length", ("B", "D"))
        givens = [length("AC", ac), Given(L("perimeter", ("E", "F", "G", "H")), sp.Integer(ac + bd))]
        last = f"So the perimeter is AC + BD, and BD = {ac + bd} − {ac} = {bd}."
    else:
        question = parts("E, F, G, H are the midpoints of the sides AB, BC, CD, DA of quadrilateral ABCD.",
                         [f"the diagonal AC = {ac}", f"the diagonal BD = {bd}"], "the perimeter of EFGH")
        answer, target = sp.Integer(ac + bd), L("perimeter", ("E", "F", "G", "H"))
        givens = [length("AC", ac), length("BD", bd)]
        last = f"Perimeter = AC + BD = {ac} + {bd} = {ac + bd}."
    return Draft(
        title="Quadrilateral ABCD and the midpoint quadrilateral EFGH",
        scene=orient(scene, rng),
        question=question,
        answer=answer,
        target=target,
        givens=givens,
        reasoning=["Each side of EFGH joins midpoints of two sides of a triangle cut off by a diagonal."],
        conclusion=[
            "In △ABC, EF is a midline, so EF = AC/2; likewise HG = AC/2.",
            "In △ABD and △CBD, EH = FG = BD/2.",
            last,
        ],
        difficulty=Difficulty(hops=2 + backward, constructions=2),
        params={"ac": ac, "bd": bd, "xb": xb, "yb": yb, "xd": xd, "backward": backward},
    )
