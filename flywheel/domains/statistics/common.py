"""Shared building blocks of the chart generators: frames, axes, bars, reading lines, probes, drafts.

Every generator builds its ChartScene through these helpers, so the strokes the generic checks
see, the probes the pixel check reads and the points the answer verifier measures are made in
one place for every chart kind.
"""

from __future__ import annotations

import sympy as sp

from flywheel.core.records import Difficulty, content_id
from flywheel.domains.statistics.model import (
    SIZE,
    ChartScene,
    Frame,
    Number,
    Probe,
    Query,
    Stated,
    exact,
)
from flywheel.render.draft import Draft, Question, parts
from flywheel.render.scene.model import CircleEl, Construction, Measure, Segment

FILL = "#4c72b0"
FILL_RGB = (0x4C, 0x72, 0xB0)
BOX_FILL = "#a6c3e3"
BOX_RGB = (0xA6, 0xC3, 0xE3)
PALETTE = ["#4c72b0", "#55a868", "#ccb974", "#8172b2", "#64b5cd", "#937860"]  # no red: the tool draws red
PROBE_PX = 4  # probes sit this far inside/outside an edge: clear of antialiasing and edge strokes
TITLE_Y = SIZE - 26  # canvas y of the title's centre
BOX = (72, 64, 388, 356)  # left, bottom, width, height of a value chart's axes (px)
TARGET = Measure("length", ("", ""))  # charts measure through ChartScene.query, not a scene Measure


def hex_rgb(color: str) -> tuple[int, int, int]:
    return (int(color[1:3], 16), int(color[3:5], 16), int(color[5:7], 16))


def fmt(v: Number) -> str:
    """A data value as the figure and the question print it (integers, or a short decimal)."""
    v = exact(v)
    return str(int(v)) if v.is_Integer else f"{float(v):g}"


def value_frame(xlim: tuple[Number, Number], ylim: tuple[Number, Number], box: tuple[int, int, int, int] = BOX) -> Frame:
    left, bottom, width, height = box
    return Frame(left, bottom, width, height, (exact(xlim[0]), exact(xlim[1])), (exact(ylim[0]), exact(ylim[1])))


def axis_ticks(lo: int, hi: int, step: int) -> list[tuple[sp.Expr, str]]:
    return [(sp.Integer(v), str(v)) for v in range(lo, hi + 1, step)]


def value_chart(kind: str, title: str, xlim, ylim, step: int, ylabel: str, xlabel: str = "",
                box: tuple[int, int, int, int] = BOX) -> ChartScene:
    """An empty value chart: axes spines, y ticks every `step`, the title above the axes."""
    frame = value_frame(xlim, ylim, box)
    y0, y1 = int(frame.ylim[0]), int(frame.ylim[1])
    scene = ChartScene(points={}, kind=kind, frame=frame, title=title, xlabel=xlabel, ylabel=ylabel,
                       yticks=axis_ticks(y0, y1, step))
    o, xe, ye = "axis.o", "axis.x", "axis.y"
    scene.points.update({o: _p(frame.left, frame.bottom), xe: _p(frame.right, frame.bottom),
                         ye: _p(frame.left, frame.top)})
    scene.segments += [Segment(o, xe), Segment(o, ye)]
    add_title(scene, frame.left + frame.width / 2)
    return scene


def add_title(scene: ChartScene, cx: Number) -> None:
    """The title is a labelled point: anchored on the plot's top, printed centred above it."""
    scene.points[scene.title] = _p(cx, TITLE_Y - 24)
    scene.labeled.append(scene.title)
    scene.extra.setdefault("label_at", {})[scene.title] = (float(cx), float(TITLE_Y))


def _p(x: Number, y: Number) -> tuple[sp.Expr, sp.Expr]:
    return (exact(x), exact(y))


