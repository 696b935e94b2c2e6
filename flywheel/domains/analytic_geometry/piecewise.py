"""Piecewise functions: a continuous piecewise-linear graph and the area under it (trapezoids)."""

from __future__ import annotations

import math
import random

import sympy as sp

from flywheel.core.records import Difficulty
from flywheel.domains.analytic_geometry import DOMAIN
from flywheel.domains.analytic_geometry.plot import leaks, num, poly_text, window
from flywheel.domains.registry import register_generator
from flywheel.render.draft import Draft, parts
from flywheel.render.scene.coords import CoordinatePlane, Hatch, OnCurve, X, graph
from flywheel.render.scene.exact import P
from flywheel.render.scene.model import Construction, Measure, Scene, Segment

CORNERS = "ABCD"


def _breaks(rng: random.Random) -> list[int]:
    """Four x values off the y-axis, each piece at least 2 units wide."""
    while True:
        x0 = rng.randint(-6, 1)
        xs = [x0]
        for _ in range(3):
            xs.append(xs[-1] + rng.randint(2, 4))
        if xs[-1] <= 8 and 0 not in xs:
            return xs


def _condition(a: int, b: int) -> str:
    return f"{num(a)} ≤ x ≤ {num(b)}"


@register_generator("analytic.piecewise_area", DOMAIN)
def piecewise_area(rng: random.Random) -> Draft:
    """Area under a continuous piecewise-linear f: split by perpendiculars into trapezoids, add them up."""
    while True:
        xs = _breaks(rng)
        ys = [rng.randint(1, 6) for _ in xs]
        if ys[1] == ys[0] and ys[2] == ys[1]:
            continue  # at least one sloped piece before the flat one, or it is one rectangle
        slopes = [math.atan2(ys[i + 1] - ys[i], xs[i + 1] - xs[i]) for i in range(3)]
        if any(math.degrees(slopes[i + 1] - slopes[i]) > 100 for i in range(2)):
            continue  # a sharp valley: no room above the corner for its label (the hatching fills below)
        pieces = [sp.expand(ys[i] + sp.Rational(ys[i + 1] - ys[i], xs[i + 1] - xs[i]) * (X - xs[i])) for i in range(3)]
        area = sum(sp.Rational((ys[i] + ys[i + 1]) * (xs[i + 1] - xs[i]), 2) for i in range(3))
        corners = {n: P(x, y) for n, x, y in zip(CORNERS, xs, ys, strict=True)}
        feet = {n + "0": P(x, 0) for n, x in zip(CORNERS, xs, strict=True)}
        x0, x1, y0, y1 = window(list(corners.values()) + list(feet.values()))
        curves = [graph(f"f{i + 1}", pieces[i], xs[i], xs[i + 1], label=f"y = {poly_text(pieces[i])}") for i in range(3)]
        claims = [OnCurve(CORNERS[i + k], f"f{i + 1}") for i in range(3) for k in (0, 1)]
        claims += [OnCurve(n, "x-axis") for n in feet]
        axes = CoordinatePlane(x0, x1, y0, y1, curves, claims)
        if not leaks(area, axes):
            break
    scene = Scene(
        points={**corners, **feet},
        labeled=list(CORNERS),
        construction=Construction(
            "drop perpendiculars from A, B, C and D to the x-axis and hatch the region under the graph",
            segments=[Segment(n, n + "0") for n in CORNERS],
            hatches=[Hatch(f"f{i + 1}", "x-axis", sp.Integer(xs[i]), sp.Integer(xs[i + 1])) for i in range(3)],
        ),
        coordinate_plane=axes,
    )
    rule = "; ".join(f"y = {poly_text(f)} for {_condition(xs[i], xs[i + 1])}" for i, f in enumerate(pieces))
    traps = [sp.Rational((ys[i] + ys[i + 1]) * (xs[i + 1] - xs[i]), 2) for i in range(3)]
    return Draft(
        title="A piecewise-linear function and the region under its graph",
        scene=scene,
        question=parts("The graph of f consists of three segments.", [f"the pieces of f are {rule}"],
                       f"the area of the region bounded by the graph of f, the x-axis and the lines "
                       f"x = {num(xs[0])} and x = {num(xs[3])}"),
        answer=area,
        target=Measure("area", ("A0", "A", "B", "C", "D", "D0")),
        givens=[],
        reasoning=[
            "The graph is straight between its corners A, B, C, D, so vertical lines through the corners cut the "
            "region into trapezoids whose parallel sides are the function values there.",
        ],
        conclusion=[
            "At the corners f takes the values " + ", ".join(f"f({num(x)}) = {y}" for x, y in zip(xs, ys, strict=True)) + ".",
            "The trapezoids have areas " + ", ".join(
                f"½·({ys[i]} + {ys[i + 1]})·{xs[i + 1] - xs[i]} = {num(traps[i])}" for i in range(3)) + ".",
            f"Together: {' + '.join(num(t) for t in traps)} = {num(area)}.",
        ],
        difficulty=Difficulty(hops=4, constructions=2),
        params={"x": xs, "y": ys},
    )
