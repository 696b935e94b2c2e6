"""Force diagrams: the resultant of two forces (parallelogram rule) and a block on an inclined plane.

Forces are drawn to scale (1 N = 1 unit), so the verifier can re-measure them from the arrows.
"""

from __future__ import annotations

import random

import sympy as sp

from flywheel.core.answers import to_latex
from flywheel.core.records import Difficulty
from flywheel.domains.physics import DOMAIN
from flywheel.domains.physics.common import num, quantity, sub, target
from flywheel.domains.physics.symbols import Hatch
from flywheel.domains.registry import register_generator
from flywheel.render.draft import Draft, orient, parts
from flywheel.render.scene.exact import P
from flywheel.render.scene.model import AngleMark, Construction, RightMark, Scene, Segment

F1, F2 = sub("F", 1), sub("F", 2)
INCLINES = [(3, 4, 5), (4, 3, 5), (5, 12, 13), (8, 15, 17), (20, 21, 29), (21, 20, 29)]  # rise, run, incline


@register_generator("physics.resultant_force", DOMAIN)
def resultant_force(rng: random.Random) -> Draft:
    theta = rng.choice([60, 90, 120])
    while True:  # wide ranges drawn from a box: (a, b, θ) is the whole question, so a narrow one repeats at scale
        a, b = rng.randint(3, 80), rng.randint(3, 80)
        if a <= 2 * b and b <= 2 * a:
            break
    cos = sp.Rational({60: 1, 90: 0, 120: -1}[theta], 2)
    pts = {"O": P(0, 0), F1: P(a, 0), F2: (b * cos, b * sp.sqrt(1 - cos**2))}
    pts["R"] = (pts[F1][0] + pts[F2][0], pts[F2][1])
    mark = {"right_marks": [RightMark(F1, "O", F2)]} if theta == 90 else {"angle_marks": [AngleMark(F1, "O", F2)]}
    scene = Scene(
        points=pts,
        segments=[Segment("O", F1, arrow=True), Segment("O", F2, arrow=True)],
        labeled=["O", F1, F2],
        undotted=[F1, F2],
        construction=Construction(
            f"complete the parallelogram on {F1} and {F2} and draw their resultant R from O",
            [Segment(F1, "R", dashed=True), Segment(F2, "R", dashed=True), Segment("O", "R", arrow=True)],
            ["R"],
        ),
        **mark,
    )
    ans = sp.sqrt(a * a + b * b + 2 * a * b * cos)
    equilibrium = rng.random() < 0.5
    ask = f"the magnitude of {sub('F', 3)}" if equilibrium else "the magnitude of their resultant"
    third = f"A third force {sub('F', 3)} keeps O in equilibrium." if equilibrium else ()
    end = (
        f"{sub('F', 3)} must cancel R, so |{sub('F', 3)}| = |R| = {to_latex(ans)} N."
        if equilibrium
        else f"So |R| = {to_latex(ans)} N."
    )
    return Draft(
        title=f"Forces {F1} and {F2} acting at O",
        scene=orient(scene, rng),
        question=parts(f"Two forces {F1} and {F2} act at point O.",
                       [f"{F1} = {a} N", f"{F2} = {b} N", f"the angle between {F1} and {F2} is {theta}°"], ask, unit="in newtons",
                       premises=third),
        answer=ans,
        target=target("resultant", "O", F1, F2),
        givens=[quantity("force", "O", F1, value=a), quantity("force", "O", F2, value=b),
                quantity("angle", F1, "O", F2, value=theta)],
        reasoning=[f"Forces add as vectors: the resultant of {F1} and {F2} is the diagonal of the parallelogram they span."],
        conclusion=[
            f"The diagonal OR makes the triangle O{F1}R with O{F1} = {a}, {F1}R = {b} and the angle at {F1} equal to 180° − {theta}°.",
            f"By the law of cosines R² = {F1}² + {F2}² + 2·{F1}·{F2}·cos {theta}° = {a * a} + {b * b} + {to_latex(2 * a * b * cos)}"
            f" = {to_latex(ans**2)}.",
            end,
        ],
        difficulty=Difficulty(hops=2 if equilibrium else 1, constructions=2),
        params={"a": a, "b": b, "theta": theta, "equilibrium": equilibrium},
    )


