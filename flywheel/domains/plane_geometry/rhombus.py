"""Rhombus problems: the diagonals bisect each other at right angles (side, diagonals, area)."""

from __future__ import annotations

import random

import sympy as sp

from flywheel.core.answers import to_latex
from flywheel.core.records import Difficulty
from flywheel.domains.plane_geometry import DOMAIN
from flywheel.domains.registry import register_generator
from flywheel.render.draft import Draft, Slip, length, orient, parts
from flywheel.render.scene.exact import P
from flywheel.render.scene.model import Construction, Measure, RightMark, Scene, Segment

L = Measure


@register_generator("plane.rhombus_diagonals", DOMAIN)
def rhombus_diagonals(rng: random.Random) -> Draft:
    """Side AB and diagonal AC given (find BD or the area), or both diagonals given (find the side or the
    perimeter): the diagonals give right triangle AOB either way."""
    from_diagonals = rng.random() < 0.4
    while True:
        if from_diagonals:
            p, q0 = rng.randint(2, 70), rng.randint(2, 70)  # halves of AC and BD
            q, side = sp.Integer(q0), sp.sqrt(p * p + q0 * q0)
        else:
            side, p = sp.Integer(rng.randint(4, 130)), rng.randint(2, 128)  # p: half of AC (a box: uniform pairs)
            if p >= side:
                continue
            q = sp.sqrt(side**2 - p * p)  # half of BD
        # rhombus angles between 50° and 130°: q/p between tan 25° and tan 65°
        if 0.47 <= float(q) / p <= 2.14:
            break
    pts = {"A": P(-p, 0), "B": (sp.Integer(0), -q), "C": P(p, 0), "D": (sp.Integer(0), q), "O": P(0, 0)}
    scene = Scene(
        points=pts,
        segments=[Segment("A", "B"), Segment("B", "C"), Segment("C", "D"), Segment("D", "A")],
        labeled=["A", "B", "C", "D"],
        construction=Construction("draw the diagonals AC and BD, meeting at O",
                                  [Segment("A", "C"), Segment("B", "D")], ["O"], [RightMark("A", "O", "B")]),
    )
    ask_area = rng.random() < 0.5  # the area or BD; from the diagonals: the perimeter or the side
    if from_diagonals:
        givens = [length("AC", 2 * p), length("BD", 2 * q)]
        stated = [f"diagonal AC = {2 * p}", f"diagonal BD = {2 * q}"]
        steps = [f"The diagonals of a rhombus bisect each other at right angles, so AO = {p}, BO = {q} and ∠AOB = 90°.",
                 f"In right triangle AOB, AB = √(AO² + BO²) = √({p}² + {q}²) = {to_latex(side)}."]
        if ask_area:
            answer, target, ask = 4 * side, L("perimeter", ("A", "B", "C", "D")), "the perimeter of ABCD"
            steps.append(f"The four sides are equal, so the perimeter is 4 · {to_latex(side)} = {to_latex(answer)}.")
        else:
            answer, target, ask = side, L("length", ("A", "B")), "the side AB"
    else:
        givens = [length("AB", side), length("AC", 2 * p)]
        stated = [f"side AB = {side}", f"diagonal AC = {2 * p}"]
        steps = [f"The diagonals of a rhombus bisect each other at right angles, so AO = {2 * p}/2 = {p} and ∠AOB = 90°.",
                 f"In right triangle AOB, BO = √(AB² − AO²) = √({side}² − {p}²) = {to_latex(q)}, so BD = {to_latex(2 * q)}."]
        if ask_area:
            answer, target, ask = 2 * p * q, L("area", ("A", "B", "C", "D")), "the area of ABCD"
            steps.append(f"Area = ½ · AC · BD = ½ · {2 * p} · {to_latex(2 * q)} = {to_latex(answer)}.")
        else:
            answer, target, ask = 2 * q, L("length", ("B", "D")), "the length of the diagonal BD"
    return Draft(
        title="Rhombus ABCD",
        scene=orient(scene, rng),
        question=parts("ABCD is a rhombus.", stated, ask,
                       context=["A kite frame ABCD is a rhombus held by two crossing sticks along its diagonals."]),
        answer=answer,
        target=target,
        givens=givens,
        reasoning=["Two lengths of the rhombus are known; where the diagonals cross is the key, and they are not drawn."],
        conclusion=steps,
        difficulty=Difficulty(hops=2 + ask_area, constructions=2),
        params={"side": str(side), "p": p, "area": ask_area, "diagonals": from_diagonals},
        slips=[Slip("used the whole diagonals as legs", 2 * answer)] if from_diagonals else
        [Slip("forgot to halve AC", 2 * sp.sqrt(max(side**2 - 4 * p * p, 0)) * (p if ask_area else 1))]
        + [Slip("forgot the ½ of the diagonal product", 2 * answer)] if ask_area else [Slip("stopped at the half-diagonal BO", q)],
    )
