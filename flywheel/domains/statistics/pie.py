"""Pie charts: one sector's percentage is missing; the count follows from the others and the total."""

from __future__ import annotations

import math
import random
from itertools import pairwise

import sympy as sp

from flywheel.core.records import Difficulty
from flywheel.domains.registry import register_generator
from flywheel.domains.statistics import DOMAIN
from flywheel.domains.statistics.common import (
    PALETTE,
    PROBE_PX,
    add_circle,
    add_title,
    chart_draft,
    chart_question,
    hex_rgb,
)
from flywheel.domains.statistics.model import SIZE, ChartScene, Frame, Probe, Query, Stated
from flywheel.render.draft import Draft
from flywheel.render.scene.exact import polar
from flywheel.render.scene.model import Segment

CENTER = (240, 222)
RADIUS = 128
LABEL_PT = 11
EM = LABEL_PT * 100 / 72  # px per em at 100 dpi
TITLE_BOTTOM = SIZE - 40  # canvas y below which sector labels must stay (clear of the title)

# title (holds {n}), who, question (holds {item}), items
THEMES = [
    ("Favourite sports of {n} students", "students", "How many students chose {item}?",
     ("Football", "Tennis", "Swimming", "Cycling", "Running", "Hockey")),
    ("How {n} people travel to work", "people", "How many people travel by {item}?",
     ("Car", "Bus", "Train", "Bicycle", "Tram", "Foot")),
    ("Favourite fruit of {n} children", "children", "How many children chose {item}?",
     ("Apple", "Banana", "Mango", "Grapes", "Orange", "Cherry")),
]


def _percentages(rng: random.Random, k: int) -> list[int]:
    """k multiples of 5, each at least 10, summing to 100."""
    while True:
        cuts = sorted(rng.sample(range(1, 20), k - 1))
        parts = [5 * (b - a) for a, b in pairwise([0, *cuts, 20])]
        if min(parts) >= 10:
            return parts


def _label_box(text: str, angle: float) -> tuple[float, float, float, float]:
    """Estimated box (canvas, y up) of a two-line label set outside the circle at `angle` degrees."""
    w = 0.62 * EM * max(len(s) for s in text.split("\n"))
    h = 1.2 * EM * (text.count("\n") + 1)
    c, s = math.cos(math.radians(angle)), math.sin(math.radians(angle))
    d = RADIUS + 12 + abs(c) * w / 2 + abs(s) * h / 2
    x, y = CENTER[0] + d * c, CENTER[1] + d * s
    return (x - w / 2, y - h / 2, x + w / 2, y + h / 2)


def _fits(boxes: list[tuple[float, float, float, float]]) -> bool:
    for i, b in enumerate(boxes):
        if b[0] < 6 or b[2] > SIZE - 6 or b[1] < 6 or b[3] > TITLE_BOTTOM:
            return False
        for o in boxes[i + 1 :]:
            if not (b[2] + 6 <= o[0] or o[2] + 6 <= b[0] or b[3] + 4 <= o[1] or o[3] + 4 <= b[1]):
                return False
    return True


@register_generator("stats.pie_percent", DOMAIN)
def pie_percent(rng: random.Random) -> Draft:
    title_t, who, ask, pool = rng.choice(THEMES)
    while True:
        k = rng.randint(4, 5)
        items = rng.sample(pool, k)
        parts = _percentages(rng, k)
        target = rng.randrange(k)
        texts = [it if i == target else f"{it}\n{p}%" for i, (it, p) in enumerate(zip(items, parts, strict=True))]
        starts = [90 - sp.Rational(18, 5) * sum(parts[:i]) for i in range(k)]  # clockwise from 12 o'clock
        ends = [s - sp.Rational(18, 5) * p for s, p in zip(starts, parts, strict=True)]
        mids = [float((s + e) / 2) for s, e in zip(starts, ends, strict=True)]
        boxes = [_label_box(t, m) for t, m in zip(texts, mids, strict=True)]
        if _fits(boxes):
            break
    n = 20 * rng.randint(6, 40)
    title = title_t.format(n=n)
    scene = ChartScene(points={"pie.o": (sp.Integer(CENTER[0]), sp.Integer(CENTER[1]))}, kind="pie", title=title,
                       frame=Frame(0, 0, SIZE, SIZE, (sp.Integer(0), sp.Integer(SIZE)), (sp.Integer(0), sp.Integer(SIZE))))
    add_title(scene, SIZE // 2)
    o = scene.points["pie.o"]
    wedges = {}
    for i, (item, text, s, e, m, box) in enumerate(zip(items, texts, starts, ends, mids, boxes, strict=True)):
        scene.points[f"{item}.a"], scene.points[f"{item}.b"] = polar(o, RADIUS, s), polar(o, RADIUS, e)
        scene.points[text] = polar(o, RADIUS, sp.Rational(round(m * 100), 100))
        scene.labeled.append(text)
        scene.extra["label_at"][text] = ((box[0] + box[2]) / 2, (box[1] + box[3]) / 2)
        scene.readings[item] = [f"{item}.a", f"{item}.b"]
        scene.table[item] = (sp.Rational(parts[i], 100),)
        scene.colors[item] = PALETTE[i]
        wedges[item] = (e, s)  # Wedge draws counter-clockwise from theta1 to theta2
        rgb = hex_rgb(PALETTE[i])
        for ang, rad in ((m, 0.6), (float(s) - PROBE_PX, 0.8), (float(e) + PROBE_PX, 0.8)):
            x = CENTER[0] + rad * RADIUS * math.cos(math.radians(ang))
            y = CENTER[1] + rad * RADIUS * math.sin(math.radians(ang))
            scene.probes.append(Probe(x, y, rgb, True, f"in the {item} sector at {ang:.0f}°"))
    add_circle(scene, "pie.o", f"{items[0]}.a")
    scene.extra.update(cx=CENTER[0], cy=CENTER[1], r=RADIUS, wedges=wedges)
    t = items[target]
    scene.construction.segments += [Segment("pie.o", f"{t}.a"), Segment("pie.o", f"{t}.b")]
    known = [p for i, p in enumerate(parts) if i != target]
    pct = parts[target]
    answer = sp.Rational(pct * n, 100)
    return chart_draft(
        scene,
        question=chart_question(f"The pie chart shows {title[0].lower() + title[1:]}.", [], ask.format(item=t),
                                premises=f"The percentage for {t} is not printed."),
        answer=answer,
        query=Query("share_count", (t,), total=n),
        stated=[Stated("item", t, t), Stated("title", str(n))],
        construction=f"outline the {t} sector with its two bounding radii",
        reasoning=[f"The {t} sector has no percentage, but the percentages of a pie add up to 100%.",
                   f"Outlining the {t} sector separates it from the labelled ones."],
        conclusion=[f"The other sectors are {' + '.join(f'{p}%' for p in known)} = {sum(known)}%, so {t} is "
                    f"100% − {sum(known)}% = {pct}% of the circle.",
                    f"{pct}% of {n} {who} = {answer} {who}."],
        difficulty=Difficulty(hops=2, constructions=1, distractors=k - 1),
        params={"items": items, "percentages": parts, "target": t, "n": n},
    )
