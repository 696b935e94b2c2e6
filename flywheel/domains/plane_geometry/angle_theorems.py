"""Angle theorems proved with a parallel: the exterior angle of a triangle."""

from __future__ import annotations

import random

import sympy as sp

from flywheel.core.records import Difficulty
from flywheel.domains.plane_geometry import DOMAIN
from flywheel.domains.registry import register_generator
from flywheel.render.draft import Draft, Slip, angle, orient, parts
from flywheel.render.scene.exact import P, cos_deg, sin_deg
from flywheel.render.scene.model import AngleMark, Construction, Measure, Scene, Segment

L = Measure


FACTS = ["ABC is a triangle.", "Side BC is extended beyond C to D."]


@register_generator("plane.exterior_angle", DOMAIN)
def exterior_angle(rng: random.Random) -> Draft:
    """BC extended to D: ∠ACD = ∠A + ∠B, seen through the parallel CE to BA."""
    while True:
        alpha, beta = rng.randint(25, 95), rng.randint(25, 95)
        if alpha + beta <= 155:  # ∠ACB ≥ 25°
            break
    a = rng.randint(6, 12)  # BC
    c = a * sin_deg(alpha + beta) / sin_deg(alpha)  # AB, law of sines (∠C = 180° − α − β)
    pts = {"B": P(0, 0), "C": P(a, 0), "A": (c * cos_deg(beta), c * sin_deg(beta))}
    pts["D"] = P(a + sp.Rational(rng.randint(5, 8) * a, 10), 0)
    # E on the parallel through C to BA, on A's side; CE about 0.8·min(BA, BC), a stroke of fair length
    k = sp.Rational(max(4, min(8, round(8 * a / float(c)))), 10)
    pts["E"] = (a + pts["A"][0] * k, pts["A"][1] * k)
    scene = Scene(
        points=pts,
        segments=[Segment("A", "B"), Segment("B", "C"), Segment("C", "A"), Segment("C", "D")],
        angle_marks=[AngleMark("B", "A", "C"), AngleMark("A", "B", "C"), AngleMark("A", "C", "D")],
        labeled=["A", "B", "C", "D"],
        construction=Construction("draw the ray CE through C parallel to BA", [Segment("C", "E")], ["E"]),
    )
    exterior = alpha + beta
    ask = rng.choice(["exterior", "far", "near"])  # which of ∠ACD, ∠ABC, ∠BAC is asked
    if ask == "exterior":
        question = parts(FACTS, [f"∠BAC = {alpha}°", f"∠ABC = {beta}°"], "the exterior angle ∠ACD", unit="in degrees")
        answer, target = sp.Integer(exterior), L("angle", tuple("ACD"))
        givens = [angle("BAC", alpha), angle("ABC", beta)]
        last = f"∠ACD = {alpha}° + {beta}° = {exterior}°."
    elif ask == "near":
        question = parts(FACTS, [f"the exterior angle ∠ACD = {exterior}°", f"∠ABC = {beta}°"], "∠BAC", unit="in degrees")
        answer, target = sp.Integer(alpha), L("angle", tuple("BAC"))
        givens = [angle("ACD", exterior), angle("ABC", beta)]
        last = f"∠BAC = ∠ACD − ∠ABC = {exterior}° − {beta}° = {alpha}°."
    else:
        question = parts(FACTS, [f"the exterior angle ∠ACD = {exterior}°", f"∠BAC = {alpha}°"], "∠ABC", unit="in degrees")
        answer, target = sp.Integer(beta), L("angle", tuple("ABC"))
        givens = [angle("ACD", exterior), angle("BAC", alpha)]
        last = f"∠ABC = ∠ACD − ∠BAC = {exterior}° − {alpha}° = {beta}°."
    return Draft(
        title="Triangle ABC with BC extended to D",
        scene=orient(scene, rng),
        question=question,
        answer=answer,
        target=target,
        givens=givens,
        reasoning=["The exterior angle at C sits next to the triangle; a parallel to BA through C splits it in two."],
        conclusion=["CE ∥ BA, so ∠ACE = ∠BAC (alternate angles with the transversal AC)",
                    "and ∠ECD = ∠ABC (corresponding angles with the transversal BD).",
                    "Hence ∠ACD = ∠ACE + ∠ECD = ∠BAC + ∠ABC.", last],
        difficulty=Difficulty(hops=2, constructions=1),
        params={"alpha": alpha, "beta": beta, "a": a},
        slips=[Slip("took the interior angle at C", sp.Integer(180 - exterior)),
               Slip("took the supplement", 180 - answer)],
    )
