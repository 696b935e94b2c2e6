"""Line charts read between the plotted points: a value at a time halfway between two readings.

Assuming the quantity changes steadily between readings (the straight segment), its value halfway
is where a vertical line at that time meets the segment, carried across to the value axis: the
tool draws both lines, and the reading lands between two gridlines.
"""

from __future__ import annotations

import math
import random
from dataclasses import dataclass

import sympy as sp

from flywheel.core.records import Difficulty
from flywheel.domains.registry import register_generator
from flywheel.domains.statistics import DOMAIN
from flywheel.domains.statistics.common import (
    add_marker,
    chart_draft,
    chart_question,
    construction_line,
    fmt,
    reading_line,
    value_chart,
)
from flywheel.domains.statistics.model import Query, Stated
from flywheel.render.draft import Draft
from flywheel.render.scene.model import Segment


@dataclass(frozen=True)
class TimeTheme:
    title: str
    context: str
    xlabel: str
    ylabel: str
    unit: str
    fact: str  # a stated reading: holds {at}, {value}
    ask: str  # holds {at}
    rising: bool  # a running total (distance travelled) never falls
    steady: str  # the assumption that makes the segment the answer
    steps: tuple[int, ...] = (2, 4)  # gridline steps that suit the quantity


THEMES = [
    TimeTheme("Temperature during a day", "the temperature in a garden, read every hour", "Time", "Temperature (°C)",
              "°C", "At {at} it was {value} °C.", "what was the temperature at {at}, in °C?", False,
              "Assuming the temperature changed steadily between readings"),
    TimeTheme("Distance cycled", "the distance a cyclist had covered, read every 10 minutes", "Time (min)",
              "Distance (km)", "km", "After {at} minutes she had covered {value} km.",
              "how far had she cycled after {at} minutes, in km?", True,
              "Assuming her speed was steady between readings"),
    TimeTheme("Water in a tank", "the water in a tank, read every hour", "Time", "Water (litres)", "litres",
              "At {at} the tank held {value} litres.", "how much water did the tank hold at {at}, in litres?", False,
              "Assuming the level changed steadily between readings", (10, 20)),
]


def _ticks(th: TimeTheme, start: int, n: int) -> list[str]:
    """Minutes 10, 20, 30 … for a ride (no reading at 0: the marker would sit on the axis); clock hours else."""
    return [str(10 * i + 10) for i in range(n)] if th.rising else [f"{start + i}:00" for i in range(n)]


def _walk(rng: random.Random, n: int, step: int, top: int, rising: bool) -> list[int]:
    """Values on the half-step grid, each change at least a step, every value inside the axes."""
    half = step // 2
    lowest = math.ceil(top / 8 / half) * half
    moves = [2 * half, 3 * half, 4 * half] + ([] if rising else [-2 * half, -3 * half, -4 * half])
    while True:
        values = [rng.randrange(lowest, (top // 2 if not rising else top // 4) + 1, half)]
        for _ in range(n - 1):
            values.append(values[-1] + rng.choice(moves))
        if lowest <= min(values) and max(values) < top:
            return values


@register_generator("stats.line_interpolation", DOMAIN)
def line_interpolation(rng: random.Random) -> Draft:
    th = rng.choice(THEMES)
    n = rng.randint(4, 8)
    step = rng.choice(th.steps)
    # a ride climbs at least a step per reading: n readings need about n + 2 steps of axis
    top = step * rng.randint(n + 2, 13) if th.rising else step * rng.randint(6, 12)
    start = rng.randint(7, 17 - n)
    ticks = _ticks(th, start, n)
    values = _walk(rng, n, step, top, th.rising)
    scene = value_chart("line", th.title, (sp.Rational(-1, 2), n - sp.Rational(1, 2)), (0, top), step, th.ylabel,
                        th.xlabel)
    scene.xticks = [(sp.Integer(i), t) for i, t in enumerate(ticks)]
    points = [add_marker(scene, t, i, v) for i, (t, v) in enumerate(zip(ticks, values, strict=True))]
    for t, v in zip(ticks, values, strict=True):
        scene.table[t] = (sp.Integer(v),)
    scene.segments += [Segment(p, q) for p, q in zip(points, points[1:], strict=False)]
    i = rng.randrange(n - 1)
    at = str(10 * i + 15) if th.rising else f"{start + i}:30"
    x = i + sp.Rational(1, 2)
    answer = sp.Rational(values[i] + values[i + 1], 2)
    construction_line(scene, "time", (x, 0), (x, answer))
    reading_line(scene, "time.b")
    g = rng.choice([j for j in range(n) if j not in (i, i + 1)])
    return chart_draft(
        scene,
        question=chart_question(f"The line chart shows {th.context}.", th.fact.format(at=ticks[g], value=values[g]),
                                th.ask.format(at=at), premises=th.steady.replace("Assuming", "Assume", 1) + "."),
        answer=answer,
        query=Query("interpolate", threshold=(float(x),)),
        stated=[Stated("item", ticks[g], ticks[g]), Stated("value", str(values[g]), ticks[g], float(values[g]))]
        + ([Stated("step", "every 10 minutes", value=10.0)] if th.rising else []),
        construction=f"draw a vertical line at {at} up to the graph and a horizontal reading line from there to the "
        "value axis",
        reasoning=[f"{at} lies halfway between the readings at {ticks[i]} and {ticks[i + 1]}; a steady change means "
                   "the value lies on the straight segment between them.",
                   "A vertical line at that time meets the segment; carrying that point across gives the value."],
        conclusion=[f"The readings at {ticks[i]} and {ticks[i + 1]} are {values[i]} and {values[i + 1]}.",
                    f"Halfway between them: ({values[i]} + {values[i + 1]}) ÷ 2 = {fmt(answer)} {th.unit}, "
                    "where the reading line meets the axis."],
        difficulty=Difficulty(hops=2, constructions=2, distractors=n - 2),
        params={"ticks": ticks, "values": values, "i": i},
    )
