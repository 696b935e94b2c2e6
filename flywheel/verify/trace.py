"""Trace verifier: the reasoning a sample ships is read and every step of it checked.

The prose of the trace (outside the tool code and the answer tag) is cut into mathematical runs by
the one parser (`claims.py`). A run with "=" is a chain of sides; every two neighbouring sides that
are numbers must be equal exactly (sympy: rationals compared exactly, radicals and π to 30 digits),
ratios must be proportional, and a side that is a bare name defines it ("AM = 28/2 = 14") — a name
already known (a given, an earlier definition, a segment the scene measures) must keep its value.

Every number the trace writes must come from somewhere: the question, the givens, the figure (its
data and every label it prints), an earlier step, or a chain that is checked (a chain counts as
grounded when one of its sides uses only such numbers and known names: its other sides are then
proven equal to it). A chain with numbers that does not parse is rejected: a claim nobody can read
is not a checked claim. Failure code: `trace`.
"""

from __future__ import annotations

import re
from fractions import Fraction
from itertools import pairwise

import sympy as sp
from sympy.core.function import AppliedUndef

from flywheel.verify.claims import (
    ClaimError,
    Point,
    Ratio,
    Segment,
    literal,
    numbers_in,
    parse,
    segments,
)
from flywheel.verify.facts import BLOCK, figure_facts, given_names, metric_scene, scene_measure
from flywheel.verify.registry import Check, VerifyContext, register_verifier

# Numbers any argument may write without a source: halving, doubling, a unit, a right angle, a
# straight angle, a full turn, a percentage's hundred.
STRUCTURAL = {sp.Integer(n) for n in (0, 1, 2, 90, 180, 360, 100)} | {sp.Rational(1, 2)}
DIGITS = 30
ABS_TOL = sp.Float(1e-20, DIGITS)
SCENE_TOL = 1e-7  # a scene measure is a float


SENTENCE = re.compile(r"(?<=[.;])\s+(?=\S)")


def prose(cot: str) -> str:
    """The trace as a reader sees its reasoning: tool code, tags and the answer tag removed."""
    text = re.sub(r"<code>.*?</code>", " ", cot, flags=re.S)
    text = re.sub(r"<answer>.*?</answer>", " ", text, flags=re.S)
    return re.sub(r"<[^>]+>", " ", text)


def numeric(v) -> bool:
    if isinstance(v, Ratio):
        return all(numeric(p) for p in v.parts)
    if isinstance(v, Point):
        return numeric(v.coords)
    if isinstance(v, sp.Tuple):
        return all(numeric(p) for p in v)
    return isinstance(v, sp.Basic) and not v.free_symbols and not v.atoms(AppliedUndef)


def equal(a, b) -> bool:
    """Exact equality of two numeric sides (numbers, points, ratios)."""
    if isinstance(a, Point):
        a = a.coords
    if isinstance(b, Point):
        b = b.coords
    if isinstance(a, Ratio) or isinstance(b, Ratio):
        pa = a.parts if isinstance(a, Ratio) else (a, sp.Integer(1))
        pb = b.parts if isinstance(b, Ratio) else (b, sp.Integer(1))
        if len(pa) != len(pb):
            return False
        return all(equal(x * pb[0], y * pa[0]) for x, y in zip(pa[1:], pb[1:], strict=True))
    if isinstance(a, sp.Tuple) or isinstance(b, sp.Tuple):
        return (isinstance(a, sp.Tuple) and isinstance(b, sp.Tuple) and len(a) == len(b)
                and all(equal(x, y) for x, y in zip(a, b, strict=True)))
    if a.is_Rational and b.is_Rational:
        return a == b
    if a.has(sp.zoo, sp.nan, sp.oo, -sp.oo) or b.has(sp.zoo, sp.nan, sp.oo, -sp.oo):
        return False
    if a.has(sp.Float) or b.has(sp.Float):
        x, y = complex(sp.N(a)), complex(sp.N(b))
        return abs(x - y) <= SCENE_TOL * max(1.0, abs(x), abs(y))
    d = sp.N(a - b, DIGITS)
    scale = max(sp.Integer(1), abs(sp.N(a, DIGITS)))
    return bool(abs(d) <= ABS_TOL * scale)


def bare(toks) -> str | None:
    return toks[0].text if len(toks) == 1 and toks[0].kind == "name" else None


INVERSE = {"sin": sp.asin, "cos": sp.acos, "tan": sp.atan}


def _trig(toks) -> tuple[str, str] | None:
    """("sin", "θ") for a side that is just "sin θ"."""
    if len(toks) == 2 and toks[0].kind == "func" and toks[0].text in INVERSE and toks[1].kind == "name":
        return toks[0].text, toks[1].text
    return None


