"""Rhombus problems: the diagonals bisect each other at right angles (side, diagonals, area)."""

from __future__ import annotations

import random

import sympy as sp

from flywheel.core.answers import to_latex
from flywheel.core.records import Difficulty
from flywheel.domains.plane_geometry import DOMAIN
from flywheel.domains.registry import register_generator
from flywheel.render.draft import Draft, length, orient, parts
from flywheel.render.scene.exact import P
from flywheel.render.scene.model import Construction, Measure, RightMark, Scene, Segment

L = Measure


@register_generator("plane.rhombus_diagonals", DOMAIN)
def rhombus_diagonals(rng: random.Random) -> Draft:
    """Side AB and diagonal AC given: the diagonals give right triangle AOB, hence BD and the area."""
    while True:
        side = rng.randint(4, 25)
        p = rng.randint(2, side - 1)  # half of AC
        q = sp.sqrt(side * side - p * p)  # half of BD
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
    ask_area = rng.random() < 0.5
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
        question=parts("ABCD is a rhombus.", [f"side AB = {side}", f"diagonal AC = {2 * p}"], ask,
                       context=["A kite frame ABCD is a rhombus held by two crossing sticks along its diagonals."]),
        answer=answer,
        target=target,
        givens=[length("AB", side), length("AC", 2 * p)],
        reasoning=["The side and a diagonal are known; the diagonals are not drawn, and where they cross is the key."],
        conclusion=steps,
        difficulty=Difficulty(hops=2 + ask_area, constructions=2),
        params={"side": side, "p": p, "area": ask_area},
    )