def _incline_scene(rise: int, run: int, hyp: int, k: int, mirror: bool) -> Scene:
    """Right-triangle incline ABC (right angle at B) on hatched ground, a block on AC, its weight arrow."""
    s = -1 if mirror else 1
    pts = {"A": P(0, 0), "B": P(s * run * k, 0), "C": P(s * run * k, rise * k)}
    ux, uy = sp.Rational(s * run, hyp), sp.Rational(rise, hyp)  # up the slope
    nx, ny = -s * uy, s * ux  # away from the slope, into the air
    L = hyp * k
    side, at = L * sp.Rational(2, 9), L * sp.Rational(11, 20)
    pts["K1"] = (ux * (at - side / 2), uy * (at - side / 2))
    pts["K2"] = (ux * (at + side / 2), uy * (at + side / 2))
    pts["K3"] = (pts["K2"][0] + nx * side, pts["K2"][1] + ny * side)
    pts["K4"] = (pts["K1"][0] + nx * side, pts["K1"][1] + ny * side)
    pts["G"] = (ux * at + nx * side / 2, uy * at + ny * side / 2)
    w = pts["G"][1] * sp.Rational(7, 10)  # the weight arrow ends above the ground
    pts["W"] = (pts["G"][0], pts["G"][1] - w)
    sin, cos = uy, sp.Rational(run, hyp)
    pts["P"] = (pts["G"][0] - ux * w * sin, pts["G"][1] - uy * w * sin)  # down the slope
    pts["N"] = (pts["G"][0] - nx * w * cos, pts["G"][1] - ny * w * cos)  # into the slope
    left, right = min(0, s * run * k), max(0, s * run * k)
    pts["H0"], pts["H1"] = P(left - L * sp.Rational(1, 8), 0), P(right + L * sp.Rational(1, 8), 0)
    scene = Scene(
        points=pts,
        segments=[Segment("H0", "H1"), Segment("A", "C"), Segment("B", "C"), Segment("K1", "K2"),
                  Segment("K2", "K3"), Segment("K3", "K4"), Segment("K4", "K1"), Segment("G", "W", arrow=True)],
        right_marks=[RightMark("A", "B", "C")],
        labeled=["A", "B", "C", "W"],
        undotted=["A", "B", "C", "W"],
        elements=[Hatch("H0", "H1")],
        construction=Construction(
            "resolve the weight W into a component along the incline and one perpendicular to it",
            [Segment("G", "P", arrow=True), Segment("G", "N", arrow=True), Segment("W", "P", dashed=True),
             Segment("W", "N", dashed=True)],
        ),
    )
    return scene


@register_generator("physics.incline_components", DOMAIN)
def incline_components(rng: random.Random) -> Draft:
    rise, run, hyp = rng.choice(INCLINES)
    k = rng.randint(1, 4) if hyp < 10 else rng.randint(1, 3)
    scene = _incline_scene(rise, run, hyp, k, rng.random() < 0.5)
    weight = rng.choice(range(10, 801, 5))
    ask = rng.choice(["friction", "normal", "along"])
    sin, cos = sp.Rational(rise, hyp), sp.Rational(run, hyp)
    ans = weight * (cos if ask == "normal" else sin)
    question_end = {
        "friction": "the magnitude of the static friction force on the block",
        "normal": "the magnitude of the normal force the incline exerts on the block",
        "along": "the component of the block's weight parallel to the incline",
    }[ask]
    part = "perpendicular to" if ask == "normal" else "along"
    trig_name, trig_value = ("cos θ", cos) if ask == "normal" else ("sin θ", sin)
    why = {
        "friction": "Friction balances the weight's component down the slope.",
        "normal": "The normal force balances the weight's component perpendicular to the slope.",
        "along": "",
    }[ask]
    return Draft(
        title="Block on an inclined plane",
        scene=scene,
        question=parts("A block rests on the rough incline AC shown.",
                       [f"the block's weight is W = {weight} N", f"AB = {run * k} m", f"BC = {rise * k} m", "∠ABC = 90°"],
                       question_end, unit="in newtons",
                       premises="The block stays at rest." if ask == "friction" else ()),
        answer=ans,
        target=target("weight_normal" if ask == "normal" else "weight_along", "A", "C", "G", "W"),
        givens=[quantity("length", "A", "B", value=run * k), quantity("length", "B", "C", value=rise * k),
                quantity("stated", "W", value=weight)],
        reasoning=[f"Let θ = ∠BAC be the incline angle. {why}".strip(),
                   "The weight points straight down, so it has to be split along and across the slope."],
        conclusion=[
            f"AC = √(AB² + BC²) = √({(run * k) ** 2} + {(rise * k) ** 2}) = {hyp * k} m, so sin θ = {num(sin)} and cos θ = {num(cos)}.",
            f"The angle between W and the normal to the incline equals θ, so the component {part} the incline is "
            f"W·{trig_name} = {weight} · {num(trig_value)} = {to_latex(ans)} N.",
        ],
        difficulty=Difficulty(hops=3 if ask != "along" else 2, constructions=2),
        params={"rise": rise, "run": run, "k": k, "weight": weight, "ask": ask},
    )
