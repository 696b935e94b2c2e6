"""Geometric optics with straight rays: reflection in a plane mirror and refraction into a glass block.

Plane mirror: the reflected ray seems to come from the image A' behind the mirror (as far behind as A
is in front), so the light path A→P→E is as long as the straight line A'E. Refraction: Snell's law
sin θ = n·sin r (from air) fixes the refracted ray; rational sines from Pythagorean triples keep every
length exact.
"""

from __future__ import annotations

import functools
import random

import sympy as sp

from flywheel.core.answers import to_latex
from flywheel.core.records import Difficulty
from flywheel.domains.physics import DOMAIN
from flywheel.domains.physics.common import num, quantity, target
from flywheel.domains.physics.symbols import Hatch
from flywheel.domains.registry import register_generator
from flywheel.render.draft import Draft, parts
from flywheel.render.scene.exact import PYTHAGOREAN_TRIPLES, P
from flywheel.render.scene.model import (
    Construction,
    RightMark,
    Scene,
    Segment,
    rational_rotation,
)

SINES = sorted({sp.Rational(leg, h) for p, q, h in PYTHAGOREAN_TRIPLES for leg in (p, q)})


def _cos(sin: sp.Rational) -> sp.Rational:
    return sp.sqrt(1 - sin**2)


def _mirror_scene(a: int, e: int, d: int) -> Scene:
    """Mirror along the x-axis (hatched behind, below), A above C = (0, 0), the eye E above D = (d, 0)."""
    pts = {
        "C": P(0, 0), "D": P(d, 0), "A": P(0, a), "E": P(d, e),
        "M1": P(-sp.Rational(d, 4), 0), "M2": P(d + sp.Rational(d, 4), 0),
        "A'": P(0, -a), "P": P(sp.Rational(a * d, a + e), 0),
    }
    return Scene(
        points=pts,
        segments=[Segment("M1", "M2"), Segment("A", "C", dashed=True), Segment("E", "D", dashed=True)],
        right_marks=[RightMark("A", "C", "D"), RightMark("E", "D", "C")],
        labeled=["A", "E", "C", "D"],
        elements=[Hatch("M1", "M2")],
        construction=Construction(
            "mark the image A' of A behind the mirror and join A'E; where it crosses the mirror is the point P "
            "at which the ray reflects",
            [Segment("C", "A'", dashed=True), Segment("A'", "P", dashed=True), Segment("A", "P", arrow=True),
             Segment("P", "E", arrow=True)],
            ["A'", "P"],
        ),
    )


def _turned(scene: Scene, rng: random.Random) -> Scene:
    """Any exact rotation, maybe mirrored; the hatching's direction is swapped with a mirror so it stays behind."""
    cos, sin = rational_rotation(rng)
    mirror = rng.random() < 0.5
    moved = scene.transformed(cos, sin, mirror)
    if mirror:
        moved.elements = [Hatch("M2", "M1")]
    return moved


