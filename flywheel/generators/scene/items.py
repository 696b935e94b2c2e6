"""Diagram items beyond points and segments, and arrow heads: the shared hooks for symbol drawings.

An item (a hatched ground line, a lens, a resistor, a sampled curve …) lives in `Scene.items`
and describes itself as pixel-space `Stroke`s. From those one place derives everything else:
the matplotlib code (emitted in data coordinates, so the code stays standalone), the obstacles
label placement avoids, and the view extent. Arrow heads belong to `Segment(arrow=True)`.
"""

from __future__ import annotations

import math
from collections.abc import Callable
from dataclasses import dataclass
from typing import Protocol

import numpy as np

from flywheel.generators.scene import pixels
from flywheel.generators.scene.model import Scene

PxMap = dict[str, tuple[float, float]]
ToPx = Callable[[float, float], tuple[float, float]]

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


class SceneItem(Protocol):
    def extent(self, pts: dict[str, tuple[float, float]]) -> list[tuple[float, float]]:
        """Data points the view must include."""
        ...

    def strokes(self, px: PxMap, to_px: ToPx) -> list[Stroke]:
        """The item's drawing, in pixels (px: every scene point already transformed)."""
        ...


def arrow_head_px(tail: tuple[float, float], tip: tuple[float, float]) -> np.ndarray:
    """Filled head triangle (3×2, pixels) whose point is the tip of the vector tail→tip."""
    d = math.dist(tail, tip) or 1.0
    ux, uy = (tip[0] - tail[0]) / d, (tip[1] - tail[1]) / d
    bx, by = tip[0] - HEAD_LEN_PX * ux, tip[1] - HEAD_LEN_PX * uy
    return np.array([tip, (bx - HEAD_HALF_PX * uy, by + HEAD_HALF_PX * ux), (bx + HEAD_HALF_PX * uy, by - HEAD_HALF_PX * ux)])


def item_extent(scene: Scene) -> list[tuple[float, float]]:
    pts = scene.floats()
    return [p for it in scene.items for p in it.extent(pts)]


def item_strokes(scene: Scene, px: PxMap, to_px: ToPx) -> list[Stroke]:
    return [s for it in scene.items for s in it.strokes(px, to_px)]


def obstacle_parts(scene: Scene, px: PxMap, to_px: ToPx, with_construction: bool) -> list[np.ndarray]:
    """Pixel segments of every item stroke and arrow head (label placement keeps clear of them)."""
    parts = [s.segments() for s in item_strokes(scene, px, to_px)]
    segs = scene.segments + (scene.construction.segments if with_construction else [])
    for s in segs:
        if s.arrow:
            parts.append(Stroke(arrow_head_px(px[s.a], px[s.b]), closed=True).segments())
    return parts


def _poly_code(polys, to_data) -> str:
    def r(v: float) -> float:
        return round(v, 3)

    return "[" + ", ".join("[" + ", ".join(f"({r(a)}, {r(b)})" for a, b in (to_data(*q) for q in p)) + "]" for p in polys) + "]"


def items_code(scene: Scene, px: PxMap, to_px: ToPx, to_data: ToPx) -> list[str]:
    """matplotlib lines (data coordinates, transform T) for the items' strokes and the arrow heads."""
    lines = []
    groups: dict[tuple[float, bool], list[np.ndarray]] = {}
    for s in item_strokes(scene, px, to_px):
        pts = np.vstack([s.points, s.points[:1]]) if s.closed else s.points
        groups.setdefault((s.width, s.dashed), []).append(pts)
    for (width, dashed), polys in groups.items():
        style = ", linestyles='--'" if dashed else ""
        lines.append(
            f"fig.add_artist(LineCollection({_poly_code(polys, to_data)}, colors='black', linewidths={width}{style}, "
            "capstyle='round', joinstyle='round', transform=T))"
        )
    heads = [arrow_head_px(px[s.a], px[s.b]) for s in scene.segments if s.arrow]
    if heads:
        lines.append("from matplotlib.collections import PolyCollection")
        lines.append(
            f"fig.add_artist(PolyCollection({_poly_code(heads, to_data)}, facecolors='black', edgecolors='black', "
            "linewidths=0.5, transform=T))"
        )
    return lines
