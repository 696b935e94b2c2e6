"""Triangle problems: Pythagoras in a rectangle, area via an altitude, and their relatives."""

from __future__ import annotations

import functools
import math
import random

import sympy as sp

from flywheel.core.answers import to_latex
from flywheel.core.records import Difficulty
from flywheel.domains.plane_geometry import DOMAIN
from flywheel.domains.registry import register_generator
from flywheel.render.draft import Draft, angle, length, orient, parts
from flywheel.render.scene.exact import (
    P,
    choice_triple,
    foot,
    intersect,
    lerp,
    polygon_angles_ok,
)
from flywheel.render.scene.model import (
    AngleMark,
    Construction,
    Measure,
    RightMark,
    Scene,
    Segment,
)

L = Measure


@functools.cache
def integer_triangles(max_side: int, min_angle: float = 28.0, heronian: bool = False) -> list[tuple[int, int, int]]:
    """Integer sides (a = BC, b = CA, c = AB) with every angle ≥ min_angle; optionally integer area."""
    out = []
    for a in range(3, max_side + 1):
        for b in range(3, max_side + 1):
            for c in range(3, max_side + 1):
                if a + b <= c or b + c <= a or a + c <= b:
                    continue
                cosines = [(b * b + c * c - a * a) / (2 * b * c), (a * a + c * c - b * b) / (2 * a * c),
                           (a * a + b * b - c * c) / (2 * a * b)]
                if max(cosines) > math.cos(math.radians(min_angle)):
                    continue
                sq = (a + b + c) * (-a + b + c) * (a - b + c) * (a + b - c)  # 16·area²
                if heronian and math.isqrt(sq) ** 2 != sq:
                    continue
                out.append((a, b, c))
    return out


def place_triangle(a: int, b: int, c: int) -> dict[str, tuple]:
    """Exact coordinates with B at the origin and C on the x-axis."""
    x = sp.Rational(c * c - b * b + a * a, 2 * a)
    return {"B": P(0, 0), "C": P(a, 0), "A": (x, sp.sqrt(c * c - x * x))}


# The altitude's foot must fall well inside BC for the construction to split the triangle.
ACUTE_BASE_HERONIAN = [
    (a, b, c) for a, b, c in integer_triangles(45, heronian=True) if 0.15 * a < (c * c - b * b + a * a) / (2 * a) < 0.85 * a
]


@register_generator("plane.pythagoras", DOMAIN)
def rectangle_diagonal(rng: random.Random) -> Draft:
    a = rng.randint(3, 28)
    b = rng.randint(max(3, round(a * 0.5)), min(36, round(a * 2)))
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
        question=parts("ABCD is a rectangle.", [f"AB = {a}", f"BC = {b}"], "the length of the diagonal AC",
                       context=["A rectangular gate ABCD is braced by a straight bar along its diagonal AC.",
                                "A rectangular field ABCD is crossed by a straight path from corner A to corner C."]),
        answer=ans,
        target=L("length", ("A", "C")),
        givens=[length("AB", a), length("BC", b)],
        reasoning=["ABCD is a rectangle, so ∠ABC = 90°.", "The diagonal AC closes the right triangle ABC."],
        conclusion=[
            "In right triangle ABC the diagonal AC is the hypotenuse.",
            f"By the Pythagorean theorem AC² = AB² + BC² = {a * a} + {b * b} = {a * a + b * b},",
            f"so AC = {to_latex(ans)}.",
        ],
        difficulty=Difficulty(hops=1, constructions=1),
        params={"a": a, "b": b},
    )


