"""The chart figure model: a Scene whose points sit in canvas pixels, plus the chart's own data.

A chart is not a geometry scene, but it keeps the Scene vocabulary wherever the generic checks
apply: its strokes (axes, bar edges, polylines, box edges, the pie's circle) are segments and
circles, its free texts (title, pie labels) are labelled points, and its auxiliary construction
is a Construction. So the generic `image` and `tool` verifiers judge charts for real, while the
chart-only parts (the data table, the axis frame, what the question asks) live in ChartScene.

Coordinates: canvas pixels with y up (origin bottom-left), exact sympy numbers; the Layout is
the identity square, so `layout.to_px` is the image's pixel grid.
"""

from __future__ import annotations

import math
from dataclasses import dataclass, field
from typing import Any

import sympy as sp

from flywheel.render.scene.model import Scene

SIZE = 480  # px, square canvas (the generic image verifier expects layout.size × layout.size)
DPI = 100

Number = sp.Expr | int


def exact(v: Number) -> sp.Expr:
    return sp.nsimplify(v) if isinstance(v, float) else sp.sympify(v)


@dataclass(frozen=True)
class Frame:
    """An axes box on the canvas (pixels, y up) and its data limits: an exact affine data→canvas map."""

    left: int
    bottom: int
    width: int
    height: int
    xlim: tuple[sp.Expr, sp.Expr]
    ylim: tuple[sp.Expr, sp.Expr]

    def x(self, v: Number) -> sp.Expr:
        x0, x1 = self.xlim
        return self.left + (exact(v) - x0) * self.width / (x1 - x0)

    def y(self, v: Number) -> sp.Expr:
        y0, y1 = self.ylim
        return self.bottom + (exact(v) - y0) * self.height / (y1 - y0)

    @property
    def right(self) -> int:
        return self.left + self.width

    @property
    def top(self) -> int:
        return self.bottom + self.height


@dataclass(frozen=True)
class Probe:
    """A pixel the figure must (or must not) paint in a colour: read by the `image.statistics` check."""

    x: float  # canvas px, y up
    y: float
    rgb: tuple[int, int, int]
    present: bool
    what: str


@dataclass(frozen=True)
class Query:
    """What the question asks, in terms the answer verifier recomputes from the figure's geometry.

    op: difference | range | total | mean | median | max_increase | share_count | count_at_least |
    count_below | iqr | median_difference | count_region | upper_part | part_difference |
    percent_increase | percent_decrease | freq_mean | freq_median | interpolate.
    """

    op: str
    items: tuple[str, ...] = ()
    threshold: tuple[float, ...] = ()
    total: int = 0


@dataclass(frozen=True)
class Stated:
    """A given of the question: `text` appears in the question and the figure must agree with it.

    kind: `item` (a category/group/year the figure shows), `tick` (a value printed on an axis),
    `value` (item's reading equals `value`), `total` (the sum of all readings equals `value`),
    `title` (the text is printed in the title), `series` (words naming a series of the legend, any case),
    `step` (the readings' interval, "every 10 minutes": the x tick labels are `value` apart).
    """

    kind: str
    text: str
    item: str = ""
    value: float = 0.0
    index: int = 0  # which of the item's readings `value` is (box plots have five)


