"""Line charts of a yearly series: the trend question (largest rise between consecutive years)."""

from __future__ import annotations

import math
import random
from itertools import pairwise

import sympy as sp

from flywheel.core.records import Difficulty
from flywheel.domains.registry import register_generator
from flywheel.domains.statistics import DOMAIN
from flywheel.domains.statistics.common import (
    add_marker,
    chart_draft,
    chart_question,
    fmt,
    reading_line,
    value_chart,
)
from flywheel.domains.statistics.model import Query, Stated
from flywheel.domains.statistics.themes import SERIES_THEMES
from flywheel.render.draft import Draft
from flywheel.render.scene.model import Segment


def _series(rng: random.Random, n: int, step: int, top: int) -> list[int]:
    """A random walk on the half-step grid with one clear largest rise; every change is at least a
    step, so no segment meets a reading line at a sliver angle; below the top gridline, so no marker
    is clipped by the axes."""
    half = step // 2
    lowest = math.ceil(top / 8 / half) * half
    moves = [-4 * half, -3 * half, -2 * half, 2 * half, 3 * half, 4 * half, 5 * half]  # a gentle upward drift
    while True:
        values = [rng.randrange(lowest, top // 2 + 1, half)]
        for _ in range(n - 1):
            values.append(values[-1] + rng.choice(moves))
        rises = [b - a for a, b in pairwise(values)]
        best = max(rises)
        if lowest <= min(values) and max(values) < top and best > 0 and rises.count(best) == 1:
            return values


@register_generator("stats.line_trend", DOMAIN)
def line_trend(rng: random.Random) -> Draft:
    theme = rng.choice(SERIES_THEMES)
    n = rng.randint(5, 7)
    step = rng.choice(theme.steps)
    top = step * rng.randint(5, 8)
    start = rng.randint(2010, 2024 - n)
    years = [str(start + i) for i in range(n)]
    values = _series(rng, n, step, top)
    scene = value_chart("line", theme.title, (sp.Rational(-1, 2), n - sp.Rational(1, 2)), (0, top), step, theme.ylabel)
    scene.xticks = [(sp.Integer(i), y) for i, y in enumerate(years)]
    points = [add_marker(scene, y, i, v) for i, (y, v) in enumerate(zip(years, values, strict=True))]
    for y, v, p, q in zip(years, values, points, points[1:] + [None], strict=True):
        scene.table[y] = (sp.Integer(v),)
        if q:
            scene.segments.append(Segment(p, q))
    rises = [b - a for a, b in pairwise(values)]
    k = rises.index(max(rises))
    reading_line(scene, points[k])
    reading_line(scene, points[k + 1])
    g = rng.randrange(n)
    return chart_draft(
        scene,
        question=chart_question(f"The line chart shows {theme.context} from {years[0]} to {years[-1]}.",
                                f"In {years[g]} the value was {fmt(values[g])}.",
                                f"What was the largest increase from one year to the next, in {theme.unit}?"),
        answer=max(rises),
        query=Query("max_increase", tuple(years)),
        stated=[Stated("item", years[g], years[g]), Stated("value", fmt(values[g]), years[g], float(values[g])),
                Stated("item", years[0], years[0]), Stated("item", years[-1], years[-1])],
        construction=f"draw horizontal reading lines from the points for {years[k]} and {years[k + 1]} to the value axis",
        reasoning=["The largest increase is the steepest rising segment of the line.",
                   f"The steepest rise runs from {years[k]} to {years[k + 1]}; I read both ends on the value axis."],
        conclusion=[f"The reading lines meet the axis at {fmt(values[k])} ({years[k]}) and {fmt(values[k + 1])} "
                    f"({years[k + 1]}).",
                    f"Increase = {fmt(values[k + 1])} − {fmt(values[k])} = {fmt(max(rises))} {theme.unit}; every "
                    "other segment rises less or falls."],
        difficulty=Difficulty(hops=2, constructions=2, distractors=n - 2),
        params={"years": years, "values": values},
    )