@register_generator("plane.triangle_area_altitude", DOMAIN)
def area_by_altitude(rng: random.Random) -> Draft:
    a, c2, c1 = rng.choice(ACUTE_BASE_HERONIAN)  # BC, CA, AB
    pts = place_triangle(a, c2, c1)
    h, b1 = pts["A"][1], pts["A"][0]
    pts["D"] = foot(pts["A"], pts["B"], pts["C"])
    scene = Scene(
        points=pts,
        segments=[Segment("A", "B"), Segment("B", "C"), Segment("C", "A")],
        labeled=["A", "B", "C"],
        construction=Construction(
            "draw the altitude AD from A to BC", [Segment("A", "D")], ["D"], [RightMark("A", "D", "C")]
        ),
    )
    area = a * h / 2
    return Draft(
        title="Triangle ABC",
        scene=orient(scene, rng),
        question=parts("ABC is a triangle.", [f"AB = {c1}", f"AC = {c2}", f"BC = {a}"], "the area of triangle ABC",
                       context=["A triangular plot of land has corners A, B and C."]),
        answer=area,
        target=L("area", ("A", "B", "C")),
        givens=[
            length("AB", c1),
            length("AC", c2),
            length("BC", a),
        ],
        reasoning=["The area needs a height on side BC, which the figure does not show."],
        conclusion=[
            f"Let BD = x, so DC = {a} − x. Both right triangles share AD:",
            f"{c1}² − x² = {c2}² − ({a} − x)², which gives x = {to_latex(b1)} and AD = √({c1}² − x²) = {to_latex(h)}.",
            f"Area = ½ · BC · AD = ½ · {a} · {to_latex(h)} = {to_latex(area)}.",
        ],
        difficulty=Difficulty(hops=2, constructions=1),
        params={"a": a, "b": c2, "c": c1},
    )


@register_generator("plane.similar_triangles", DOMAIN)
def trapezoid_diagonals(rng: random.Random) -> Draft:
    while True:
        u, v, w = choice_triple(rng, 30)  # (horizontal run, height, diagonal AC)
        a = rng.randint(u + 2, u + 9)
        lo, hi = max(2, round(0.3 * a)), min(u - 1, round(0.75 * a))
        if lo > hi:
            continue
        c = rng.randint(lo, hi)
        p = u - c
        pts = {"A": P(0, 0), "B": P(a, 0), "C": P(p + c, v), "D": P(p, v)}
        if p >= 1 and polygon_angles_ok(list(pts.values()), 30):
            break
    pts["O"] = intersect(pts["A"], pts["C"], pts["B"], pts["D"])
    scene = Scene(
        points=pts,
        segments=[Segment("A", "B"), Segment("B", "C"), Segment("C", "D"), Segment("D", "A")],
        labeled=["A", "B", "C", "D"],
        construction=Construction("draw the diagonals AC and BD, meeting at O",
                                  [Segment("A", "C"), Segment("B", "D")], ["O"]),
    )
    ans = sp.Rational(w * a, a + c)
    return Draft(
        title="Trapezoid ABCD with AB ∥ CD",
        scene=orient(scene, rng),
        question=parts(["ABCD is a trapezoid with AB ∥ CD.", "The diagonals meet at O."],
                       [f"AB = {a}", f"CD = {c}", f"the diagonal AC = {w}"], "AO"),
        answer=ans,
        target=L("length", ("A", "O")),
        givens=[length("AB", a), length("CD", c), length("AC", w)],
        reasoning=["O is where the diagonals cross, so both diagonals have to be drawn to see the triangles at O."],
        conclusion=[
            "Since AB ∥ CD, ∠OAB = ∠OCD and ∠OBA = ∠ODC, so triangles AOB and COD are similar.",
            f"Hence AO : OC = AB : CD = {a} : {c}, and AO = AC · {a}/({a} + {c}) = {w} · {a}/{a + c} = {to_latex(ans)}.",
        ],
        difficulty=Difficulty(hops=2, constructions=2),
        params={"a": a, "c": c, "u": u, "v": v},
    )


