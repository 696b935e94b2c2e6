"""Lever balance: a light beam on a fulcrum, a load hanging at A and a rope pulling at B at an angle.

The moment of the rope's pull is F times the perpendicular distance from the fulcrum to its line of
action, not F times OB: the auxiliary construction extends the line of action and drops that
perpendicular OH, so the balance reads W·OA = F·OH.
"""

from __future__ import annotations

import random

import sympy as sp

from flywheel.core.answers import to_latex
from flywheel.core.records import Difficulty
from flywheel.domains.physics import DOMAIN
from flywheel.domains.physics.common import EXACT_ANGLES, num, quantity, target
from flywheel.domains.physics.symbols import Beam, Pivot
from flywheel.domains.registry import register_generator
from flywheel.render.draft import Draft, parts
from flywheel.render.scene.exact import P
from flywheel.render.scene.model import AngleMark, Construction, RightMark, Scene, Segment

# Rope angles with the beam: the exact directions whose sine is short to state.
ROPE_ANGLES = [a for a in EXACT_ANGLES if a[0] in {"θ = 30°", "sin θ = 3/5", "sin θ = 4/5", "sin θ = 5/13",
                                                    "sin θ = 12/13", "sin θ = 8/17", "sin θ = 15/17"}]


def _lever_scene(a: int, b: int, same_side: bool, sin: sp.Expr, cos: sp.Expr, s: int,
                 overhang: tuple[sp.Rational, sp.Rational]) -> Scene:
    """Fulcrum O at the origin, load at A = (−a, 0), rope at B; `s = −1` mirrors the drawing left–right.

    On the far side the rope pulls down and outwards (the perpendicular from O meets its line of action
    behind B, above the beam); on the load's side, beyond it, it pulls up and back towards O (the foot
    lies ahead of the arrow's tip). Either way its moment opposes the load's. `overhang`: how far the beam
    runs past its outer points, as shares of the longer arm.
    """
    xb = -b if same_side else b
    out = 1 if xb > 0 else -1  # away from O, along the beam
    span = max(a, b)
    if same_side:
        u = (-s * out * cos, sin)
        rope = b * cos * sp.Rational(3, 5)  # stops short of the foot H at distance b·cos θ from B
    else:
        u = (s * out * cos, -sin)
        rope = span * sp.Rational(3, 5)
    pts = {
        "O": P(0, 0), "A": P(-s * a, 0), "B": P(s * xb, 0),
        "E1": P(s * (min(-a, xb) - span * overhang[0]), 0), "E2": P(s * (max(0, xb) + span * overhang[1]), 0),
        "W": P(-s * a, -span * sp.Rational(1, 2)),
    }
    pts["F"] = (pts["B"][0] + rope * u[0], rope * u[1])
    t = -(pts["B"][0] * u[0])  # (O − B)·u: where the foot H lies along the line of action from B
    pts["H"] = (pts["B"][0] + t * u[0], t * u[1])
    if same_side:
        ref, line = "O", Segment("F", "H", dashed=True)  # θ is drawn between BO and the rope
    else:
        ref, line = "E2", Segment("B", "H", dashed=True)  # θ between the rope and the beam's end beyond B
    return Scene(
        points=pts,
        segments=[Segment("A", "W", arrow=True), Segment("B", "F", arrow=True)],
        angle_marks=[AngleMark(ref, "B", "F")],
        labeled=["O", "A", "B", "W", "F"],
        undotted=["W", "F"],
        elements=[Beam("E1", "E2"), Pivot("O")],
        construction=Construction(
            "extend the line of action of F and drop the perpendicular OH from the fulcrum O to it",
            [line, Segment("O", "H", dashed=True)], ["H"], [RightMark("O", "H", line.a)],
        ),
    )


