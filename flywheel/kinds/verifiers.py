"""Verifiers of the perception and instruction kinds, judged on the rendered pixels.

`perception`: every claimed coordinate must be within 3 px of a labelled point *as drawn*: the
pixels there must hold a dot-sized blob of ink (a point marker, a stroke end or a junction, not
the middle of a bare line or blank paper), the nearest label in the rendered figure must be the
point's own letter, and the ground-truth annotation must ring exactly those points.
`instruction`: the scorer gives the ground-truth overlay 1.0 and an empty or displaced overlay a
low score (the generic `tool` verifier checks the overlay lands only where the instruction says).
"""

from __future__ import annotations

import math
import re

import numpy as np

from flywheel.kinds.instruction import score_masks
from flywheel.kinds.perception import RING_PX
from flywheel.verify.registry import Check, VerifyContext, register_verifier
from flywheel.verify.tool import changed_mask

NEAR_PX = 3.0  # a claimed coordinate must be this close to the drawn point
DARK = 0.5  # darkness (0 white … 1 black) that counts as ink
DOT_RUN_PX = 4.0  # a point marker is ~4.9 px across in every direction; a 1.8 pt line is ~2.5 px thick
LABEL_PX = 26.0  # the point's letter sits within this distance of it
SHIFT_PX = 12  # the displaced overlay the scorer must reject


def darkness(rgb: np.ndarray) -> np.ndarray:
    return 1.0 - rgb.min(axis=2).astype(np.float32) / 255.0


def _sample(d: np.ndarray, x: np.ndarray, y: np.ndarray) -> np.ndarray:
    """Bilinear darkness at continuous image coordinates (pixel j covers [j, j+1))."""
    h, w = d.shape
    u, v = np.clip(x - 0.5, 0, w - 1.001), np.clip(y - 0.5, 0, h - 1.001)
    i, j = np.floor(v).astype(int), np.floor(u).astype(int)
    fv, fu = v - i, u - j
    return (d[i, j] * (1 - fu) * (1 - fv) + d[i, j + 1] * fu * (1 - fv)
            + d[i + 1, j] * (1 - fu) * fv + d[i + 1, j + 1] * fu * fv)


_DIRS = np.array([(math.cos(a), math.sin(a)) for a in np.arange(8) * math.pi / 8])
STEP_PX = 0.5
_STEPS = np.arange(1, 17) * STEP_PX  # out to 8 px each side


def ink_runs(d: np.ndarray, centres: np.ndarray) -> np.ndarray:
    """For each centre, the shortest ink run through it over 8 directions (px); 0 off ink."""
    run = np.full(len(centres), np.inf)
    on = _sample(d, centres[:, 0], centres[:, 1]) >= DARK
    for ux, uy in _DIRS:
        total = np.zeros(len(centres))
        for sign in (1, -1):
            xs = centres[:, 0:1] + sign * ux * _STEPS[None, :]
            ys = centres[:, 1:2] + sign * uy * _STEPS[None, :]
            inked = _sample(d, xs, ys) >= DARK
            total += np.cumprod(inked, axis=1).sum(axis=1) * STEP_PX
        run = np.minimum(run, total)
    return np.where(on, run, 0.0)


_FINE = np.array([(dx, dy) for dx in np.arange(-NEAR_PX, NEAR_PX + 0.01, 0.25)
                  for dy in np.arange(-NEAR_PX, NEAR_PX + 0.01, 0.25) if dx * dx + dy * dy <= NEAR_PX ** 2])


def locate_point(d: np.ndarray, claim: tuple[float, float]) -> tuple[tuple[float, float], float]:
    """The drawn point nearest the claim, found in the pixels: (its centre, its thickest ink, px).

    Ink at least DOT_RUN_PX thick in every direction is a marker (or strokes merging into it); its
    centre is the mean of those spots within NEAR_PX of the claim, on a 1/4 px grid. Where many
    strokes fan out of a point the merged ink leans into the fan, so this centre is an estimate
    good to about 2 px, used to report accuracy; the pass/fail test is the thickness itself.
    """
    cands = np.asarray(claim)[None, :] + _FINE
    runs = ink_runs(d, cands)
    thick = cands[runs >= DOT_RUN_PX]
    best = thick if len(thick) else cands[runs == runs.max()]
    return (float(best[:, 0].mean()), float(best[:, 1].mean())), float(runs.max())