@register_generator("plane.angle_bisector", DOMAIN)
def angle_bisector(rng: random.Random) -> Draft:
    a, c2, c1 = rng.choice(integer_triangles(20))  # BC, CA, AB
    pts = place_triangle(a, c2, c1)
    pts["D"] = lerp(pts["B"], pts["C"], sp.Rational(c1, c1 + c2))
    scene = Scene(
        points=pts,
        segments=[Segment("A", "B"), Segment("B", "C"), Segment("C", "A")],
        labeled=["A", "B", "C", "D"],
        construction=Construction("draw the bisector AD of ∠BAC", [Segment("A", "D")]),
    )
    ans = sp.Rational(a * c1, c1 + c2)
    return Draft(
        title="Triangle ABC with D on BC",
        scene=orient(scene, rng),
        question=parts("ABC is a triangle.", [f"AB = {c1}", f"AC = {c2}", f"BC = {a}"], "BD",
                       premises="The bisector of ∠BAC meets BC at D."),
        answer=ans,
        target=L("length", ("B", "D")),
        givens=[length("AB", c1), length("AC", c2), length("BC", a)],
        reasoning=["D is defined by the bisector of ∠BAC, which is not drawn yet."],
        conclusion=[
            f"By the angle-bisector theorem BD : DC = AB : AC = {c1} : {c2}.",
            f"So BD = BC · {c1}/({c1} + {c2}) = {a} · {c1}/{c1 + c2} = {to_latex(ans)}.",
        ],
        difficulty=Difficulty(hops=1, constructions=1),
        params={"a": a, "b": c2, "c": c1},
    )


@register_generator("plane.law_of_cosines", DOMAIN)
def law_of_cosines(rng: random.Random) -> Draft:
    while True:
        theta = rng.choice([60, 120])
        a, b = rng.randint(3, 16), rng.randint(3, 16)
        cos = sp.Rational(1, 2) if theta == 60 else -sp.Rational(1, 2)
        pts = {"C": P(0, 0), "B": P(a, 0), "A": (b * cos, b * sp.sqrt(3) / 2)}
        # for 60° the foot H = (b/2, 0) must fall well inside BC, not on or beyond B
        if polygon_angles_ok(list(pts.values()), 25) and (theta == 120 or 5 * b <= 8 * a):
            break
    pts["H"] = (pts["A"][0], sp.Integer(0))
    segs = [Segment("A", "H")] + ([Segment("C", "H")] if theta == 120 else [])
    where = "on BC" if theta == 60 else "on the extension of BC beyond C"
    scene = Scene(
        points=pts,
        segments=[Segment("A", "B"), Segment("B", "C"), Segment("C", "A")],
        angle_marks=[AngleMark("B", "C", "A")],
        labeled=["A", "B", "C"],
        construction=Construction(f"drop the altitude AH from A to line BC (H {where})", segs, ["H"],
                                  [RightMark("A", "H", "B")]),
    )
    ans = sp.sqrt(a * a + b * b - 2 * a * b * cos)
    ch = sp.Rational(b, 2)
    bh = a - ch if theta == 60 else a + ch
    return Draft(
        title="Triangle ABC",
        scene=orient(scene, rng),
        question=parts("ABC is a triangle.", [f"CA = {b}", f"CB = {a}", f"∠ACB = {theta}°"], "AB",
                       context=["Two straight roads leave a village C towards towns A and B."]),
        answer=ans,
        target=L("length", ("A", "B")),
        givens=[angle("ACB", theta), length("CA", b), length("CB", a)],
        reasoning=["Two sides and the included angle are known; a right triangle would let me use Pythagoras."],
        conclusion=[
            f"In right triangle AHC the angle at C is 60°, so CH = CA/2 = {to_latex(ch)} and AH = CA·√3/2 = {to_latex(b * sp.sqrt(3) / 2)}.",
            (f"Then BH = |CB − CH| = |{a} − {to_latex(ch)}| = {to_latex(abs(bh))}" if theta == 60 else
             f"Then BH = CB + CH = {a} + {to_latex(ch)} = {to_latex(bh)}")
            + f", and AB² = AH² + BH² = {to_latex(sp.Rational(3 * b * b, 4) + bh**2)},",
            f"so AB = {to_latex(ans)} (the law of cosines: AB² = a² + b² − 2ab·cos C).",
        ],
        difficulty=Difficulty(hops=2, constructions=1),
        params={"a": a, "b": b, "theta": theta},
    )
