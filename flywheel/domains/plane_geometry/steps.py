"""Sequential expansion steps: one more theorem application on top of a solved problem.

A step takes a Draft whose target is a known kind of quantity, turns that answer into an
intermediate quantity, and adds new elements to the *same* scene so that the new target needs one
more theorem (and sometimes one more auxiliary construction). Each step is a knowledge point, so a
draft extended by a step belongs to the composition of its node and the step's node.

Kinds of target a step can read or produce:
- "length": a segment between two points labelled in the original figure;
- "length-aux": a length that ends at a construction point (only the tool draws it);
- "angle": an angle whose three points are labelled;
- "area3": the area of a triangle with labelled vertices.
"""

from __future__ import annotations

import math
import random
import re
from dataclasses import replace

import sympy as sp

from flywheel.core.answers import to_latex
from flywheel.core.registry import Registry
from flywheel.domains.base import Step, StepFailed
from flywheel.render.draft import Draft, Given, Question, angle, length
from flywheel.render.scene.model import (
    AngleMark,
    Construction,
    Measure,
    RightMark,
    Scene,
    Segment,
)

MIN_STROKE_ANGLE = 15.0  # same bar as base.draw: below it two strokes read as one
MIN_POINT_GAP = 0.12  # new points keep this share of the figure's size from every other point
MIN_LINE_GAP = 0.05  # …and from every segment they are not on
FRESH_LETTERS = "PQRSTUVWKLMNXYZEFGHJ"

STEPS: Registry[Step] = Registry("expansion step", "flywheel.steps", [])


def register_step(name: str, knowledge: str, reads: set[str], makes: str, accepts=None):
    return STEPS.decorator(name, lambda fn: Step(name, knowledge, frozenset(reads), makes, fn,
                                                 accepts or (lambda answer: True)))


def square_is_rational(answer: sp.Expr) -> bool:
    """XY² rational: the law of cosines then leaves at most one radical inside another."""
    return sp.expand(answer**2).is_Rational is True


def target_kind(draft: Draft) -> str | None:
    """Which steps may extend this draft (see the module docstring)."""
    t, labeled = draft.target, set(draft.scene.labeled)
    if t.kind == "length":
        return "length" if set(t.points) <= labeled else "length-aux"
    if t.kind == "angle" and set(t.points) <= labeled:
        return "angle"
    if t.kind == "area" and len(t.points) == 3 and set(t.points) <= labeled:
        return "area3"
    return None


# -- shared mechanics --------------------------------------------------------------------------
def fresh_names(scene: Scene, k: int) -> list[str]:
    used = set(scene.points)
    names = [c for c in FRESH_LETTERS if c not in used]
    if len(names) < k:
        raise StepFailed("no free point letters left")
    return names[:k]


def statement(question: str) -> str:
    """The question without its final ask ("… Find AC."), to which a step appends its own."""
    return re.sub(r"\s*(Find|Determine|Compute|Work out|What is)\b[^.?]*[.?]\s*$", "", question).strip()


def well_placed(scene: Scene, new: list[str], hosts: tuple[Segment, ...] = ()) -> bool:
    """New points stand clear of other points and lines (but the `hosts` they sit on), and no sliver."""
    f = scene.floats()
    xs, ys = [p[0] for p in f.values()], [p[1] for p in f.values()]
    size = max(max(xs) - min(xs), max(ys) - min(ys), 1e-9)
    for n in new:
        p = f[n]
        if any(math.dist(p, q) < MIN_POINT_GAP * size for k, q in f.items() if k != n):
            return False
        for s in scene.segments + scene.construction.segments:
            if n not in (s.a, s.b) and s not in hosts and _seg_dist(p, f[s.a], f[s.b]) < MIN_LINE_GAP * size:
                return False
    return scene.min_stroke_angle() >= MIN_STROKE_ANGLE


def _seg_dist(p, a, b) -> float:
    ax, ay, bx, by = *a, *b
    dx, dy = bx - ax, by - ay
    t = max(0.0, min(1.0, ((p[0] - ax) * dx + (p[1] - ay) * dy) / (dx * dx + dy * dy or 1e-12)))
    return math.dist(p, (ax + t * dx, ay + t * dy))