def _draw_values(rng: random.Random) -> tuple[int, int, bool, tuple, int, int, sp.Rational]:
    """Lengths in cm, the load in N and the rope tension, which must come out a whole or half newton."""
    while True:
        stated, sin, cos = rng.choice(ROPE_ANGLES)
        a, b = rng.randint(4, 24) * 5, rng.randint(4, 24) * 5
        same_side = rng.random() < 0.4
        if same_side and (b <= a or b < a * sp.Rational(4, 3)):
            continue  # on the load's side the rope acts beyond it, well apart
        if not same_side and not sp.Rational(1, 2) <= sp.Rational(a, b) <= 2:
            continue
        weight = rng.randint(2, 60) * 5
        force = sp.Rational(weight * a) / (b * sin)
        if (2 * force).is_Integer:
            return a, b, same_side, (stated, sin, cos), weight, rng.choice([1, -1]), force


@register_generator("physics.lever_balance", DOMAIN)
def lever_balance(rng: random.Random) -> Draft:
    a, b, same_side, (stated, sin, cos), weight, s, force = _draw_values(rng)
    # Beam ends drawn at random: figures of one OA : OB ratio would otherwise be the same picture.
    overhang = (sp.Rational(rng.randint(2, 5), 20), sp.Rational(rng.randint(2, 5), 20))
    scene = _lever_scene(a, b, same_side, sin, cos, s, overhang)
    ask = rng.choice(["force", "force", "weight", "arm"])
    arm = b * sin
    side = "on the same side of O as the load, beyond it," if same_side else "on the other side of O,"
    setup = ["A light beam rests on a fulcrum at O.",
             f"A load of weight W hangs at A and a rope attached at B, {side} pulls at an angle θ to the beam."]
    data = [stated, f"OA = {a} cm", f"OB = {b} cm"]
    givens = [quantity("length", "O", "A", value=a), quantity("length", "O", "B", value=b),
              quantity("sin_angle", scene.angle_marks[0].a, "B", "F", value=sin)]
    balance = "W·OA = F·OH, so"
    if ask == "force":
        question = parts(setup, [*data, f"W = {weight} N"], "the tension F in the rope that keeps the beam horizontal",
                         unit="in newtons")
        ans, tgt = force, target("balance_force", "O", "A", "W", "B", "F")
        givens.append(quantity("stated", "W", value=weight))
        end = f"{balance} F = {weight}·{a}/{to_latex(arm)} = {to_latex(force)} N."
    elif ask == "weight":
        question = parts(setup, [*data, f"the beam stays horizontal when the tension in the rope is F = {num(force)} N"],
                         "the weight W of the load", unit="in newtons")
        ans, tgt = sp.Integer(weight), target("balance_weight", "O", "A", "W", "B", "F")
        givens.append(quantity("stated", "F", value=force))
        end = f"{balance} W = {to_latex(force)}·{to_latex(arm)}/{a} = {weight} N."
    else:
        question = parts(setup, data, "the perpendicular distance from O to the line of action of the rope's pull",
                         unit="in cm")
        ans, tgt = arm, target("lever_arm", "O", "B", "F")
        end = f"So the moment arm of F is OH = {to_latex(arm)} cm."
    return Draft(
        title="Beam balanced on a fulcrum",
        scene=scene,
        question=question,
        answer=sp.nsimplify(ans),
        target=tgt,
        givens=givens,
        reasoning=["The beam balances when the moments about O cancel; a moment is a force times the perpendicular "
                   "distance from O to its line of action. The load hangs vertically, so its arm is OA, but the rope "
                   "pulls at an angle, so its arm is not OB."],
        conclusion=[
            f"In the right triangle OHB the angle at B is θ, so OH = OB·sin θ = {b}·{num(sin)} = {to_latex(arm)} cm.",
            end,
        ],
        difficulty=Difficulty(hops=1 if ask == "arm" else 3, constructions=2),
        params={"a": a, "b": b, "same_side": same_side, "angle": stated, "weight": weight, "s": s, "ask": ask},
    )