@dataclass
class ChartScene(Scene):
    """A Scene in canvas pixels plus the chart: kind, axis frame, data table, readings and query."""

    kind: str = "bar"  # bar | hist | line | scatter | box | pie
    frame: Frame | None = None
    title: str = ""
    xlabel: str = ""
    ylabel: str = ""
    xticks: list[tuple[sp.Expr, str]] = field(default_factory=list)  # data position, text
    yticks: list[tuple[sp.Expr, str]] = field(default_factory=list)
    table: dict[str, tuple[sp.Expr, ...]] = field(default_factory=dict)  # item → its data, in order
    readings: dict[str, list[str]] = field(default_factory=dict)  # item → points encoding its data
    query: Query = field(default_factory=lambda: Query(""))
    stated: list[Stated] = field(default_factory=list)
    colors: dict[str, str] = field(default_factory=dict)  # item → fill colour (pie sectors)
    probes: list[Probe] = field(default_factory=list)
    extra: dict[str, Any] = field(default_factory=dict)  # kind-specific drawing parameters

    def render_draft(self, draft):  # -> Rendered; the hook generators.base.render dispatches to
        from flywheel.domains.statistics.emit import render_chart

        return render_chart(draft)

    def filled_regions(self, layout) -> list[list[tuple[float, float]]]:
        """Pixel polygons the figure fills with colour (the `figure` verifier's allowed ink beyond
        strokes; black ink there is still stray): each bar or box, each marker's disc, the pie."""
        px = {k: layout.to_px(*v) for k, v in self.floats().items()}
        quads = {n.rsplit(".", 1)[0] for n in px if n.endswith(".bl")}
        polys = [[px[f"{q}.{c}"] for c in ("bl", "tl", "tr", "br")] for q in sorted(quads) if f"{q}.tr" in px]
        polys += [_disc(px[n], MARKER_PX) for n in px if n.endswith(".pt")]
        if "pie.o" in px:
            polys.append(_disc(px["pie.o"], float(self.extra["r"]) + 2))
        return polys

    def text_regions(self, layout) -> list[list[tuple[float, float]]]:
        """Where the figure inks outside its strokes and texts: the ticks' strips along the two spines
        and the legend row (swatches with their black edges). The texts themselves are allowed by
        their drawn boxes, so a line in a margin is stray like one anywhere else."""
        if self.frame is None or self.kind == "pie":
            return []
        from flywheel.domains.statistics.emit import TICK_LEN, legend_swatches

        fr, tick = self.frame, TICK_LEN * 100 / 72 + 2
        x0, y0 = layout.to_px(fr.left, fr.top)
        x1, y1 = layout.to_px(fr.right, fr.bottom)
        out = [_rect(x0 - tick, y1, x1 + 2, y1 + tick), _rect(x0 - tick, y0 - 2, x0, y1 + tick)]
        out += [_rect(*layout.to_px(x, y), *layout.to_px(x + w, y + h)) for x, y, w, h in legend_swatches(self)]
        return out

    def figure_texts(self, layout) -> list[tuple[str, float, float, str]]:
        """Every text the figure prints beyond its labelled points (tick labels, axis names, legend):
        (text, centre x, centre y in image pixels, what it is), for the label verifiers to read back."""
        from flywheel.domains.statistics.emit import chart_texts

        return [(t.text, *t.centre_px(), t.what) for t in chart_texts(self) if t.text not in self.labeled]

    def figure_givens(self, layout) -> list[tuple[str, str, float, float, float, float, float] | tuple[str, str]]:
        """The values the question states, as the figure must show them: (what, text, centre x, centre y,
        element x, element y, reach) in image pixels, or (what, text) for one the figure does not print."""
        at = {(t, item): rest for t, item, *rest in self.extra.get("values_at", ())}
        out = []
        for s in self.stated:
            if s.kind == "value":
                what = f"the value of {s.item}"
                out.append((what, s.text, *at[(s.text, s.item)], VALUE_REACH_PX) if (s.text, s.item) in at
                           else (what, s.text))
        return out

    def texts(self) -> list[str]:
        """Every text the figure prints: title, free labels and the tick labels of both axes."""
        return [self.title, self.xlabel, self.ylabel, *self.labeled] + [t for _, t in self.xticks + self.yticks]


VALUE_REACH_PX = 40.0  # a stated value printed farther than this from its bar, marker or whisker is not beside it
MARKER_PX = 6.0  # radius a line chart's marker (7 pt) or a scatter dot (s=36) may fill


def _rect(xa: float, ya: float, xb: float, yb: float, pad: float = 2.0) -> list[tuple[float, float]]:
    x0, x1, y0, y1 = min(xa, xb) - pad, max(xa, xb) + pad, min(ya, yb) - pad, max(ya, yb) + pad
    return [(x0, y0), (x1, y0), (x1, y1), (x0, y1)]


def _disc(c: tuple[float, float], r: float, n: int = 24) -> list[tuple[float, float]]:
    t = [2 * math.pi * i / n for i in range(n)]
    return [(c[0] + r * math.cos(a), c[1] + r * math.sin(a)) for a in t]
