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
from flywheel.render.draft import Draft, Slip, angle, length, orient, parts
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
@functools.cache
def acute_base(max_side: int) -> list[tuple[int, int, int]]:
    return [(a, b, c) for a, b, c in integer_triangles(max_side) if 0.15 * a < (c * c - b * b + a * a) / (2 * a) < 0.85 * a]


RECTANGLE = "ABCD is a rectangle."
RECTANGLE_SETTINGS = ["A rectangular gate ABCD is braced by a straight bar along its diagonal AC.",
                      "A rectangular field ABCD is crossed by a straight path from corner A to corner C."]


@register_generator("plane.pythagoras", DOMAIN)
def rectangle_diagonal(rng: random.Random) -> Draft:
    """A rectangle, its sides and diagonal: given two of AB, BC, AC find the third, or the area or perimeter."""
    ask = rng.choice(["diagonal", "side", "area", "perimeter"])
    while True:  # uniform over the pairs drawn, so no pair is likelier than another (fewer repeats)
        a, other = rng.randint(3, 120), rng.randint(3, 160)
        if ask == "diagonal":
            b = sp.Integer(other)
        elif other > a:  # the diagonal is given: BC = √(AC² − AB²)
            b = sp.sqrt(other * other - a * a)
        else:
            continue
        if 0.5 <= a / float(b) <= 2:
            break
    c = sp.sqrt(a * a + b * b)
    pts = {"A": P(0, 0), "B": P(a, 0), "C": (sp.Integer(a), b), "D": (sp.Integer(0), b)}
    scene = Scene(
        points=pts,
        segments=[Segment("A", "B"), Segment("B", "C"), Segment("C", "D"), Segment("D", "A")],
        right_marks=[RightMark("A", "B", "C")],
        labeled=["A", "B", "C", "D"],
        construction=Construction("draw the diagonal AC", [Segment("A", "C")]),
    )
    if ask == "diagonal":
        ans, target, givens = c, L("length", ("A", "C")), [length("AB", a), length("BC", b)]
        question = parts(RECTANGLE, [f"AB = {a}", f"BC = {b}"], "the length of the diagonal AC", context=RECTANGLE_SETTINGS)
        last = [f"By the Pythagorean theorem AC² = AB² + BC² = {a * a} + {b * b} = {a * a + b * b},",
                f"so AC = {to_latex(ans)}."]
    else:
        givens = [length("AB", a), length("AC", c)]
        found = [f"By the Pythagorean theorem BC² = AC² − AB² = {c * c} − {a * a} = {b * b}, so BC = {to_latex(b)}."]
        if ask == "side":
            ans, target, what = b, L("length", ("B", "C")), "BC"
        elif ask == "area":
            ans, target, what = a * b, L("area", ("A", "B", "C", "D")), "the area of ABCD"
            found.append(f"Area = AB · BC = {a} · {to_latex(b)} = {to_latex(ans)}.")
        else:
            ans, target, what = 2 * a + 2 * b, L("perimeter", ("A", "B", "C", "D")), "the perimeter of ABCD"
            found.append(f"Perimeter = 2(AB + BC) = 2({a} + {to_latex(b)}) = {to_latex(ans)}.")
        question = parts(RECTANGLE, [f"AB = {a}", f"the diagonal AC = {c}"], what, context=RECTANGLE_SETTINGS)
        last = found
    return Draft(
        title="Rectangle ABCD",
        scene=orient(scene, rng),
        question=question,
        answer=ans,
        target=target,
        givens=givens,
        reasoning=["ABCD is a rectangle, so ∠ABC = 90°.", "The diagonal AC closes the right triangle ABC."],
        conclusion=["In right triangle ABC the diagonal AC is the hypotenuse.", *last],
        difficulty=Difficulty(hops=1 + (ask in ("area", "perimeter")), constructions=1),
        params={"a": a, "b": str(b), "ask": ask},
        slips=[Slip("added the sides instead of their squares", a + b)] if ask == "diagonal" else
        [Slip("added the squares instead of subtracting them", c * c + a * a if ask != "side" else sp.sqrt(c * c + a * a)),
         Slip("took the diagonal for the side", ans.subs(b, c) if ask != "side" else c)],
    )


