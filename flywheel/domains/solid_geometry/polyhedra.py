"""Polyhedra: the space diagonal of a cuboid, cross-sections of a cube, a pyramid's volume,
a prism's lateral area. Hidden edges come out dashed from the faces (scene/solid.py)."""

from __future__ import annotations

import functools
import math
import random

import sympy as sp

from flywheel.core.answers import to_latex
from flywheel.core.records import Difficulty
from flywheel.domains.registry import register_generator
from flywheel.domains.solid_geometry import DOMAIN
from flywheel.domains.solid_geometry.common import (
    CUBOID,
    TRIPLES,
    box,
    first_fit,
    given,
    outline,
    prism,
)
from flywheel.render.draft import Draft, parts
from flywheel.render.scene.model import Construction, Measure, Segment
from flywheel.render.scene.solid import CABINET, P3, VIEWS, SectionTint, Space, solid_scene

# (start, far corner of the base, far top corner): the diagonal start→top closes a right triangle
# whose legs are a base diagonal and a vertical edge.
DIAGONALS = [("A", "C", "G"), ("B", "D", "H"), ("C", "A", "E"), ("D", "B", "F")]


@register_generator("solid.space_diagonal", DOMAIN)
def space_diagonal(rng: random.Random) -> Draft:
    def make(rng: random.Random):
        a, b, c = rng.randint(3, 70), rng.randint(2, 60), rng.randint(2, 70)
        if not (0.5 <= c / a <= 1.6 and b <= a):
            return None
        s, m, t = rng.choice(DIAGONALS)
        pts, faces = box(a, b, c)
        construction = Construction(f"draw the diagonal {s}{m} of the base and the space diagonal {s}{t}",
                                    [Segment(s, m), Segment(s, t)])
        return solid_scene(Space(pts, rng.choice(VIEWS), faces), list(CUBOID), construction), (a, b, c, s, m, t)

    scene, (a, b, c, s, m, t) = first_fit(rng, make)
    base2 = a * a + b * b
    ans = sp.sqrt(base2 + c * c)
    return Draft(
        title="Cuboid ABCD-EFGH",
        scene=scene,
        question=parts("ABCD-EFGH is a cuboid.", [f"AB = {a}", f"BC = {b}", f"AE = {c}"], f"the length of the space diagonal {s}{t}",
                       context=["A closed box ABCD-EFGH has the shape of a cuboid; a thin rod runs straight across its inside."]),
        answer=ans,
        target=Measure("length", (s, t)),
        givens=[given("AB", a), given("BC", b), given("AE", c)],
        reasoning=[f"{s}{t} lies in no face. {m}{t} is a lateral edge, perpendicular to the base, so triangle {s}{m}{t} "
                   f"is right-angled at {m}, and its leg {s}{m} is a diagonal of the base rectangle ABCD."],
        conclusion=[f"In the base, {s}{m} = √(AB² + BC²) = √({a}² + {b}²) = {to_latex(sp.sqrt(base2))}.",
                    f"{m}{t} = AE = {c}, so in right triangle {s}{m}{t}, {s}{t} = √({s}{m}² + {m}{t}²) = "
                    f"√({base2} + {c}²) = {to_latex(ans)}."],
        difficulty=Difficulty(hops=2, constructions=2),
        params={"a": a, "b": b, "c": c, "diagonal": s + t, "projection": scene.space.projection.name},
    )


