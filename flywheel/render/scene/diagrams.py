"""Discrete-mathematics diagram elements: graphs (vertex discs, weighted edges) and cell boards.

They are Scene `elements` (see elements.py): vertex positions are scene points, everything else is
plain data (edges with integer weights, blocked cells), so verifiers recompute answers from it.
Tool marks for these diagrams (highlighted edges, rings, numbers written in cells) live here too.
"""

from __future__ import annotations

import math
from dataclasses import dataclass, field

import numpy as np

from flywheel.render.scene import pixels
from flywheel.render.scene.elements import Element, Stroke, line_stroke
from flywheel.render.scene.layout import Layout, obstacle_segments
from flywheel.render.scene.model import Scene

VERTEX_R_PX = 16.0  # vertex disc radius: holds a 13 pt capital with room to spare
LINE_W = 1.6  # pt
WEIGHT_PT, WEIGHT_DIGIT_PX, WEIGHT_H_PX = 12, 11.0, 17.0
WEIGHT_GAP_PX = 3.0  # between an edge and its weight label
BLOCKED_GREY = "#b3b3b3"
HIGHLIGHT_W = 4  # px, tool strokes over edges and lines
RING_GAP_PX = 9.0  # ring radius beyond the vertex disc


def _r(v: float) -> float:
    return round(v, 3)


def _pt(p) -> str:
    return f"({_r(p[0])}, {_r(p[1])})"


def _text(x: float, y: float, s: str, size: int, italic: bool) -> str:
    family, style = ("DejaVu Serif", "italic") if italic else ("DejaVu Sans", "normal")
    return (f"fig.text({_r(x)}, {_r(y)}, {s!r}, fontsize={size}, family='{family}', style='{style}', "
            "ha='center', va='center', transform=T, zorder=4)")


def weight_box(cx: float, cy: float, text: str) -> pixels.Rect:
    w = WEIGHT_DIGIT_PX * len(text) + 2
    return (cx - w / 2, cy - WEIGHT_H_PX / 2, cx + w / 2, cy + WEIGHT_H_PX / 2)


def clipped(p, q, r: float) -> tuple[float, float, float, float]:
    """Segment p→q (pixels) without the parts inside discs of radius r at both ends."""
    d = math.dist(p, q)
    ux, uy = (q[0] - p[0]) / d, (q[1] - p[1]) / d
    return (p[0] + ux * r, p[1] + uy * r, q[0] - ux * r, q[1] - uy * r)


@dataclass(frozen=True)
class Edge:
    a: str
    b: str
    weight: int | None = None

    @property
    def key(self) -> str:
        return f"{self.a}{self.b}"


