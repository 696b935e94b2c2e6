"""Circle problems: chords, tangents, inscribed angles, power of a point."""

from __future__ import annotations

import random

import sympy as sp

from flywheel.generators.base import Draft, Given, orient
from flywheel.generators.registry import register_generator
from flywheel.generators.scene.exact import P, choice_triple
from flywheel.generators.scene.model import (
    CircleEl,
    Construction,
    Measure,
    RightMark,
    Scene,
    Segment,
)
from flywheel.records import Difficulty

L = Measure


@register_generator("plane.chord_distance", domain="plane_geometry")
def chord_distance(rng: random.Random) -> Draft:
    d, half, r = choice_triple(rng, 26)
    pts = {"O": P(0, 0), "A": P(-half, -d), "B": P(half, -d), "M": P(0, -d)}
    scene = Scene(
        points=pts,
        segments=[Segment("A", "B")],
        circles=[CircleEl("O", "A")],
        labeled=["O", "A", "B"],
        construction=Construction(
            "draw the perpendicular OM from O to the chord AB and the radius OA",
            [Segment("O", "M"), Segment("O", "A")],
            ["M"],
            [RightMark("O", "M", "B")],
        ),
    )
    return Draft(
        title="Circle O with chord AB",
        scene=orient(scene, rng),
        question=f"Circle O has radius {r}, and the chord AB has length {2 * half}. Find the distance from O to the chord AB.",
        answer=sp.Integer(d),
        target=L("length", ("O", "M")),
        givens=[Given(L("length", ("O", "A")), sp.Integer(r)), Given(L("length", ("A", "B")), sp.Integer(2 * half))],
        reasoning=["The distance from the centre to a chord is measured along the perpendicular to it."],
        conclusion=[
            f"The perpendicular from the centre bisects the chord, so AM = {2 * half}/2 = {half}.",
            f"In right triangle OMA, OM = √(OA² - AM²) = √({r}² - {half}²) = {d}.",
        ],
        difficulty=Difficulty(hops=2, constructions=2),
        params={"r": r, "half": half},
    )
