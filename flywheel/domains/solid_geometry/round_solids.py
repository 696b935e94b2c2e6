"""Round solids: a cylinder's axial section, a cone's height, a sphere's section circle.

Drawn in the elevated orthographic view (scene/solid.py ELEVATED): circles become ellipses whose
far arcs are dashed, a sphere's outline stays a circle.
"""

from __future__ import annotations

import functools
import math
import random

import sympy as sp

from flywheel.core.answers import to_latex
from flywheel.core.records import Difficulty
from flywheel.domains.registry import register_generator
from flywheel.domains.solid_geometry import DOMAIN
from flywheel.domains.solid_geometry.common import MIN_ANGLE, given
from flywheel.render.draft import Draft, parts
from flywheel.render.scene.model import CircleEl, Construction, Measure, Segment
from flywheel.render.scene.solid import (
    ELEVATED,
    P3,
    Projection,
    SolidScene,
    Space,
    crowding,
    min_edge_angle,
    rim,
    solid_scene,
)

SECTION_CENTRE = "O₁"
_R = sp.Rational


def _leg_and_hypotenuse(rng: random.Random, legs: range, lo: float, hi: float, scale: int = 1) -> tuple[int, int, sp.Expr]:
    """(leg, c, √(c² − (scale·leg)²)): an integer hypotenuse c over the integer side scale·leg whose other
    side is between lo and hi times it; drawn uniformly over all such pairs, so problems rarely repeat."""
    pairs = [(n, c) for n in legs for c in range(math.ceil(scale * n * math.sqrt(1 + lo * lo)),
                                                 math.floor(scale * n * math.sqrt(1 + hi * hi)) + 1)]
    n, c = rng.choice(pairs)
    return n, c, sp.sqrt(c * c - (scale * n) ** 2)


@register_generator("solid.cylinder_volume", DOMAIN)
def cylinder_volume(rng: random.Random) -> Draft:
    r, d, h = _leg_and_hypotenuse(rng, range(2, 81), 0.6, 1.8, scale=2)  # AC over the diameter AB
    width = 2 * r
    space = Space({"O": P3(0, 0, 0), "T": P3(0, 0, h), "A": P3(-r, 0, 0), "B": P3(r, 0, 0), "C": P3(r, 0, h),
                   "D": P3(-r, 0, h)}, ELEVATED)
    rims = [rim(space, "O", r, "_bottom", "side"), rim(space, "T", r, "_top", "cap")]
    construction = Construction("draw the axial section ABCD: the diameters AB and DC and the diagonal AC",
                                [Segment("A", "B"), Segment("D", "C"), Segment("A", "C")])
    scene = solid_scene(space, list("ABCDO"), construction, extra_edges=[("A", "D", False), ("B", "C", False)],
                        rims=rims, dotted=["O"])
    vol = sp.pi * r * r * h
    ask_volume = rng.random() < 0.6  # the volume, or the height BC it needs
    return Draft(
        title="Cylinder with its axial section",
        scene=scene,
        question=parts(["O is the centre of the base of a cylinder.", "ABCD is its axial section."],
                       [f"the base radius OA = {r}", f"the diagonal of the axial section AC = {d}"],
                       "the volume of the cylinder" if ask_volume else "the height of the cylinder",
                       context=["A cylindrical tin has the centre of its base at O; ABCD is the rectangle of a cut through its axis."]),
        answer=vol if ask_volume else h,
        target=Measure("revolution", ("O", "A", "T", "D")) if ask_volume else Measure("length", ("B", "C")),
        givens=[given("OA", r), given("AC", d)],
        reasoning=["The axial section ABCD is a rectangle: AB is a diameter of the base and BC a generator, "
                   "whose length is the height; the diagonal AC closes the right triangle ABC."],
        conclusion=[f"AB = 2·OA = {width}.",
                    f"BC = √(AC² − AB²) = √({d}² − {width}²) = {to_latex(h)}."]
        + ([f"V = π·OA²·BC = π·{r}²·{to_latex(h)} = {to_latex(vol)}."] if ask_volume else []),
        difficulty=Difficulty(hops=2 + ask_volume, constructions=3),
        params={"r": r, "h": str(h), "d": d, "volume": ask_volume},
    )


