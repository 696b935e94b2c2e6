"""Drawn elements beyond points, segments and circles, and the tool marks of a construction: one protocol.

An element (hatched ground, a lens, a resistor, a graph diagram, a grid board, a solid's edges …)
lives in `Scene.elements`. It says which data points the view must include, its strokes in image
pixels (labels keep off them, and unless it writes its own matplotlib lines its image code is
derived from them), and the texts it prints (the image verifier expects exactly those).
A Construction's `marks` are the tool-side counterpart: PIL lines, plus the strokes and boxes the
edit must put ink on. emit, layout and the verifiers only call the helpers at the bottom of this
module, so a new kind of element or mark needs no change there.
"""

from __future__ import annotations

import math
from dataclasses import dataclass
from typing import TYPE_CHECKING, Protocol

import numpy as np

from flywheel.render.scene import pixels
from flywheel.render.scene.text import pil_font_line

if TYPE_CHECKING:
    from PIL import ImageDraw

    from flywheel.render.scene.layout import Layout
    from flywheel.render.scene.model import Scene

Segment4 = tuple[float, float, float, float]  # x0, y0, x1, y1 in image pixels
Rect = tuple[float, float, float, float]

HEAD_LEN_PX = 13.0  # arrow head length along the shaft
HEAD_HALF_PX = 4.5  # half its width: stays inside the tool verifier's 6 px corridor


@dataclass(frozen=True)
class Stroke:
    """A polyline in image pixels, drawn in black at `width` points; `closed` joins the ends."""

    points: np.ndarray
    width: float = 1.8
    dashed: bool = False
    closed: bool = False

    def segments(self) -> np.ndarray:
        pts = np.vstack([self.points, self.points[:1]]) if self.closed else self.points
        return pixels.polyline_segments(np.asarray(pts, dtype=float))


def line_stroke(seg: Segment4, width: float = 1.8, dashed: bool = False) -> Stroke:
    x0, y0, x1, y1 = seg
    return Stroke(np.array([(x0, y0), (x1, y1)], dtype=float), width, dashed)


class Element:
    """Base of every drawn element; subclasses (usually dataclasses) override what they have."""

    def extent(self, scene: Scene) -> list[tuple[float, float]]:
        """Data points the view must include (beyond the scene's points)."""
        return []

    def strokes(self, scene: Scene, layout: Layout) -> list[Stroke]:
        """Every visible line of the element, in pixels."""
        return []

    def texts(self, scene: Scene, layout: Layout) -> list[tuple[str, float, float]]:
        """Texts the element prints, with their centres in pixels."""
        return []

    def image_lines(self, scene: Scene, layout: Layout) -> list[str] | None:
        """Matplotlib statements (numbers only, transform `T`), or None to be drawn from `strokes`."""
        return None


class ToolMark(Protocol):
    needs_font: bool

    def tool_lines(self, scene: Scene, layout: Layout) -> list[str]:
        """PIL statements drawing on `draw` with `RED` (and `font` when `needs_font`)."""

    def tool_strokes(self, scene: Scene, layout: Layout) -> list[tuple[str, Segment4]]:
        """Named pixel strokes the edit must cover."""

    def tool_boxes(self, scene: Scene, layout: Layout) -> list[tuple[str, Rect]]:
        """Named pixel boxes the edit must put ink in (texts it writes)."""


def anchors(scene: Scene, *names: str) -> list[tuple[float, float]]:
    """The named scene points, in data units: the extent of an element drawn around them."""
    f = scene.floats()
    return [f[n] for n in names]


def arrow_head_px(tail: tuple[float, float], tip: tuple[float, float]) -> np.ndarray:
    """Filled head triangle (3×2, pixels) whose point is the tip of the vector tail→tip."""
    d = math.dist(tail, tip) or 1.0
    ux, uy = (tip[0] - tail[0]) / d, (tip[1] - tail[1]) / d
    bx, by = tip[0] - HEAD_LEN_PX * ux, tip[1] - HEAD_LEN_PX * uy
    return np.array([tip, (bx - HEAD_HALF_PX * uy, by + HEAD_HALF_PX * ux), (bx + HEAD_HALF_PX * uy, by - HEAD_HALF_PX * ux)])


