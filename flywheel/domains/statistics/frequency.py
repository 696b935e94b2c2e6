"""Frequency bar charts of a discrete variable: the mean or median of the data they summarise.

Each bar is how often a value (0, 1, 2 … goals, siblings, pets) occurred; the mean is the
frequency-weighted sum over the total frequency, the median the middle value of the data in order.
The tool draws a reading line from every bar top, since each frequency enters the calculation.
"""

from __future__ import annotations

import random

import sympy as sp

from flywheel.core.records import Difficulty
from flywheel.domains.registry import register_generator
from flywheel.domains.statistics import DOMAIN
from flywheel.domains.statistics.bars import BAR_WIDTH, draw_values
from flywheel.domains.statistics.common import (
    add_bar,
    chart_draft,
    chart_question,
    fmt,
    reading_line,
    value_chart,
)
from flywheel.domains.statistics.model import Query, Stated
from flywheel.render.draft import Draft

# title, context (holds {n}), x label, y label, what the data count (plural), the value asked about
THEMES = [
    ("Goals per match", "the goals a hockey team scored in each of its {n} matches", "Goals in a match",
     "Matches", "matches", "number of goals per match"),
    ("Siblings", "the number of siblings of each of {n} students", "Number of siblings", "Students",
     "students", "number of siblings"),
    ("Pets at home", "the number of pets in each of {n} homes", "Number of pets", "Homes", "homes",
     "number of pets per home"),
    ("Books brought to class", "the number of books each of {n} pupils brought to class", "Books brought",
     "Pupils", "pupils", "number of books per pupil"),
]


def _frequencies(rng: random.Random, k: int) -> tuple[list[int], int, int]:
    """k frequencies below the top gridline, falling away from one most common value (the shape such
    counts have), whose mean is a decimal with at most one place (a textbook's tidy answer)."""
    while True:
        drawn, step, top = draw_values(rng, k, (2, 4))
        mode = rng.randint(0, k // 2)  # small counts are the common ones (siblings, goals, pets)
        by_distance = sorted(range(k), key=lambda x: (abs(x - mode), rng.random()))
        counts = [0] * k
        for x, f in zip(by_distance, sorted(drawn, reverse=True), strict=True):
            counts[x] = f
        total = sum(counts)
        if max(counts) < top and sum(x * f for x, f in enumerate(counts)) * 10 % total == 0:
            return counts, step, top


@register_generator("stats.frequency_mean", DOMAIN)
def frequency_mean(rng: random.Random) -> Draft:
    title, context, xlabel, ylabel, datum, what = rng.choice(THEMES)
    k = rng.randint(4, 7)
    counts, step, top = _frequencies(rng, k)
    n = sum(counts)
    values = list(range(k))
    scene = value_chart("bar", title, (sp.Rational(-4, 5), k - sp.Rational(2, 5)), (0, top), step, ylabel, xlabel)
    scene.xticks = [(sp.Integer(x), str(x)) for x in values]
    scene.extra["bar_width"] = BAR_WIDTH
    for x, f in zip(values, counts, strict=True):
        scene.table[str(x)] = (sp.Integer(f),)
        add_bar(scene, str(x), x - BAR_WIDTH / 2, x + BAR_WIDTH / 2, f)
        reading_line(scene, f"{x}.tl")
    weighted = " + ".join(f"{x}·{f}" for x, f in zip(values, counts, strict=True))
    products = sum(x * f for x, f in zip(values, counts, strict=True))
    data = [x for x, f in zip(values, counts, strict=True) for _ in range(f)]
    median = sp.Rational(data[(n - 1) // 2] + data[n // 2], 2)
    # medians take few values (whole and half numbers): asked less often, they rarely meet an equal answer
    if rng.random() < 0.8:
        op, answer, name = "freq_mean", sp.Rational(products, n), "mean"
        last = [f"Sum of the data = {weighted} = {products}.", f"Mean = {products} ÷ {n} = {fmt(answer)}."]
    else:
        op, answer, name = "freq_median", median, "median"
        middle = f"value number {(n + 1) // 2}" if n % 2 else f"the mean of values number {n // 2} and {n // 2 + 1}"
        cumulative = ", ".join(f"{sum(counts[: x + 1])}" for x in values)
        last = [f"Running totals from {values[0]} up: {cumulative}.",
                f"The median is {middle} in order, which is {fmt(median)}."]
    return chart_draft(
        scene,
        question=chart_question(f"The bar chart shows {context.format(n=n)}.", [], f"What is the {name} {what}?"),
        answer=answer,
        query=Query(op),
        stated=[Stated("total", str(n), value=float(n))],
        construction="draw horizontal reading lines from the top of every bar to the frequency axis",
        reasoning=[f"Each bar is a frequency: how many {datum} had that value.",
                   f"The {name} needs every frequency, so I read each bar against the axis."],
        conclusion=[f"The reading lines give the frequencies {', '.join(str(f) for f in counts)} for the values "
                    f"{', '.join(str(x) for x in values)} ({n} in all).", *last],
        difficulty=Difficulty(hops=3, constructions=k),
        params={"counts": counts, "op": op},
    )
