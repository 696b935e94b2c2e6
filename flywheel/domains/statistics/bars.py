"""Bar charts of a category table: read two bars and compare them; read every bar and aggregate.

Values lie on gridlines or halfway between two, so they can be read exactly once a horizontal
reading line carries a bar's top to the value axis (the tool action).
"""

from __future__ import annotations

import math
import random

import sympy as sp

from flywheel.core.records import Difficulty
from flywheel.domains.registry import register_generator
from flywheel.domains.statistics import DOMAIN
from flywheel.domains.statistics.common import (
    add_bar,
    chart_draft,
    chart_question,
    fmt,
    reading_line,
    value_chart,
)
from flywheel.domains.statistics.model import ChartScene, Query, Stated
from flywheel.domains.statistics.themes import CATEGORY_THEMES, Theme
from flywheel.render.draft import Draft

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


def given(theme: Theme, item: str, value: int) -> tuple[str, list[Stated]]:
    """A stated reading: the question gives one bar's value (the figure must agree)."""
    text = theme.fact.format(item=item, value=fmt(value), unit=theme.unit)
    return text, [Stated("item", item, item), Stated("value", fmt(value), item, float(value))]


@register_generator("stats.bar_difference", DOMAIN)
def bar_difference(rng: random.Random) -> Draft:
    theme, items, values, scene, context = _setup(rng)
    a, b = rng.sample(range(len(items)), 2)
    if values[a] < values[b]:
        a, b = b, a
    diff = values[a] - values[b]
    stated_text, stated = given(theme, items[b], values[b])
    for i in (a, b):
        reading_line(scene, f"{items[i]}.tl")
    return chart_draft(
        scene,
        question=chart_question(f"The bar chart shows {context}.", stated_text,
                                theme.compare.format(a=items[a], b=items[b], unit=theme.unit)),
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


def _aggregate(op: str, values: list[int], unit: str) -> tuple[str, sp.Expr, str]:
    """(question, exact answer, last reasoning step) of an aggregate over every bar."""
    n, sums = len(values), " + ".join(fmt(v) for v in values)
    if op == "total":
        return f"What is the total of all {n} bars, in {unit}?", sp.Integer(sum(values)), \
            f"Total = {sums} = {fmt(sum(values))} {unit}."
    if op == "mean":
        mean = sp.Rational(sum(values), n)
        return f"What is the mean of the {n} values, in {unit}?", mean, \
            f"Mean = ({sums}) ÷ {n} = {fmt(sum(values))} ÷ {n} = {fmt(mean)} {unit}."
    ordered = sorted(values)
    median = sp.Rational(ordered[(n - 1) // 2] + ordered[n // 2], 2)
    a, b = ordered[(n - 1) // 2], ordered[n // 2]
    # the mean of the two middle values is written out: the trace verifier grounds every number it uses
    middle = "the middle value," if n % 2 else f"the mean of the two middle values: ({fmt(a)} + {fmt(b)}) ÷ 2 ="
    return f"What is the median of the {n} values, in {unit}?", median, \
        f"In order: {', '.join(fmt(v) for v in ordered)}; the median is {middle} {fmt(median)} {unit}."


@register_generator("stats.bar_mean", DOMAIN)
def bar_mean(rng: random.Random) -> Draft:
    """Read every bar, then the total, the mean or median (when a whole number), or the range."""
    theme, items, values, scene, context = _setup(rng)
    n, ordered = len(items), sorted(values)
    ops = ["total", "range"]
    ops += ["mean"] if sum(values) % n == 0 else []
    ops += ["median"] if (ordered[(n - 1) // 2] + ordered[n // 2]) % 2 == 0 else []
    op = rng.choice(ops)
    k = rng.randrange(n)
    stated_text, stated = given(theme, items[k], values[k])
    hi, lo = values.index(max(values)), values.index(min(values))
    if op == "range":
        ask = f"What is the difference between the greatest and the least value shown, in {theme.unit}?"
        answer, read = max(values) - min(values), [hi, lo]
        last = f"The greatest value is {fmt(values[hi])} ({items[hi]}) and the least {fmt(values[lo])} ({items[lo]}): " \
               f"{fmt(values[hi])} − {fmt(values[lo])} = {fmt(answer)}."
        what = "the tallest and the shortest bars"
    else:
        ask, answer, last = _aggregate(op, values, theme.unit)
        read, what = list(range(n)), "every bar"
    for i in read:
        reading_line(scene, f"{items[i]}.tl")
    readings = ", ".join(f"{items[i]} {fmt(values[i])}" for i in read)
    return chart_draft(
        scene,
        question=chart_question(f"The bar chart shows {context}.", stated_text, ask),
        answer=answer,
        query=Query(op, tuple(items)),
        stated=stated,
        construction=f"draw horizontal reading lines from the tops of {what} to the value axis",
        reasoning=[f"The {op} needs the value of {what}; I read each one against the gridlines."],
        conclusion=[f"The reading lines give {readings}.", last],
        difficulty=Difficulty(hops=1 + len(read) // 2, constructions=len(read), distractors=n - len(read)),
        params={"items": items, "values": values, "op": op},
    )
