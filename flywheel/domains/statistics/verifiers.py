"""Statistics verifiers: re-read a chart's data from its geometry and its pixels.

`answer.statistics` never reuses the generator's arithmetic on the table: it inverts the axis map on
the figure's points (bar tops, markers, box edges, sector boundaries), recomputes what the
question asks with plain float statistics, and checks every given the question states against
the figure. `image.statistics` reads the rendered pixels at the positions the data table implies
(inside/above each bar top, at each marker, across each sector), so a figure whose code drifted
from its table is caught.
"""

from __future__ import annotations

import math
import re
import statistics
from itertools import pairwise

import numpy as np

from flywheel.domains.registry import domain_verifier
from flywheel.domains.statistics import DOMAIN
from flywheel.domains.statistics.model import ChartScene
from flywheel.verify.answer import answer_text_problem, close
from flywheel.verify.registry import Check, VerifyContext

COLOR_TOL = 48  # per channel: antialiasing and PNG rounding stay well inside this
PIE_TOL_DEG = 0.01


def read_figure(scene: ChartScene) -> dict[str, tuple[float, ...]]:
    """Each item's data as the figure's geometry encodes it (axis map inverted on its points)."""
    f, pts = scene.frame, scene.floats()
    x0, x1 = float(f.xlim[0]), float(f.xlim[1])
    y0, y1 = float(f.ylim[0]), float(f.ylim[1])

    def inv_x(px: float) -> float:
        return x0 + (px - f.left) * (x1 - x0) / f.width

    def inv_y(py: float) -> float:
        return y0 + (py - f.bottom) * (y1 - y0) / f.height

    out = {}
    for item, names in scene.readings.items():
        p = [pts[n] for n in names]
        if scene.kind == "scatter":
            out[item] = (inv_x(p[0][0]), inv_y(p[0][1]))
        elif scene.kind == "hist":
            out[item] = (inv_y(p[0][1]), inv_x(p[0][0]), inv_x(p[1][0]))
        elif scene.kind == "pie":
            out[item] = (_clockwise_share(pts["pie.o"], p[0], p[1]),)
        else:
            out[item] = tuple(inv_y(q[1]) for q in p)
    return out


def _clockwise_share(o, a, b) -> float:
    """Share of the full turn swept clockwise from ray o→a to ray o→b."""
    ta, tb = math.atan2(a[1] - o[1], a[0] - o[0]), math.atan2(b[1] - o[1], b[0] - o[0])
    sweep = (ta - tb) % (2 * math.pi)
    return sweep / (2 * math.pi)


def _x_order(scene: ChartScene) -> list[str]:
    pts = scene.floats()
    return sorted(scene.readings, key=lambda item: pts[scene.readings[item][0]][0])


def _inv_x(scene: ChartScene, px: float) -> float:
    f = scene.frame
    x0, x1 = float(f.xlim[0]), float(f.xlim[1])
    return x0 + (px - f.left) * (x1 - x0) / f.width


def _bar_centres(scene: ChartScene) -> dict[str, float]:
    """The value each bar of a frequency chart stands for: its centre on the x-axis, read as the tick
    label printed there (the figure's own statement of which value the bar counts)."""
    pts, out = scene.floats(), {}
    for item, (a, b) in ((i, scene.readings[i]) for i in scene.readings):
        x = _inv_x(scene, (pts[a][0] + pts[b][0]) / 2)
        label = next((t for v, t in scene.xticks if abs(float(v) - x) < 1e-9), None)
        out[item] = float(label) if label is not None else math.nan
    return out


def _interpolate(scene: ChartScene, data, x: float) -> float:
    """The polyline through the markers, evaluated at data x (straight between neighbours)."""
    pts = scene.floats()
    xs = sorted((_inv_x(scene, pts[scene.readings[i][0]][0]), data[i][0]) for i in scene.readings)
    for (xa, ya), (xb, yb) in pairwise(xs):
        if xa <= x <= xb:
            return ya + (yb - ya) * (x - xa) / (xb - xa)
    return math.nan


def recompute(scene: ChartScene, data: dict[str, tuple[float, ...]]) -> float:
    """The question's target from the figure's data, by plain float statistics."""
    q = scene.query
    first = [v[0] for v in data.values()]
    if q.op == "difference":
        return data[q.items[0]][0] - data[q.items[1]][0]
    if q.op == "range":
        return max(first) - min(first)
    if q.op == "total":
        return math.fsum(first)
    if q.op == "mean":
        return statistics.fmean(first)
    if q.op == "median":
        return statistics.median(first)
    if q.op == "max_increase":
        seq = [data[i][0] for i in _x_order(scene)]
        return max(b - a for a, b in pairwise(seq))
    if q.op == "share_count":
        return data[q.items[0]][0] * q.total
    if q.op in ("count_at_least", "count_below"):
        t = q.threshold[0]
        keep = (lambda lo, hi: lo >= t - 1e-9) if q.op == "count_at_least" else (lambda lo, hi: hi <= t + 1e-9)
        return math.fsum(freq for freq, lo, hi in data.values() if keep(lo, hi))
    if q.op == "iqr":
        return data[q.items[0]][3] - data[q.items[0]][1]
    if q.op == "box_range":
        return data[q.items[0]][4] - data[q.items[0]][0]
    if q.op == "median_difference":
        return data[q.items[0]][2] - data[q.items[1]][2]
    if q.op == "upper_part":  # a stacked bar reads (bottom series, whole stack)
        return data[q.items[0]][1] - data[q.items[0]][0]
    if q.op == "part_difference":
        lower, whole = data[q.items[0]]
        upper = whole - lower
        return upper - lower if q.items[1] == "upper" else lower - upper
    if q.op in ("percent_increase", "percent_decrease"):
        old, new = data[q.items[0]][0], data[q.items[1]][0]
        return (new - old if q.op == "percent_increase" else old - new) / old * 100
    if q.op in ("freq_mean", "freq_median"):
        xs = _bar_centres(scene)
        expanded = [x for item, x in xs.items() for _ in range(round(data[item][0]))]
        if any(not close(data[item][0], round(data[item][0])) for item in xs):
            return math.nan  # a frequency between gridlines is no count
        return statistics.fmean(expanded) if q.op == "freq_mean" else statistics.median(expanded)
    if q.op == "interpolate":
        return _interpolate(scene, data, q.threshold[0])
    if q.op == "count_region":
        (tx, ty), (dx, dy) = q.threshold, q.items
        side = {">": lambda v, t: v > t, "<": lambda v, t: v < t}
        return float(sum(side[dx](x, tx) and side[dy](y, ty) for x, y in data.values()))
    raise ValueError(f"unknown chart query {q.op!r}")


