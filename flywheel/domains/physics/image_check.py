"""Physics image check: read the rendered pixels and confirm the symbols say what the scene says.

Every vector arrow must have its head at its tip (it points the stated way), a drawn shaft, and
end where the scene's point is (so arrows keep the stated relative lengths); every resistor
must show its zigzag and every cell its polarity (the long plate on the + side).
"""

from __future__ import annotations

import math
from dataclasses import replace

import numpy as np

from flywheel.domains.physics import DOMAIN
from flywheel.domains.physics.symbols import Cell, Resistor
from flywheel.domains.registry import domain_verifier
from flywheel.render.scene.elements import HEAD_HALF_PX, HEAD_LEN_PX
from flywheel.render.scene.layout import obstacle_segments
from flywheel.verify.registry import Check, VerifyContext

INK = 140  # a pixel darker than this (0–255, darkest channel) is ink
CLEAR_PX = 6.0  # probes this close to another stroke or a label are skipped: they would read its ink


class _Pixels:
    def __init__(self, rgb: np.ndarray) -> None:
        self.grey = rgb.min(axis=2)
        self.h, self.w = self.grey.shape

    def ink(self, x: float, y: float, r: int = 1) -> bool:
        xi, yi = int(round(x)), int(round(y))
        win = self.grey[max(0, yi - r) : min(self.h, yi + r + 1), max(0, xi - r) : min(self.w, xi + r + 1)]
        return win.size > 0 and int(win.min()) < INK

    def run_width(self, c: np.ndarray, n: np.ndarray, reach: float = 10.0) -> float:
        """Length of the unbroken ink run through c across the direction n (px)."""
        width = 0.0
        for sign in (1, -1):
            t = 0.5
            while t <= reach and self.ink(*(c + sign * t * n), r=0):
                t += 0.5
            width += t - 0.5
        return width


def _seg_dist(p: np.ndarray, segs: np.ndarray) -> float:
    if len(segs) == 0:
        return math.inf
    a, b = segs[:, :2], segs[:, 2:]
    ab = b - a
    t = np.clip(((p - a) * ab).sum(1) / np.maximum((ab * ab).sum(1), 1e-12), 0, 1)
    return float(np.min(np.linalg.norm(a + t[:, None] * ab - p, axis=1)))


def _arrow_problem(px: _Pixels, ctx: VerifyContext, seg) -> str | None:
    scene, lay = ctx.rendered.draft.scene, ctx.rendered.layout
    f = scene.floats()
    p, q = np.asarray(lay.to_px(*f[seg.a])), np.asarray(lay.to_px(*f[seg.b]))
    length = float(np.linalg.norm(q - p))
    u = (q - p) / length
    n = np.array([-u[1], u[0]])
    others = obstacle_segments(replace(scene, segments=[s for s in scene.segments if s != seg]), lay, False)
    boxes = [b.rect for b in ctx.render.labels]

    def clear(c: np.ndarray) -> bool:
        in_box = any(x0 - CLEAR_PX <= c[0] <= x1 + CLEAR_PX and y0 - CLEAR_PX <= c[1] <= y1 + CLEAR_PX for x0, y0, x1, y1 in boxes)
        return not in_box and _seg_dist(c, others) > CLEAR_PX

    name = f"{seg.a}{seg.b}"
    if px.run_width(q - u * (HEAD_LEN_PX * 0.75), n) < HEAD_HALF_PX:
        return f"arrow {name} has no head at its tip"
    tail = p + u * 10
    if clear(tail) and px.run_width(tail, n) >= HEAD_HALF_PX:
        return f"arrow {name} has a head at its tail: it points the wrong way"
    shaft = [p + u * t for t in np.arange(2.0, length - HEAD_LEN_PX, 3.0)]
    drawn = sum(px.ink(*c) for c in shaft) / max(1, len(shaft))
    if drawn < 0.95:
        return f"arrow {name} is drawn along only {drawn:.0%} of its shaft"
    beyond = q + u * 4
    if not px.ink(*(q - u * 2)) or (clear(beyond) and px.ink(*beyond, r=0)):
        return f"arrow {name} does not end at its point: its length is not the stated one"
    return None


def _symbol_problem(px: _Pixels, ctx: VerifyContext, item) -> str | None:
    lay = ctx.rendered.layout
    pts = {k: lay.to_px(*v) for k, v in ctx.rendered.draft.scene.floats().items()}
    if isinstance(item, Resistor):
        zig = item.strokes(ctx.rendered.draft.scene, lay)[1].points
        if not all(px.ink(x, y) for x, y in zig[1:-1]):
            return f"resistor {item.name} does not show its zigzag"
    if isinstance(item, Cell):
        plus, minus, n = item.plates(pts)
        reach = item.long_px - 2.5
        n = np.asarray(n)
        if not all(px.ink(*(np.asarray(plus) + s * reach * n), r=0) for s in (1, -1)):
            return f"cell {item.name}: the + plate is not the long one"
        if any(px.ink(*(np.asarray(minus) + s * reach * n), r=0) for s in (1, -1)):
            return f"cell {item.name}: the − plate is not the short one"
    return None


@domain_verifier(DOMAIN, "image")
def verify_physics_image(ctx: VerifyContext) -> Check:
    if ctx.render is None:
        return Check(False, ctx.render_error or "the figure did not render")
    px = _Pixels(ctx.render.rgb)
    scene = ctx.rendered.draft.scene
    arrows = [s for s in scene.segments if s.arrow]
    for s in arrows:
        problem = _arrow_problem(px, ctx, s)
        if problem:
            return Check(False, problem)
    for it in scene.elements:
        problem = _symbol_problem(px, ctx, it)
        if problem:
            return Check(False, problem)
    return Check(True, f"{len(arrows)} arrows point and end as stated; {len(scene.elements)} symbols drawn as stated")