@register_generator("solid.cone_volume", DOMAIN)
def cone_volume(rng: random.Random) -> Draft:
    r, slant, h = _leg_and_hypotenuse(rng, range(2, 81), 0.8, 2.2)
    # A and B are where the slant outlines touch the base ellipse: sin t = (5/13)r / ((12/13)h).
    sin_t = sp.Rational(5, 12) * r / h
    cos_t = sp.sqrt(1 - sin_t**2)
    space = Space({"O": P3(0, 0, 0), "S": P3(0, 0, h), "A": (r * cos_t, r * sin_t, sp.Integer(0)),
                   "B": (-r * cos_t, r * sin_t, sp.Integer(0))}, ELEVATED)
    rims = [rim(space, "O", r, "_base", "cone", pole="S")]
    construction = Construction("draw the height SO and the radius OA", [Segment("S", "O"), Segment("O", "A")])
    scene = solid_scene(space, ["S", "O", "A"], construction, extra_edges=[("S", "A", False), ("S", "B", False)],
                        rims=rims, dotted=["O"])
    vol = sp.pi * r * r * h / 3
    ask_volume = rng.random() < 0.6  # the volume, or the height SO it needs
    return Draft(
        title="Right circular cone",
        scene=scene,
        question=parts(["S is the apex of a right circular cone.", "O is the centre of its base."],
                       [f"the slant height SA = {slant}", f"the base radius OA = {r}"],
                       "the volume of the cone" if ask_volume else "the height SO of the cone",
                       context=["A conical roof has its top at S and the centre of its circular base at O."]),
        answer=vol if ask_volume else h,
        target=Measure("revolution", ("O", "A", "S", "S")) if ask_volume else Measure("length", ("S", "O")),
        givens=[given("SA", slant), given("OA", r)],
        reasoning=["The volume needs the height SO, which is perpendicular to the base: "
                   "the height, a radius and a slant height form a right triangle SOA."],
        conclusion=[f"SO = √(SA² − OA²) = √({slant}² − {r}²) = {to_latex(h)}."]
        + ([f"V = (1/3)·π·OA²·SO = (1/3)·π·{r}²·{to_latex(h)} = {to_latex(vol)}."] if ask_volume else []),
        difficulty=Difficulty(hops=1 + ask_volume, constructions=2),
        params={"r": r, "h": str(h), "slant": slant, "volume": ask_volume},
    )


@functools.cache
def _radius_and_distance(top: int) -> list[tuple[int, int]]:
    return [(r, d) for r in range(3, top + 1) for d in range(math.ceil(0.3 * r), math.floor(0.7 * r) + 1)]


# Where A sits on the section circle (front half, so O₁A and OA stand clear of the outline), and views
# from a little higher up: the first pair that keeps every point clear of the curves it is not on.
_SECTION_DIRECTIONS = [(_R(4, 5), _R(-3, 5)), (_R(3, 5), _R(-4, 5)), (_R(12, 13), _R(-5, 13)), (_R(5, 13), _R(-12, 13)),
                       (_R(-4, 5), _R(-3, 5)), (_R(-3, 5), _R(-4, 5)), (_R(-12, 13), _R(-5, 13))]
_SPHERE_VIEWS = [ELEVATED] + [Projection("elevated", (_R(1), _R(0)), (_R(0), s), (_R(0), c))
                              for s, c in ((_R(3, 5), _R(4, 5)), (_R(8, 17), _R(15, 17)), (_R(7, 25), _R(24, 25)))]


def _sphere_view(big_r: int, d: int, rho: sp.Expr) -> SolidScene:
    """The sphere, its section circle and the right triangle O O₁ A, in the first view where no point sits
    on (or a few pixels beside) a circle it is not on, such as the crossing of the section and the equator."""
    q = SECTION_CENTRE
    for view in _SPHERE_VIEWS:
        for cx, cy in _SECTION_DIRECTIONS:
            space = Space({"O": P3(0, 0, 0), q: P3(0, 0, d), "A": P3(rho * cx, rho * cy, d)}, view)
            rims = [rim(space, "O", big_r, "_equator", "sphere", pole="O"), rim(space, q, rho, "_section", "sphere", pole="O")]
            construction = Construction(f"join O to the section's centre {q}, and draw {q}A and OA",
                                        [Segment("O", q), Segment(q, "A"), Segment("O", "A")])
            scene = solid_scene(space, ["O", q, "A"], construction, rims=rims, circles=[CircleEl("O", "_equatorx")],
                                dotted=["O", q, "A"])
            if not crowding(scene) and min_edge_angle(scene) >= MIN_ANGLE:
                return scene
    return scene  # not reached for the drawn (R, d): the generator's test covers every seed it draws


@register_generator("solid.sphere_section", DOMAIN)
def sphere_section(rng: random.Random) -> Draft:
    big_r, d = rng.choice(_radius_and_distance(150))
    rho = sp.sqrt(big_r * big_r - d * d)
    q = SECTION_CENTRE
    scene = _sphere_view(big_r, d, rho)
    area = sp.pi * rho * rho
    ask_area = rng.random() < 0.6  # the section's area, or its radius
    return Draft(
        title="Sphere cut by a plane",
        scene=scene,
        question=parts([f"A plane cuts a sphere with centre O in a circle with centre {q}.", "A is a point of that circle."],
                       [f"O{q} = {d}", f"the radius OA = {big_r}"],
                       "the area of the section circle" if ask_area else f"the radius {q}A of the section circle"),
        answer=area if ask_area else rho,
        target=Measure("disc", (q, "A")) if ask_area else Measure("length", (q, "A")),
        givens=[given("O" + q, d), given("OA", big_r)],
        reasoning=[f"The segment from the centre of a sphere to the centre of a section is perpendicular to the "
                   f"section, so triangle O{q}A is right-angled at {q}, with hypotenuse the radius OA."],
        conclusion=[f"{q}A² = OA² − O{q}² = {big_r}² − {d}² = {big_r * big_r - d * d}.",
                    f"Area = π·{q}A² = {to_latex(area)}." if ask_area else f"{q}A = {to_latex(rho)}."],
        difficulty=Difficulty(hops=2, constructions=3),
        params={"R": big_r, "d": d, "area": ask_area},
    )

