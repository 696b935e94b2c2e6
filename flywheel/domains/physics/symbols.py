"""Physics diagram symbols as scene elements: hatched ground, sampled curves, thin lenses, resistors, cells.

Every symbol is defined by scene points (its terminals, its centre) plus sizes in pixels, so it
keeps a constant, textbook look whatever the scale of the figure. The verifiers read the same
objects: a Resistor's ohms or a Cell's volts are the circuit the figure shows.
"""

from __future__ import annotations

import math
from dataclasses import dataclass
from typing import TYPE_CHECKING

import numpy as np

from flywheel.render.scene.elements import Element, Stroke, anchors

if TYPE_CHECKING:
    from flywheel.render.scene.layout import Layout
    from flywheel.render.scene.model import Scene

PxMap = dict[str, tuple[float, float]]

THIN = 1.0  # pt: hatching and symbol details
TICK_GAP_PX = 11.0


def _unit(p, q) -> tuple[float, float, float]:
    d = math.dist(p, q) or 1.0
    return (q[0] - p[0]) / d, (q[1] - p[1]) / d, d


@dataclass(frozen=True)
class Hatch(Element):
    """Hatching along the line a→b on its right-hand side (in the image): the ground or a wall."""

    a: str
    b: str
    tick_px: float = 8.0

    def extent(self, scene: Scene) -> list[tuple[float, float]]:
        return anchors(scene, self.a, self.b)

    def strokes(self, scene: Scene, layout: Layout) -> list[Stroke]:
        px = layout.points_px(scene)
        p, q = px[self.a], px[self.b]
        ux, uy, d = _unit(p, q)
        nx, ny = -uy, ux  # right-hand normal with y pointing down
        # Ticks slant back along the line at 45°, as in printed mechanics figures.
        dx, dy = (nx - ux) * self.tick_px / math.sqrt(2), (ny - uy) * self.tick_px / math.sqrt(2)
        out = []
        for t in np.arange(TICK_GAP_PX, d + 0.5, TICK_GAP_PX):
            x, y = p[0] + ux * t, p[1] + uy * t
            out.append(Stroke(np.array([(x, y), (x + dx, y + dy)]), width=THIN))
        return out


@dataclass(frozen=True)
class Curve(Element):
    """A smooth curve through data points (a trajectory); the points are the figure's data."""

    points: tuple[tuple[float, float], ...]

    def extent(self, scene: Scene) -> list[tuple[float, float]]:
        return list(self.points)

    def strokes(self, scene: Scene, layout: Layout) -> list[Stroke]:
        return [Stroke(np.array([layout.to_px(x, y) for x, y in self.points]))]


@dataclass(frozen=True)
class Lens(Element):
    """A thin converging lens drawn between its top and bottom points (on the principal plane)."""

    top: str
    bottom: str
    bulge_px: float = 9.0

    def extent(self, scene: Scene) -> list[tuple[float, float]]:
        return anchors(scene, self.top, self.bottom)

    def strokes(self, scene: Scene, layout: Layout) -> list[Stroke]:
        px = layout.points_px(scene)
        (tx, ty), (bx, by) = px[self.top], px[self.bottom]
        cx, cy, h = (tx + bx) / 2, (ty + by) / 2, abs(by - ty) / 2
        ys = np.linspace(-h, h, 41)
        xs = self.bulge_px * (1 - (ys / h) ** 2)
        right = np.stack([cx + xs, cy + ys], axis=1)
        left = np.stack([cx - xs[::-1], cy + ys[::-1]], axis=1)
        return [Stroke(np.vstack([right, left[1:-1]]), width=1.5, closed=True)]


@dataclass(frozen=True)
class Junction(Element):
    """A solid dot where three wires meet (a small filled ring: one stroke, so no extra artist kind)."""

    at: str
    radius_px: float = 2.2

    def extent(self, scene: Scene) -> list[tuple[float, float]]:
        return anchors(scene, self.at)

    def strokes(self, scene: Scene, layout: Layout) -> list[Stroke]:
        px = layout.points_px(scene)
        x, y = px[self.at]
        t = np.linspace(0, 2 * math.pi, 13)
        ring = np.stack([x + self.radius_px * np.cos(t), y + self.radius_px * np.sin(t)], axis=1)
        return [Stroke(ring, width=3.2)]