def _grounds(v) -> bool:
    """A side that can ground a chain: a number, or an expression in variables ("7/8·(x + 2) − 6"),
    which the identity check holds the next side to."""
    if numeric(v):
        return True
    return isinstance(v, sp.Expr) and not v.atoms(AppliedUndef) and all(
        x.name[0].islower() for x in v.free_symbols)


def _power_of_name(toks) -> tuple[str, int] | None:
    """("AC", 2) for a side that is just "AC²"."""
    if len(toks) == 2 and toks[0].kind == "name" and toks[1].kind == "sup" and toks[1].text in "²³":
        return toks[0].text, 2 if toks[1].text == "²" else 3
    return None


def _radians(name: str, value, raw) -> sp.Expr:
    """An angle variable written in degrees ("θ = 60°") holds radians, so sin θ reads it right."""
    lower = name[0].islower() or name[0] in "θωφαβλμ"
    return value * sp.pi / 180 if lower and any(t.text == "°" for t in raw) else value


def _identity_fails(a: sp.Expr, b: sp.Expr) -> bool:
    """Both sides are polynomials of the same positive degree in the same lower-case variables, and
    differ: a rewriting ("−x²/2 + 3x − 5/2 = −1/2·(x − 1)(x − 5)") that is wrong. A side that is a bare
    variable ("y = −2x − 1") or of another degree ("35² − x² = 42² − (35 − x)²") states an equation."""
    free = sorted(a.free_symbols | b.free_symbols, key=str)
    if not all(x.name[0].islower() for x in free):
        return False
    if not free or a == 0 or b == 0 or a.is_Symbol or b.is_Symbol or not (a.is_polynomial(*free) and b.is_polynomial(*free)):
        return False
    da, db = sp.Poly(a, *free).total_degree(), sp.Poly(b, *free).total_degree()
    diff = sp.expand(a - b)
    # the leading terms cancel in an equation (x² on both sides), never in a wrong rewriting
    return da == db and da > 0 and diff != 0 and sp.Poly(diff, *free).total_degree() == da