@register_generator("plane.triangle_area_altitude", DOMAIN)
def area_by_altitude(rng: random.Random) -> Draft:
    a, c2, c1 = rng.choice(acute_base(40))
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
    steps = [f"Let BD = x, so DC = {a} − x. Both right triangles share AD:",
             f"{c1}² − x² = {c2}² − ({a} − x)², which gives x = {to_latex(b1)} and AD = √({c1}² − x²) = {to_latex(h)}."]
    ask = rng.choice(["area", "altitude", "foot"])
    premise = "The altitude from A meets BC at D." if ask == "foot" else ()
    if ask == "area":
        answer, target, what = area, L("area", ("A", "B", "C")), "the area of triangle ABC"
        steps.append(f"Area = ½ · BC · AD = ½ · {a} · {to_latex(h)} = {to_latex(area)}.")
    elif ask == "altitude":
        answer, target, what = h, L("length", ("A", "D")), "the length of the altitude from A to BC"
    else:
        answer, target, what = b1, L("length", ("B", "D")), "BD"
    return Draft(
        title="Triangle ABC",
        scene=orient(scene, rng),
        question=parts("ABC is a triangle.", [f"AB = {c1}", f"AC = {c2}", f"BC = {a}"], what,
                       premises=premise, context=["A triangular plot of land has corners A, B and C."]),
        answer=answer,
        target=target,
        givens=[
            length("AB", c1),
            length("AC", c2),
            length("BC", a),
        ],
        reasoning=["The area needs a height on side BC, which the figure does not show."],
        conclusion=steps,
        difficulty=Difficulty(hops=1 + (ask != "foot") + (ask == "area"), constructions=1),
        params={"a": a, "b": c2, "c": c1, "ask": ask},
    )


