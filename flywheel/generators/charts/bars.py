"""Bar charts of a category table: read two bars and compare them; read every bar and aggregate.

Values lie on gridlines or halfway between two, so they can be read exactly once a horizontal
reading line carries a bar's top to the value axis (the tool action).
"""

from __future__ import annotations

import math
import random

import sympy as sp

from flywheel.generators.base import Draft
from flywheel.generators.charts.common import (
    add_bar,
    chart_draft,
    fmt,
    reading_line,
    value_chart,
)
from flywheel.generators.charts.model import ChartScene, Query, Stated
from flywheel.generators.charts.themes import CATEGORY_THEMES, Theme
from flywheel.generators.registry import register_generator
from flywheel.records import Difficulty

BAR_WIDTH = sp.Rational(3, 5)


def draw_values(rng: random.Random, n: int, steps: tuple[int, ...]) -> tuple[list[int], int, int]:
    """n distinct values on a half-step grid, none shorter than a fifth of the axis; (values, step, top)."""
    step = rng.choice(steps)
    top = step * rng.randint(5, 8)
    half = step // 2
    lowest = math.ceil(top / 5 / half) * half
    return rng.sample(range(lowest, top + 1, half), n), step, top


def bar_scene(theme: Theme, items: list[str], values: list[int], step: int, top: int, period: str) -> ChartScene:
    n = len(items)
    title = theme.title.format(period=period)
    scene = value_chart("bar", title, (sp.Rational(-4, 5), n - sp.Rational(2, 5)), (0, top), step, theme.ylabel)
    scene.xticks = [(sp.Integer(i), item) for i, item in enumerate(items)]
    scene.extra["bar_width"] = BAR_WIDTH
    for i, (item, v) in enumerate(zip(items, values, strict=True)):
        scene.table[item] = (sp.Integer(v),)
        add_bar(scene, item, i - BAR_WIDTH / 2, i + BAR_WIDTH / 2, v)
    return scene


def _setup(rng: random.Random):
    theme = rng.choice(CATEGORY_THEMES)
    n = rng.randint(4, 6)
    items, period = theme.draw(rng, n)
    values, step, top = draw_values(rng, n, theme.steps)
    context = theme.context.format(n=n, period=period)
    return theme, items, values, bar_scene(theme, items, values, step, top, period), context


def given(item: str, value: int, unit: str) -> tuple[str, list[Stated]]:
    """A stated reading: the question gives one bar's value (the figure must agree)."""
    text = f"The bar for {item} shows {fmt(value)} {unit}."
    return text, [Stated("item", item, item), Stated("value", fmt(value), item, float(value))]


@register_generator("stats.bar_difference", domain="statistics")
def bar_difference(rng: random.Random) -> Draft:
    theme, items, values, scene, context = _setup(rng)
    a, b = rng.sample(range(len(items)), 2)
    if values[a] < values[b]:
        a, b = b, a
    diff = values[a] - values[b]
    stated_text, stated = given(items[b], values[b], theme.unit)
    for i in (a, b):
        reading_line(scene, f"{items[i]}.tl")
    return chart_draft(
        scene,
        question=f"The bar chart shows {context}. {stated_text} How many more {theme.unit} does the bar for "
        f"{items[a]} show than the bar for {items[b]}?",
        answer=diff,
        query=Query("difference", (items[a], items[b])),
        stated=stated + [Stated("item", items[a], items[a])],
        construction=f"draw horizontal reading lines from the tops of the bars for {items[a]} and {items[b]} "
        "to the value axis",
        reasoning=[f"I need the heights of the bars for {items[a]} and {items[b]}.",
                   "Their tops are far from the axis, so carrying each top across to the scale makes the reading exact."],
        conclusion=[f"The reading line from {items[a]} meets the axis at {fmt(values[a])} and the one from "
                    f"{items[b]} at {fmt(values[b])}.",
                    f"{fmt(values[a])} − {fmt(values[b])} = {fmt(diff)} {theme.unit}."],
        difficulty=Difficulty(hops=2, constructions=2, distractors=len(items) - 2),
        params={"items": items, "values": values, "a": items[a], "b": items[b]},
    )


@register_generator("stats.bar_mean", domain="statistics")
def bar_mean(rng: random.Random) -> Draft:
    """Read every bar, then the total, the mean (when it is a whole number) or the range."""
    theme, items, values, scene, context = _setup(rng)
    n, total = len(items), sum(values)
    op = rng.choice(["mean", "total", "range"]) if total % n == 0 else rng.choice(["total", "range"])
    k = rng.randrange(n)
    stated_text, stated = given(items[k], values[k], theme.unit)
    hi, lo = values.index(max(values)), values.index(min(values))
    if op == "range":
        ask = f"What is the difference between the greatest and the least value shown, in {theme.unit}?"
        answer, read = max(values) - min(values), [hi, lo]
        last = f"The greatest value is {fmt(values[hi])} ({items[hi]}) and the least {fmt(values[lo])} ({items[lo]}): " \
               f"{fmt(values[hi])} − {fmt(values[lo])} = {fmt(answer)}."
        what = "the tallest and the shortest bars"
    else:
        sums = " + ".join(fmt(v) for v in values)
        read, what = list(range(n)), "every bar"
        if op == "total":
            ask = f"What is the total of all {n} bars, in {theme.unit}?"
            answer, last = total, f"Total = {sums} = {fmt(total)} {theme.unit}."
        else:
            ask = f"What is the mean value of the {n} bars, in {theme.unit}?"
            answer = sp.Rational(total, n)
            last = f"Mean = ({sums}) ÷ {n} = {fmt(total)} ÷ {n} = {fmt(answer)} {theme.unit}."
    for i in read:
        reading_line(scene, f"{items[i]}.tl")
    readings = ", ".join(f"{items[i]} {fmt(values[i])}" for i in read)
    return chart_draft(
        scene,
        question=f"The bar chart shows {context}. {stated_text} {ask}",
        answer=answer,
        query=Query(op, tuple(items)),
        stated=stated,
        construction=f"draw horizontal reading lines from the tops of {what} to the value axis",
        reasoning=[f"The {op} needs the value of {what}; I read each one against the gridlines."],
        conclusion=[f"The reading lines give {readings}.", last],
        difficulty=Difficulty(hops=1 + len(read) // 2, constructions=len(read), distractors=n - len(read)),
        params={"items": items, "values": values, "op": op},
    )