def _in_text(text: str, question: str) -> bool:
    """`text` is stated in the question (numbers as whole numbers, not part of a longer one)."""
    return re.search(rf"(?<![\w.]){re.escape(text)}(?![\w]|[.,]\d)", question) is not None


def _stated_problem(ctx: VerifyContext, scene: ChartScene, data) -> str | None:
    question, code = ctx.rendered.draft.question, ctx.rendered.image_code
    ticks = {t for _, t in scene.xticks + scene.yticks}
    for s in scene.stated:
        if not _in_text(s.text, question):
            return f"given {s.text!r} is not stated in the question"
        if s.kind == "item" and (s.text not in data or repr(s.text) not in code):
            return f"the question names {s.text!r} but the figure shows no such item"
        if s.kind == "tick" and s.text not in ticks:
            return f"the question's {s.text} is not a value marked on the figure's axes"
        if s.kind == "title" and s.text not in scene.title:
            return f"the question's {s.text} is not the one in the figure's title"
        if s.kind == "value" and not close(data[s.item][s.index], s.value):
            return f"the question gives {s.item} = {s.text} but the figure shows {data[s.item][s.index]:.6g}"
        if s.kind == "total" and not close(math.fsum(v[0] for v in data.values()), s.value):
            return f"the question's total {s.text} differs from the figure's total"
        if s.kind == "series" and not any(t.lower() in s.text.lower() for t in scene.extra.get("series", ())):
            return f"the question names the series {s.text!r} but the legend has no such series"
        if s.kind == "count" and len(data) != s.value:
            return f"the question counts {s.text} but the figure has {len(data)}"
        if s.kind == "step" and not _ticks_every(scene, s.value):
            return f"the question says the readings are {s.text} but the figure's ticks are not"
    return None


def _ticks_every(scene: ChartScene, step: float) -> bool:
    """The x tick labels are numbers `step` apart (readings "every 10 minutes")."""
    try:
        xs = [float(t) for _, t in scene.xticks]
    except ValueError:
        return False
    return all(close(b - a, step) for a, b in pairwise(xs))


def _pie_label_problem(scene: ChartScene, data) -> str | None:
    """Every percentage printed on the pie equals its sector's angle."""
    for name in scene.labeled:
        m = re.fullmatch(r"(.+)\n(\d+)%", name)
        if m and not math.isclose(data[m.group(1)][0] * 100, int(m.group(2)), abs_tol=PIE_TOL_DEG / 3.6):
            return f"the pie labels {m.group(1)} {m.group(2)}% but its sector is {data[m.group(1)][0]:.2%}"
    return None


@domain_verifier(DOMAIN, "answer", kinds=["interaction"])
def verify_stats_answer(ctx: VerifyContext) -> Check:
    d = ctx.rendered.draft
    scene = d.scene
    if not isinstance(scene, ChartScene):
        return Check(False, "a statistics sample without a chart")
    data = read_figure(scene)
    got, exact = recompute(scene, data), float(d.answer)
    if not close(got, exact):
        return Check(False, f"the figure gives {scene.query.op} = {got:.6g} but the answer is {exact:.6g}")
    problem = answer_text_problem(ctx, exact)
    if problem:
        return Check(False, problem)
    problem = _stated_problem(ctx, scene, data) or _pie_label_problem(scene, data)
    if problem:
        return Check(False, problem)
    return Check(True, f"{scene.query.op} re-read from the figure = {got:.6g}; {len(scene.stated)} givens match")


def _matches(rgb: np.ndarray, x: int, y: int, color: tuple[int, int, int]) -> bool:
    px = rgb[y, x].astype(int)
    return int(np.abs(px - np.asarray(color)).max()) <= COLOR_TOL


@domain_verifier(DOMAIN, "image")
def verify_stats_image(ctx: VerifyContext) -> Check:
    if ctx.render is None:
        return Check(False, ctx.render_error or "the figure did not render")
    scene = ctx.rendered.draft.scene
    if not isinstance(scene, ChartScene) or not scene.probes:
        return Check(False, "a statistics sample without probes to read")
    rgb, h = ctx.render.rgb, ctx.render.height
    for p in scene.probes:
        x, y = int(p.x), int(h - p.y)
        if not (0 <= x < rgb.shape[1] and 0 <= y < rgb.shape[0]):
            return Check(False, f"probe {p.what} lies outside the image")
        if _matches(rgb, x, y, p.rgb) != p.present:
            seen = tuple(int(c) for c in rgb[y, x])
            want = "" if p.present else "not "
            return Check(False, f"pixel ({x}, {y}) {p.what} is {seen}, expected {want}{p.rgb}")
    return Check(True, f"{len(scene.probes)} pixel probes agree with the data table")