@register_generator("plane.similar_triangles", DOMAIN)
def trapezoid_diagonals(rng: random.Random) -> Draft:
    while True:
        u, v, w = choice_triple(rng, 120)  # (horizontal run, height, diagonal AC)
        a = rng.randint(u + 2, u + max(9, u // 2))
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
    near = rng.random() < 0.5  # ask for AO, or for the other piece OC
    ans = sp.Rational(w * a, a + c) if near else sp.Rational(w * c, a + c)
    return Draft(
        title="Trapezoid ABCD with AB ∥ CD",
        scene=orient(scene, rng),
        question=parts(["ABCD is a trapezoid with AB ∥ CD.", "The diagonals meet at O."],
                       [f"AB = {a}", f"CD = {c}", f"the diagonal AC = {w}"], "AO" if near else "OC"),
        answer=ans,
        target=L("length", ("A", "O") if near else ("O", "C")),
        givens=[length("AB", a), length("CD", c), length("AC", w)],
        reasoning=["O is where the diagonals cross, so both diagonals have to be drawn to see the triangles at O."],
        conclusion=[
            "Since AB ∥ CD, ∠OAB = ∠OCD and ∠OBA = ∠ODC, so triangles AOB and COD are similar.",
            f"Hence AO : OC = AB : CD = {a} : {c}, and "
            + (f"AO = AC · {a}/({a} + {c}) = {w} · {a}/{a + c} = {to_latex(ans)}." if near else
               f"OC = AC · {c}/({a} + {c}) = {w} · {c}/{a + c} = {to_latex(ans)}."),
        ],
        difficulty=Difficulty(hops=2, constructions=2),
        params={"a": a, "c": c, "u": u, "v": v, "near": near},
        slips=[Slip("used the other part of the ratio", w - ans), Slip("used AB : CD as a part of the whole", sp.Rational(w * a, c) if near else sp.Rational(w * c, a))],
    )


@register_generator("plane.angle_bisector", DOMAIN)
def angle_bisector(rng: random.Random) -> Draft:
    a, c2, c1 = rng.choice(integer_triangles(48))  # BC, CA, AB
    near = rng.random() < 0.5  # ask for BD, or for DC
    pts = place_triangle(a, c2, c1)
    pts["D"] = lerp(pts["B"], pts["C"], sp.Rational(c1, c1 + c2))
    scene = Scene(
        points=pts,
        segments=[Segment("A", "B"), Segment("B", "C"), Segment("C", "A")],
        labeled=["A", "B", "C", "D"],
        construction=Construction("draw the bisector AD of ∠BAC", [Segment("A", "D")]),
    )
    ans = sp.Rational(a * c1, c1 + c2) if near else sp.Rational(a * c2, c1 + c2)
    return Draft(
        title="Triangle ABC with D on BC",
        scene=orient(scene, rng),
        question=parts("ABC is a triangle.", [f"AB = {c1}", f"AC = {c2}", f"BC = {a}"], "BD" if near else "DC",
                       premises="The bisector of ∠BAC meets BC at D."),
        answer=ans,
        target=L("length", ("B", "D") if near else ("D", "C")),
        givens=[length("AB", c1), length("AC", c2), length("BC", a)],
        reasoning=["D is defined by the bisector of ∠BAC, which is not drawn yet."],
        conclusion=[
            f"By the angle-bisector theorem BD : DC = AB : AC = {c1} : {c2}.",
            f"So BD = BC · {c1}/({c1} + {c2}) = {a} · {c1}/{c1 + c2} = {to_latex(ans)}." if near else
            f"So DC = BC · {c2}/({c1} + {c2}) = {a} · {c2}/{c1 + c2} = {to_latex(ans)}.",
        ],
        difficulty=Difficulty(hops=1, constructions=1),
        params={"a": a, "b": c2, "c": c1, "near": near},
        slips=[Slip("matched the segments to the wrong sides", a - ans), Slip("took D for the midpoint", sp.Rational(a, 2))],
    )


# cos and sin of the included angles whose altitude foot has exact coordinates
COS_SIN = {60: (sp.Rational(1, 2), sp.sqrt(3) / 2), 120: (-sp.Rational(1, 2), sp.sqrt(3) / 2),
           45: (sp.sqrt(2) / 2, sp.sqrt(2) / 2), 135: (-sp.sqrt(2) / 2, sp.sqrt(2) / 2)}


@register_generator("plane.law_of_cosines", DOMAIN)
def law_of_cosines(rng: random.Random) -> Draft:
    """Two sides and the included angle (45°, 60°, 120° or 135°): the third side or the area."""
    while True:
        theta = rng.choice(sorted(COS_SIN))
        a, b = rng.randint(3, 60), rng.randint(3, 60)
        cos, sin = COS_SIN[theta]
        pts = {"C": P(0, 0), "B": P(a, 0), "A": (b * cos, b * sin)}
        # for an acute angle the foot H = (b·cos C, 0) must fall well inside BC, not on or beyond B;
        # at 135° the other two angles share 45°, so they may be a little narrower
        if polygon_angles_ok(list(pts.values()), 18 if theta == 135 else 24) and (theta > 90 or b * float(cos) <= 0.8 * a):
            break
    pts["H"] = (pts["A"][0], sp.Integer(0))
    segs = [Segment("A", "H")] + ([Segment("C", "H")] if theta > 90 else [])
    where = "on BC" if theta < 90 else "on the extension of BC beyond C"
    scene = Scene(
        points=pts,
        segments=[Segment("A", "B"), Segment("B", "C"), Segment("C", "A")],
        angle_marks=[AngleMark("B", "C", "A")],
        labeled=["A", "B", "C"],
        construction=Construction(f"drop the altitude AH from A to line BC (H {where})", segs, ["H"],
                                  [RightMark("A", "H", "B")]),
    )
    ch, ah = b * abs(cos), b * sin
    bh = a - ch if theta < 90 else a + ch
    side = sp.sqrt(a * a + b * b - 2 * a * b * cos)
    steps = [f"In right triangle AHC the angle at C is {min(theta, 180 - theta)}°, so CH = {to_latex(ch)} and "
             f"AH = {to_latex(ah)}."]
    if rng.random() < 0.65:
        ans, target, what = side, L("length", ("A", "B")), "AB"
        steps += [f"Then BH = {to_latex(bh)}, and AB² = AH² + BH² = {to_latex(sp.expand(ah**2 + bh**2))},",
                  f"so AB = {to_latex(ans)} (the law of cosines: AB² = a² + b² − 2ab·cos C)."]
    else:
        ans, target, what = sp.expand(a * ah / 2), L("area", ("A", "B", "C")), "the area of triangle ABC"
        steps.append(f"AH is the height on CB, so the area is ½ · {a} · {to_latex(ah)} = {to_latex(ans)}.")
    return Draft(
        title="Triangle ABC",
        scene=orient(scene, rng),
        question=parts("ABC is a triangle.", [f"CA = {b}", f"CB = {a}", f"∠ACB = {theta}°"], what,
                       context=["Two straight roads leave a village C towards towns A and B."]),
        answer=ans,
        target=target,
        givens=[angle("ACB", theta), length("CA", b), length("CB", a)],
        reasoning=["Two sides and the included angle are known; a right triangle would let me use Pythagoras."],
        conclusion=steps,
        difficulty=Difficulty(hops=2, constructions=1),
        params={"a": a, "b": b, "theta": theta, "area": target.kind == "area"},
        slips=[Slip("took the wrong sign of cos C", sp.sqrt(a * a + b * b + 2 * a * b * cos)),
               Slip("used Pythagoras as if ∠C were right", sp.sqrt(a * a + b * b))] if target.kind == "length" else
        [Slip("used the side instead of the height", sp.Rational(a * b, 2)), Slip("forgot the ½", a * ah)],
    )
