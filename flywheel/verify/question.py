"""Question verifier: every number the question states is bound to what it names.

Read with the one parser (`claims.py`):
- a stated value "AB = 16" (or "W = 170 N", "F₁ = 16 N", "OF = OF' = 28") must equal the given of
  that name, or what the scene measures when the scene is drawn to the problem's units;
- a point stated with its coordinates, "P(1, −3)", must carry the coordinates of the givens of P;
- a count, "16 days" or "11 junctions", must be the size of a collection of the figure's data
  (its bars, points, vertices, edges, cells) or a whole-number total of it;
- every other number must be a given's value or part of the figure's data (a chart value, a
  printed label, a coefficient of a drawn curve). A number nothing accounts for is rejected.

A question that states no givens at all (its givens are only on the figure) passes on the first
two rules trivially; the last two still hold. Failure code: `question`.
"""

from __future__ import annotations

import re

import sympy as sp

from flywheel.verify.claims import ClaimError, Point, literal, numbers_in, parse, segments, tokens
from flywheel.verify.facts import BLOCK, figure_facts, given_names, metric_scene, scene_measure
from flywheel.verify.registry import Check, VerifyContext, register_verifier
from flywheel.verify.trace import STRUCTURAL, bare, equal, numeric

# "N <noun>s" is a count; these plural words measure instead of counting.
NOT_NOUNS = {"the", "a", "an", "of", "and", "was", "is", "has", "does", "its", "this", "thus", "as", "plus", "minus"}
NOT_COUNTS = {"minutes", "seconds", "hours", "years", "degrees", "metres", "meters", "units", "times", "percent"}
COUNT = re.compile(r"(?<![\d./=\-−+·×] )(?<![\d./\-−])(\d+) ((?:[a-z-]+ ){0,2}?)([a-z]+s)\b")  # not "… = 7 meets"


POINT = re.compile(r"[A-Z][₀-₉'′]*")


def _figure_names(d, facts) -> set[str] | None:
    """The names the figure shows: its points and every name in its texts; None for a figure without points."""
    points = set(getattr(d.scene, "points", {}) or {})
    if not points:
        return None
    words = {w for text in facts.texts for w in re.findall(r"[A-Z][A-Za-z₀-₉'′]*", text)}
    givens = {p for g in d.givens for p in g.measure.points}
    return points | words | {p for w in words for p in POINT.findall(w)} | givens


def counts_in(text: str) -> list[re.Match]:
    """The counts a text states: "16 days", "11 junctions", "4 school clubs" (not "2018 the value was")."""
    return [m for m in COUNT.finditer(text)
            if m.group(3) not in NOT_NOUNS and not set(m.group(2).split()) & NOT_NOUNS]


def _coefficients(scene) -> set[sp.Rational]:
    """Numbers a curve's equation writes: numerators and denominators of its exact coefficients."""
    out: set[sp.Rational] = set()
    plane = getattr(scene, "coordinate_plane", None)
    for c in getattr(plane, "curves", []) if plane is not None else []:
        eq = sp.sympify(c.equation)
        for r in eq.atoms(sp.Rational):
            out |= {abs(r), sp.Integer(abs(r.p)), sp.Integer(r.q)}
        if eq.is_polynomial(*eq.free_symbols):  # x/2 + y + 4 = 0 is written x + 2y = −8
            coeffs = sp.Poly(eq, *sorted(eq.free_symbols, key=str)).coeffs()
            scale = sp.ilcm(*[sp.Rational(k).q for k in coeffs if k.is_Rational] or [1])
            out |= {abs(sp.Rational(k) * scale) for k in coeffs if k.is_Rational}
    return out


