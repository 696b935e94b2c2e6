"""Shared pieces of the solid-geometry generators: boxes and prisms, givens, the readability test."""

from __future__ import annotations

import itertools
import math
import random
from collections.abc import Callable
from typing import TypeVar

import sympy as sp

from flywheel.render.draft import Given
from flywheel.render.scene.layout import PAD_PX, SIZE
from flywheel.render.scene.model import Measure, Segment
from flywheel.render.scene.solid import P3, Point3, SolidScene, crowding, min_edge_angle

MIN_LABEL_GAP_PX = 30.0  # two labelled points closer than this crowd their labels
MIN_ANGLE = 12.0  # degrees between strokes at a point (the image verifier's floor): thinner wedges read as one line
CUBOID = "ABCDEFGH"
T = TypeVar("T")


def prism(base: dict[str, Point3], top_names: str, height) -> tuple[dict[str, Point3], list[str]]:
    """A right prism over a convex base polygon (names in cyclic order): points and faces."""
    names = "".join(base)
    pts = dict(base)
    for b, t in zip(names, top_names, strict=True):
        x, y, z = base[b]
        pts[t] = (x, y, z + sp.sympify(height))
    n = len(names)
    sides = [names[i] + names[(i + 1) % n] + top_names[(i + 1) % n] + top_names[i] for i in range(n)]
    return pts, [names, top_names, *sides]


def box(a, b, c) -> tuple[dict[str, Point3], list[str]]:
    """Cuboid ABCD-EFGH: AB = a along x, BC = b in depth, AE = c up; A at the origin."""
    return prism({"A": P3(0, 0, 0), "B": P3(a, 0, 0), "C": P3(a, b, 0), "D": P3(0, b, 0)}, "EFGH", c)


def given(segment: str, value) -> Given:
    """`given("AB", 5)`: the question states AB = 5, measured in space by the answer verifier."""
    return Given(Measure("length", (segment[0], segment[1:])), sp.sympify(value))


def outline(names: tuple[str, ...], skip: set[frozenset[str]]) -> list[Segment]:
    """The sides of a polygon as segments, leaving out those already drawn as edges."""
    pairs = zip(names, names[1:] + names[:1], strict=True)
    return [Segment(a, b) for a, b in pairs if frozenset((a, b)) not in skip]


def well_spread(scene: SolidScene, names: list[str]) -> bool:
    """Labelled points stay apart once the figure is scaled to the canvas."""
    f = scene.floats()
    span = max(max(p[i] for p in f.values()) - min(p[i] for p in f.values()) for i in (0, 1))
    px = (SIZE - 2 * PAD_PX) / span
    return all(math.dist(f[p], f[q]) * px >= MIN_LABEL_GAP_PX for p, q in itertools.combinations(names, 2))


def fits(scene: SolidScene) -> bool:
    """The view is readable: no slivers at a point, labelled points apart, no point beside a stroke it is not
    on (else the generator redraws)."""
    names = scene.labeled + scene.construction.points
    return min_edge_angle(scene) >= MIN_ANGLE and well_spread(scene, names) and not crowding(scene)


MAX_TRIES = 400


def first_fit(rng: random.Random, make: Callable[[random.Random], tuple[SolidScene, T] | None]) -> tuple[SolidScene, T]:
    """Draw with `make` (None: the numbers drawn do not suit) until the scene fits the canvas readably."""
    for _ in range(MAX_TRIES):
        out = make(rng)
        if out is not None and fits(out[0]):
            return out
    raise RuntimeError(f"no readable view in {MAX_TRIES} draws")  # a bug in the generator, caught by its tests


def pythagorean_triples(max_c: int) -> list[tuple[int, int, int]]:
    """Every (a, b, c) with a² + b² = c², c ≤ max_c, both leg orders (Euclid's formula and multiples)."""
    out = set()
    for m in range(2, math.isqrt(max_c) + 1):
        for n in range(1, m):
            if (m - n) % 2 and math.gcd(m, n) == 1:
                a, b, c = m * m - n * n, 2 * m * n, m * m + n * n
                for k in range(1, max_c // c + 1):
                    out |= {(k * a, k * b, k * c), (k * b, k * a, k * c)}
    return sorted(out)


TRIPLES = pythagorean_triples(150)
