"""DC circuits: a cell driving R₁ in series with the parallel pair R₂ ∥ R₃.

The figure is the circuit: wires are segments joined at their end points, and the Resistor and
Cell symbols carry their values, so the verifier can solve it by Kirchhoff's laws on its own.
"""

from __future__ import annotations

import random

import sympy as sp

from flywheel.core.answers import to_latex
from flywheel.core.records import Difficulty
from flywheel.domains.physics import DOMAIN
from flywheel.domains.physics.common import quantity, sub, target
from flywheel.domains.physics.symbols import Cell, Junction, Resistor
from flywheel.domains.registry import register_generator
from flywheel.render.draft import Draft, parts
from flywheel.render.scene.exact import P
from flywheel.render.scene.model import Construction, Scene, Segment

R1, R2, R3 = sub("R", 1), sub("R", 2), sub("R", 3)


def _wires(*chain: str) -> list[Segment]:
    return [Segment(a, b) for a, b in zip(chain, chain[1:], strict=False)]


def _circuit(width: sp.Rational, height: sp.Rational, gap: sp.Rational, s: int, volts: int, ohms: list[int]) -> Scene:
    """Cell on the left side (+ on top), R₁ on the top wire, R₂ and R₃ side by side on the right.

    `s = -1` mirrors the drawing left–right; the circuit is the same.
    """
    x = lambda v: s * v  # noqa: E731 - mirror helper reads better inline
    mid, half = height / 2, sp.Rational(3, 4)
    xa, xb = width, width + gap
    pts = {
        "P1": P(0, 0), "P2": P(0, height), "c+": (sp.Integer(0), mid + half / 2), "c-": (sp.Integer(0), mid - half / 2),
        "r1a": (x(width / 2 - half), height), "r1b": (x(width / 2 + half), height),
        "A": (x(xa), height), "K1": (x(xb), height), "B": (x(xa), sp.Integer(0)), "K2": (x(xb), sp.Integer(0)),
        "r2a": (x(xa), mid + half), "r2b": (x(xa), mid - half), "r3a": (x(xb), mid + half), "r3b": (x(xb), mid - half),
    }
    pts[R1] = ((pts["r1a"][0] + pts["r1b"][0]) / 2, height)
    pts[R2], pts[R3] = (x(xa), mid), (x(xb), mid)
    pts["E"] = (sp.Integer(0), mid)
    m = gap / 3
    pts["Q1"], pts["Q2"] = (x(xa - m), height + m), (x(xb + m), height + m)
    pts["Q3"], pts["Q4"] = (x(xb + m), -m), (x(xa - m), -m)
    return Scene(
        points=pts,
        segments=_wires("c+", "P2", "r1a") + _wires("r1b", "A", "K1", "r3a") + _wires("A", "r2a")
        + _wires("r2b", "B") + _wires("r3b", "K2", "B", "P1", "c-"),
        labeled=[R1, R2, R3, "E"],
        undotted=[R1, R2, R3, "E"],
        elements=[Cell("c+", "c-", "E", volts), Resistor("r1a", "r1b", R1, ohms[0]), Resistor("r2a", "r2b", R2, ohms[1]),
               Resistor("r3a", "r3b", R3, ohms[2]), Junction("A"), Junction("B")],
        construction=Construction(
            f"mark the junctions A and B where the current splits and enclose the parallel pair {R2}, {R3}",
            _wires("Q1", "Q2", "Q3", "Q4", "Q1"), ["A", "B"],
        ),
    )


@register_generator("physics.series_parallel", DOMAIN)
def series_parallel(rng: random.Random) -> Draft:
    r1, r2, r3 = rng.randint(1, 12), rng.randint(2, 15), rng.randint(2, 15)
    volts = rng.choice([3, 6, 9, 12, 18, 24, 36])
    width = sp.Rational(rng.choice([9, 10, 11, 12]), 2)
    height, gap = sp.Rational(rng.choice([7, 8, 9]), 2), sp.Rational(rng.choice([4, 5]), 2)
    scene = _circuit(width, height, gap, rng.choice([1, -1]), volts, [r1, r2, r3])
    par = sp.Rational(r2 * r3, r2 + r3)
    total = r1 + par
    current = volts / total
    ask = rng.choice(["current", "resistance", "branch"])
    ans = {"current": current, "resistance": total, "branch": current * sp.Rational(r3, r2 + r3)}[ask]
    what = {
        "current": "the current through the cell in amperes",
        "resistance": "the equivalent resistance of the circuit connected to the cell in ohms",
        "branch": f"the current through {R2} in amperes",
    }[ask]
    steps = [
        f"{R2} and {R3} both join A to B, so they are in parallel: {R2}∥{R3} = {r2}·{r3}/({r2} + {r3}) = {to_latex(par)} Ω.",
        f"That pair is in series with {R1}: R = {r1} + {to_latex(par)} = {to_latex(total)} Ω.",
    ]
    if ask != "resistance":
        steps.append(f"The cell drives I = E/R = {volts}/{to_latex(total)} = {to_latex(current)} A.")
    if ask == "branch":
        steps.append(f"The current divides inversely to the resistances: I₂ = I·{R3}/({R2} + {R3}) = {to_latex(ans)} A.")
    return Draft(
        title="Series–parallel circuit",
        scene=scene,
        question=parts("The figure shows a circuit of a cell and three resistors.",
                       [f"the cell has emf E = {volts} V", f"{R1} = {r1} Ω", f"{R2} = {r2} Ω", f"{R3} = {r3} Ω"], what,
                       premises="The cell has negligible internal resistance."),
        answer=ans,
        target=target({"current": "cell_current", "resistance": "equivalent_resistance", "branch": "branch_current"}[ask],
                      R2 if ask == "branch" else "E"),
        givens=[quantity("emf", "E", value=volts), quantity("resistance", R1, value=r1),
                quantity("resistance", R2, value=r2), quantity("resistance", R3, value=r3)],
        reasoning=["To combine the resistors I first need to see which ones share both end points."],
        conclusion=steps,
        difficulty=Difficulty(hops=len(steps), constructions=1),
        params={"r1": r1, "r2": r2, "r3": r3, "volts": volts, "ask": ask, "width": str(width)},
    )
