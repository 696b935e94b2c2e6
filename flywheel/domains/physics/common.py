"""Shared pieces of the physics generators: physics measures (what a given or a target is), number text.

A physics Measure names a quantity the `answer.physics` verifier can recompute from the scene (the
figure's coordinates, its curve samples, its circuit symbols) or read from the question:

- `length(P, Q)`, `angle(P, V, Q)`: as in plane geometry (data units are metres, cm or newtons).
- `force(O, F)`: magnitude of the force arrow O→F (figures draw 1 N as 1 unit); symbol = F.
- `resultant(O, F₁, F₂, …)`: magnitude of the vector sum of the arrows from O.
- `weight_along` / `weight_normal(A, C, G, W)`: component of the weight arrow G→W along / across
  the incline A→C, scaled by the stated weight.
- `sin_angle(P, V, Q)`: sine of the angle at V.
- `apex_height` / `range(O)`: of the trajectory curve drawn from the launch point O.
- `launch_speed(O)`: the speed the drawn trajectory implies for the stated g.
- `image_distance` / `image_height(A, B, O, F')`: where the principal rays from the object tip A meet.
- `resistance(R)` / `emf(E)`: the value of a circuit symbol; `cell_current(E)`,
  `equivalent_resistance(E)`, `branch_current(R)`: the circuit solved by Kirchhoff's laws.
- `stated(X)`: a value the figure does not carry (a weight, g); the question must state it.

Every given with a symbol must appear in the question as `symbol = value`.
"""

from __future__ import annotations

import sympy as sp

from flywheel.core.answers import to_latex
from flywheel.render.draft import Given
from flywheel.render.scene.model import Measure

SUB = str.maketrans("0123456789", "₀₁₂₃₄₅₆₇₈₉")


def sub(name: str, i: int) -> str:
    """`sub("F", 1)` → "F₁" (DejaVu Serif has the subscript digits)."""
    return f"{name}{str(i).translate(SUB)}"


def quantity(kind: str, *points: str, value) -> Given:
    return Given(Measure(kind, tuple(points)), sp.sympify(value))  # type: ignore[arg-type]


def target(kind: str, *points: str) -> Measure:
    return Measure(kind, tuple(points))  # type: ignore[arg-type]


def num(v) -> str:
    """A value as question text: 12, 3/5, 2.5 stays exact (rationals as a/b), radicals as LaTeX."""
    v = sp.nsimplify(v)
    if v.is_Integer:
        return str(int(v))
    if v.is_Rational:
        return f"{v.p}/{v.q}"
    return to_latex(v)


# Directions with exact sine and cosine, as a question states them: (statement, sin θ, cos θ).
EXACT_ANGLES = [
    ("θ = 30°", sp.Rational(1, 2), sp.sqrt(3) / 2),
    ("θ = 45°", sp.sqrt(2) / 2, sp.sqrt(2) / 2),
    ("θ = 60°", sp.sqrt(3) / 2, sp.Rational(1, 2)),
    ("sin θ = 3/5", sp.Rational(3, 5), sp.Rational(4, 5)),
    ("sin θ = 4/5", sp.Rational(4, 5), sp.Rational(3, 5)),
    ("sin θ = 5/13", sp.Rational(5, 13), sp.Rational(12, 13)),
    ("sin θ = 12/13", sp.Rational(12, 13), sp.Rational(5, 13)),
    ("sin θ = 8/17", sp.Rational(8, 17), sp.Rational(15, 17)),
    ("sin θ = 15/17", sp.Rational(15, 17), sp.Rational(8, 17)),
    ("sin θ = 20/29", sp.Rational(20, 29), sp.Rational(21, 29)),
    ("sin θ = 21/29", sp.Rational(21, 29), sp.Rational(20, 29)),
    ("sin θ = 28/53", sp.Rational(28, 53), sp.Rational(45, 53)),
    ("sin θ = 45/53", sp.Rational(45, 53), sp.Rational(28, 53)),
    ("sin θ = 24/25", sp.Rational(24, 25), sp.Rational(7, 25)),
]
