"""The toy generator: the diagonal of a square, drawn by the tool."""

from __future__ import annotations

import random

import sympy as sp

from flywheel.core.answers import to_latex
from flywheel.core.records import Difficulty
from flywheel.domains.registry import register_generator
from flywheel.render.draft import Draft, length, orient
from flywheel.render.scene.exact import P
from flywheel.render.scene.model import Construction, Measure, Scene, Segment
from tests.domains.toy import DOMAIN


@register_generator("toy.square_diagonal", DOMAIN)
def square_diagonal(rng: random.Random) -> Draft:
    a = rng.randint(3, 40)
    scene = Scene(
        points={"A": P(0, 0), "B": P(a, 0), "C": P(a, a), "D": P(0, a)},
        segments=[Segment("A", "B"), Segment("B", "C"), Segment("C", "D"), Segment("D", "A")],
        labeled=["A", "B", "C", "D"],
        construction=Construction("draw the diagonal AC", [Segment("A", "C")]),
    )
    ans = a * sp.sqrt(2)
    return Draft(
        title="Square ABCD", scene=orient(scene, rng),
        question=f"ABCD is a square with side AB = {a}. Find the length of the diagonal AC.",
        answer=ans, target=Measure("length", ("A", "C")), givens=[length("AB", a)],
        reasoning=["All sides of a square are equal and its angles are right.",
                   "The diagonal AC closes the right triangle ABC."],
        conclusion=[f"AC² = AB² + BC² = 2·{a * a}, so AC = {to_latex(ans)}."],
        difficulty=Difficulty(hops=1, constructions=1), params={"a": a},
    )