@dataclass
class GraphDiagram(Element):
    """Vertices (scene points) drawn as labelled discs; edges as lines, weights beside them."""

    vertices: list[str]
    edges: list[Edge]

    def px(self, scene: Scene, layout: Layout) -> dict[str, tuple[float, float]]:
        f = scene.floats()
        return {v: layout.to_px(*f[v]) for v in self.vertices}

    def degrees(self) -> list[int]:
        """How many lines meet at each vertex: counts a reader takes off the figure ("B: 5" in a trace)."""
        return [sum(v in (e.a, e.b) for e in self.edges) for v in self.vertices]

    def edge_strokes(self, scene: Scene, layout: Layout) -> list[tuple[float, float, float, float]]:
        px = self.px(scene, layout)
        return [clipped(px[e.a], px[e.b], VERTEX_R_PX) for e in self.edges]

    def strokes(self, scene: Scene, layout: Layout) -> list[Stroke]:
        out = [line_stroke(s, LINE_W) for s in self.edge_strokes(scene, layout)]
        for x, y in self.px(scene, layout).values():
            out.append(Stroke(pixels.circle_polyline(x, y, VERTEX_R_PX, 36), LINE_W))
        return out

    def texts(self, scene: Scene, layout: Layout) -> list[tuple[str, float, float]]:
        px = self.px(scene, layout)
        return [(v, *px[v]) for v in self.vertices] + [(str(e.weight), *self.weight_spot(e, scene, layout))
                                                        for e in self.edges if e.weight is not None]

    def weight_spot(self, edge: Edge, scene: Scene, layout: Layout) -> tuple[float, float]:
        return self.weight_spots(scene, layout)[edge.key]

    def weight_spots(self, scene: Scene, layout: Layout) -> dict[str, tuple[float, float]]:
        """Greedy placement beside each edge: off every stroke, disc and earlier label, inside the canvas.

        Cached per layout: image code, texts and verifiers all ask for the same spots.
        """
        cache = self.__dict__.setdefault("_spots", {})
        key = (layout.x0, layout.y0, layout.span)
        if key not in cache:
            cache[key] = self._place_weights(scene, layout)
        return cache[key]

    def _place_weights(self, scene: Scene, layout: Layout) -> dict[str, tuple[float, float]]:
        px = self.px(scene, layout)
        segs = obstacle_segments(scene, layout)  # every stroke, the tool's rings and highlights included
        taken = [(x - VERTEX_R_PX, y - VERTEX_R_PX, x + VERTEX_R_PX, y + VERTEX_R_PX) for x, y in px.values()]
        spots: dict[str, tuple[float, float]] = {}
        for e in (e for e in self.edges if e.weight is not None):
            best = _weight_candidates(px[e.a], px[e.b], str(e.weight))
            spot = next((c for c in best if _clear(weight_box(*c, str(e.weight)), segs, taken, layout.size)), best[0])
            spots[e.key] = spot
            taken.append(weight_box(*spot, str(e.weight)))
        return spots

    def fits(self, scene: Scene, layout: Layout) -> bool:
        """Every weight label found a clear spot (generators resample when not)."""
        px = self.px(scene, layout)
        segs = obstacle_segments(scene, layout)
        spots = self.weight_spots(scene, layout)
        boxes = [(x - VERTEX_R_PX, y - VERTEX_R_PX, x + VERTEX_R_PX, y + VERTEX_R_PX) for x, y in px.values()]
        for e in (e for e in self.edges if e.weight is not None):
            box = weight_box(*spots[e.key], str(e.weight))
            if not _clear(box, segs, boxes, layout.size):
                return False
            boxes.append(box)
        return True

    def image_lines(self, scene: Scene, layout: Layout) -> list[str]:
        f, px = scene.floats(), self.px(scene, layout)
        r = VERTEX_R_PX / layout.px_per_unit
        pairs = ", ".join(f"({_pt(f[e.a])}, {_pt(f[e.b])})" for e in self.edges)
        lines = ["# graph: edges under the vertex discs, vertex names inside, weights beside the edges",
                 f"fig.add_artist(LineCollection([{pairs}], colors='black', linewidths={LINE_W}, transform=T, zorder=2))"]
        for v in self.vertices:
            lines.append(f"fig.add_artist(Circle({_pt(f[v])}, {_r(r)}, facecolor='white', edgecolor='black', "
                         f"linewidth={LINE_W}, transform=T, zorder=3))")
            lines.append(_text(*layout.to_data(*px[v]), v, 13, italic=True))
        for e in self.edges:
            if e.weight is not None:
                lines.append(_text(*layout.to_data(*self.weight_spot(e, scene, layout)), str(e.weight), WEIGHT_PT, False))
        return lines


def _weight_candidates(p, q, text: str) -> list[tuple[float, float]]:
    """Spots beside edge p→q, nearest the middle first, on either side."""
    d = math.dist(p, q)
    ux, uy = (q[0] - p[0]) / d, (q[1] - p[1]) / d
    nx, ny = -uy, ux
    x0, y0, x1, y1 = weight_box(0, 0, text)
    half = abs(nx) * (x1 - x0) / 2 + abs(ny) * (y1 - y0) / 2  # box extent along the normal
    out = []
    for t in (0.5, 0.42, 0.58, 0.34, 0.66, 0.27, 0.73):
        for extra in (0.0, 4.0):
            for side in (1, -1):
                off = side * (WEIGHT_GAP_PX + half + extra)
                out.append((p[0] + (q[0] - p[0]) * t + nx * off, p[1] + (q[1] - p[1]) * t + ny * off))
    return out


def _clear(box, segs: np.ndarray, taken, size: int) -> bool:
    grown = (box[0] - 2, box[1] - 2, box[2] + 2, box[3] + 2)
    if not pixels.inside(box, size, size, 4.0):
        return False
    if any(pixels.rects_overlap(grown, t) for t in taken):
        return False
    return not pixels.rect_hits_segments(grown, segs)


