"""Thin converging lens: the image of an upright object found with two principal rays."""

from __future__ import annotations

import functools
import random

import sympy as sp

from flywheel.core.answers import to_latex
from flywheel.core.records import Difficulty
from flywheel.domains.physics import DOMAIN
from flywheel.domains.physics.common import quantity, target
from flywheel.domains.physics.symbols import Lens
from flywheel.domains.registry import register_generator
from flywheel.render.draft import Draft, parts
from flywheel.render.scene.exact import P, lerp
from flywheel.render.scene.model import Construction, Scene, Segment

AXIS_MARGINS = [sp.Rational(1, 12), sp.Rational(1, 10), sp.Rational(1, 8), sp.Rational(1, 6), sp.Rational(1, 5), sp.Rational(1, 4)]


@functools.cache
def lens_cases() -> list[tuple[int, int, sp.Rational]]:
    """(u, f, v) in cm: image distance a whole number of quarter centimetres, image between half and twice
    the object, and the image well beyond F' (else A'B', F' and their labels crowd into one spot)."""
    out = []
    for f in range(5, 121):
        for u in range(f + 1, 4 * f + 1):
            v = sp.Rational(u * f, u - f)
            if v.q <= 4 and 0.5 <= f / (u - f) <= 2.0 and 5 * u <= 13 * f:
                out.append((u, f, v))
    return out


@register_generator("physics.thin_lens", DOMAIN)
def thin_lens(rng: random.Random) -> Draft:
    u, f, v = rng.choice(lens_cases())
    s = rng.choice([1, -1])  # object on the left or, mirrored, on the right
    h = rng.randint(max(1, round(0.3 * u)), max(1, round(0.45 * u)))
    hi = sp.Rational(h * v, u)  # image height (inverted)
    top = max(h, hi) * sp.Rational(6, 5)
    span = u + v
    pts = {
        "O": P(0, 0), "B": P(-s * u, 0), "A": P(-s * u, h), "F": P(-s * f, 0), "F'": P(s * f, 0),
        "T": (sp.Integer(0), top), "D": (sp.Integer(0), -top),
        # The axis runs on past the object and the image by a random share of the figure: without it every
        # figure of one u : f ratio is the same picture, whatever its size.
        "X0": (-s * (u + span * rng.choice(AXIS_MARGINS)), sp.Integer(0)),
        "X1": (s * (v + span * rng.choice(AXIS_MARGINS)), sp.Integer(0)),
        "Q": P(0, h), "B'": (s * v, sp.Integer(0)), "A'": (s * v, -hi),
    }
    pts["E1"] = lerp(pts["Q"], pts["A'"], sp.Rational(23, 20))  # rays run on past the image
    pts["E2"] = lerp(pts["A"], pts["A'"], sp.Rational(21, 20))
    scene = Scene(
        points=pts,
        segments=[Segment("X0", "X1"), Segment("B", "A", arrow=True)],
        labeled=["A", "B", "O", "F", "F'"],
        undotted=["A"],
        elements=[Lens("T", "D")],
        construction=Construction(
            "draw the ray from A parallel to the axis, refracted through F', and the ray from A through the centre O;"
            " where they meet is the image A'B'",
            [Segment("A", "Q", dashed=True), Segment("Q", "E1", dashed=True), Segment("A", "E2", dashed=True),
             Segment("B'", "A'", arrow=True)],
            ["A'", "B'"],
        ),
    )
    ask_height = rng.random() < 0.4
    ans = hi if ask_height else v
    what = "the height of the image A'B'" if ask_height else "the distance OB' of the image from the lens"
    return Draft(
        title="Object AB in front of a converging lens",
        scene=scene,
        question=parts("An object AB stands upright on the principal axis of a thin converging lens with optical centre O "
                       "and focal points F and F'.", [f"AB = {h} cm", f"OB = {u} cm", f"OF = OF' = {f} cm"], what,
                       unit="in cm"),
        answer=ans,
        target=target("image_height" if ask_height else "image_distance", "A", "B", "O", "F'"),
        givens=[quantity("length", "A", "B", value=h), quantity("length", "O", "B", value=u),
                quantity("length", "O", "F", value=f), quantity("length", "O", "F'", value=f)],
        reasoning=["The image of the tip A is where rays leaving A meet again after the lens; two principal rays are enough."],
        conclusion=[
            f"The rays meet at A', below the axis: the image is real and inverted. With u = {u} and f = {f}, the thin lens "
            f"equation 1/f = 1/u + 1/v gives 1/v = 1/{f} − 1/{u} = {to_latex(sp.Rational(1, f) - sp.Rational(1, u))}, so OB' = v = {to_latex(v)} cm.",
        ] + ([f"Triangles ABO and A'B'O are similar, so A'B' = AB · v/u = {h} · {to_latex(v)}/{u} = {to_latex(hi)} cm."] if ask_height else []),
        difficulty=Difficulty(hops=2 if ask_height else 1, constructions=2),
        params={"u": u, "f": f, "h": h, "ask": "height" if ask_height else "distance", "side": s},
    )