class TraceReader:
    """Walks the runs of one text in order, binding names and collecting what it has derived."""

    def __init__(self, ctx: VerifyContext):
        d = ctx.rendered.draft
        self.env: dict[str, sp.Expr] = {}
        for g in d.givens:
            for n in given_names(g):
                self.env[n] = g.value
        self.fixed = set(self.env)  # the givens' names keep their values
        facts = figure_facts(ctx)
        self.known: set[sp.Rational] = set(STRUCTURAL) | facts.numbers
        self.known |= {abs(n) for n in numbers_in(d.statement)}
        self.known |= {abs(g.value) for g in d.givens if g.value.is_Rational}
        self.blocks = facts.blocks | {(int(a), int(b)) for a, b in BLOCK.findall(d.statement)}
        self.scene = metric_scene(ctx)
        self.checked = 0
        self._fractions: set[Fraction] = set()
        self.pending: list[tuple[sp.Expr, sp.Expr, str]] = []  # equations waiting for their unknowns
        self.preread(d.statement)

    def preread(self, question: str) -> None:
        """Take the values the question states ("v₀ = 56 m/s", "sin θ = 24/25") as known names;
        the question verifier judges them."""
        for sentence in SENTENCE.split(question):
            for seg in segments(sentence):
                sides = seg.sides()
                try:
                    parsed = [parse(t, self.env) for t in sides]
                except (ClaimError, TypeError, ValueError, ZeroDivisionError):
                    continue
                for (ta, a), (tb, b) in pairwise(zip(sides, parsed, strict=True)):
                    for t, other, raw in ((ta, b, tb), (tb, a, ta)):
                        name = bare(t)
                        if numeric(other.value) and not isinstance(other.value, Ratio | Point | sp.Tuple):
                            if name and name not in self.env:
                                self.env[name] = _radians(name, other.value, raw)
                            elif _trig(t) and _trig(t)[1] not in self.env:
                                fn, var = _trig(t)
                                self.env[var] = INVERSE[fn](other.value)
        self.fixed = set(self.env)
        self.derived: set[str] = set()  # names the trace itself gave a value

    def accounted(self, n: sp.Rational) -> bool:
        """A number is accounted for when it is known, or one step of mental arithmetic from known
        numbers: a sum, difference, product, quotient or square (root) of them (6 − (−5) = 11 need
        not be written). Everything it is then used for is checked."""
        x = Fraction(int(abs(n).p), int(abs(n).q))
        known = self.fractions()
        if x in known or x * x in known:
            return True
        return any(x + k in known or abs(x - k) in known or x * k in known or x / k in known
                   for k in known if k)

    def fractions(self) -> set[Fraction]:
        if len(self._fractions) != len(self.known):
            self._fractions = {Fraction(int(k.p), int(k.q)) for k in self.known}
        return self._fractions

    def learn(self, v) -> None:
        if isinstance(v, Ratio):
            for p in v.parts:
                self.learn(p)
        elif isinstance(v, Point):
            self.learn(v.coords)
        elif isinstance(v, sp.Tuple):
            for p in v:
                self.learn(p)
        elif isinstance(v, sp.Basic) and v.is_Rational:
            self.known.add(abs(v))

    def scene_value(self, name: str) -> sp.Expr | None:
        return scene_measure(self.scene, name)

    def resolve(self, final: bool) -> str | None:
        """Check the equations whose unknowns are now known. At a sentence's end an equation still in
        a lower-case variable is an identity if both sides are polynomials of one degree ("−x²/2 + 3x −
        5/2 = −1/2·(x − 1)(x − 5)"), else an equation whose solution the sentence went on to use."""
        keep = []
        for a, b, text in self.pending:
            subs = {x: self.env[x.name] for x in a.free_symbols | b.free_symbols
                    if x.name in self.env and numeric(self.env[x.name])}
            a2, b2 = (a.subs(subs), b.subs(subs)) if subs else (a, b)
            if numeric(a2) and numeric(b2):
                self.checked += 1
                if not equal(a2, b2):
                    return f"{text!r}: {_show(a2)} ≠ {_show(b2)}"
                continue
            free = a2.free_symbols | b2.free_symbols
            if all(x.name[0].islower() for x in free):
                if _identity_fails(a2, b2):
                    return f"{text!r}: {a2} ≠ {b2}"
                continue
            if not final:
                keep.append((a2, b2, text))
        self.pending = keep
        return None

    def forget_variables(self) -> None:
        """A lower-case variable (x, a, u) holds for its sentence only: the next one reuses the letter."""
        for name in [n for n in self.env if (n[0].islower() or n[0] in "θωφαβλμ") and n not in self.fixed]:
            del self.env[name]

    def bind(self, name: str, value, text: str, raw=()) -> str | None:
        if not numeric(value) or isinstance(value, Ratio):
            return None
        if name[0].islower() or name[0] in "θωφαβλμ":
            self.env[name] = _radians(name, value, raw)  # a variable: reused from one step to the next
            return None
        old = self.env.get(name)
        if old is None:
            old = self.scene_value(name)
            if old is not None and isinstance(value, sp.Basic) and not equal(old, value):
                return f"{text!r}: {name} measures {float(old):.6g} in the figure, not {_show(value)}"
            self.env[name] = value
            return None
        if not equal(old, value):
            return f"{text!r}: {name} is {_show(old)}, not {_show(value)}"
        return None

    def read(self, seg: Segment) -> str | None:
        """None when the run is sound, else what is wrong with it."""
        sides = seg.sides()
        if len(sides) == 1:
            kinds = [t.kind if t.kind != "op" else t.text for t in seg.toks]
            if kinds == ["num", "×", "num"]:  # "the 6 × 2 block": a rectangle of the figure
                w, h = (int(literal(t)) for t in seg.toks[::2])
                if w != h and (w, h) not in self.blocks and (h, w) not in self.blocks:
                    return f"{seg.text!r}: the figure has no {w} × {h} rectangle"
            for n in seg.numbers:
                if not self.accounted(n):
                    return f"{seg.text!r} uses {n}, which is neither given, shown nor derived"
                self.known.add(abs(n))  # a running total read off step by step: the next one builds on it
            return None
        for t in sides:  # "so PD = 70/3" after "14·15 = 9·PD": the equation the trace solved fixes PD
            name = bare(t)
            if name and name not in self.env:
                solution = self.solve_pending(name)
                if solution is not None:
                    self.env[name] = solution
                    self.derived.add(name)
        for t in seg.toks:  # a segment or angle the figure measures (to scale) is known where it is used
            if t.kind == "name" and t.text not in self.env:
                measured = self.scene_value(t.text)
                if measured is not None:
                    self.env[t.text] = measured
                    self.derived.add(t.text)  # measured like a derived value: "AC = 3√74" restates it
        try:
            parsed = [parse(s, self.env) for s in sides]
        except (ClaimError, TypeError, ValueError, ZeroDivisionError) as exc:
            return f"cannot read the claim {seg.text!r} ({exc})"
        value = next((p.value for p in parsed if numeric(p.value) and isinstance(p.value, sp.Expr)), None)
        for t in sides:  # "AC² = … = 666": AC is √666
            power = _power_of_name(t)
            if power and power[0] not in self.env and value is not None and value.is_nonnegative:
                self.env[power[0]] = value ** sp.Rational(1, power[1])
                self.derived.add(power[0])
        # A chain derives left to right: a side after a grounded one is proven by the equality, a side
        # before it must be grounded itself ("OA = 9973 − 9956 = 17" is true but uses numbers from nowhere).
        # A bare name grounds only when the trace derived it ("AC = 3√74" after AC² = 666); a given's
        # name restates it ("OA = …") and derives nothing.
        first = next((i for i, (t, p) in enumerate(zip(sides, parsed, strict=True))
                      if (bare(t) is None or bare(t) in self.derived) and _grounds(p.value)
                      and all(self.accounted(n) for n in p.numbers)),
                     len(parsed))
        for p in parsed[:first]:
            missing = next((n for n in p.numbers if not self.accounted(n)), None)
            if missing is not None:
                return f"{seg.text!r} uses {missing}, which is neither given, shown nor derived"
        for (ta, a), (tb, b) in pairwise(zip(sides, parsed, strict=True)):
            na, nb = bare(ta), bare(tb)
            trig = _trig(ta)
            if na and numeric(b.value):
                problem = self.bind(na, b.value, seg.text, tb)
            elif nb and numeric(a.value) and nb not in self.env:
                problem = self.bind(nb, a.value, seg.text, ta)
            elif trig and trig[1] not in self.env and numeric(b.value) and not isinstance(b.value, Ratio | Point):
                self.env[trig[1]] = INVERSE[trig[0]](b.value)  # "sin r = 3/5": r is that angle
                problem = None
            elif numeric(a.value) and numeric(b.value):
                self.checked += 1
                problem = None if equal(a.value, b.value) else (
                    f"{seg.text!r}: {_show(a.value)} ≠ {_show(b.value)}")
            elif isinstance(a.value, sp.Basic) and isinstance(b.value, sp.Basic) and not (
                    a.value.atoms(AppliedUndef) or b.value.atoms(AppliedUndef)):
                if _identity_fails(a.value, b.value):
                    problem = f"{seg.text!r}: {a.value} ≠ {b.value} for every x"
                else:
                    self.pending.append((a.value, b.value, seg.text))  # checked once its unknowns are known
                    problem = None
            else:
                problem = None  # a value of an unknown function (f(−4), y′(2)): not checkable here
            if problem:
                return problem
        value = next((p.value for p in parsed if numeric(p.value) and not isinstance(p.value, Ratio)), None)
        for t in sides:  # "FM = HN = √(51² + 12²)": every name of the chain has its value
            name = bare(t)
            if name and value is not None and name not in self.env:
                self.env[name] = value
        self.derived |= {bare(t) for t in sides if bare(t) and bare(t) not in self.fixed}
        for n in seg.numbers:
            self.known.add(abs(n))
        for p in parsed:
            if numeric(p.value):
                self.learn(p.value)
        return None

    def solve_pending(self, name: str) -> sp.Expr | None:
        """The one value of `name` that a pending equation in it alone allows (a length: positive)."""
        sym = sp.Symbol(name)
        for a, b, _ in self.pending:
            subs = {x: self.env[x.name] for x in a.free_symbols | b.free_symbols
                    if x.name in self.env and numeric(self.env[x.name])}
            eq = (a - b).subs(subs)
            if eq.free_symbols != {sym} or not eq.is_polynomial(sym):
                continue  # a polynomial equation only: sympy's transcendental solver costs a sample's budget
            try:
                roots = [r for r in sp.solve(eq, sym) if r.is_real]
            except (NotImplementedError, TypeError, ValueError):
                continue
            if len(roots) > 1:
                roots = [r for r in roots if r.is_positive]
            if len(roots) == 1:
                return roots[0]
        return None


def _show(v) -> str:
    if isinstance(v, Ratio):
        return " : ".join(_show(p) for p in v.parts)
    if isinstance(v, Point):
        v = v.coords
    try:
        return str(sp.nsimplify(v)) if isinstance(v, sp.Basic) and v.has(sp.Float) else str(v)
    except (TypeError, ValueError):
        return str(v)


def trace_problem(ctx: VerifyContext) -> tuple[str | None, int]:
    """The first unsound step of the shipped trace (None when every step holds), and how many
    equalities were checked."""
    reader = TraceReader(ctx)
    for sentence in SENTENCE.split(prose(ctx.rendered.cot)):
        for seg in segments(sentence):
            problem = reader.read(seg)
            if problem:
                return problem, reader.checked
        problem = reader.resolve(final=False)
        if problem:
            return problem, reader.checked
        reader.forget_variables()
    return reader.resolve(final=True), reader.checked


@register_verifier("trace", role="text", kinds=["interaction"])
def verify_trace(ctx: VerifyContext) -> Check:
    problem, checked = trace_problem(ctx)
    if problem:
        return Check(False, problem, code="trace")
    return Check(True, f"{checked} equalities of the trace hold; every number is given, shown or derived")