POINT_NAME = re.compile(r"[A-Za-z][′'₀-₉]*")  # how a scene names a point: A, F', A₁


def _rect_distance(p: tuple[float, float], rect: tuple[float, float, float, float]) -> float:
    dx = max(rect[0] - p[0], 0.0, p[0] - rect[2])
    dy = max(rect[1] - p[1], 0.0, p[1] - rect[3])
    return math.hypot(dx, dy)


def _point_problem(ctx: VerifyContext, name: str, claim: tuple[float, float], run: float) -> str | None:
    if run == 0:
        return f"no ink within {NEAR_PX:g} px of {name} {claim}"
    if run < DOT_RUN_PX:
        return f"{name} {claim} is on a bare stroke, not at a drawn point (ink {run:.1f} px thick, a point is ≥ {DOT_RUN_PX:g})"
    # Only point names compete: the figure also prints values, ticks and curve names beside points.
    labels = [(b.text, _rect_distance(claim, b.rect)) for b in ctx.render.labels if POINT_NAME.fullmatch(b.text)]
    if labels:
        text, dist = min(labels, key=lambda t: t[1])
        if text != name or dist > LABEL_PX:
            return f"the label nearest {name} {claim} is {text!r} ({dist:.0f} px away)"
    return None


def _annotation_problem(ctx: VerifyContext) -> str | None:
    t = ctx.tool
    if t is None or t.error or t.rgb is None:
        return f"annotation code failed: {t.error if t else 'did not run'}"
    mask = changed_mask(ctx.render.rgb, t.rgb)
    ys, xs = np.nonzero(mask)
    pts = np.asarray(list(ctx.points.values()))
    dist = np.hypot(xs[:, None] + 0.5 - pts[None, :, 0], ys[:, None] + 0.5 - pts[None, :, 1])
    if len(xs) == 0 or (dist.min(axis=1) > RING_PX + 2).any():
        return "the annotation changes pixels away from the points"
    if (dist.min(axis=0) > RING_PX + 2).any():
        return "the annotation misses a point"
    return None


@register_verifier("perception", role="kind", kinds=["perception"])
def verify_perception(ctx: VerifyContext) -> Check:
    if ctx.render is None:
        return Check(False, ctx.render_error or "the figure did not render")
    if not ctx.points:
        return Check(False, "no point coordinates to check")
    d = darkness(ctx.render.rgb)
    h, w = d.shape
    err = 0.0
    for name, claim in ctx.points.items():
        if not (0 <= claim[0] < w and 0 <= claim[1] < h):
            return Check(False, f"point {name} at {claim} lies outside the {w}x{h} image")
        found, run = locate_point(d, claim)
        problem = _point_problem(ctx, name, claim, run)
        if problem:
            return Check(False, problem)
        err = max(err, math.dist(found, claim))
    problem = _annotation_problem(ctx)
    if problem:
        return Check(False, problem)
    return Check(True, f"{len(ctx.points)} points found at drawn dots by their labels (max {err:.2f} px off)")


@register_verifier("instruction", role="kind", kinds=["instruction"])
def verify_instruction(ctx: VerifyContext) -> Check:
    if ctx.render is None or ctx.tool is None or ctx.tool.rgb is None:
        return Check(False, "no ground-truth overlay to score")
    truth = changed_mask(ctx.render.rgb, ctx.tool.rgb)
    own = score_masks(truth, truth)
    empty = score_masks(np.zeros_like(truth), truth)
    # Displaced along a long stroke an overlay still overlaps itself; across it, it must not.
    shifted = min(score_masks(np.roll(truth, shift, axis=(0, 1)), truth)
                  for shift in ((SHIFT_PX, 0), (0, SHIFT_PX), (SHIFT_PX, SHIFT_PX), (SHIFT_PX, -SHIFT_PX)))
    if own != 1.0 or empty != 0.0 or shifted > 0.5:
        return Check(False, f"scorer does not separate this overlay: truth {own:.2f}, empty {empty:.2f}, "
                            f"shifted {SHIFT_PX} px {shifted:.2f}")
    return Check(True, f"scorer: truth 1.00, empty 0.00, shifted {SHIFT_PX} px {shifted:.2f}")