def add_bar(scene: ChartScene, item: str, x0: Number, x1: Number, value: Number, color=FILL_RGB,
            base: Number | None = None) -> None:
    """A bar from data x0 to x1 and from `base` (default: the baseline) up to `value`: edges, reading
    point, probes. A stacked segment starts on the bar below it."""
    f = scene.frame
    base = f.ylim[0] if base is None else base
    names = {k: f"{item}.{k}" for k in ("bl", "tl", "tr", "br")}
    scene.points.update({
        names["bl"]: _p(f.x(x0), f.y(base)), names["tl"]: _p(f.x(x0), f.y(value)),
        names["tr"]: _p(f.x(x1), f.y(value)), names["br"]: _p(f.x(x1), f.y(base)),
    })
    scene.segments += [Segment(names["bl"], names["tl"]), Segment(names["tl"], names["tr"]),
                       Segment(names["tr"], names["br"])]
    scene.readings[item] = [names["tl"], names["tr"]]
    cx, top = float(f.x((exact(x0) + exact(x1)) / 2)), float(f.y(value))
    scene.probes += [Probe(cx, top - PROBE_PX, color, True, f"inside the top of bar {item}"),
                     Probe(cx, top + PROBE_PX, color, False, f"above the top of bar {item}")]


def add_marker(scene: ChartScene, item: str, x: Number, y: Number, color=FILL_RGB) -> str:
    """A data point (line vertex or scatter dot): its point, reading and a probe at its centre."""
    f = scene.frame
    name = f"{item}.pt"
    scene.points[name] = _p(f.x(x), f.y(y))
    scene.readings[item] = [name]
    scene.probes.append(Probe(float(f.x(x)), float(f.y(y)), color, True, f"marker of {item}"))
    return name


def reading_line(scene: ChartScene, point: str) -> None:
    """Construction: a horizontal line from `point` to the y-axis, to read its value off the ticks."""
    f = scene.frame
    end = f"{point}>axis"
    scene.points[end] = (exact(f.left), scene.points[point][1])
    scene.construction.segments.append(Segment(point, end))


def construction_line(scene: ChartScene, name: str, a: tuple[Number, Number], b: tuple[Number, Number]) -> None:
    """Construction: a line between two data positions (e.g. a threshold across the plot)."""
    f = scene.frame
    scene.points[f"{name}.a"] = _p(f.x(a[0]), f.y(a[1]))
    scene.points[f"{name}.b"] = _p(f.x(b[0]), f.y(b[1]))
    scene.construction.segments.append(Segment(f"{name}.a", f"{name}.b"))


def add_circle(scene: ChartScene, center: str, through: str) -> None:
    scene.circles.append(CircleEl(center, through))


def chart_question(lead: str, stated: str | list[str], ask: str, premises: str | list[str] = ()) -> Question:
    """A chart's question: what the chart shows, its stated readings (sentences), the ask as a question."""
    sentences = [stated] if isinstance(stated, str) else stated
    return parts(lead, [s.strip().rstrip(".") for s in sentences if s.strip()], _cap(ask.strip()), premises=premises)


def _cap(s: str) -> str:
    return s[:1].upper() + s[1:]


def chart_draft(
    scene: ChartScene, *, question: Question, answer: Number, query: Query, stated: list[Stated], construction: str,
    reasoning: list[str], conclusion: list[str], difficulty: Difficulty, params: dict,
) -> Draft:
    """Assemble the Draft: the answer by construction, the query the verifier recomputes, the givens."""
    scene.query = query
    scene.stated = stated
    scene.construction = Construction(construction, scene.construction.segments)
    # The data are on the chart, not in the question: two charts asked in the same words are two
    # problems when their data differ, so the data (and what is asked of them) key the problem.
    data = sorted((item, [str(v) for v in values]) for item, values in scene.table.items())
    return Draft(
        title=scene.title, scene=scene, question=question, answer=exact(answer), target=TARGET, givens=[],
        reasoning=reasoning, conclusion=conclusion, difficulty=difficulty, params=params,
        figure_key=content_id(data, repr(query)),
    )