def _cube_cut(rng: random.Random):
    """(edge, kind, section polygon, plane's three points, extra points, question clause, conclusion, area)."""
    # Trapezoids come in many more shapes (any AM = AN): drawn more often, so problems rarely repeat.
    kind = rng.choices(["triangle", "rectangle", "trapezoid"], [0.06, 0.06, 0.88])[0]
    a = rng.randint(3, 150)
    while kind == "trapezoid":  # (edge, AM) from a box, filtered: every pair equally likely
        a, t = rng.randint(5, 150), rng.randint(1, 120)
        if a / 5 <= t <= 4 * a / 5:
            break
    d = a * sp.sqrt(2)
    if kind == "triangle":
        area = sp.sqrt(3) / 2 * a * a
        return (a, kind, ("B", "D", "E"), ("B", "D", "E"), {}, "the plane through B, D and E",
                [f"BD, DE and EB are diagonals of three faces of the cube, each a√2 = {to_latex(d)}, "
                 f"so the section BDE is equilateral; its area is (√3/4)·({to_latex(d)})² = {to_latex(area)}."],
                area)
    if kind == "rectangle":
        area = sp.sqrt(2) * a * a
        return (a, kind, ("B", "D", "H", "F"), ("B", "D", "H"), {}, "the plane through B, D and H",
                ["The plane through B, D and H contains the edge DH and the parallel edge BF, so the section is BDHF.",
                 f"BF ⟂ BD, so BDHF is a rectangle with BF = {a} and BD = {to_latex(d)}; "
                 f"its area is {a}·{to_latex(d)} = {to_latex(area)}."],
                area)
    # AM = AN = t (drawn above), M and N well apart from A and B, D
    leg2 = a * a + (a - t) ** 2
    height = sp.sqrt(sp.Rational(2 * a * a + (a - t) ** 2, 2))
    area = sp.Rational(a + t, 2) * sp.sqrt(2 * a * a + (a - t) ** 2)
    return (a, kind, ("M", "N", "H", "F"), ("M", "N", "F"), {"M": P3(t, 0, 0), "N": P3(0, t, 0)},
            f"the plane through M, N and F, where M lies on AB with AM = {t} and N on AD with AN = {t}",
            ["MN ∥ BD ∥ FH, so H lies in the plane too and the section is the trapezoid MNHF.",
             f"MN = {to_latex(t * sp.sqrt(2))}, FH = {to_latex(d)}, and the legs are "
             f"FM = HN = √({a}² + {a - t}²) = {to_latex(sp.sqrt(leg2))}.",
             f"Its height is h = √(FM² − ((FH − MN)/2)²) = {to_latex(height)}, "
             f"so the area is (MN + FH)/2 · h = {to_latex(area)}."],
            area)


def _cut_question(a, clause: str, extra: dict):
    """The cut's points on the edges are premises; where they sit (AM, AN) is a given like the edge."""
    plane, _, where = clause.partition(", where ")
    givens = [f"edge AB = {a}"] + ([f"AM = {extra['M'][0]}", f"AN = {extra['N'][1]}"] if extra else [])
    return parts("ABCD-EFGH is a cube.", givens, f"the area of the cross-section cut by {plane}",
                 premises="M lies on AB and N on AD." if where else ())


@register_generator("solid.cube_section", DOMAIN)
def cube_section(rng: random.Random) -> Draft:
    a, kind, poly, plane, extra, clause, conclusion, area = _cube_cut(rng)
    pts, faces = box(a, a, a)
    pts.update(extra)
    scene = solid_scene(Space(pts, CABINET, faces), list(CUBOID) + list(extra), Construction(""), dotted=list(extra))
    edges = {frozenset((p, q)) for p, q, _ in scene.edge_list()}
    # Sides of the section that are cube edges are drawn already; the tool draws the others and tints it.
    scene.construction = Construction(f"outline and shade the section {''.join(poly)}", outline(poly, edges),
                                      marks=[SectionTint(poly)])
    return Draft(
        title=f"Cube ABCD-EFGH cut by a plane ({kind})",
        scene=scene,
        question=_cut_question(a, clause, extra),
        answer=area,
        target=Measure("section", plane),
        givens=[given("AB", a)] + ([given("AM", extra["M"][0]), given("AN", extra["N"][1])] if extra else []),
        reasoning=["The section is the polygon where the plane meets the faces of the cube: "
                   "join the points where it crosses each face."],
        conclusion=conclusion,
        difficulty=Difficulty(hops=len(conclusion) + 1, constructions=1),
        params={"a": a, "kind": kind},
    )


@functools.cache
def quadruples(top: int) -> list[tuple[int, int, int, int]]:
    """(a, b, h, d) with a² + b² + h² = d², every edge at most `top` and 0.6 ≤ h/a ≤ 1.6."""
    out = []
    for a in range(2, top + 1):
        for b in range(2, top + 1):
            for h in range(math.ceil(0.6 * a), min(top, math.floor(1.6 * a)) + 1):
                d = math.isqrt(a * a + b * b + h * h)
                if d * d == a * a + b * b + h * h:
                    out.append((a, b, h, d))
    return out


