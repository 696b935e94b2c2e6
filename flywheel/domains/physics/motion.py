"""Projectile motion on level ground: maximum height and range, read off the drawn trajectory."""

from __future__ import annotations

import random

import sympy as sp

from flywheel.core.answers import to_latex
from flywheel.core.records import Difficulty
from flywheel.domains.physics import DOMAIN
from flywheel.domains.physics.common import EXACT_ANGLES, num, quantity, target
from flywheel.domains.physics.symbols import Curve, Hatch
from flywheel.domains.registry import register_generator
from flywheel.render.draft import Draft, Stated, parts
from flywheel.render.scene.exact import P
from flywheel.render.scene.model import AngleMark, Construction, Scene, Segment

G = 10  # m/s², stated in every question
V0 = "v₀"
LAUNCHES = EXACT_ANGLES
# Ground drawn beyond O and A, as a share of the range (each side drawn independently). Paths of one
# angle are similar at every speed, so without this every figure of an angle would be the same picture.
MARGINS = [sp.Rational(1, 12), sp.Rational(1, 8), sp.Rational(1, 6), sp.Rational(1, 5), sp.Rational(1, 4), sp.Rational(1, 3)]
SAMPLES = 64  # points of the drawn trajectory


def _trajectory(vx: sp.Expr, vy: sp.Expr, d: int) -> Curve:
    t_end = 2 * float(vy) / G
    pts = []
    for i in range(SAMPLES + 1):
        t = t_end * i / SAMPLES
        pts.append((d * float(vx) * t, float(vy) * t - G * t * t / 2))
    return Curve(tuple(pts))


@register_generator("physics.projectile", DOMAIN)
def projectile(rng: random.Random) -> Draft:
    stated, sin, cos = rng.choice(LAUNCHES)
    ask = rng.choice(["height", "range", "time"])
    # Any whole speed: restricting it to nice multiples leaves so few questions per angle that samples
    # repeat (and paths of one angle look alike at every speed, so equal answers read as duplicates).
    v0 = rng.randint(5, 120)
    d = rng.choice([1, -1])  # launched to the right or to the left
    vx, vy = v0 * cos, v0 * sin
    rng_len, top = 2 * vx * vy / G, vy**2 / (2 * G)
    pts = {"O": P(0, 0), "A": (d * rng_len, sp.Integer(0)), "H": (d * rng_len / 2, top), "M": (d * rng_len / 2, sp.Integer(0))}
    arrow = rng_len * sp.Rational(3, 10)
    pts[V0] = (d * arrow * cos, arrow * sin)
    back, ahead = rng_len * rng.choice(MARGINS), rng_len * rng.choice(MARGINS)  # ground behind O, beyond A
    pts["X0"], pts["X1"] = (-back if d > 0 else -rng_len - ahead, sp.Integer(0)), (rng_len + ahead if d > 0 else back, sp.Integer(0))
    scene = Scene(
        points=pts,
        segments=[Segment("X0", "X1"), Segment("O", V0, arrow=True)],
        angle_marks=[AngleMark("A", "O", V0)],
        labeled=["O", "A", "H", V0],
        undotted=[V0],
        elements=[Hatch("X0", "X1"), _trajectory(vx, vy, d)],
        construction=Construction("drop the vertical HM from the highest point H to the ground",
                                  [Segment("H", "M", dashed=True)], ["M"]),
    )
    t_up = vy / G
    what, ans, finish = {
        "height": ("the maximum height reached in metres", top,
                   f"H is reached when the vertical velocity is zero, at t = {V0}·sin θ / g = {to_latex(t_up)} s, and "
                   f"HM = ({V0} sin θ)² / (2g) = ({to_latex(vy)})² / {2 * G} = {to_latex(top)} m."),
        "range": ("the range OA in metres", rng_len,
                  f"The rise to H takes t = {V0}·sin θ / g = {to_latex(t_up)} s and the fall back the same, so OA = 2·OM = "
                  f"{V0} cos θ · 2t = {to_latex(vx)} · {to_latex(2 * t_up)} = {to_latex(rng_len)} m."),
        "time": ("the time of flight from O to A in seconds", 2 * t_up,
                 f"The rise to H takes t = {V0}·sin θ / g = {to_latex(vy)}/{G} = {to_latex(t_up)} s and, by symmetry, the fall "
                 f"from H to A takes as long, so the flight lasts 2t = {to_latex(2 * t_up)} s."),
    }[ask]
    return Draft(
        title="Projectile launched from O",
        scene=scene,
        question=parts(["A ball is launched from O on level ground at an angle θ above the horizontal.",
                        "It lands at A, and H is the highest point of its path."],
                       [f"the launch speed is {V0} = {v0} m/s", stated, Stated(f"g = {G} m/s²", figure=False)], what,
                       premises="Ignore air resistance."),
        answer=ans,
        target=target({"height": "apex_height", "range": "range", "time": "flight_time"}[ask], "O"),
        givens=[quantity("launch_speed", "O", V0, value=v0), quantity("stated", "g", value=G),
                quantity("sin_angle", "A", "O", V0, value=sin)],
        reasoning=["The path is a parabola, symmetric about the vertical through its highest point."],
        conclusion=[
            f"The launch velocity has components {V0} cos θ = {to_latex(vx)} m/s and {V0} sin θ = {to_latex(vy)} m/s "
            f"(sin θ = {num(sin)}).",
            finish,
        ],
        difficulty=Difficulty(hops=2, constructions=1),
        params={"v0": v0, "launch": stated, "d": d, "ask": ask},
    )
