"""Conics: an ellipse with its foci; a focal radius from the focal property PF₁ + PF₂ = 2a."""

from __future__ import annotations

import random

import sympy as sp

from flywheel.core.records import Difficulty
from flywheel.domains.analytic_geometry import DOMAIN
from flywheel.domains.analytic_geometry.plot import leaks, num, point_fact, point_givens, window
from flywheel.domains.registry import register_generator
from flywheel.render.draft import Draft, parts
from flywheel.render.scene.coords import CoordinatePlane, FocalPair, OnCurve, ellipse
from flywheel.render.scene.exact import dist
from flywheel.render.scene.model import Construction, Measure, Scene, Segment

ELLIPSES = [(5, 3, 4), (5, 4, 3), (10, 6, 8), (10, 8, 6), (13, 12, 5), (15, 9, 12), (15, 12, 9), (17, 15, 8),
            (20, 12, 16), (20, 16, 12), (25, 24, 7), (25, 20, 15)]  # a, b, c with a² = b² + c²
F1, F2 = "F₁", "F₂"


def _point(rng: random.Random, a: int, b: int) -> tuple[sp.Rational, sp.Rational]:
    """A rational point (u along the major axis, v along the minor) off both axes, away from the vertices."""
    while True:
        t = sp.Rational(rng.randint(1, 20), rng.randint(2, 19)) * rng.choice([1, -1])
        if sp.Rational(1, 5) <= abs(t) <= 4 and abs(t) != 1:
            break
    u = a * (1 - t * t) / (1 + t * t)
    return (u * rng.choice([1, -1]), b * 2 * t / (1 + t * t))


@register_generator("analytic.ellipse_focal_radius", DOMAIN)
def ellipse_focal_radius(rng: random.Random) -> Draft:
    """P on an ellipse: PF₁ = 2a − PF₂, with c² = a² − b² locating the foci."""
    while True:
        a, b, c = rng.choice(ELLIPSES)
        u, v = _point(rng, a, b)
        vertical = rng.random() < 0.5  # major axis along y
        pt = (v, u) if vertical else (u, v)
        f1, f2 = ((0, -c), (0, c)) if vertical else ((-c, 0), (c, 0))
        f1, f2 = tuple(map(sp.Integer, f1)), tuple(map(sp.Integer, f2))
        answer = dist(pt, f1)
        near = min(float(dist(pt, f1)), float(dist(pt, f2)))
        sx, sy = (b, a) if vertical else (a, b)
        x0, x1, y0, y1 = window([(-sx, -sy), (sx, sy)], pad=max(1.5, a / 5))
        axes = CoordinatePlane(x0, x1, y0, y1, [ellipse("E", sx, sy, f"x²/{sx * sx} + y²/{sy * sy} = 1")],
                               [OnCurve("P", "E"), FocalPair("E", F1, F2)])
        if near >= 0.15 * a and not leaks(answer, axes) and abs(float(u)) >= 0.12 * a:
            break
    scene = Scene(
        points={"P": pt, F1: f1, F2: f2},
        labeled=["P", F1, F2],
        construction=Construction(
            f"draw the focal radii P{F1} and P{F2}", segments=[Segment("P", F1), Segment("P", F2)],
        ),
        coordinate_plane=axes,
    )
    axis, side = ("y", "negative y-axis") if vertical else ("x", "negative x-axis")
    other = dist(pt, f2)
    return Draft(
        title="An ellipse, its foci and a point on it",
        scene=scene,
        question=parts([f"An ellipse has foci {F1} and {F2} on the {axis}-axis, with {F1} on the {side}.",
                        "The point P lies on the ellipse."],
                       [f"the ellipse is x²/{sx * sx} + y²/{sy * sy} = 1", point_fact("P", pt)],
                       f"the length P{F1}"),
        answer=answer,
        target=Measure("length", ("P", F1)),
        givens=point_givens("P", pt),
        reasoning=[
            f"For every point of an ellipse the two focal radii add up to the major axis 2a, so P{F1} follows from "
            f"P{F2}, which is easy to compute from coordinates.",
        ],
        conclusion=[
            f"Here a = {a} and b = {b}, so c = √(a² − b²) = {c}: {F1} = ({num(f1[0])}, {num(f1[1])}) and "
            f"{F2} = ({num(f2[0])}, {num(f2[1])}).",
            f"P{F2} = √(({num(pt[0])} − {num(f2[0])})² + ({num(pt[1])} − {num(f2[1])})²) = {num(other)}.",
            f"P{F1} = 2a − P{F2} = {2 * a} − {num(other)} = {num(answer)}.",
        ],
        difficulty=Difficulty(hops=3, constructions=1),
        params={"a": a, "b": b, "vertical": vertical, "P": [str(pt[0]), str(pt[1])]},
    )
