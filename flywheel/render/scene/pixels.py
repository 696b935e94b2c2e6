"""Pixel-space geometry shared by label layout and the image/tool verifiers (numpy, vectorised)."""

from __future__ import annotations

import math

import numpy as np

Rect = tuple[float, float, float, float]  # x0, y0, x1, y1 in image pixels (y down)


def circle_polyline(cx: float, cy: float, r: float, n: int = 72) -> np.ndarray:
    t = np.linspace(0, 2 * math.pi, n + 1)
    return np.stack([cx + r * np.cos(t), cy + r * np.sin(t)], axis=1)


def arc_polyline(cx: float, cy: float, r: float, a0: float, a1: float, n: int = 12) -> np.ndarray:
    t = np.linspace(a0, a1, n + 1)
    return np.stack([cx + r * np.cos(t), cy + r * np.sin(t)], axis=1)


def polyline_segments(poly: np.ndarray) -> np.ndarray:
    """(N,2) polyline → (N-1,4) segments x0,y0,x1,y1."""
    return np.concatenate([poly[:-1], poly[1:]], axis=1)


def rects_hit_segments(rects: np.ndarray, segs: np.ndarray) -> np.ndarray:
    """(R,4) rects × (M,4) segments → (R,) bool: does any segment cross or touch each rect?

    Liang–Barsky clipping, broadcast over every rect/segment pair at once (label layout tries
    ~100 candidate boxes per label, so one call per label instead of one per candidate).
    """
    rects = np.atleast_2d(np.asarray(rects, dtype=float))
    if len(segs) and len(rects):
        # Only segments whose bounding box meets the rects' common one can touch any rect: candidates
        # crowd around one anchor, so this drops most of a figure's strokes before the R × M broadcast.
        lo, hi = rects[:, :2].min(axis=0), rects[:, 2:].max(axis=0)
        sx0, sx1 = np.minimum(segs[:, 0], segs[:, 2]), np.maximum(segs[:, 0], segs[:, 2])
        sy0, sy1 = np.minimum(segs[:, 1], segs[:, 3]), np.maximum(segs[:, 1], segs[:, 3])
        segs = segs[(sx1 >= lo[0]) & (sx0 <= hi[0]) & (sy1 >= lo[1]) & (sy0 <= hi[1])]
    if len(segs) == 0:
        return np.zeros(len(rects), dtype=bool)
    x0, y0, x1, y1 = (rects[:, i : i + 1] for i in range(4))
    px, py = segs[None, :, 0], segs[None, :, 1]
    dx, dy = segs[None, :, 2] - px, segs[None, :, 3] - py
    t0 = np.zeros((len(rects), len(segs)))
    t1 = np.ones_like(t0)
    ok = np.ones(t0.shape, dtype=bool)
    for p, q in ((-dx, px - x0), (dx, x1 - px), (-dy, py - y0), (dy, y1 - py)):
        p = np.broadcast_to(p, t0.shape)
        parallel = np.abs(p) < 1e-12
        ok &= ~(parallel & (q < 0))
        r = q / np.where(parallel, 1.0, p)
        t0 = np.where(~parallel & (p < 0), np.maximum(t0, r), t0)
        t1 = np.where(~parallel & (p > 0), np.minimum(t1, r), t1)
    return (ok & (t0 <= t1)).any(axis=1)


def point_segments_distance(p, segs: np.ndarray) -> np.ndarray:
    """(M,) distance from point p to each of the (M,4) segments x0,y0,x1,y1."""
    p = np.asarray(p, dtype=float)
    a, b = segs[:, :2], segs[:, 2:]
    ab = b - a
    t = np.clip(((p - a) * ab).sum(1) / np.maximum((ab * ab).sum(1), 1e-12), 0, 1)
    return np.linalg.norm(a + t[:, None] * ab - p, axis=1)


def rect_hits_segments(rect: Rect, segs: np.ndarray) -> bool:
    return bool(rects_hit_segments(np.asarray([rect]), segs)[0])


def rects_overlap(a: Rect, b: Rect, pad: float = 0.0) -> bool:
    return not (a[2] + pad <= b[0] or b[2] + pad <= a[0] or a[3] + pad <= b[1] or b[3] + pad <= a[1])


def inside(rect: Rect, width: int, height: int, margin: float = 1.0) -> bool:
    return rect[0] >= margin and rect[1] >= margin and rect[2] <= width - margin and rect[3] <= height - margin


def sample_segment(p: tuple[float, float], q: tuple[float, float], step: float = 3.0) -> np.ndarray:
    n = max(2, int(math.dist(p, q) / step))
    t = np.linspace(0, 1, n)[:, None]
    return np.asarray(p) * (1 - t) + np.asarray(q) * t


def crowding_cost(boxes: np.ndarray, grown: np.ndarray, taken: list[Rect], segs: np.ndarray, size: int) -> np.ndarray:
    """(R,) penalty of candidate label boxes: 100 off the canvas, 50 on another label or dot
    (`taken`), 50 on a stroke; `grown` is each box with its clearance, tested against the others."""
    cost = 100.0 * ((boxes[:, 0] < 3) | (boxes[:, 1] < 3) | (boxes[:, 2] > size - 3) | (boxes[:, 3] > size - 3))
    return cost + 50 * rects_hit_rects(grown, taken) + 50 * rects_hit_segments(grown, segs)


def rects_hit_rects(rects: np.ndarray, taken: list[Rect]) -> np.ndarray:
    """(R,) bool: does each of the (R,4) rects overlap any rect of `taken`?"""
    if not taken:
        return np.zeros(len(rects), dtype=bool)
    t = np.asarray(taken)[None, :, :]
    g = rects[:, None, :]
    hit = ~((g[..., 2] <= t[..., 0]) | (t[..., 2] <= g[..., 0]) | (g[..., 3] <= t[..., 1]) | (t[..., 3] <= g[..., 1]))
    return hit.any(axis=1)
