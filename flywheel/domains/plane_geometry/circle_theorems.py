"""Circle theorems a solver sees by drawing: Thales (angle in a semicircle) and equal tangent segments."""

from __future__ import annotations

import math
import random

import sympy as sp

from flywheel.core.answers import to_latex
from flywheel.core.records import Difficulty
from flywheel.domains.plane_geometry import DOMAIN
from flywheel.domains.registry import register_generator
from flywheel.render.draft import Draft, Given, length, orient, parts
from flywheel.render.scene.exact import P, intersect, on_circle, param_for_angle
from flywheel.render.scene.model import (
    CircleEl,
    Construction,
    Measure,
    RightMark,
    Scene,
    Segment,
)

L = Measure
TANGENT_SLOPES = sorted({sp.Rational(m, n) for n in range(2, 13) for m in range(1, n) if 0.466 <= m / n <= 0.7})


@register_generator("plane.thales", DOMAIN)
def thales(rng: random.Random) -> Draft:
    """AB a diameter, C on the circle: ∠ACB = 90°, so BC (or the area of ABC) follows by Pythagoras."""
    while True:
        r, ac = rng.randint(3, 80), rng.randint(2, 159)  # a box of pairs, filtered: each pair equally likely
        # ∠CAB between 30° and 62°: C well away from A and B, the right angle at C clearly drawn
        if 0.47 <= ac / (2 * r) <= 0.866:
            break
    bc = sp.sqrt(4 * r * r - ac * ac)
    pts = {"O": P(0, 0), "A": P(-r, 0), "B": P(r, 0)}
    pts["C"] = (-r + sp.Rational(ac * ac, 2 * r), ac * bc / (2 * r))  # AC along a ray at ∠CAB, cos = AC/AB
    scene = Scene(
        points=pts,
        segments=[Segment("A", "B"), Segment("A", "C")],
        circles=[CircleEl("O", "A")],
        labeled=["O", "A", "B", "C"],
        construction=Construction("draw the chord BC to complete triangle ABC", [Segment("B", "C")], [],
                                  [RightMark("A", "C", "B")]),
    )
    ask = rng.choice(["side", "area", "perimeter"])
    ask_area = ask != "side"
    steps = [f"By Thales' theorem ∠ACB = 90°, and AB = 2·{r} = {2 * r}.",
             f"BC = √(AB² − AC²) = √({2 * r}² − {ac}²) = {to_latex(bc)}."]
    if ask == "area":
        answer, target = ac * bc / 2, L("area", ("A", "B", "C"))
        ask = "the area of triangle ABC"
        steps.append(f"Area = ½ · AC · BC = ½ · {ac} · {to_latex(bc)} = {to_latex(answer)}.")
    elif ask == "perimeter":
        answer, target = 2 * r + ac + bc, L("perimeter", ("A", "B", "C"))
        ask = "the perimeter of triangle ABC"
        steps.append(f"Perimeter = AB + AC + BC = {2 * r} + {ac} + {to_latex(bc)} = {to_latex(answer)}.")
    else:
        answer, target, ask = bc, L("length", ("B", "C")), "BC"
    return Draft(
        title="Circle O with diameter AB",
        scene=orient(scene, rng),
        question=parts(["AB is a diameter of circle O.", "C is a point on the circle."], [f"the radius is {r}", f"AC = {ac}"], ask),
        answer=answer,
        target=target,
        givens=[length("OA", r), length("AC", ac)],
        reasoning=["C lies on a circle whose diameter is AB; the triangle ABC is not closed yet."],
        conclusion=["The angle ACB stands on the diameter AB, i.e. on a semicircle.", *steps],
        difficulty=Difficulty(hops=2 + ask_area, constructions=1),
        params={"r": r, "ac": ac, "area": ask_area, "target": target.kind},
    )


TANGENTS = ["PA and PB are tangent to circle O at A and B.",
            "The tangent at a point C of the minor arc AB meets PA at D and PB at E."]