@register_generator("solid.pyramid_volume", DOMAIN)
def pyramid_volume(rng: random.Random) -> Draft:
    """P-ABCD over a rectangle with the lateral edge PA perpendicular to the base; PC is given."""

    def make(rng: random.Random):
        a, b, h, pc = rng.choice(quadruples(110))
        corners = [P3(0, 0, 0), P3(a, 0, 0), P3(a, b, 0), P3(0, b, 0)]
        k = rng.randrange(4)  # which corner of the drawing A (and the apex above it) is
        pts = dict(zip("ABCD", corners[k:] + corners[:k], strict=True))
        pts["P"] = (pts["A"][0], pts["A"][1], sp.Integer(h))
        faces = ["ABCD", "PAB", "PBC", "PCD", "PDA"]
        construction = Construction("draw the diagonal AC of the base", [Segment("A", "C")])
        scene = solid_scene(Space(pts, rng.choice(VIEWS), faces), list("PABCD"), construction)
        return scene, ((a, b) if k % 2 == 0 else (b, a)) + (h, pc)

    scene, (a, b, h, pc) = first_fit(rng, make)
    ac2 = a * a + b * b
    vol = sp.Rational(a * b * h, 3)
    ask_volume = rng.random() < 0.6  # the volume, or the height PA it needs
    return Draft(
        title="Pyramid P-ABCD with PA perpendicular to the base",
        scene=scene,
        question=parts(["In the pyramid P-ABCD the base ABCD is a rectangle.", "The lateral edge PA is perpendicular to the base."],
                       [f"AB = {a}", f"AD = {b}", f"PC = {pc}"],
                       "the volume of the pyramid" if ask_volume else "the height PA of the pyramid",
                       context=["A tent P-ABCD stands on a rectangular floor ABCD, its pole PA upright at the corner A."]),
        answer=vol if ask_volume else sp.Integer(h),
        target=Measure("volume", tuple("PABCD")) if ask_volume else Measure("length", ("P", "A")),
        givens=[given("AB", a), given("AD", b), given("PC", pc)],
        reasoning=["The volume needs the height PA. PA is perpendicular to every line of the base through A, "
                   "in particular to the diagonal AC, so triangle PAC is right-angled at A."],
        conclusion=[f"AC² = AB² + AD² = {a}² + {b}² = {ac2}.",
                    f"PA = √(PC² − AC²) = √({pc}² − {ac2}) = {h}."]
        + ([f"V = (1/3)·AB·AD·PA = (1/3)·{a}·{b}·{h} = {to_latex(vol)}."] if ask_volume else []),
        difficulty=Difficulty(hops=2 + ask_volume, constructions=1),
        params={"a": a, "b": b, "h": h, "projection": scene.space.projection.name, "volume": ask_volume},
    )


@register_generator("solid.prism_lateral_area", DOMAIN)
def prism_lateral_area(rng: random.Random) -> Draft:
    def make(rng: random.Random):
        p, q, s = rng.choice(TRIPLES)
        if s > 150:
            return None
        h = rng.randint(max(3, s // 2 + 1), s + s // 2)
        base = {"A": P3(-p, 0, 0), "B": P3(0, -q, 0), "C": P3(p, 0, 0), "D": P3(0, q, 0)}
        pts, faces = prism(base, "EFGH", h)
        pts["O"] = P3(0, 0, 0)
        construction = Construction("draw the diagonals AC and BD of the base, meeting at O",
                                    [Segment("A", "C"), Segment("B", "D")], ["O"])
        return solid_scene(Space(pts, rng.choice(VIEWS), faces), list(CUBOID), construction), (p, q, s, h)

    scene, (p, q, s, h) = first_fit(rng, make)
    area = 4 * s * h
    ask_area = rng.random() < 0.6  # the lateral area (needs the side), or the volume (needs the base area)
    vol = 2 * p * q * h
    return Draft(
        title="Right prism ABCD-EFGH over a rhombus",
        scene=scene,
        question=parts("The right prism ABCD-EFGH has a rhombus ABCD as its base.",
                       [f"the diagonal AC = {2 * p}", f"the diagonal BD = {2 * q}", f"the lateral edge AE = {h}"],
                       "the lateral surface area of the prism" if ask_area else "the volume of the prism"),
        answer=sp.Integer(area if ask_area else vol),
        target=Measure("surface", ("ABFE", "BCGF", "CDHG", "DAEH")) if ask_area else Measure("volume", tuple(CUBOID)),
        givens=[given("AC", 2 * p), given("BD", 2 * q), given("AE", h)],
        reasoning=["The four lateral faces are rectangles of height AE on the sides of the rhombus; "
                   "the side AB is not given, but the diagonals of a rhombus bisect each other at right angles."],
        conclusion=[f"In right triangle AOB, OA = {p}, OB = {q}, so AB = √({p}² + {q}²) = {s}.",
                    f"Lateral area = 4·AB·AE = 4·{s}·{h} = {area}."] if ask_area else
                   [f"The base rhombus has area S = AC·BD/2 = {2 * p}·{2 * q}/2 = {2 * p * q}.",
                    f"V = S·AE = {2 * p * q}·{h} = {vol}."],
        difficulty=Difficulty(hops=2, constructions=2),
        params={"p": p, "q": q, "h": h, "projection": scene.space.projection.name, "area": ask_area},
    )