# ---- what emit, layout and the verifiers call ----------------------------------------------------


def extent(scene: Scene) -> list[tuple[float, float]]:
    return [p for e in scene.elements for p in e.extent(scene)]


def strokes(scene: Scene, layout: Layout) -> list[Stroke]:
    return [s for e in scene.elements for s in e.strokes(scene, layout)]


def texts(scene: Scene, layout: Layout) -> list[tuple[str, float, float]]:
    return [t for e in scene.elements for t in e.texts(scene, layout)]


def obstacle_parts(scene: Scene, layout: Layout, with_construction: bool) -> list[np.ndarray]:
    """Pixel segments of every element stroke, arrow head and (optionally) tool mark: labels keep clear."""
    parts = [s.segments() for s in strokes(scene, layout)]
    px = layout.points_px(scene)
    segs = scene.segments + (scene.construction.segments if with_construction else [])
    parts += [Stroke(arrow_head_px(px[s.a], px[s.b]), closed=True).segments() for s in segs if s.arrow]
    if with_construction:
        parts.append(np.asarray([s for _, s in tool_strokes(scene, layout)], dtype=float).reshape(-1, 4))
    return parts


def _poly_code(polys, to_data) -> str:
    def r(v: float) -> float:
        return round(v, 3)

    return "[" + ", ".join("[" + ", ".join(f"({r(a)}, {r(b)})" for a, b in (to_data(*q) for q in p)) + "]" for p in polys) + "]"


def image_lines(scene: Scene, layout: Layout) -> list[str]:
    """matplotlib lines for the elements (their own, or their strokes grouped by style) and the arrow heads."""
    lines: list[str] = []
    groups: dict[tuple[float, bool], list[np.ndarray]] = {}
    for e in scene.elements:
        own = e.image_lines(scene, layout)
        if own is not None:
            lines += own
            continue
        for s in e.strokes(scene, layout):
            groups.setdefault((s.width, s.dashed), []).append(np.vstack([s.points, s.points[:1]]) if s.closed else s.points)
    for (width, dashed), polys in groups.items():
        style = ", linestyles='--'" if dashed else ""
        lines.append(
            f"fig.add_artist(LineCollection({_poly_code(polys, layout.to_data)}, colors='black', linewidths={width}{style}, "
            "capstyle='round', joinstyle='round', transform=T))"
        )
    px = layout.points_px(scene)
    heads = [arrow_head_px(px[s.a], px[s.b]) for s in scene.segments if s.arrow]
    if heads:
        lines.append("from matplotlib.collections import PolyCollection")
        lines.append(
            f"fig.add_artist(PolyCollection({_poly_code(heads, layout.to_data)}, facecolors='black', edgecolors='black', "
            "linewidths=0.5, transform=T))"
        )
    return lines


def tool_lines(scene: Scene, layout: Layout) -> list[str]:
    marks = scene.construction.marks
    head = [pil_font_line(18, italic=False)] if any(m.needs_font for m in marks) else []
    return head + [line for m in marks for line in m.tool_lines(scene, layout)]


def tool_strokes(scene: Scene, layout: Layout) -> list[tuple[str, Segment4]]:
    return [s for m in scene.construction.marks for s in m.tool_strokes(scene, layout)]


def tool_boxes(scene: Scene, layout: Layout) -> list[tuple[str, Rect]]:
    return [b for m in scene.construction.marks for b in m.tool_boxes(scene, layout)]


def paint_tool_region(scene: Scene, layout: Layout, draw: ImageDraw.ImageDraw, near: int) -> None:
    """Paint (255) where the construction's marks may change pixels: their strokes and boxes, grown."""
    for _, (x0, y0, x1, y1) in tool_strokes(scene, layout):
        draw.line([(x0, y0), (x1, y1)], fill=255, width=2 * near + 1)
    for _, (x0, y0, x1, y1) in tool_boxes(scene, layout):
        draw.rectangle((x0 - near, y0 - near, x1 + near, y1 + near), fill=255)
