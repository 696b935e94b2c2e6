"""Distributions: histograms (counts above/below a class boundary) and box plots (median, IQR, range)."""

from __future__ import annotations

import math
import random
from itertools import pairwise

import sympy as sp

from flywheel.core.records import Difficulty
from flywheel.domains.registry import register_generator
from flywheel.domains.statistics import DOMAIN
from flywheel.domains.statistics.common import (
    BOX_RGB,
    PROBE_PX,
    add_bar,
    chart_draft,
    chart_question,
    construction_line,
    fmt,
    reading_line,
    value_chart,
)
from flywheel.domains.statistics.model import ChartScene, Probe, Query, Stated
from flywheel.domains.statistics.themes import GROUPS, MONTH_NAMES
from flywheel.render.draft import Draft
from flywheel.render.scene.model import Segment

# title, context ("of {n} …"), x label, counted noun, first edge, class width, number of classes
HIST_THEMES = [
    ("Test scores", "the test scores of {n} students", "Score", "students", "scored", 40, 10, 6),
    ("Plant heights", "the heights of {n} bean plants", "Height (cm)", "plants", "measured", 10, 5, 6),
    ("Race times", "the finishing times of {n} runners", "Time (min)", "runners", "took", 20, 5, 5),
]


@register_generator("stats.histogram_count", DOMAIN)
def histogram_count(rng: random.Random) -> Draft:
    title, context, xlabel, noun, verb, first, width, k = rng.choice(HIST_THEMES)
    ystep = rng.choice([2, 4])
    top = ystep * rng.randint(4, 7)
    half = ystep // 2
    counts = [rng.randrange(math.ceil(top / 8 / half) * half, top + 1, half) for _ in range(k)]
    edges = [first + width * i for i in range(k + 1)]
    cut = rng.randint(2, k - 1)
    t, at_least = edges[cut], rng.random() < 0.5
    chosen = list(range(cut, k)) if at_least else list(range(cut))
    n = sum(counts)
    scene = value_chart("hist", title, (first - sp.Rational(width, 2), edges[-1] + sp.Rational(width, 2)),
                        (0, top), ystep, "Frequency", xlabel)
    scene.xticks = [(sp.Integer(e), str(e)) for e in edges]
    scene.extra["edges"] = edges
    names = [f"{a}–{b}" for a, b in pairwise(edges)]
    for name, lo, c in zip(names, edges, counts, strict=False):
        scene.table[name] = (sp.Integer(c), sp.Integer(lo), sp.Integer(lo + width))
        add_bar(scene, name, lo, lo + width, c)
    construction_line(scene, "threshold", (t, 0), (t, top))
    for i in chosen:
        reading_line(scene, f"{names[i]}.tl")
    side = "at least" if at_least else "less than"
    picked = " + ".join(fmt(counts[i]) for i in chosen)
    return chart_draft(
        scene,
        question=chart_question(f"The histogram shows {context.format(n=n)}.", [], f"How many of the {noun} {verb} {side} {t}?"),
        answer=sum(counts[i] for i in chosen),
        query=Query("count_at_least" if at_least else "count_below", threshold=(float(t),)),
        stated=[Stated("total", str(n), value=float(n)), Stated("tick", str(t))],
        construction=f"draw a vertical line at {t} and horizontal reading lines from the tops of the bars "
        f"{'right' if at_least else 'left'} of it to the frequency axis",
        reasoning=[f"The classes {side} {t} lie on one side of the boundary {t}; their frequencies are the bar heights.",
                   "Marking the boundary and carrying each bar top to the axis gives every count exactly."],
        conclusion=[f"The bars {'right' if at_least else 'left'} of {t} read {picked}.",
                    f"So {picked} = {fmt(sum(counts[i] for i in chosen))} {noun} {verb} {side} {t}."],
        difficulty=Difficulty(hops=1 + len(chosen) // 2, constructions=1 + len(chosen), distractors=k - len(chosen)),
        params={"edges": edges, "counts": counts, "t": t, "at_least": at_least},
    )


BOX_WIDTH = sp.Rational(1, 2)
BOX_OPS = ("iqr", "box_range", "median_difference")
SUMMARY = ("lowest", "lower quartile", "median", "upper quartile", "highest")


def _summary(rng: random.Random, lo_axis: int, hi_axis: int) -> list[int]:
    """A five-number summary on multiples of 5, whiskers and box halves long enough to read."""
    while True:
        v = sorted(rng.sample(range(lo_axis + 5, hi_axis + 1, 5), 5))
        gaps = [b - a for a, b in pairwise(v)]
        if gaps[0] >= 10 and gaps[3] >= 10:
            return v


def add_box(scene: ChartScene, group: str, i: int, summary: list[int]) -> None:
    """Box, median, whiskers and caps of one group at position i (bxp's geometry: caps half as wide)."""
    f = scene.frame
    lo, q1, med, q3, hi = summary
    w, cap = BOX_WIDTH / 2, BOX_WIDTH / 4
    spots = {
        "lo": (i, lo), "cl": (i - cap, lo), "cr": (i + cap, lo), "q1c": (i, q1),
        "bl": (i - w, q1), "tl": (i - w, q3), "tr": (i + w, q3), "br": (i + w, q1),
        "ml": (i - w, med), "mr": (i + w, med), "q3c": (i, q3), "hi": (i, hi), "hl": (i - cap, hi), "hr": (i + cap, hi),
    }
    for k, (x, y) in spots.items():
        scene.points[f"{group}.{k}"] = (f.x(x), f.y(y))
    pairs = ["lo q1c", "cl cr", "bl tl", "tl tr", "tr br", "br bl", "ml mr", "q3c hi", "hl hr"]
    scene.segments += [Segment(f"{group}.{a}", f"{group}.{b}") for a, b in (p.split() for p in pairs)]
    scene.readings[group] = [f"{group}.{k}" for k in ("cl", "bl", "ml", "tl", "hl")]
    scene.table[group] = tuple(sp.Integer(v) for v in summary)
    x = float(f.x(i - cap))
    for q, inside in ((q1, 1), (q3, -1)):
        y = float(f.y(q))
        scene.probes += [Probe(x, y + inside * PROBE_PX, BOX_RGB, True, f"inside the box of {group}"),
                         Probe(x, y - inside * PROBE_PX, BOX_RGB, False, f"outside the box of {group}")]
    scene.probes.append(Probe(x, float(f.y(med)), (0, 0, 0), True, f"on the median of {group}"))


@register_generator("stats.box_plot", DOMAIN)
def box_plot(rng: random.Random) -> Draft:
    kind = rng.choice(list(GROUPS))
    n = rng.randint(2, 3)
    groups = rng.sample(GROUPS[kind], n)
    groups.sort()
    lo_axis = rng.choice([0, 20, 30, 40])
    summaries = [_summary(rng, lo_axis, 100) for _ in groups]
    month = rng.choice(MONTH_NAMES)
    title = f"Scores on the {month} test"
    scene = value_chart("box", title, (sp.Rational(-4, 5), n - sp.Rational(2, 5)), (lo_axis, 100), 10, "Score")
    scene.xticks = [(sp.Integer(i), g) for i, g in enumerate(groups)]
    scene.extra["box_width"] = BOX_WIDTH
    for i, (g, s) in enumerate(zip(groups, summaries, strict=True)):
        add_box(scene, g, i, s)
    op = rng.choice(BOX_OPS if n > 1 and summaries[0][2] != summaries[1][2] else BOX_OPS[:2])
    a = rng.randrange(n)
    c = rng.randrange(n)
    given = f"The highest score in {groups[c]} was {summaries[c][4]}."
    stated = [Stated("item", groups[a], groups[a]), Stated("item", groups[c], groups[c]),
              Stated("value", str(summaries[c][4]), groups[c], float(summaries[c][4]), 4)]
    s = summaries[a]
    if op == "median_difference":
        i, j = (0, 1) if summaries[0][2] > summaries[1][2] else (1, 0)
        ga, gb = groups[i], groups[j]
        answer = summaries[i][2] - summaries[j][2]
        ask = f"How many points higher is the median score of {ga} than that of {gb}?"
        marks, items = [f"{ga}.ml", f"{gb}.ml"], (ga, gb)
        what = f"the medians of {ga} and {gb}"
        stated += [Stated("item", ga, ga), Stated("item", gb, gb)]
        last = f"Median of {ga} = {summaries[i][2]}, median of {gb} = {summaries[j][2]}; difference = {fmt(answer)}."
    elif op == "iqr":
        answer, items = s[3] - s[1], (groups[a],)
        ask = f"What is the interquartile range of the scores of {groups[a]}?"
        marks, what = [f"{groups[a]}.tl", f"{groups[a]}.bl"], f"the upper and lower quartiles of {groups[a]}"
        last = f"Upper quartile {s[3]}, lower quartile {s[1]}: IQR = {s[3]} − {s[1]} = {fmt(answer)}."
    else:
        answer, items = s[4] - s[0], (groups[a],)
        ask = f"What is the range of the scores of {groups[a]}?"
        marks, what = [f"{groups[a]}.hl", f"{groups[a]}.cl"], f"the ends of the whiskers of {groups[a]}"
        last = f"Highest {s[4]}, lowest {s[0]}: range = {s[4]} − {s[0]} = {fmt(answer)}."
    for m in marks:
        reading_line(scene, m)
    return chart_draft(
        scene,
        question=chart_question(f"The box plots summarise the scores of {', '.join(groups[:-1])} and {groups[-1]} "
                                f"on the {month} test.", given, ask),
        answer=answer,
        query=Query(op, items),
        stated=stated,
        construction=f"draw horizontal reading lines from {what} to the score axis",
        reasoning=[f"I need {what}; the box plot shows them as edges and lines between gridlines.",
                   "Carrying each one across to the score axis gives its exact value."],
        conclusion=[last],
        difficulty=Difficulty(hops=2, constructions=2, distractors=n - len(items)),
        params={"groups": groups, "summaries": summaries, "op": op, "month": month},
    )

