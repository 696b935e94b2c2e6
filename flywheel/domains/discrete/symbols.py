"""More discrete-mathematics diagram elements and tool marks (scene/elements.py protocol).

- `DirectedGraph`: a GraphDiagram whose edges are arrows (a filled head where each edge meets its
  head vertex's disc).
- `CellShape`: a figure made of unit cells (an L-shaped board): only the present cells are drawn.
- `VertexNumbers`: the tool writes a number in red beside each vertex disc, in a spot clear of the edges.
"""

from __future__ import annotations

import math
from dataclasses import dataclass

import numpy as np

from flywheel.render.scene import pixels
from flywheel.render.scene.diagrams import LINE_W, VERTEX_R_PX, GraphDiagram, clipped
from flywheel.render.scene.elements import Element, Stroke, arrow_head_px, line_stroke
from flywheel.render.scene.layout import Layout, obstacle_segments
from flywheel.render.scene.model import Scene

NUMBER_GAP_PX = 13.0  # from a vertex disc to the centre of the number written beside it
DIGIT_PX, NUMBER_H_PX = 10.5, 16.0  # PIL's default font at 18 px


def _r(v: float) -> float:
    return round(v, 3)


@dataclass
class DirectedGraph(GraphDiagram):
    """Edges run from `Edge.a` to `Edge.b`; each ends in an arrow head touching b's disc."""

    def heads(self, scene: Scene, layout: Layout) -> list[np.ndarray]:
        px = self.px(scene, layout)
        out = []
        for e in self.edges:
            x0, y0, x1, y1 = clipped(px[e.a], px[e.b], VERTEX_R_PX)
            out.append(arrow_head_px((x0, y0), (x1, y1)))
        return out

    def strokes(self, scene: Scene, layout: Layout) -> list[Stroke]:
        return super().strokes(scene, layout) + [Stroke(h, LINE_W, closed=True) for h in self.heads(scene, layout)]

    def image_lines(self, scene: Scene, layout: Layout) -> list[str]:
        polys = ", ".join("[" + ", ".join(f"({_r(x)}, {_r(y)})" for x, y in (layout.to_data(*q) for q in h)) + "]"
                          for h in self.heads(scene, layout))
        return super().image_lines(scene, layout) + [
            "from matplotlib.collections import PolyCollection",
            "# arrow heads: each edge points from its first vertex to its second",
            f"fig.add_artist(PolyCollection([{polys}], facecolors='black', edgecolors='black', linewidths=0.8, "
            "transform=T, zorder=2))",
        ]


@dataclass
class CellShape(Element):
    """A shape made of unit cells (col, row) with its lower-left corner at the origin: every cell edge drawn."""

    cells: frozenset[tuple[int, int]]

    def edges(self) -> list[tuple[tuple[int, int], tuple[int, int]]]:
        out = set()
        for c, r in self.cells:
            out |= {((c, r), (c + 1, r)), ((c, r + 1), (c + 1, r + 1)), ((c, r), (c, r + 1)), ((c + 1, r), (c + 1, r + 1))}
        return sorted(out)

    def extent(self, scene: Scene) -> list[tuple[float, float]]:
        return [(c + dx, r + dy) for c, r in self.cells for dx in (0, 1) for dy in (0, 1)]

    def strokes(self, scene: Scene, layout: Layout) -> list[Stroke]:
        return [line_stroke(layout.to_px(*a) + layout.to_px(*b), LINE_W) for a, b in self.edges()]

    def blocks(self) -> list[tuple[int, int]]:
        """The shape's rectangular blocks as (width, height): rows of one length stack into a block, so
        what a text may say of the figure ("a 6 × 2 block") can be checked against the cells."""
        widths: dict[int, int] = {}
        for r in {r for _, r in self.cells}:
            w = sum(1 for c, rr in self.cells if rr == r)
            widths[w] = widths.get(w, 0) + 1
        return sorted(widths.items())


@dataclass
class VertexNumbers:
    """Red numbers beside vertex discs (vertex → text), each in the first clear spot around its disc."""

    numbers: dict[str, str]
    needs_font: bool = True

    def spots(self, scene: Scene, layout: Layout) -> dict[str, tuple[float, float]]:
        return self._place(scene, layout)[0]

    def fits(self, scene: Scene, layout: Layout) -> bool:
        """Every number found a spot off the edges, the discs and the other numbers (generators resample if not)."""
        return self._place(scene, layout)[1]

    def _place(self, scene: Scene, layout: Layout) -> tuple[dict[str, tuple[float, float]], bool]:
        f = scene.floats()
        segs = obstacle_segments(scene, layout, with_construction=False)
        discs = [layout.to_px(*f[v]) for v in self.numbers]
        taken = [(x - VERTEX_R_PX, y - VERTEX_R_PX, x + VERTEX_R_PX, y + VERTEX_R_PX) for x, y in discs]
        out, clear = {}, True
        for v, text in self.numbers.items():
            x, y = layout.to_px(*f[v])
            best = None
            for k in (7, 1, 5, 3, 0, 4, 6, 2):  # upper right, lower right, upper left … (45° steps, y down)
                a = -math.pi / 4 * k
                reach = VERTEX_R_PX + NUMBER_GAP_PX
                c = (x + reach * math.cos(a), y - reach * math.sin(a))
                box = _box(c, text)
                if best is None:
                    best = c
                if pixels.inside(box, layout.size, layout.size, 2.0) and not pixels.rect_hits_segments(box, segs) and not any(
                    pixels.rects_overlap(box, t) for t in taken
                ):
                    best = c
                    break
            else:
                clear = False
            out[v] = best
            taken.append(_box(best, text))
        return out, clear

    def tool_boxes(self, scene: Scene, layout: Layout) -> list[tuple[str, pixels.Rect]]:
        return [(f"number {self.numbers[v]} at {v}", _box(c, self.numbers[v])) for v, c in self.spots(scene, layout).items()]

    def tool_strokes(self, scene: Scene, layout: Layout) -> list:
        return []

    def tool_lines(self, scene: Scene, layout: Layout) -> list[str]:
        return [f"draw.text(({_r(x)}, {_r(y)}), {self.numbers[v]!r}, fill=RED, font=font, anchor='mm')  # at {v}"
                for v, (x, y) in self.spots(scene, layout).items()]


def _box(c: tuple[float, float], text: str) -> pixels.Rect:
    w = DIGIT_PX * len(text) + 2
    return (c[0] - w / 2, c[1] - NUMBER_H_PX / 2, c[0] + w / 2, c[1] + NUMBER_H_PX / 2)