@register_generator("plane.equal_tangents", DOMAIN)
def equal_tangents(rng: random.Random) -> Draft:
    """PA, PB tangent at A and B; the tangent at C on the minor arc cuts off triangle PDE of perimeter 2·PA."""
    # PA alone admits a few hundred problems, the radius and OP thousands: drawn in that proportion
    mode = rng.choices(["forward", "backward", "radius"], [0.15, 0.15, 0.7])[0]
    if mode == "radius":  # the radius and OP are stated: PA = √(OP² − r²) comes first
        while True:
            r, op = rng.randint(3, 120), rng.randint(5, 350)
            if 0.342 <= r / op <= 0.643:  # ∠APB between 40° and 80°, as below
                break
        t = sp.sqrt(op * op - r * r)
        pts = {"O": P(0, 0), "P": P(op, 0), "A": (sp.Rational(r * r, op), r * t / op),
               "B": (sp.Rational(r * r, op), -r * t / op)}
        # C at the middle of the arc: its tangent x = r meets PA and PB at a rational multiple of
        # PA's slope, exact without simplifying nested radicals
        u = sp.Rational(op - r, op - sp.Rational(r * r, op))
        pts |= {"C": P(r, 0), "D": (sp.Integer(r), u * pts["A"][1]), "E": (sp.Integer(r), u * pts["B"][1])}
    else:
        t = rng.randint(4, 250)  # PA: the only length the question states
        # A = r·((1 − s²), 2s)/(1 + s²) with s = tan(∠AOP/2) rational; ∠AOP from 50° to 70° keeps ∠APB
        # between 40° and 80°. Then P = (r(1 + s²)/(1 − s²), 0) and PA = 2rs/(1 − s²): choosing r from PA
        # keeps every coordinate rational.
        s = rng.choice(TANGENT_SLOPES)
        r = t * (1 - s * s) / (2 * s)
        pts = {"O": P(0, 0), "P": (r * (1 + s * s) / (1 - s * s), sp.Integer(0)), "A": on_circle(P(0, 0), r, s),
               "B": on_circle(P(0, 0), r, -s)}
        aob = math.degrees(2 * math.atan(s))  # ∠AOP: C sweeps the minor arc between −aob and aob
        phi = rng.uniform(-0.25, 0.25) * aob  # C near the middle of the arc: D and E clear of A and B
        pts["C"] = on_circle(pts["O"], r, param_for_angle(phi))
        cx, cy = pts["C"]
        tangent = (cx - cy, cy + cx)  # a second point on the tangent at C (perpendicular to OC)
        pts["D"] = intersect(pts["C"], tangent, pts["P"], pts["A"])
        pts["E"] = intersect(pts["C"], tangent, pts["P"], pts["B"])
    scene = Scene(
        points=pts,
        segments=[Segment("P", "A"), Segment("P", "B"), Segment("D", "E")],
        circles=[CircleEl("O", "A")],
        labeled=["O", "P", "A", "B", "C", "D", "E"],
        construction=Construction(
            "draw the radii OA, OC and OB to the points of tangency",
            [Segment("O", "A"), Segment("O", "C"), Segment("O", "B")], [],
            [RightMark("O", "A", "P"), RightMark("O", "C", "D"), RightMark("O", "B", "P")],
        ),
    )
    forward = mode == "forward"
    if mode == "radius":
        question = parts(TANGENTS, [f"the radius is {r}", f"OP = {op}"], "the perimeter of triangle PDE")
        answer, target, givens = 2 * t, L("perimeter", ("P", "D", "E")), [length("OA", r), length("OP", op)]
        last = f"PA = √(OP² − OA²) = √({op}² − {r}²) = {to_latex(t)}, so the perimeter is 2·PA = {to_latex(2 * t)}."
    elif forward:
        question = parts(TANGENTS, [f"PA = {t}"], "the perimeter of triangle PDE")
        answer, target, givens = sp.Integer(2 * t), L("perimeter", ("P", "D", "E")), [length("PA", t)]
        last = f"Perimeter = PA + PB = 2 · {t} = {2 * t}."
    else:
        question = parts(TANGENTS, [f"the perimeter of triangle PDE is {2 * t}"], "PA")
        answer, target = sp.Integer(t), L("length", ("P", "A"))
        givens = [Given(L("perimeter", ("P", "D", "E")), sp.Integer(2 * t))]
        last = f"So 2·PA = {2 * t} and PA = {t}."
    return Draft(
        title="Tangents PA, PB and DE to circle O",
        scene=orient(scene, rng),
        question=question,
        answer=answer,
        target=target,
        givens=givens,
        reasoning=["DE touches the circle at C, so D and E each send two tangent segments to the circle."],
        conclusion=[
            "Right triangles OAD and OCD have OA = OC and share the hypotenuse OD, so DA = DC; likewise EB = EC.",
            "Also PA = PB (right triangles OAP and OBP).",
            "PD + DE + EP = PD + DC + CE + EP = (PD + DA) + (EB + EP) = PA + PB.",
            last,
        ],
        difficulty=Difficulty(hops=3, constructions=3),
        params={"t": str(t), "r": str(r), "mode": mode, "C": [str(c) for c in pts["C"]]},
    )
