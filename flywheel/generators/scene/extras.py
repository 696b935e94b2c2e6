"""Hooks for diagram elements beyond points and segments (graphs, boards …) and for tool marks.

A Scene's `extras` draw themselves into the image code and declare the strokes labels must
avoid and the texts they print; a Construction's `extras` draw themselves into the tool code and
declare where they may draw and what must be drawn. emit, layout and the image/tool verifiers
call the helpers below, so a new element type needs no change there.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Protocol

import numpy as np

if TYPE_CHECKING:
    from PIL import ImageDraw

    from flywheel.generators.scene.layout import Layout
    from flywheel.generators.scene.model import Scene

Stroke = tuple[float, float, float, float]  # x0, y0, x1, y1 in image pixels
Rect = tuple[float, float, float, float]


class SceneExtra(Protocol):
    def image_lines(self, scene: Scene, layout: Layout) -> list[str]:
        """Matplotlib statements (numbers only, transform `T`) that draw the element."""

    def strokes(self, scene: Scene, layout: Layout) -> list[Stroke]:
        """Every visible line of the element in pixels: labels must keep off them."""

    def texts(self, scene: Scene, layout: Layout) -> list[tuple[str, float, float]]:
        """Texts the element prints, with their centres in pixels."""


class ToolMark(Protocol):
    def tool_lines(self, scene: Scene, layout: Layout) -> list[str]:
        """PIL statements drawing on `draw` with `RED` (and `font` when `needs_font`)."""

    def tool_strokes(self, scene: Scene, layout: Layout) -> list[tuple[str, Stroke]]:
        """Named pixel strokes the edit must cover."""

    def tool_boxes(self, scene: Scene, layout: Layout) -> list[tuple[str, Rect]]:
        """Named pixel boxes the edit must put ink in (texts it writes)."""

    needs_font: bool


def image_lines(scene: Scene, layout: Layout) -> list[str]:
    return [line for e in scene.extras for line in e.image_lines(scene, layout)]


def strokes(scene: Scene, layout: Layout, with_construction: bool = True) -> np.ndarray:
    segs = [s for e in scene.extras for s in e.strokes(scene, layout)]
    if with_construction:
        segs += [s for _, s in tool_strokes(scene, layout)]
    return np.asarray(segs, dtype=float).reshape(-1, 4)


def texts(scene: Scene, layout: Layout) -> list[tuple[str, float, float]]:
    return [t for e in scene.extras for t in e.texts(scene, layout)]


def tool_lines(scene: Scene, layout: Layout) -> list[str]:
    marks = scene.construction.extras
    head = []
    if any(m.needs_font for m in marks):
        head = ["font = ImageFont.load_default(size=18)"]
    return head + [line for m in marks for line in m.tool_lines(scene, layout)]


def tool_strokes(scene: Scene, layout: Layout) -> list[tuple[str, Stroke]]:
    return [s for m in scene.construction.extras for s in m.tool_strokes(scene, layout)]


def tool_boxes(scene: Scene, layout: Layout) -> list[tuple[str, Rect]]:
    return [b for m in scene.construction.extras for b in m.tool_boxes(scene, layout)]


def paint_tool_region(scene: Scene, layout: Layout, draw: ImageDraw.ImageDraw, near: int) -> None:
    """Paint (255) where the construction extras may change pixels: their strokes and boxes, grown."""
    for _, (x0, y0, x1, y1) in tool_strokes(scene, layout):
        draw.line([(x0, y0), (x1, y1)], fill=255, width=2 * near + 1)
    for _, (x0, y0, x1, y1) in tool_boxes(scene, layout):
        draw.rectangle((x0 - near, y0 - near, x1 + near, y1 + near), fill=255)
