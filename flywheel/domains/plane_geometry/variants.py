"""Plane geometry's parallel expansion (a distractor) and surface variants (relabel, turn, rephrase).

A distractor adds a labelled point, a segment the solution never uses and a stated number about
them (AD = 4, or AD : DB = 1 : 2, and the length of the new segment when it is a tidy number):
the solver must rule that number out, so it is a harder problem and not the old one with a sentence
appended (the evolution planner also draws its base problem anew, so its numbers are new too). A
variant renames the points, turns or mirrors the figure and rewords the ask.
"""

from __future__ import annotations

import random
import re
from dataclasses import replace

import sympy as sp

from flywheel.domains.base import StepFailed
from flywheel.domains.plane_geometry.steps import fresh_names, statement, well_placed
from flywheel.render.draft import Draft, Given, Stated, orient
from flywheel.render.scene.exact import lerp
from flywheel.render.scene.model import Construction, Measure, Scene, Segment

ASKS = ["Find", "Determine", "Compute", "Work out"]
KEEP = {"A", "I", "O"}  # never relabelled: "A" and "I" are also words, "O" names a centre by convention


def _number(v: sp.Expr) -> str:
    return str(v) if v.is_Rational else ""


def _length(p, q) -> sp.Expr:
    """|pq| exactly; expanded first, so a rational length comes out as a Rational (not a nested radical)."""
    return sp.sqrt(sp.expand((p[0] - q[0]) ** 2 + (p[1] - q[1]) ** 2))


def distract(draft: Draft, rng: random.Random) -> Draft:
    """Parallel expansion: a labelled point on a drawn segment joined to a vertex, with a stated length or
    ratio the solution never uses; the answer is unchanged."""
    scene = draft.scene
    labeled = set(scene.labeled)
    (d,) = fresh_names(scene, 1)
    options = [
        (s, t, r)
        for s in scene.segments if {s.a, s.b} <= labeled
        for t in (sp.Rational(1, 3), sp.Rational(2, 5), sp.Rational(1, 2), sp.Rational(3, 5), sp.Rational(2, 3))
        for r in sorted(labeled - {s.a, s.b})
    ]
    rng.shuffle(options)
    for s, t, r in options:
        moved = replace(scene, points={**scene.points, d: lerp(scene.points[s.a], scene.points[s.b], t)},
                        segments=scene.segments + [Segment(r, d)], labeled=scene.labeled + [d])
        moved.__dict__.pop("_floats", None)
        if well_placed(moved, [d], hosts=(s,)) and not _crosses_target(moved, draft.target, d, r):
            part = t * _length(scene.points[s.a], scene.points[s.b])
            joined = _length(moved.points[r], moved.points[d])
            givens = list(draft.givens)
            # the parts: the figure shows where D lies; the lengths a solver could be tempted to use are givens
            fact, stated = f"Point {d} lies on {s.a}{s.b}, and {r}{d} is drawn.", []
            if part.is_Rational:  # a length the solver could be tempted to use
                said = f"Point {d} lies on {s.a}{s.b} with {s.a}{d} = {_number(part)}"
                stated.append(Stated(f"{s.a}{d} = {_number(part)}"))
                givens.append(Given(Measure("length", (s.a, d)), part))
            else:  # no figure shows a ratio
                said = f"Point {d} divides {s.a}{s.b} with {s.a}{d} : {d}{s.b} = {t.p} : {t.q - t.p}"
                stated.append(Stated(f"{s.a}{d} : {d}{s.b} = {t.p} : {t.q - t.p}", figure=False))
            if joined.is_Rational:
                said += f", and {r}{d} = {_number(joined)}."
                stated.append(Stated(f"{r}{d} = {_number(joined)}"))
                givens.append(Given(Measure("length", (r, d)), joined))
            else:
                said += f", and {r}{d} is drawn."
            question = f"{statement(draft.question)} {said} {_ask(draft.question)}"
            return replace(
                draft, scene=moved,
                question=draft.text.extended(facts=(fact,), givens=tuple(stated)) if draft.text else question,
                givens=givens, difficulty=replace(draft.difficulty, distractors=draft.difficulty.distractors + 1),
            )
    raise StepFailed("no place for a distractor")


def _crosses_target(scene: Scene, target: Measure, d: str, r: str) -> bool:
    """A distractor must not be one of the target's own points' segments (it would change the reading)."""
    return target.kind == "length" and {d, r} == set(target.points)


def _ask(question: str) -> str:
    return question[len(statement(question)):].strip()


def vary(draft: Draft, rng: random.Random) -> Draft:
    """Surface form: new point letters, a new orientation and a rephrased ask; the problem is the same."""
    names = [n for n in draft.scene.points if len(n) == 1 and n.isupper() and n not in KEEP]
    pool = [c for c in "BCDEFGHJKLMNPQRSTUVWXYZ" if c not in draft.scene.points or c in names]
    rng.shuffle(pool)
    mapping = dict(zip(names, pool, strict=False))
    d = relabel(draft, mapping)
    ask = _ask(d.question)
    word = rng.choice(ASKS)
    ask = re.sub(r"^(Find|Determine|Compute|Work out)", word, ask)
    return replace(d, question=f"{statement(d.question)} {ask}", scene=orient(d.scene, rng))


def relabel(draft: Draft, mapping: dict[str, str]) -> Draft:
    """Rename points everywhere: scene, measures, givens and every text."""
    if not mapping:
        return draft
    token = re.compile(r"(?<![A-Za-z])[A-Z]+(?![a-z])")

    def text(s: str) -> str:
        return token.sub(lambda m: "".join(mapping.get(c, c) for c in m.group()), s)

    def name(n: str) -> str:
        return mapping.get(n, n)

    def seg(s: Segment) -> Segment:
        return replace(s, a=name(s.a), b=name(s.b))

    def marks(items: list) -> list:
        return [type(m)(*(name(getattr(m, f)) for f in ("a", "v", "b"))) for m in items]

    sc = draft.scene
    con = sc.construction
    scene = replace(
        sc, points={name(k): v for k, v in sc.points.items()}, segments=[seg(s) for s in sc.segments],
        circles=[replace(c, center=name(c.center), through=name(c.through)) for c in sc.circles],
        angle_marks=marks(sc.angle_marks), right_marks=marks(sc.right_marks), labeled=[name(n) for n in sc.labeled],
        construction=Construction(text(con.description), [seg(s) for s in con.segments],
                                  [name(n) for n in con.points], marks(con.right_marks)),
    )
    scene.__dict__.pop("_floats", None)
    measure = lambda m: Measure(m.kind, tuple(name(n) for n in m.points))  # noqa: E731
    return replace(
        draft, scene=scene, title=text(draft.title), question=text(draft.question), target=measure(draft.target),
        text=draft.text.mapped(text) if draft.text else None,
        givens=[Given(measure(g.measure), g.value) for g in draft.givens],
        reasoning=[text(r) for r in draft.reasoning], conclusion=[text(c) for c in draft.conclusion],
    )
