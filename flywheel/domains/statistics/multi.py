"""Bar charts of two series: stacked bars (read one segment) and grouped bars (percentage change).

A segment of a stacked bar is read as the difference of two readings (its top and its bottom), so
the tool draws a reading line from each; a percentage change needs the readings of two bars of one
group. Values lie on gridlines or halfway between two, as in the single-series bar charts.
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
    BOX,
    PALETTE,
    TITLE_Y,
    add_bar,
    chart_draft,
    chart_question,
    fmt,
    hex_rgb,
    reading_line,
    value_chart,
)
from flywheel.domains.statistics.model import ChartScene, Query, Stated
from flywheel.domains.statistics.themes import DAYS, MONTHS
from flywheel.render.draft import Draft

COLORS = (PALETTE[0], "#e1a95f")  # blue below, sand above: far apart in every channel the probes read
LEGEND_BOX = (BOX[0], BOX[1], BOX[2], BOX[3] - 40)  # a lower axes box leaves a row for the legend
LEGEND_Y = TITLE_Y - 16  # canvas y of the legend row's top


@dataclass(frozen=True)
class SeriesTheme:
    title: str
    context: str  # holds {n}
    ylabel: str
    unit: str
    items: tuple[str, ...]
    series: tuple[str, str]  # legend names, lower/left first
    words: tuple[str, str]  # the series as the question says them
    ask: str  # holds {item} and {word}
    fact: str  # a stated reading: holds {item}, {word}, {value}
    compare: str = ""  # stacked: how many more of one series than the other; holds {item}, {more}, {less}
    steps: tuple[int, ...] = (2, 4)
    ordered: bool = False


STACKED_THEMES = [
    SeriesTheme("Boys and girls by class", "the number of boys and girls in {n} classes", "Students", "students",
                ("7A", "7B", "7C", "8A", "8B", "8C", "9A", "9B"), ("Boys", "Girls"), ("boys", "girls"),
                "How many {word} are there in class {item}?", "Class {item} has {value} {word}.",
                "How many more {more} than {less} are there in class {item}?"),
    SeriesTheme("Tickets sold", "the tickets a cinema sold online and at the box office on {n} days", "Tickets",
                "tickets", DAYS, ("Online", "Box office"), ("online", "at the box office"),
                "How many tickets were sold {word} on {item}?", "On {item}, {value} tickets were sold {word}.",
                "On {item}, how many more tickets were sold {more} than {less}?", steps=(10, 20), ordered=True),
    SeriesTheme("Books borrowed", "the fiction and non-fiction books a library lent in {n} months", "Books",
                "books", MONTHS, ("Fiction", "Non-fiction"), ("fiction", "non-fiction"),
                "How many {word} books were borrowed in {item}?", "In {item}, {value} {word} books were borrowed.",
                "In {item}, how many more {more} than {less} books were borrowed?", steps=(10, 20), ordered=True),
]

GROUPED_THEMES = [
    SeriesTheme("Fruit sold", "the mass of fruit a stall sold in two years", "Mass (kg)", "kg",
                ("Apples", "Pears", "Plums", "Grapes", "Kiwis", "Figs"), ("2022", "2023"), ("2022", "2023"),
                "the mass of {item} sold", "In {word} the stall sold {value} kg of {item}.", steps=(10, 20)),
    SeriesTheme("Club members", "the members of {n} school clubs in two years", "Members", "members",
                ("Chess", "Drama", "Music", "Art", "Choir", "Poetry"), ("2021", "2024"), ("2021", "2024"),
                "the membership of the {item} club", "In {word} the {item} club had {value} members.", steps=(4, 10)),
    SeriesTheme("Visitors by term", "the visitors to {n} school events in two terms", "Visitors", "visitors",
                ("Concert", "Fair", "Play", "Sports", "Quiz"), ("Autumn", "Spring"), ("autumn", "spring"),
                "the number of visitors to the {item}", "In {word} the {item} had {value} visitors.", steps=(10, 20)),
]


def _items(rng: random.Random, th: SeriesTheme, n: int) -> list[str]:
    if th.ordered:
        start = rng.randint(0, len(th.items) - n)
        return list(th.items[start : start + n])
    return sorted(rng.sample(th.items, n), key=th.items.index)


def series_chart(th: SeriesTheme, items: list[str], top: int, step: int, width: sp.Rational) -> ChartScene:
    """Empty axes for two series, one tick per item, a legend row under the title."""
    n = len(items)
    # a margin of 0.8 left of the first tick: a reading line from the first bar is never a stub
    scene = value_chart("multibar", th.title, (sp.Rational(-4, 5), n - sp.Rational(1, 5)), (0, top), step, th.ylabel,
                        box=LEGEND_BOX)
    scene.xticks = [(sp.Integer(i), item) for i, item in enumerate(items)]
    scene.extra.update(bar_width=width, legend_y=LEGEND_Y, series=th.series, series_bars=[])
    return scene


def _add_series(scene: ChartScene, k: int, keys: list[str], positions, heights, bottoms) -> None:
    w = scene.extra["bar_width"]
    for key, x, h, b in zip(keys, positions, heights, bottoms, strict=True):
        add_bar(scene, key, x - w / 2, x + w / 2, b + h, hex_rgb(COLORS[k]), base=b)
    scene.extra["series_bars"].append((scene.extra["series"][k], COLORS[k], positions, heights, bottoms))


def _value_scale(rng: random.Random, th: SeriesTheme, parts: int) -> tuple[int, int, int, int]:
    """(step, top, half, lowest): gridline step, a y-axis top of 6–9 steps, the half-step grid of bar
    values, and the lowest value still readable as a bar at that scale (about top / parts)."""
    step = rng.choice(th.steps)
    top = step * rng.randint(6, 9)
    half = step // 2
    return step, top, half, math.ceil(top / parts / half) * half


def _grid_values(rng: random.Random, count: int, lo: int, hi: int, half: int) -> list[int]:
    return [rng.randrange(lo, hi + 1, half) for _ in range(count)]


@register_generator("stats.stacked_bar", DOMAIN)
def stacked_bar(rng: random.Random) -> Draft:
    """Read one segment of a stacked bar: its top minus its bottom (or compare it with the one below)."""
    th = rng.choice(STACKED_THEMES)
    n = rng.randint(4, 5)
    items = _items(rng, th, n)
    step, top, half, lowest = _value_scale(rng, th, 9)
    while True:  # both parts tall enough to read, every stack below the top gridline
        lower = _grid_values(rng, n, lowest, top // 2, half)
        upper = _grid_values(rng, n, lowest, top // 2, half)
        if max(a + b for a, b in zip(lower, upper, strict=True)) < top:
            break
    scene = series_chart(th, items, top, step, sp.Rational(3, 5))
    _add_series(scene, 0, [f"{it}.lower" for it in items], list(range(n)), lower, [0] * n)
    _add_series(scene, 1, [f"{it}.upper" for it in items], list(range(n)), upper, lower)
    for i, it in enumerate(items):
        scene.table[it] = (sp.Integer(lower[i]), sp.Integer(lower[i] + upper[i]))
        scene.readings[it] = [f"{it}.lower.tl", f"{it}.upper.tl"]
        del scene.readings[f"{it}.lower"], scene.readings[f"{it}.upper"]
    k = rng.randrange(n)
    g = rng.choice([i for i in range(n) if i != k])
    reading_line(scene, f"{items[k]}.lower.tl")
    reading_line(scene, f"{items[k]}.upper.tl")
    fact = th.fact.format(item=items[g], word=th.words[0], value=lower[g])
    compare = rng.random() < 0.35 and lower[k] != upper[k]
    if compare:
        more = 1 if upper[k] > lower[k] else 0
        answer = abs(upper[k] - lower[k])
        ask = th.compare.format(item=items[k], more=th.words[more], less=th.words[1 - more])
        query = Query("part_difference", (items[k], "upper" if more else "lower"))
        last = (f"{th.series[1]}: {lower[k] + upper[k]} − {lower[k]} = {upper[k]}; {th.series[0]}: {lower[k]}; "
                f"the difference is {answer}.")
    else:
        answer = upper[k]
        ask = th.ask.format(item=items[k], word=th.words[1])
        query = Query("upper_part", (items[k],))
        last = f"The {th.series[1]} segment is {lower[k] + upper[k]} − {lower[k]} = {answer} {th.unit}."
    return chart_draft(
        scene,
        question=chart_question(f"The stacked bar chart shows {th.context.format(n=n)}.", fact, ask),
        answer=answer,
        query=query,
        stated=[Stated("tick", items[k]), Stated("tick", items[g]), Stated("series", th.words[0]),
                Stated("series", th.words[1]),
                Stated("value", str(lower[g]), items[g], float(lower[g]), 0)],
        construction=f"draw horizontal reading lines from the bottom and the top of the {th.series[1]} segment of "
        f"the {items[k]} bar to the value axis",
        reasoning=[f"The {th.series[1]} segment of the {items[k]} bar does not start at zero: it sits on the "
                   f"{th.series[0]} segment.",
                   "Its size is the reading at its top minus the reading at its bottom."],
        conclusion=[f"The reading lines meet the axis at {lower[k]} (bottom) and {lower[k] + upper[k]} (top).", last],
        difficulty=Difficulty(hops=2 + compare, constructions=2, distractors=n - 1),
        params={"items": items, "lower": lower, "upper": upper, "k": items[k], "compare": compare},
    )


PERCENTS = (10, 20, 25, 30, 40, 50, 60, 75, -10, -20, -25, -30, -40, -50)


@register_generator("stats.percent_change", DOMAIN)
def percent_change(rng: random.Random) -> Draft:
    """Grouped bars of two periods: the percentage change of one item from the first to the second."""
    th = rng.choice(GROUPED_THEMES)
    n = rng.randint(3, 5)
    items = _items(rng, th, n)
    step, top, half, lowest = _value_scale(rng, th, 8)
    grid = range(lowest, top, half)
    k = rng.randrange(n)
    while True:  # item k changes by a round percentage; both of its bars on the half-step grid
        old, pct = rng.choice(grid), rng.choice(PERCENTS)
        new = sp.Rational(old * (100 + pct), 100)
        if new.is_Integer and new in grid and new != old:
            break
    first, second = [rng.choice(grid) for _ in range(n)], [rng.choice(grid) for _ in range(n)]
    first[k], second[k] = old, int(new)
    width = sp.Rational(9, 25)
    scene = series_chart(th, items, top, step, width)
    keys = [[f"{it} {s}" for it in items] for s in th.series]
    _add_series(scene, 0, keys[0], [i - width / 2 for i in range(n)], first, [0] * n)
    _add_series(scene, 1, keys[1], [i + width / 2 for i in range(n)], second, [0] * n)
    for i in range(n):
        scene.table[keys[0][i]], scene.table[keys[1][i]] = (sp.Integer(first[i]),), (sp.Integer(second[i]),)
    reading_line(scene, f"{keys[0][k]}.tl")
    reading_line(scene, f"{keys[1][k]}.tl")
    g = rng.choice([i for i in range(n) if i != k])
    fact = th.fact.format(item=items[g], word=th.words[1], value=second[g])
    way = "increase" if pct > 0 else "decrease"
    subject = th.ask.format(item=items[k])
    return chart_draft(
        scene,
        question=chart_question(f"The bar chart compares {th.context.format(n=n)}.", fact,
                                f"By what percentage did {subject} {way} from {th.words[0]} to {th.words[1]}?"),
        answer=abs(pct),
        query=Query(f"percent_{way}", (keys[0][k], keys[1][k])),
        stated=[Stated("tick", items[k]), Stated("tick", items[g]), Stated("series", th.words[0]),
                Stated("series", th.words[1]), Stated("value", str(second[g]), keys[1][g], float(second[g]))],
        construction=f"draw horizontal reading lines from the tops of the two {items[k]} bars to the value axis",
        reasoning=[f"A percentage change compares the change with the {th.words[0]} value, so I need both "
                   f"{items[k]} bars exactly."],
        conclusion=[f"The reading lines give {old} ({th.words[0]}) and {new} ({th.words[1]}).",
                    f"Change = {new} − {old} = {new - old}; {fmt(new - old)} ÷ {old} × 100% = {pct}%, "
                    f"so the value {way}d by {abs(pct)}%."],
        difficulty=Difficulty(hops=3, constructions=2, distractors=2 * n - 2),
        params={"items": items, "first": first, "second": second, "k": items[k], "pct": pct},
    )
