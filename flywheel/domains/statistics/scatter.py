"""Scatter plots: count the points in a region cut out by two thresholds (the tool draws both lines)."""

from __future__ import annotations

import math
import random
from dataclasses import dataclass

import sympy as sp

from flywheel.core.records import Difficulty
from flywheel.domains.registry import register_generator
from flywheel.domains.statistics import DOMAIN
from flywheel.domains.statistics.common import (
    BOX,
    add_marker,
    chart_draft,
    chart_question,
    construction_line,
    value_chart,
)
from flywheel.domains.statistics.model import Query, Stated
from flywheel.render.draft import Draft

MIN_GAP_PX = 12.0  # markers apart from each other and from the threshold lines


@dataclass(frozen=True)
class ScatterTheme:
    title: str
    context: str  # "the hours studied and the test scores of {n} students"
    xlabel: str
    ylabel: str
    x: tuple[int, int, int, sp.Rational]  # axis from, to, tick step, data resolution
    y: tuple[int, int, int, sp.Rational]
    question: str  # holds {x_side} {tx} {y_side} {ty}
    sides: dict[str, tuple[str, str]]  # ">" / "<" → words for x and for y


THEMES = [
    ScatterTheme("Study time and test scores", "the hours studied and the test scores of {n} students",
                 "Hours studied", "Score", (0, 10, 2, sp.Rational(1, 2)), (40, 100, 10, sp.Integer(1)),
                 "How many students studied {xs} {tx} hours and scored {ys} {ty}?",
                 {">": ("more than", "more than"), "<": ("less than", "less than")}),
    ScatterTheme("Temperature and ice cream sales", "the noon temperature and the ice creams sold on {n} days",
                 "Temperature (°C)", "Ice creams sold", (10, 35, 5, sp.Integer(1)), (0, 120, 20, sp.Integer(1)),
                 "On how many days was it {xs} {tx} °C with {ys} {ty} ice creams sold?",
                 {">": ("warmer than", "more than"), "<": ("colder than", "fewer than")}),
]


def _grid(lo: int, hi: int, res: sp.Rational) -> list[float]:
    # Multiples of 1/2 are exact in binary, so sampling in floats loses nothing (and is fast).
    return [lo + float(res) * k for k in range(1, int((hi - lo) / res))]


def _points(rng: random.Random, th: ScatterTheme, n: int, tx: int, ty: int) -> list[tuple[sp.Rational, sp.Rational]]:
    """n points apart from each other and from both threshold lines (in pixels), so counts are unambiguous."""
    fx, fy = BOX[2] / (th.x[1] - th.x[0]), BOX[3] / (th.y[1] - th.y[0])  # px per data unit
    xs, ys = _grid(th.x[0], th.x[1], th.x[3]), _grid(th.y[0], th.y[1], th.y[3])
    out: list[tuple[float, float]] = []
    while len(out) < n:
        x, y = rng.choice(xs), rng.choice(ys)
        if abs(x - tx) * fx < MIN_GAP_PX or abs(y - ty) * fy < MIN_GAP_PX:
            continue
        if all(math.hypot((x - a) * fx, (y - b) * fy) >= MIN_GAP_PX for a, b in out):
            out.append((x, y))
    return [(sp.Rational(x), sp.Rational(y)) for x, y in out]


def _inside(p, tx, ty, dx, dy) -> bool:
    ok = {">": lambda v, t: v > t, "<": lambda v, t: v < t}
    return bool(ok[dx](p[0], tx)) and bool(ok[dy](p[1], ty))


@register_generator("stats.scatter_region", DOMAIN)
def scatter_region(rng: random.Random) -> Draft:
    th = rng.choice(THEMES)
    n = rng.randint(10, 28)  # counts from 1 to n − 3: a wide answer range, so few plots share an answer
    (x0, x1, xstep, _), (y0, y1, ystep, _) = th.x, th.y
    tx = rng.randrange(x0 + xstep, x1, xstep)
    ty = rng.randrange(y0 + ystep, y1, ystep)
    dx, dy = rng.choice("><"), rng.choice("><")
    while True:
        pts = _points(rng, th, n, tx, ty)
        count = sum(_inside(p, tx, ty, dx, dy) for p in pts)
        if 1 <= count <= n - 3:
            break
    scene = value_chart("scatter", th.title, (x0, x1), (y0, y1), ystep, th.ylabel, th.xlabel)
    scene.xticks = [(sp.Integer(v), str(v)) for v in range(x0, x1 + 1, xstep)]
    for i, (x, y) in enumerate(pts):
        item = f"P{i + 1}"
        scene.table[item] = (x, y)
        add_marker(scene, item, x, y)
    construction_line(scene, "x-threshold", (tx, y0), (tx, y1))
    construction_line(scene, "y-threshold", (x0, ty), (x1, ty))
    xs, ys = th.sides[dx][0], th.sides[dy][1]
    corner = {">": "right", "<": "left"}[dx] + " of the vertical line and " + {">": "above", "<": "below"}[dy]
    return chart_draft(
        scene,
        question=chart_question(f"The scatter plot shows {th.context.format(n=n)}.", [],
                                th.question.format(xs=xs, tx=tx, ys=ys, ty=ty)),
        answer=count,
        query=Query("count_region", (dx, dy), (float(tx), float(ty))),
        stated=[Stated("count", str(n), value=float(n)), Stated("tick", str(tx)), Stated("tick", str(ty))],
        construction=f"draw the vertical line at {tx} and the horizontal line at {ty} across the plot",
        reasoning=["Each condition cuts the plot along one line; the points that satisfy both lie in one corner.",
                   f"I draw the lines at {tx} and {ty} so the region is visible."],
        conclusion=[f"The region {corner} the horizontal line contains {count} points.",
                    f"So the answer is {count}."],
        difficulty=Difficulty(hops=2, constructions=2, distractors=n - count),
        params={"points": [[str(x), str(y)] for x, y in pts], "tx": tx, "ty": ty, "dx": dx, "dy": dy},
    )