def _extended(
    d: Draft, scene: Scene, ask: str, fact: str, target: Measure, answer: sp.Expr,
    givens: list[Given], why: str, lines: list[str], hops: int = 1, constructions: int = 0,
) -> Draft:
    """The draft one step further: the old answer is now an intermediate result."""
    value = to_latex(d.answer) + ("°" if d.target.kind == "angle" else "")
    last = d.conclusion[-1].rstrip(". ") if d.conclusion else ""
    # Most parents already end on "… = answer"; restate the result only when they do not.
    known = [] if last.endswith(value) or last.endswith(to_latex(d.answer)) else [f"So {d.target.describe()} = {value}."]
    diff = replace(d.difficulty, hops=d.difficulty.hops + hops,
                   constructions=d.difficulty.constructions + constructions, depth=d.difficulty.depth + 1)
    return replace(
        d, scene=scene, question=_step_text(d, fact, ask), answer=answer,
        target=target, givens=d.givens + givens, reasoning=d.reasoning + [why],
        conclusion=d.conclusion + known + lines, difficulty=diff,
        params={**d.params, "steps": d.params.get("steps", 0) + 1},
    )


def _step_text(d: Draft, fact: str, ask: str) -> str | Question:
    """The extended question: as parts when the draft has them (the step's sentence, which states its
    own new values, is a premise every version keeps), else the old text with the new ask."""
    if d.text is None:
        return f"{statement(d.question)} {fact} {ask}"
    noun = re.sub(r"^(Find|Determine|Compute|Work out)\s+|\.$", "", ask.strip())
    noun, unit = (noun[: -len(" in degrees")], "in degrees") if noun.endswith(" in degrees") else (noun, "")
    return d.text.extended(premises=(fact,) if fact else (), ask=noun, unit=unit)


def _covered(scene: Scene, seg: Segment) -> bool:
    """The segment is already drawn, or lies along a drawn one (BD on BC): never draw a stroke twice."""
    f = scene.floats()
    if seg.a not in f or seg.b not in f:
        return False
    return any({seg.a, seg.b} <= {s.a, s.b} or (_seg_dist(f[seg.a], f[s.a], f[s.b]) < 1e-9 and
               _seg_dist(f[seg.b], f[s.a], f[s.b]) < 1e-9) for s in scene.segments)


def _with(scene: Scene, points: dict, segments: list[Segment], labeled: list[str], **marks) -> Scene:
    segments = [s for s in segments if not _covered(scene, s)]
    s = replace(scene, points={**scene.points, **points}, segments=scene.segments + segments,
                labeled=scene.labeled + labeled,
                angle_marks=scene.angle_marks + marks.get("angle_marks", []),
                right_marks=scene.right_marks + marks.get("right_marks", []),
                construction=marks.get("construction", scene.construction))
    s.__dict__.pop("_floats", None)
    return s


# New points are placed in double precision (sympy Floats): exact placement would nest radicals
# deeper with every step and make a round crawl. The answer stays exact; the answer verifier
# re-measures the figure against it within 1e-7.
def _at(x: float, y: float) -> tuple[sp.Float, sp.Float]:
    return (sp.Float(x), sp.Float(y))


def _unit(a, b) -> tuple[float, float]:
    d = math.dist(a, b)
    return ((b[0] - a[0]) / d, (b[1] - a[1]) / d)


def _rot(u, cos: float, sin: float) -> tuple[float, float]:
    return (cos * u[0] - sin * u[1], sin * u[0] + cos * u[1])


def _foot(p, a, b) -> tuple[float, float]:
    ux, uy = _unit(a, b)
    t = (p[0] - a[0]) * ux + (p[1] - a[1]) * uy
    return (a[0] + t * ux, a[1] + t * uy)


def _pick(candidates: list, rng: random.Random):
    rng.shuffle(candidates)
    for make in candidates:
        out = make()
        if out is not None:
            return out
    raise StepFailed("no well-conditioned placement")


