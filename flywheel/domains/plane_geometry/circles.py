"""Circle problems: chords, tangents, inscribed angles, power of a point."""

from __future__ import annotations

import random

import sympy as sp

from flywheel.core.answers import to_latex
from flywheel.core.records import Difficulty
from flywheel.domains.plane_geometry import DOMAIN
from flywheel.domains.registry import register_generator
from flywheel.render.draft import Draft, Slip, angle, length, orient, parts
from flywheel.render.scene.exact import (
    UNIT_DIRECTIONS,
    P,
    choice_triple,
    dist,
    polar,
    polygon_angles_ok,
)
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
    """Radius, chord and distance to the chord: any two give the third (the perpendicular bisects the chord)."""
    ask = rng.choice(["distance", "chord", "radius"])
    while True:
        r = sp.Integer(rng.randint(5, 120))
        # pairs drawn from a box and filtered (below): every pair equally likely, so fewer repeats
        if ask == "distance":
            chord = sp.Integer(rng.randint(4, 228))  # half-chord between 0.45 r and 0.95 r
            d = sp.sqrt(max(r * r - (chord / 2) ** 2, 0))
        else:
            d = sp.Integer(rng.randint(2, 110))
            chord = 2 * sp.sqrt(max(r * r - d * d, 0))
            if ask == "radius":  # the chord and distance are stated: draw them, the radius follows
                chord = sp.Integer(rng.randint(3, 228))
                r = sp.sqrt(d * d + (chord / 2) ** 2)
        if d > 0 and 0.45 <= float(chord / 2 / r) <= 0.95:
            break
    half = chord / 2
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
    bisect = f"The perpendicular from the centre bisects the chord, so AM = AB/2 = {to_latex(half)}."
    if ask == "distance":
        question = parts("AB is a chord of circle O.", [f"the radius is {r}", f"the chord AB has length {chord}"],
                         "the distance from O to the chord AB", context=["A round table top with centre O has a straight edge AB cut along a chord."])
        answer, target, givens = d, L("length", ("O", "M")), [length("OA", r), length("AB", chord)]
        last = f"In right triangle OMA, OM = √(OA² − AM²) = √({r}² − ({to_latex(half)})²) = {to_latex(d)}."
    elif ask == "chord":
        question = parts("AB is a chord of circle O.", [f"the radius is {r}", f"the distance from O to AB is {d}"],
                         "the length of AB", context=["A round table top with centre O has a straight edge AB cut along a chord."])
        answer, target, givens = chord, L("length", ("A", "B")), [length("OA", r), length("OM", d)]
        bisect = "The perpendicular OM from the centre bisects the chord, so AB = 2·AM."
        last = f"In right triangle OMA, AM = √(OA² − OM²) = √({r}² − {d}²) = {to_latex(half)}, so AB = {to_latex(chord)}."
    else:
        question = parts("AB is a chord of circle O.", [f"the chord AB has length {chord}", f"the distance from O to AB is {d}"],
                         "the radius", context=["A round table top with centre O has a straight edge AB cut along a chord."])
        answer, target, givens = r, L("length", ("O", "A")), [length("AB", chord), length("OM", d)]
        last = f"In right triangle OMA, OA = √(AM² + OM²) = √(({to_latex(half)})² + {d}²) = {to_latex(r)}."
    return Draft(
        title="Circle O with chord AB",
        scene=orient(scene, rng),
        question=question,
        answer=answer,
        target=target,
        givens=givens,
        reasoning=["The distance from the centre to a chord is measured along the perpendicular to it."],
        conclusion=[bisect, last],
        difficulty=Difficulty(hops=2, constructions=2),
        params={"r": str(r), "chord": str(chord), "d": str(d), "ask": ask},
        slips=[Slip("forgot to halve the chord", sp.sqrt(abs(r * r - chord * chord)))] if ask == "distance" else
        [Slip("forgot to double the half-chord", half)] if ask == "chord" else [Slip("forgot to halve the chord", sp.sqrt(d * d + chord * chord))],
    )


ON_CIRCLE = "Points A, B and C lie on circle O."