def question_problem(ctx: VerifyContext) -> str | None:
    d = ctx.rendered.draft
    question = ctx.question or d.statement  # the text as it ships: its frame and MathVerse version
    if d.choices and question.endswith(d.choices.listing):  # the options are checked by the answer verifier
        question = question[: -len(d.choices.listing)].rstrip()
    named = {n: g.value for g in d.givens for n in given_names(g)}
    coords: dict[str, dict[str, sp.Expr]] = {}
    for g in d.givens:
        if g.measure.kind in ("x", "y"):
            coords.setdefault(g.measure.points[0], {})[g.measure.kind] = g.value
    facts = figure_facts(ctx)
    allowed = set(STRUCTURAL) | facts.numbers | _coefficients(d.scene)
    allowed |= {abs(g.value) for g in d.givens if g.value.is_Rational}
    for g in d.givens:  # a given written as a fraction states its numerator and denominator
        if g.value.is_Rational:
            allowed |= {sp.Integer(abs(g.value.p)), sp.Integer(g.value.q)}
        if "sin" in g.measure.kind:  # sin θ = √3/2 may be stated as θ = 60°
            deg = sp.asin(g.value) * 180 / sp.pi
            if deg.is_Rational:
                allowed.add(abs(deg))
    scene = metric_scene(ctx)

    shown = _figure_names(d, facts)
    for seg in segments(question):
        # "AB = 16" about a triangle whose points are A, C, D names a segment it has not; in an equation
        # ("f(x) = A sin(ωx)") a capital is a coefficient, not a point
        equation = any(t.kind == "func" or (t.kind == "name" and not t.text[0].isupper() and t.text[0] != "∠")
                       for t in seg.toks)
        for t in seg.toks if not equation else ():
            if t.kind == "name" and t.text[0].isupper() and shown is not None:
                missing = [p for p in POINT.findall(t.text.lstrip("∠")) if p not in shown]
                if missing:
                    return f"the question names {t.text}, but the figure has no {missing[0]}"
        sides = seg.sides()
        for i, side in enumerate(sides):
            name = bare(side)
            if name is None:
                continue
            others = [s for j, s in enumerate(sides) if j != i and bare(s) is None]
            for other in others:
                try:
                    v = parse(other, {}).value
                except (ClaimError, TypeError, ValueError, ZeroDivisionError):
                    continue
                if not numeric(v):
                    continue
                want = named.get(name)
                if want is None:
                    want = scene_measure(scene, name)
                if want is not None and not equal(want, v):
                    return f"the question states {name} = {v}, but {name} is {want}"
        try:
            for side in sides:
                if side and side[0].kind == "name" and len(side) > 1 and side[1].text == "(":
                    p = parse(side, {}).value
                    if isinstance(p, Point) and p.name in coords and len(p.coords) == 2:
                        for axis, val in zip(("x", "y"), p.coords, strict=True):
                            want = coords[p.name].get(axis)
                            if want is not None and not equal(want, val):
                                return f"the question states {p.name} with {axis} = {val}, but its {axis} is {want}"
        except (ClaimError, TypeError, ValueError, ZeroDivisionError):
            pass
    for a, b in BLOCK.findall(question):
        if (int(a), int(b)) not in facts.blocks and (int(b), int(a)) not in facts.blocks:
            return f"the question names a {a} × {b} rectangle, which the figure does not have"
    for m in counts_in(question):
        n, noun = int(m.group(1)), m.group(3)
        sentence = question[question.rfind(".", 0, m.start()) + 1:question.find(".", m.end()) % (len(question) + 1)]
        of_item = n in facts.cells and any(re.search(rf"(?<!\w){re.escape(k)}(?!\w)", sentence, re.I) for k in facts.keys)
        if noun not in NOT_COUNTS and n not in facts.counts and not of_item and not any(
                g.value == n for g in d.givens):
            return f"the question counts {n} {noun}, but the figure has no {n} of anything"
    for t in tokens(question):
        if t.kind in ("num", "frac") and abs(literal(t)) not in allowed:
            return f"the question states {t.text}, which no given, count or figure data accounts for"
    return None


@register_verifier("question", role="text", kinds=["interaction"])
def verify_question(ctx: VerifyContext) -> Check:
    problem = question_problem(ctx)
    if problem:
        return Check(False, problem, code="question")
    n = len(numbers_in(ctx.rendered.draft.statement))
    return Check(True, f"{n} numbers of the question are bound to givens, counts or figure data")