@dataclass(frozen=True)
class Resistor(Element):
    """A zigzag resistor between terminals a and b (the wires end there); `ohms` is its value."""

    a: str
    b: str
    name: str
    ohms: float
    amp_px: float = 7.0
    body_px: float = 42.0

    def extent(self, scene: Scene) -> list[tuple[float, float]]:
        return anchors(scene, self.a, self.b)

    def body(self, px: PxMap) -> tuple[tuple[float, float], tuple[float, float]]:
        """Pixel ends of the zigzag (centred between the terminals)."""
        p, q = px[self.a], px[self.b]
        ux, uy, d = _unit(p, q)
        half = min(self.body_px, 0.8 * d) / 2
        m = ((p[0] + q[0]) / 2, (p[1] + q[1]) / 2)
        return (m[0] - ux * half, m[1] - uy * half), (m[0] + ux * half, m[1] + uy * half)

    def strokes(self, scene: Scene, layout: Layout) -> list[Stroke]:
        px = layout.points_px(scene)
        s, e = self.body(px)
        ux, uy, d = _unit(s, e)
        nx, ny = -uy, ux
        zig = [s]
        for k in range(6):
            t, side = (k + 0.5) / 6 * d, (1 if k % 2 == 0 else -1) * self.amp_px
            zig.append((s[0] + ux * t + nx * side, s[1] + uy * t + ny * side))
        zig.append(e)
        return [Stroke(np.array([px[self.a], s])), Stroke(np.array(zig)), Stroke(np.array([e, px[self.b]]))]


@dataclass(frozen=True)
class Cell(Element):
    """A battery cell between terminals: long thin plate on the + side, short thick plate on the − side."""

    plus: str
    minus: str
    name: str
    volts: float
    long_px: float = 13.0
    short_px: float = 5.5
    gap_px: float = 8.0

    def extent(self, scene: Scene) -> list[tuple[float, float]]:
        return anchors(scene, self.plus, self.minus)

    def plates(self, px: PxMap) -> tuple[tuple[float, float], tuple[float, float], tuple[float, float]]:
        """(+ plate centre, − plate centre, unit normal across the plates) in pixels."""
        p, q = px[self.plus], px[self.minus]
        ux, uy, _ = _unit(p, q)
        m = ((p[0] + q[0]) / 2, (p[1] + q[1]) / 2)
        h = self.gap_px / 2
        return (m[0] - ux * h, m[1] - uy * h), (m[0] + ux * h, m[1] + uy * h), (-uy, ux)

    def strokes(self, scene: Scene, layout: Layout) -> list[Stroke]:
        px = layout.points_px(scene)
        lp, sp_, (nx, ny) = self.plates(px)

        def plate(c, half, width):
            return Stroke(np.array([(c[0] - nx * half, c[1] - ny * half), (c[0] + nx * half, c[1] + ny * half)]), width=width)

        return [
            Stroke(np.array([px[self.plus], lp])),
            plate(lp, self.long_px, 1.8),
            plate(sp_, self.short_px, 4.0),
            Stroke(np.array([sp_, px[self.minus]])),
        ]


@dataclass(frozen=True)
class Beam(Element):
    """A rigid rod drawn as a narrow rectangle around the centre line a→b (points sit on the centre line)."""

    a: str
    b: str
    half_px: float = 4.5

    def extent(self, scene: Scene) -> list[tuple[float, float]]:
        return anchors(scene, self.a, self.b)

    def strokes(self, scene: Scene, layout: Layout) -> list[Stroke]:
        px = layout.points_px(scene)
        p, q = px[self.a], px[self.b]
        ux, uy, _ = _unit(p, q)
        nx, ny = -uy * self.half_px, ux * self.half_px
        box = [(p[0] + nx, p[1] + ny), (q[0] + nx, q[1] + ny), (q[0] - nx, q[1] - ny), (p[0] - nx, p[1] - ny)]
        return [Stroke(np.array(box), width=1.5, closed=True)]


@dataclass(frozen=True)
class Pivot(Element):
    """A triangular fulcrum whose apex touches the underside of a beam at `at`, on a short hatched base."""

    at: str
    below_px: float = 4.5  # the beam's half thickness: the apex meets its lower edge
    height_px: float = 20.0
    half_px: float = 12.0

    def extent(self, scene: Scene) -> list[tuple[float, float]]:
        return [scene.floats()[self.at]]

    def strokes(self, scene: Scene, layout: Layout) -> list[Stroke]:
        x, y = layout.points_px(scene)[self.at]
        top, base = y + self.below_px, y + self.below_px + self.height_px
        tri = Stroke(np.array([(x, top), (x - self.half_px, base), (x + self.half_px, base)]), width=1.5, closed=True)
        reach = self.half_px + 8
        out = [tri, Stroke(np.array([(x - reach, base), (x + reach, base)]), width=1.5)]
        for t in np.arange(x - reach + 5, x + reach + 0.5, 7.0):
            out.append(Stroke(np.array([(t, base), (t - 5, base + 5)]), width=THIN))
        return out