# -- the steps ---------------------------------------------------------------------------------
@register_step("right_triangle", "plane.pythagoras", {"length"}, "length")
def right_triangle(d: Draft, rng: random.Random) -> Draft:
    """XY is known; Z with YZ ⊥ XY and YZ = k: XZ = √(XY² + k²)."""
    x, y = d.target.points
    t = d.answer
    (z,) = fresh_names(d.scene, 1)

    def attempt(x: str, y: str, k: int, side: int):
        def make():
            f = d.scene.floats()
            ux, uy = _unit(f[x], f[y])
            pz = _at(f[y][0] - side * k * uy, f[y][1] + side * k * ux)
            scene = _with(d.scene, {z: pz}, [Segment(x, y), Segment(y, z), Segment(x, z)], [z], right_marks=[RightMark(x, y, z)])
            if not well_placed(scene, [z]):
                return None
            ans = sp.sqrt(sp.expand(t**2 + k**2))  # expand, never simplify: nested radicals make simplify crawl
            return _extended(
                d, scene, f"Find {x}{z}.", f"Point {z} is chosen so that {y}{z} ⊥ {x}{y} and {y}{z} = {k}.",
                Measure("length", (x, z)), ans, [length(y + z, k)],
                f"First find {x}{y}; then {x}{z} is the hypotenuse of right triangle {x}{y}{z}.",
                [f"{y}{z} ⊥ {x}{y}, so {x}{z} = √({x}{y}² + {y}{z}²) = √(({to_latex(t)})² + {k}²) = {to_latex(ans)}."],
            )
        return make

    tf = float(t)
    ks = [k for k in range(2, 80) if 0.3 * tf <= k <= 1.6 * tf] or [max(2, round(tf))]
    return _pick([attempt(a, b, k, s) for a, b in ((x, y), (y, x)) for k in ks for s in (1, -1)], rng)


@register_step("law_of_cosines", "plane.law_of_cosines", {"length"}, "length", accepts=square_is_rational)
def law_of_cosines(d: Draft, rng: random.Random) -> Draft:
    """XY is known; Z with ∠XYZ = 60° or 120° and YZ = k; the altitude from Z makes it Pythagoras."""
    x, y = d.target.points
    t = d.answer
    if not square_is_rational(t):
        raise StepFailed(f"{d.target.describe()}² = {to_latex(sp.expand(t**2))} is not rational")
    z, h = fresh_names(d.scene, 2)

    def attempt(x: str, y: str, k: int, gamma: int, sign: int):
        def make():
            f = d.scene.floats()
            px, py = f[x], f[y]
            u = _rot(_unit(py, px), 0.5 if gamma == 60 else -0.5, sign * math.sqrt(3) / 2)
            zf = (py[0] + k * u[0], py[1] + k * u[1])
            pz, ph = _at(*zf), _at(*_foot(zf, px, py))
            segs = [Segment(z, h)] + ([Segment(y, h)] if gamma > 90 else [])
            con = Construction(f"{d.scene.construction.description} and drop the altitude {z}{h} from {z} to line {x}{y}",
                               d.scene.construction.segments + segs, d.scene.construction.points + [h],
                               d.scene.construction.right_marks + [RightMark(z, h, x if gamma < 90 else y)])
            scene = _with(d.scene, {z: pz, h: ph}, [Segment(x, y), Segment(y, z), Segment(x, z)], [z],
                          angle_marks=[AngleMark(x, y, z)], construction=con)
            if not well_placed(scene, [z]):
                return None
            ans = sp.sqrt(sp.expand(t**2 + k**2 - t * k * (1 if gamma == 60 else -1)))  # 2·cos γ = ±1
            op = "−" if gamma == 60 else "+"
            return _extended(
                d, scene, f"Find {x}{z}.", f"Point {z} is chosen so that ∠{x}{y}{z} = {gamma}° and {y}{z} = {k}.",
                Measure("length", (x, z)), ans, [length(y + z, k), angle(x + y + z, gamma)],
                f"First find {x}{y}; the altitude from {z} to line {x}{y} then splits the figure into right triangles.",
                [f"With {h} the foot of the altitude, the angle at {y} in right triangle {y}{h}{z} is 60°, "
                 f"so {y}{h} = {to_latex(sp.Rational(k, 2))} and {z}{h} = {to_latex(k * sp.sqrt(3) / 2)}.",
                 f"Then {x}{z}² = {x}{h}² + {z}{h}² = {x}{y}² + {y}{z}² {op} {x}{y}·{y}{z} = {to_latex(ans**2)}, "
                 f"so {x}{z} = {to_latex(ans)}."],
                constructions=1,
            )
        return make

    tf = float(t)
    ks = [k for k in range(2, 80) if 0.3 * tf <= k <= 1.3 * tf] or [max(2, round(tf))]
    return _pick([attempt(a, b, k, g, s) for a, b in ((x, y), (y, x)) for k in ks for g in (60, 120) for s in (1, -1)], rng)


