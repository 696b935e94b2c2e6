"""Circle problems: chords, tangents, inscribed angles, power of a point."""

from __future__ import annotations

import random

import sympy as sp

from flywheel.core.answers import to_latex
from flywheel.core.records import Difficulty
from flywheel.domains.plane_geometry import DOMAIN
from flywheel.domains.registry import register_generator
from flywheel.render.draft import Draft, angle, length, orient, parts
from flywheel.render.scene.exact import UNIT_DIRECTIONS, P, dist, polar, polygon_angles_ok
from flywheel.render.scene.model import (
    AngleMark,
    CircleEl,
    Construction,
    Measure,
    RightMark,
    Scene,
    Segment,
)

L = Measure


@register_generator("plane.chord_distance", DOMAIN)
def chord_distance(rng: random.Random) -> Draft:
    r = rng.randint(5, 20)
    chord = rng.randint(round(0.9 * r), int(1.9 * r))  # half-chord between 0.45 r and 0.95 r
    half = sp.Rational(chord, 2)
    d = sp.sqrt(r * r - half**2)
    pts = {"O": P(0, 0), "A": (-half, -d), "B": (half, -d), "M": (sp.Integer(0), -d)}
    scene = Scene(
        points=pts,
        segments=[Segment("A", "B")],
        circles=[CircleEl("O", "A")],
        labeled=["O", "A", "B"],
        construction=Construction(
            "draw the perpendicular OM from O to the chord AB and the radius OA",
            [Segment("O", "M"), Segment("O", "A")],
            ["M"],
            [RightMark("O", "M", "B")],
        ),
    )
    return Draft(
        title="Circle O with chord AB",
        scene=orient(scene, rng),
        question=parts("AB is a chord of circle O.", [f"the radius is {r}", f"the chord AB has length {chord}"],
                       "the distance from O to the chord AB",
                       context=["A round table top with centre O has a straight edge AB cut along a chord."]),
        answer=d,
        target=L("length", ("O", "M")),
        givens=[length("OA", r), length("AB", chord)],
        reasoning=["The distance from the centre to a chord is measured along the perpendicular to it."],
        conclusion=[
            f"The perpendicular from the centre bisects the chord, so AM = {chord}/2 = {to_latex(half)}.",
            f"In right triangle OMA, OM = √(OA² − AM²) = √({r}² − ({to_latex(half)})²) = {to_latex(d)}.",
        ],
        difficulty=Difficulty(hops=2, constructions=2),
        params={"r": r, "chord": chord},
    )


ON_CIRCLE = "Points A, B and C lie on circle O."


@register_generator("plane.inscribed_angle", DOMAIN)
def inscribed_angle(rng: random.Random) -> Draft:
    theta = rng.randint(25, 70)
    r, phi = 5, rng.randint(0, 359)
    major = 360 - 2 * theta
    # C splits the major arc into arcs BC and CA (each ≥ 50°). A chord whose arc is near 180° passes
    # close to O and the radius drawn to its end would lie along it, so each arc avoids 146°–214°.
    # O inside ∠ACB (both arcs ≤ 146°) is the textbook picture; it needs θ ≥ 34°.
    splits = [(x, major - x) for x in range(50, major - 49)]
    inside = [x for x, y in splits if max(x, y) <= 146]
    outside = [x for x, y in splits if max(x, y) >= 214]
    c_at = phi + 2 * theta + rng.choice(inside if inside and (not outside or rng.random() < 0.75) else outside)
    pts = {"O": P(0, 0), "A": polar(P(0, 0), r, phi), "B": polar(P(0, 0), r, phi + 2 * theta),
           "C": polar(P(0, 0), r, c_at)}
    scene = Scene(
        points=pts,
        segments=[Segment("C", "A"), Segment("C", "B")],
        circles=[CircleEl("O", "A")],
        angle_marks=[AngleMark("A", "C", "B")],
        labeled=["O", "A", "B", "C"],
        construction=Construction("draw the radii OA and OB", [Segment("O", "A"), Segment("O", "B")]),
    )
    forward = rng.random() < 0.5  # ask for the central angle, or give it and ask for the inscribed one
    if forward:
        question = parts(ON_CIRCLE, [f"∠ACB = {theta}°"], "the central angle ∠AOB", unit="in degrees")
        given, target, answer = angle("ACB", theta), L("angle", tuple("AOB")), sp.Integer(2 * theta)
        last = f"∠AOB = 2 · {theta}° = {2 * theta}°."
    else:
        question = parts(ON_CIRCLE, [f"the central angle ∠AOB = {2 * theta}°"], "∠ACB", unit="in degrees")
        given, target, answer = angle("AOB", 2 * theta), L("angle", tuple("ACB")), sp.Integer(theta)
        last = f"∠ACB = {2 * theta}°/2 = {theta}°."
    return Draft(
        title="Circle O with inscribed angle ACB",
        scene=orient(scene, rng),
        question=question,
        answer=answer,
        target=target,
        givens=[given],
        reasoning=["∠AOB is the central angle on arc AB; it appears once the radii to A and B are drawn."],
        conclusion=["∠ACB and ∠AOB stand on the same arc AB, so by the inscribed angle theorem ∠AOB = 2·∠ACB:", last],
        difficulty=Difficulty(hops=1, constructions=2),
        params={"theta": theta, "phi": phi, "forward": forward},
    )


