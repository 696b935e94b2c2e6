"""Problems on lines: parallel lines cut by transversals."""

from __future__ import annotations

import math
import random

import sympy as sp

from flywheel.core.records import Difficulty
from flywheel.domains.plane_geometry import DOMAIN
from flywheel.domains.registry import register_generator
from flywheel.render.draft import Draft, angle, orient, parts
from flywheel.render.scene.exact import P, cot_deg
from flywheel.render.scene.model import AngleMark, Construction, Measure, Scene, Segment

L = Measure


@register_generator("plane.parallel_transversal", DOMAIN)
def zigzag(rng: random.Random) -> Draft:
    """AB ∥ CD with a point E between them: ∠BED = ∠ABE + ∠CDE (draw the parallel through E)."""
    while True:  # keep BE and ED of comparable length: neither stroke a stub
        alpha, beta = rng.randint(20, 70), rng.randint(20, 70)
        h1, h2 = rng.randint(3, 6), rng.randint(3, 6)
        be, ed = h1 / math.sin(math.radians(alpha)), h2 / math.sin(math.radians(beta))
        if max(be, ed) <= 2 * min(be, ed):
            break
    b = (h1 * cot_deg(alpha), sp.Integer(h1))
    d = (h2 * cot_deg(beta), sp.Integer(-h2))
    left = -sp.Integer(rng.randint(3, 5))
    right = max(b[0], d[0], key=float) + rng.randint(3, 5)
    pts = {"E": P(0, 0), "B": b, "D": d, "A": (left, b[1]), "C": (left, d[1])}
    pts["F"] = (right, sp.Integer(0))
    pts["B2"] = (right, b[1])
    pts["D2"] = (right, d[1])
    scene = Scene(
        points=pts,
        segments=[Segment("A", "B"), Segment("B", "B2"), Segment("C", "D"), Segment("D", "D2"),
                  Segment("B", "E"), Segment("E", "D")],
        angle_marks=[AngleMark("A", "B", "E"), AngleMark("C", "D", "E")],
        labeled=["A", "B", "C", "D", "E"],
        construction=Construction("draw the line EF through E parallel to AB", [Segment("E", "F")], ["F"]),
    )
    fact = "Lines AB and CD are parallel and E lies between them."
    ask = rng.choice(["BED", "CDE", "ABE"])  # ∠BED from the two angles, or one of them from ∠BED and the other
    forward = ask == "BED"
    if ask == "ABE":
        question = parts(fact, [f"∠CDE = {beta}°", f"∠BED = {alpha + beta}°"], "∠ABE", unit="in degrees")
        answer, target = sp.Integer(alpha), L("angle", ("A", "B", "E"))
        givens = [angle("CDE", beta), angle("BED", alpha + beta)]
        last = f"Therefore ∠ABE = ∠BEF = {alpha + beta}° − {beta}° = {alpha}°."
    elif forward:
        question = parts(fact, [f"∠ABE = {alpha}°", f"∠CDE = {beta}°"], "∠BED", unit="in degrees")
        answer, target, givens = sp.Integer(alpha + beta), L("angle", ("B", "E", "D")), [angle("ABE", alpha), angle("CDE", beta)]
        last = f"Therefore ∠BED = {alpha}° + {beta}° = {alpha + beta}°."
    else:
        question = parts(fact, [f"∠ABE = {alpha}°", f"∠BED = {alpha + beta}°"], "∠CDE", unit="in degrees")
        answer, target = sp.Integer(beta), L("angle", ("C", "D", "E"))
        givens = [angle("ABE", alpha), angle("BED", alpha + beta)]
        last = f"Therefore ∠CDE = ∠FED = {alpha + beta}° − {alpha}° = {beta}°."
    return Draft(
        title="Parallel lines AB and CD with a point E between them",
        scene=orient(scene, rng),
        question=question,
        answer=answer,
        target=target,
        givens=givens,
        reasoning=["∠BED is not an angle at a transversal of AB and CD; a line through E parallel to both would split it."],
        conclusion=[
            "EF ∥ AB, so ∠BEF = ∠ABE (alternate angles).",
            "EF ∥ CD, so ∠FED = ∠CDE.",
            last,
        ],
        difficulty=Difficulty(hops=2, constructions=1),
        params={"alpha": alpha, "beta": beta, "h1": h1, "h2": h2, "ask": ask},
    )