@register_step("altitude_from_area", "plane.triangle_area_altitude", {"area3"}, "length-aux")
def altitude_from_area(d: Draft, rng: random.Random) -> Draft:
    """The area of XYZ is known and a side XY is given: the altitude to XY is 2·area / XY."""
    tri = d.target.points
    given = {frozenset(g.measure.points): g.value for g in d.givens if g.measure.kind == "length"}
    drawn = {frozenset((s.a, s.b)) for s in d.scene.construction.segments}
    (f,) = fresh_names(d.scene, 1)

    def attempt(i: int):
        def make():
            z, x, y = tri[i], tri[(i + 1) % 3], tri[(i + 2) % 3]
            side = given.get(frozenset((x, y)))
            if side is None or any(z in pair for pair in drawn):
                return None  # the side must be stated, and the altitude from z must not be drawn already
            pts = d.scene.floats()
            pf = _at(*_foot(pts[z], pts[x], pts[y]))
            con = Construction(f"{d.scene.construction.description} and drop the altitude {z}{f} from {z} to {x}{y}",
                               d.scene.construction.segments + [Segment(z, f)], d.scene.construction.points + [f],
                               d.scene.construction.right_marks + [RightMark(z, f, x)])
            scene = _with(d.scene, {f: pf}, [], [], construction=con)
            if scene.min_stroke_angle() < MIN_STROKE_ANGLE or not _inside(pts[x], pts[y], pf):
                return None
            ans = 2 * d.answer / side
            return _extended(
                d, scene, f"Find the distance from {z} to line {x}{y}.", "",
                Measure("length", (z, f)), ans, [],
                f"First find the area of {''.join(tri)}; the altitude from {z} to {x}{y} relates it to the side {x}{y}.",
                [f"Area = ½·{x}{y}·{z}{f}, so {z}{f} = 2·{to_latex(d.answer)}/{x}{y} = 2·{to_latex(d.answer)}/{side} "
                 f"= {to_latex(ans)}."],
                constructions=1,
            )
        return make

    return _pick([attempt(i) for i in range(3)], rng)


def _inside(a, b, p) -> bool:
    """The foot lands strictly inside segment ab (else the altitude leaves the figure)."""
    ax, ay, bx, by = (float(v) for v in (*a, *b))
    px, py = float(p[0]), float(p[1])
    t = ((px - ax) * (bx - ax) + (py - ay) * (by - ay)) / ((bx - ax) ** 2 + (by - ay) ** 2)
    return 0.1 < t < 0.9


@register_step("angle_sum", "plane.angle_sum", {"angle"}, "angle")
def angle_sum(d: Draft, rng: random.Random) -> Draft:
    """∠XYZ = θ is known; W on ray YZ with ∠YXW = φ: in triangle XYW, ∠XWY = 180° − θ − φ."""
    x, y, z = d.target.points
    theta = d.answer
    (w,) = fresh_names(d.scene, 1)

    def attempt(x: str, z: str, phi: int):
        def make():
            if 180 - float(theta) - phi < 20:
                return None
            px, py, pz = (d.scene.floats()[n] for n in (x, y, z))
            yw = math.dist(px, py) * math.sin(math.radians(phi)) / math.sin(math.radians(180 - float(theta) - phi))
            u = _unit(py, pz)
            pw = _at(py[0] + yw * u[0], py[1] + yw * u[1])
            beyond = yw > math.dist(py, pz)
            ray = [Segment(z, w)] if beyond else []
            on = (Segment(y, z), Segment(z, y))
            scene = _with(d.scene, {w: pw}, [Segment(x, w), Segment(x, y)] + ray, [w],
                          angle_marks=[AngleMark(y, x, w)])
            if not well_placed(scene, [w], hosts=on):
                return None
            ans = 180 - theta - phi
            return _extended(
                d, scene, f"Find ∠{x}{w}{y} in degrees.", f"Point {w} on ray {y}{z} makes ∠{y}{x}{w} = {phi}°.",
                Measure("angle", (x, w, y)), ans, [angle(y + x + w, phi)],
                f"First find ∠{x}{y}{z}; it is also the angle at {y} of triangle {x}{y}{w}.",
                [f"In triangle {x}{y}{w}, ∠{x}{w}{y} = 180° − ∠{x}{y}{w} − ∠{y}{x}{w} = 180° − {to_latex(theta)}° − {phi}° "
                 f"= {to_latex(ans)}°."],
            )
        return make

    phis = list(range(25, 80, 5))
    return _pick([attempt(a, c, p) for a, c in ((x, z), (z, x)) for p in phis], rng)