@dataclass
class GridBoard(Element):
    """A board of unit cells with its lower-left corner at the origin; blocked cells shaded.

    `marks` are letters written in cells (cell → text); they sit in the cell's upper-left
    quarter so the tool can still write a number in the lower-right one.
    """

    cols: int
    rows: int
    blocked: frozenset[tuple[int, int]] = frozenset()
    marks: dict[tuple[int, int], str] = field(default_factory=dict)

    MARK_OFFSET = (-0.22, 0.22)  # cell units from the centre

    def blocks(self) -> list[tuple[int, int]]:
        """The board as a rectangle (width, height): what a text's "the 7 × 6 board" is checked against."""
        return [(self.cols, self.rows)]

    def lines(self) -> list[tuple[tuple[int, int], tuple[int, int]]]:
        return ([((c, 0), (c, self.rows)) for c in range(self.cols + 1)]
                + [((0, r), (self.cols, r)) for r in range(self.rows + 1)])

    def strokes(self, scene: Scene, layout: Layout) -> list[Stroke]:
        return [line_stroke(layout.to_px(*a) + layout.to_px(*b), LINE_W) for a, b in self.lines()]

    def mark_spot(self, cell: tuple[int, int]) -> tuple[float, float]:
        return (cell[0] + 0.5 + self.MARK_OFFSET[0], cell[1] + 0.5 + self.MARK_OFFSET[1])

    def texts(self, scene: Scene, layout: Layout) -> list[tuple[str, float, float]]:
        return [(t, *layout.to_px(*self.mark_spot(c))) for c, t in self.marks.items()]

    def image_lines(self, scene: Scene, layout: Layout) -> list[str]:
        cells = ", ".join(f"[({c}, {r}), ({c + 1}, {r}), ({c + 1}, {r + 1}), ({c}, {r + 1})]" for c, r in sorted(self.blocked))
        pairs = ", ".join(f"({a}, {b})" for a, b in self.lines())
        lines = ["# board: shaded (blocked) cells, then the grid lines, then the letters",
                 "from matplotlib.collections import PolyCollection"]
        if self.blocked:
            lines.append(f"fig.add_artist(PolyCollection([{cells}], facecolors='{BLOCKED_GREY}', edgecolors='none', "
                         "transform=T, zorder=1))")
        lines.append(f"fig.add_artist(LineCollection([{pairs}], colors='black', linewidths={LINE_W}, transform=T, zorder=2))")
        lines += [_text(*self.mark_spot(c), t, 14, italic=True) for c, t in self.marks.items()]
        return lines


# ---- tool marks -----------------------------------------------------------------------------


@dataclass
class HighlightSegments:
    """Redraw scene segments (point-name pairs) as thick red lines, stopping `clip_px` short of each end."""

    pairs: list[tuple[str, str]]
    clip_px: float = 0.0
    needs_font: bool = False

    def tool_strokes(self, scene: Scene, layout: Layout) -> list[tuple[str, tuple[float, float, float, float]]]:
        f = scene.floats()
        return [(a + b, clipped(layout.to_px(*f[a]), layout.to_px(*f[b]), self.clip_px)) for a, b in self.pairs]

    def tool_boxes(self, scene: Scene, layout: Layout) -> list:
        return []

    def tool_lines(self, scene: Scene, layout: Layout) -> list[str]:
        return [f"draw.line([({_r(x0)}, {_r(y0)}), ({_r(x1)}, {_r(y1)})], fill=RED, width={HIGHLIGHT_W})  # {name}"
                for name, (x0, y0, x1, y1) in self.tool_strokes(scene, layout)]


@dataclass
class VertexRings:
    """Red rings around some vertices of a GraphDiagram (e.g. the odd-degree ones)."""

    names: list[str]
    needs_font: bool = False

    def _radius(self) -> float:
        return VERTEX_R_PX + RING_GAP_PX

    def tool_strokes(self, scene: Scene, layout: Layout) -> list[tuple[str, tuple[float, float, float, float]]]:
        out = []
        for n in self.names:
            x, y = layout.to_px(*scene.floats()[n])
            poly = pixels.circle_polyline(x, y, self._radius(), 24)
            out += [(f"ring {n}", tuple(s)) for s in pixels.polyline_segments(poly)]
        return out

    def tool_boxes(self, scene: Scene, layout: Layout) -> list:
        return []

    def tool_lines(self, scene: Scene, layout: Layout) -> list[str]:
        out, r = [], self._radius()
        for n in self.names:
            x, y = layout.to_px(*scene.floats()[n])
            out.append(f"draw.ellipse(({_r(x - r)}, {_r(y - r)}, {_r(x + r)}, {_r(y + r)}), outline=RED, width=3)  # {n}")
        return out


@dataclass
class CellNumbers:
    """Numbers written in red in board cells; `spots` are their centres in data units."""

    spots: list[tuple[tuple[float, float], str]]
    needs_font: bool = True

    def tool_boxes(self, scene: Scene, layout: Layout) -> list[tuple[str, pixels.Rect]]:
        out = []
        for (x, y), text in self.spots:
            cx, cy = layout.to_px(x, y)
            w = 10.5 * len(text) + 2  # PIL default font at 18 px: ~10 px per digit, 13 px tall
            out.append((f"number {text} at ({x}, {y})", (cx - w / 2, cy - 8, cx + w / 2, cy + 8)))
        return out

    def tool_strokes(self, scene: Scene, layout: Layout) -> list:
        return []

    def tool_lines(self, scene: Scene, layout: Layout) -> list[str]:
        out = []
        for (x, y), text in self.spots:
            cx, cy = layout.to_px(x, y)
            out.append(f"draw.text(({_r(cx)}, {_r(cy)}), {text!r}, fill=RED, font=font, anchor='mm')")
        return out