@register_generator("physics.plane_mirror", DOMAIN)
def plane_mirror(rng: random.Random) -> Draft:
    if rng.random() < 0.5:  # a + e and CD the legs of a Pythagorean triple: a whole-metre path
        while True:
            x, y, h = rng.choice(PYTHAGOREAN_TRIPLES[:7])
            k = rng.randint(1, max(1, 90 // h))
            total, d = (x * k, y * k) if rng.random() < 0.5 else (y * k, x * k)
            if total >= 4 and sp.Rational(1, 2) <= sp.Rational(d, total) <= sp.Rational(3, 2):
                break
    else:
        while True:  # (a + e, CD) from a box, filtered: every pair equally likely
            total, d = rng.randint(4, 60), rng.randint(2, 90)
            if total <= 2 * d <= 3 * total:
                break
    a = rng.randint(-(-total // 4), total - -(-total // 4))  # each distance at least a quarter of a + e: no stubs
    e = total - a
    scene = _turned(_mirror_scene(a, e, d), rng)
    ask = rng.choice(["path", "point"])
    cp = sp.Rational(a * d, a + e)
    if ask == "path":
        path = sp.sqrt(total**2 + d**2)
        what, ans = "the length of the light path from A to P to E, in metres", path
        tgt = target("mirror_path", "A", "E", "M1", "M2")
        end = f"So AP + PE = A'P + PE = A'E = √({total}² + {d}²) = {to_latex(path)} m."
        step = (f"A'E is the hypotenuse of a right triangle whose legs run along the mirror, CD = {d}, and across it, "
                f"A'C + DE = {a} + {e} = {total}.")
    else:
        what, ans = "the distance CP from C to the point P where the ray meets the mirror, in metres", cp
        tgt = target("mirror_point", "A", "E", "M1", "M2", "C")
        step = f"Triangles A'CP and EDP are similar (vertical angles at P, right angles at C and D), so CP : PD = A'C : ED = {a} : {e}."
        end = f"CP = CD·{a}/({a} + {e}) = {d}·{a}/{total} = {to_latex(cp)} m."
    return Draft(
        title="Reflection in a plane mirror",
        scene=scene,
        question=parts(["A small lamp A and an eye E are in front of a plane mirror.",
                        "C and D are the feet of the perpendiculars from A and E to the mirror.",
                        "Light from A reflects off the mirror at a point P and reaches E."],
                       [f"AC = {a} m", f"ED = {e} m", f"CD = {d} m"], what),
        answer=ans,
        target=tgt,
        givens=[quantity("length", "A", "C", value=a), quantity("length", "E", "D", value=e),
                quantity("length", "C", "D", value=d)],
        reasoning=["The angle of incidence equals the angle of reflection, so the reflected ray PE looks as if it came "
                   "straight from the image A' of A, as far behind the mirror as A is in front of it (A'C = AC)."],
        conclusion=[f"A'C = AC = {a} m and A', P, E lie on one straight line.", step, end],
        difficulty=Difficulty(hops=2, constructions=2),
        params={"a": a, "e": e, "d": d, "ask": ask},
    )


@functools.cache
def snell_cases() -> list[tuple[sp.Rational, sp.Rational, sp.Rational]]:
    """(sin θ, sin r, n) with both sines rational, a glass-like index short to state, a ray neither grazing nor steep."""
    out = []
    for si in SINES:
        for sr in SINES:
            n = si / sr
            if sp.Rational(5, 4) <= n <= 2 and n.q <= 25 and si <= sp.Rational(12, 13) and sr >= sp.Rational(1, 4):
                out.append((si, sr, n))
    return out


@register_generator("physics.refraction_block", DOMAIN)
def refraction_block(rng: random.Random) -> Draft:
    si, sr, n = rng.choice(snell_cases())
    ci, cr = _cos(si), _cos(sr)
    d = rng.randint(4, 160)  # thickness in cm; NQ = d·tan r and OQ = d/cos r are then exact rationals
    s = rng.choice([1, -1])  # the ray comes from the left or from the right
    length = d * sp.Rational(rng.randint(8, 16), 10)  # of the drawn incident ray
    q = P(s * d * sr / cr, -d)
    # The block reaches past A's and Q's sides by random amounts: every length scales with d, so without
    # this all figures of one (sin θ, n) would be the same picture.
    reach = max(si * length, abs(q[0]))
    left, right = (reach + d * sp.Rational(rng.randint(2, 8), 8) for _ in range(2))
    pts = {
        "O": P(0, 0), "N": P(0, -d), "A": P(-s * si * length, ci * length), "Q": q,
        "X0": P(-left, 0), "X1": P(right, 0), "Y0": P(-left, -d), "Y1": P(right, -d),
        "U": P(0, ci * length * sp.Rational(3, 4)),
    }
    scene = Scene(
        points=pts,
        segments=[Segment("X0", "X1"), Segment("Y0", "Y1"), Segment("X0", "Y0"), Segment("X1", "Y1"),
                  Segment("A", "O", arrow=True)],
        labeled=["A", "O", "N"],
        construction=Construction(
            "draw the normal to the surface at O and the refracted ray OQ, bent towards the normal",
            [Segment("U", "N", dashed=True), Segment("O", "Q", arrow=True)], ["Q"],
        ),
    )
    ask = rng.choice(["offset", "path"])
    tan_r, nq, oq = sr / cr, d * sr / cr, d / cr
    if ask == "offset":
        what, ans, tgt = "the distance NQ, in cm, where Q is the point at which the ray reaches the bottom face", nq, "refraction_offset"
        end = f"In the right triangle ONQ, NQ = ON·tan r = {d}·{num(tan_r)} = {to_latex(nq)} cm."
    else:
        what, ans, tgt = "the distance OQ the ray travels inside the block before it reaches the bottom face at Q, in cm", oq, "refraction_path"
        end = f"In the right triangle ONQ, OQ = ON / cos r = {d} / ({num(cr)}) = {to_latex(oq)} cm."
    return Draft(
        title="Ray entering a glass block",
        scene=scene,
        question=parts(["A ray of light in air travels from A and enters a rectangular glass block at O with angle of "
                        "incidence θ.", "N is the point of the bottom face directly below O."],
                       [f"sin θ = {num(si)}", f"the glass has refractive index n = {num(n)}", f"the block is ON = {d} cm thick"],
                       what),
        answer=sp.nsimplify(ans),
        target=target(tgt, "A", "O", "X1", "N"),
        givens=[quantity("incidence_sin", "A", "O", "X1", value=si), quantity("stated", "n", value=n),
                quantity("length", "O", "N", value=d)],
        reasoning=["Angles of incidence and refraction are measured from the normal to the surface, so I need the normal "
                   "at O; the refracted ray bends towards it because glass is optically denser than air."],
        conclusion=[
            f"Snell's law: sin θ = n·sin r, so sin r = ({num(si)}) / ({num(n)}) = {num(sr)} and cos r = √(1 − sin² r) = {num(cr)}.",
            end,
        ],
        difficulty=Difficulty(hops=2, constructions=2),
        params={"sin_i": str(si), "n": str(n), "d": d, "s": s, "ask": ask, "length": str(length)},
    )