@register_generator("plane.inscribed_angle", DOMAIN)
def inscribed_angle(rng: random.Random) -> Draft:
    """One angle on arc AB (central or inscribed) gives the other; or two angles of triangle ABC give ∠AOB."""
    two_angles = rng.random() < 0.97  # one angle admits ~90 problems, two angles ~13,000
    r, phi = 5, rng.randint(0, 359)
    while True:
        if two_angles:  # ∠CAB = α and ∠ABC = β: arcs BC = 2α, CA = 2β, AB = 2θ with θ = 180° − α − β
            alpha, beta = rng.choice(TRIANGLE_ANGLES), rng.choice(TRIANGLE_ANGLES)
            theta = 180 - alpha - beta
            # An acute triangle has O inside it. One obtuse angle puts O outside, beyond the side opposite it:
            # the angle at O on that side is then 360° less twice the inscribed angle, and the base angles of
            # the isosceles triangle on it are the inscribed angle less 90°. Angles within 15° of 90° are left
            # out: a base angle would be a sliver.
            arcs_ok = theta in TRIANGLE_ANGLES
            c_at = phi + 2 * theta + 2 * alpha
        else:
            theta = rng.randint(25, 70)
            major = 360 - 2 * theta
            # C splits the major arc into arcs BC and CA (each ≥ 50°). A chord whose arc is near 180° passes
            # close to O and the radius drawn to its end would lie along it, so each arc avoids 146°–214°.
            # O inside ∠ACB (both arcs ≤ 146°) is the textbook picture; it needs θ ≥ 34°.
            splits = [(x, major - x) for x in range(50, major - 49)]
            inside = [x for x, y in splits if max(x, y) <= 146]
            outside = [x for x, y in splits if max(x, y) >= 214]
            c_at = phi + 2 * theta + rng.choice(inside if inside and (not outside or rng.random() < 0.75) else outside)
            arcs_ok = True
        if arcs_ok:
            break
    pts = {"O": P(0, 0), "A": polar(P(0, 0), r, phi), "B": polar(P(0, 0), r, phi + 2 * theta),
           "C": polar(P(0, 0), r, c_at)}
    # With two angles given, any central angle or any base angle of the three isosceles triangles at O can be
    # asked: each is a different chain (which arc, which angle stands on it, halve or not).
    ask = rng.choice(list(TWO_ANGLE_ASKS)) if two_angles else rng.choice(["AOB", "ACB"])
    # How the two angles are given: both at the triangle's vertices, or one as the central angle on the same
    # arc (its radii drawn, its value at O), which the solver halves first. Never both: every radius would be
    # drawn and nothing would be left to construct.
    form = rng.choice(["inscribed", "central_a", "central_b"]) if two_angles else "inscribed"
    if two_angles and ((form, ask) in (("central_a", "BOC"), ("central_b", "AOC")) or
                       (form == "central_a" and alpha > 90) or (form == "central_b" and beta > 90)):
        # the ask would be the given itself; or a central angle given on an obtuse inscribed angle, whose
        # value alone (360° − 2x, the angle at O under 180°) the solver could not tell from 2x without the figure
        form = "inscribed"
    drawn = {"inscribed": [], "central_a": ["B", "C"], "central_b": ["A", "C"]}[form]
    needed = ["A", "B"] + (["C"] if "C" in ask.replace("ACB", "") else [])
    radii = [Segment("O", v) for v in needed if v not in drawn] or [Segment("O", v) for v in "ABC" if v not in drawn]
    marks = {"inscribed": [AngleMark("C", "A", "B"), AngleMark("A", "B", "C")],
             "central_a": [AngleMark("B", "O", "C"), AngleMark("A", "B", "C")],
             "central_b": [AngleMark("C", "A", "B"), AngleMark("A", "O", "C")]}[form]
    scene = Scene(
        points=pts,
        segments=[Segment("C", "A"), Segment("C", "B")] + ([Segment("A", "B")] if two_angles else [])
        + [Segment("O", v) for v in drawn],
        circles=[CircleEl("O", "A")],
        angle_marks=[AngleMark("A", "C", "B")] if not two_angles else marks,
        labeled=["O", "A", "B", "C"],
        construction=Construction("draw the radii " + ", ".join(f"{s.a}{s.b}" for s in radii), radii),
    )
    steps = ["∠ACB and ∠AOB stand on the same arc AB, so by the inscribed angle theorem ∠AOB = 2·∠ACB:"]
    if two_angles:
        arc, central, base = TWO_ANGLE_ASKS[ask]
        half = {"AB": theta, "BC": alpha, "CA": beta}[arc]  # the inscribed angle on that arc
        opposite = {"AB": "∠ACB", "BC": "∠CAB", "CA": "∠ABC"}[arc]
        steps = [f"{opposite} and ∠{central} stand on the same arc {arc}, so by the inscribed angle theorem "
                 f"∠{central} = 2·{opposite}." if half < 90 else
                 f"{opposite} stands on the arc {arc} that does not contain {opposite[2]}, which measures twice it."]
        if arc == "AB":
            steps.insert(0, f"The angles of triangle ABC add up to 180°, so ∠ACB = 180° − {alpha}° − {beta}° = {theta}°.")
        at_o = 2 * half if half < 90 else 360 - 2 * half  # the angle the figure shows at O (under 180°)
        if half < 90:
            steps.append(f"∠{central} = 2 · {half}° = {2 * half}°.")
        else:
            steps.append(f"{opposite} = {half}° is obtuse, so O lies beyond {arc} from {opposite[2]}: the arc {arc} "
                         f"under {opposite} measures 2 · {half}° = {2 * half}° > 180°, and ∠{central} = 360° − {2 * half}° "
                         f"= {at_o}°.")
        if base:  # the isosceles triangle on that chord (two radii): its base angle follows from the central angle
            target, answer = L("angle", tuple(ask)), sp.Integer(90 - at_o // 2)
            steps.append(f"O{ask[1]} = O{ask[2]}, so ∠{ask} = (180° − {at_o}°)/2 = {90 - at_o // 2}°.")
        else:
            target, answer = L("angle", tuple(ask)), sp.Integer(at_o)
        what = f"the central angle ∠{ask}" if not base else f"∠{ask}"
        if form == "central_a":
            givens, stated = [angle("BOC", 2 * alpha), angle("ABC", beta)], [f"the central angle ∠BOC = {2 * alpha}°",
                                                                            f"∠ABC = {beta}°"]
            steps.insert(0, f"∠CAB stands on arc BC with the central angle ∠BOC, so ∠CAB = {2 * alpha}°/2 = {alpha}°.")
        elif form == "central_b":
            givens, stated = [angle("CAB", alpha), angle("AOC", 2 * beta)], [f"∠CAB = {alpha}°",
                                                                            f"the central angle ∠AOC = {2 * beta}°"]
            steps.insert(0, f"∠ABC stands on arc CA with the central angle ∠AOC, so ∠ABC = {2 * beta}°/2 = {beta}°.")
        else:
            givens, stated = [angle("CAB", alpha), angle("ABC", beta)], [f"∠CAB = {alpha}°", f"∠ABC = {beta}°"]
        question = parts("Triangle ABC is inscribed in circle O.", stated, what, unit="in degrees")
    elif ask == "AOB":
        question = parts(ON_CIRCLE, [f"∠ACB = {theta}°"], "the central angle ∠AOB", unit="in degrees")
        givens, target, answer = [angle("ACB", theta)], L("angle", tuple("AOB")), sp.Integer(2 * theta)
        steps.append(f"∠AOB = 2 · {theta}° = {2 * theta}°.")
    else:
        question = parts(ON_CIRCLE, [f"the central angle ∠AOB = {2 * theta}°"], "∠ACB", unit="in degrees")
        givens, target, answer = [angle("AOB", 2 * theta)], L("angle", tuple("ACB")), sp.Integer(theta)
        steps.append(f"∠ACB = {2 * theta}°/2 = {theta}°.")
    return Draft(
        title="Circle O with inscribed angle ACB",
        scene=orient(scene, rng),
        question=question,
        answer=answer,
        target=target,
        givens=givens,
        reasoning=["A central angle stands on the same arc as an inscribed angle; it appears once the radii are drawn."],
        conclusion=steps,
        difficulty=Difficulty(hops=1 + two_angles + (two_angles and ask not in ("AOB", "BOC", "AOC")), constructions=2),
        params={"theta": theta, "phi": phi, "ask": ask, "C": c_at, "form": form},
    )


# The triangle's angles: acute, or obtuse, each at least 15° away from 90° (a base angle at O would be a sliver).
TRIANGLE_ANGLES = list(range(18, 76)) + list(range(105, 126))

# The asks of the two-angle problem: angle → (the arc it stands on, the central angle on it, a base angle?).
TWO_ANGLE_ASKS = {
    "AOB": ("AB", "AOB", False), "BOC": ("BC", "BOC", False), "AOC": ("CA", "AOC", False),
    "OAB": ("AB", "AOB", True), "OBC": ("BC", "BOC", True), "OCA": ("CA", "AOC", True), "OAC": ("CA", "AOC", True),
}


@register_generator("plane.tangent_radius", DOMAIN)
def tangent_length(rng: random.Random) -> Draft:
    """Tangent PT, radius OT and OP make a right triangle at T: two of them give the third."""
    # few Pythagorean triples fit the radius question: it is drawn less often, so it repeats rarely
    ask = rng.choices(["tangent", "distance", "radius"], [0.45, 0.45, 0.1])[0]
    while True:
        r, x = rng.randint(3, 120), rng.randint(3, 250)
        if ask == "radius":  # the radius from OP and a tangent length: a Pythagorean triple keeps all three whole
            x, r, _ = choice_triple(rng, 250)
        d, t = (sp.sqrt(r * r + x * x), sp.Integer(x)) if ask != "tangent" else (sp.Integer(x), sp.sqrt(max(x * x - r * r, 0)))
        if 0.35 <= r / float(d) <= 0.8:
            break
    pts = {"O": P(0, 0), "P": (d, sp.Integer(0)), "T": (r * r / d, r * t / d)}
    scene = Scene(
        points=pts,
        segments=[Segment("P", "T"), Segment("O", "P")],
        circles=[CircleEl("O", "T")],
        labeled=["O", "P", "T"],
        construction=Construction("draw the radius OT to the point of tangency", [Segment("O", "T")], [],
                                  [RightMark("O", "T", "P")]),
    )
    if ask == "tangent":
        question = parts("PT is tangent to circle O at T.", [f"the radius of the circle is {r}", f"OP = {d}"], "PT",
                         context=["A rope PT is pulled tight from a post P to touch a round tank with centre O at T."])
        answer, target, givens = t, L("length", ("P", "T")), [length("OT", r), length("OP", d)]
        last = f"PT = √(OP² − OT²) = √({d}² − {r}²) = {to_latex(t)}."
    elif ask == "distance":
        question = parts("PT is tangent to circle O at T.", [f"PT = {t}", f"the radius of the circle is {r}"], "OP",
                         context=["A rope PT is pulled tight from a post P to touch a round tank with centre O at T."])
        answer, target, givens = d, L("length", ("O", "P")), [length("OT", r), length("PT", t)]
        last = f"OP = √(OT² + PT²) = √({r}² + {t}²) = {to_latex(d)}."
    else:
        question = parts("PT is tangent to circle O at T.", [f"PT = {t}", f"OP = {d}"], "the radius of the circle",
                         context=["A rope PT is pulled tight from a post P to touch a round tank with centre O at T."])
        answer, target, givens = sp.Integer(r), L("length", ("O", "T")), [length("PT", t), length("OP", d)]
        last = f"OT = √(OP² − PT²) = √({d}² − {t}²) = {r}."
    return Draft(
        title="Tangent PT to circle O",
        scene=orient(scene, rng),
        question=question,
        answer=answer,
        target=target,
        givens=givens,
        reasoning=["A tangent is perpendicular to the radius at the point of contact, so OT makes a right angle."],
        conclusion=["Triangle OTP has a right angle at T.", last],
        difficulty=Difficulty(hops=2, constructions=1),
        params={"r": r, "d": str(d), "ask": ask},
        slips=[Slip("added the squares instead of subtracting them", sp.sqrt(d * d + r * r)),
               Slip("subtracted the lengths", d - r)] if ask == "tangent" else
        [Slip("subtracted the squares instead of adding them", sp.sqrt(abs(t * t - r * r))), Slip("added the lengths", t + r)]
        if ask == "distance" else [Slip("added the squares", sp.sqrt(d * d + t * t)), Slip("subtracted the lengths", d - t)],
    )


@register_generator("plane.power_of_point", DOMAIN)
def intersecting_chords(rng: random.Random) -> Draft:
    """A = −a·u, B = b·u, C = −c·v, D = d·v with ab = cd are concyclic (converse of the theorem)."""
    while True:
        a, b = rng.randint(2, 60), rng.randint(2, 60)
        # PD = PA·PB/PC: an integer or a fraction with a small denominator
        pairs = [(c, sp.Rational(a * b, c)) for c in range(2, 80) if sp.Rational(a * b, c).q <= 4]
        pairs = [(c, d) for c, d in pairs if 2 <= d <= 80 and {c, d} != {a, b}]
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