@register_generator("plane.tangent_radius", DOMAIN)
def tangent_length(rng: random.Random) -> Draft:
    r = rng.randint(3, 15)
    d = rng.randint(int(r / 0.8) + 1, int(r / 0.35))
    t = sp.sqrt(d * d - r * r)
    pts = {"O": P(0, 0), "P": P(d, 0), "T": (sp.Rational(r * r, d), r * t / d)}
    scene = Scene(
        points=pts,
        segments=[Segment("P", "T"), Segment("O", "P")],
        circles=[CircleEl("O", "T")],
        labeled=["O", "P", "T"],
        construction=Construction("draw the radius OT to the point of tangency", [Segment("O", "T")], [],
                                  [RightMark("O", "T", "P")]),
    )
    return Draft(
        title="Tangent PT to circle O",
        scene=orient(scene, rng),
        question=parts("PT is tangent to circle O at T.", [f"the radius of the circle is {r}", f"OP = {d}"], "PT",
                       context=["A rope PT is pulled tight from a post P to touch a round tank with centre O at T."]),
        answer=t,
        target=L("length", ("P", "T")),
        givens=[length("OT", r), length("OP", d)],
        reasoning=["A tangent is perpendicular to the radius at the point of contact, so OT makes a right angle."],
        conclusion=[
            "Triangle OTP has a right angle at T.",
            f"PT = √(OP² − OT²) = √({d}² − {r}²) = {to_latex(t)}.",
        ],
        difficulty=Difficulty(hops=2, constructions=1),
        params={"r": r, "d": d},
    )


@register_generator("plane.power_of_point", DOMAIN)
def intersecting_chords(rng: random.Random) -> Draft:
    """A = −a·u, B = b·u, C = −c·v, D = d·v with ab = cd are concyclic (converse of the theorem)."""
    while True:
        a, b = rng.randint(2, 18), rng.randint(2, 18)
        # PD = PA·PB/PC: an integer or a fraction with a small denominator
        pairs = [(c, sp.Rational(a * b, c)) for c in range(2, 25) if sp.Rational(a * b, c).q <= 3]
        pairs = [(c, d) for c, d in pairs if 2 <= d <= 24 and {c, d} != {a, b}]
        if not pairs:
            continue
        c, d = rng.choice(pairs)
        ux, uy = rng.choice(UNIT_DIRECTIONS)
        pts = {"P": P(0, 0), "A": P(-a, 0), "B": P(b, 0), "C": (c * -ux, c * -uy), "D": (d * ux, d * uy)}
        pts["O"] = _circumcentre(pts["A"], pts["B"], pts["C"])
        diameter = 2 * float(dist(pts["O"], pts["A"]))
        # P well inside the circle (no stub of a chord) and neither triangle PAC nor PDB a sliver
        if (min(a, b, c, d) >= 0.2 * diameter and polygon_angles_ok([pts[k] for k in "PAC"], 22)
                and polygon_angles_ok([pts[k] for k in "PDB"], 22)):
            break
    scene = Scene(
        points=pts,
        segments=[Segment("A", "B"), Segment("C", "D")],
        circles=[CircleEl("O", "A")],
        labeled=["A", "B", "C", "D", "P"],
        construction=Construction("draw AC and BD to form triangles PAC and PDB",
                                  [Segment("A", "C"), Segment("B", "D")]),
    )
    return Draft(
        title="Chords AB and CD meeting at P",
        scene=orient(scene, rng),
        question=parts("Chords AB and CD of a circle meet at P.", [f"PA = {a}", f"PB = {b}", f"PC = {c}"], "PD"),
        answer=d,
        target=L("length", ("P", "D")),
        givens=[length("PA", a), length("PB", b), length("PC", c)],
        reasoning=["Joining the chord ends gives two triangles at P whose angles can be compared."],
        conclusion=[
            "∠PAC = ∠PDB (inscribed angles on arc BC) and ∠APC = ∠DPB (vertical angles), so △PAC ~ △PDB.",
            f"Hence PA/PD = PC/PB, i.e. PA·PB = PC·PD: {a}·{b} = {c}·PD, so PD = {to_latex(d)}.",
        ],
        difficulty=Difficulty(hops=2, constructions=2),
        params={"a": a, "b": b, "c": c, "dir": [str(ux), str(uy)]},
    )


def _circumcentre(a, b, c):
    ax, ay, bx, by, cx, cy = *a, *b, *c
    d = 2 * (ax * (by - cy) + bx * (cy - ay) + cx * (ay - by))
    ux = ((ax**2 + ay**2) * (by - cy) + (bx**2 + by**2) * (cy - ay) + (cx**2 + cy**2) * (ay - by)) / d
    uy = ((ax**2 + ay**2) * (cx - bx) + (bx**2 + by**2) * (ax - cx) + (cx**2 + cy**2) * (bx - ax)) / d
    return (sp.nsimplify(ux), sp.nsimplify(uy))
