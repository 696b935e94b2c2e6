"""Shared helpers of the analytic-geometry generators: the axes window, number/point/equation text, givens.

Every generator of the domain builds its figure on a `CoordinatePlane` (scene/coords.py); these
helpers keep windows, wording and givens identical across them.
"""

from __future__ import annotations

import math

import sympy as sp

from flywheel.render.draft import Given
from flywheel.render.scene.coords import CoordinatePlane, X, graph
from flywheel.render.scene.model import Measure, Point

MINUS = "−"  # typographic minus, as a textbook prints it


def window(points: list[tuple[float, float]], pad: float = 1.0, min_ratio: float = 0.7) -> tuple[int, int, int, int]:
    """Integer axes window around the points and the origin, at least `min_ratio` as tall as wide (and vice versa)."""
    xs = [float(p[0]) for p in points] + [0.0]
    ys = [float(p[1]) for p in points] + [0.0]
    # The arrow tips stay ≥ 2 units past the origin: room for the axis names beside them.
    x0, x1 = math.floor(min(xs) - pad), max(2, math.ceil(max(xs) + pad))
    y0, y1 = math.floor(min(ys) - pad), max(2, math.ceil(max(ys) + pad))
    x0, x1 = _widen(x0, x1, min_ratio * (y1 - y0))
    y0, y1 = _widen(y0, y1, min_ratio * (x1 - x0))
    return x0, x1, y0, y1


def _widen(lo: int, hi: int, span: float) -> tuple[int, int]:
    """Grow [lo, hi] to at least `span`, alternately on each side (the shorter axis gets room on both)."""
    side = 0
    while hi - lo < span:
        if side % 2 == 0:
            hi += 1
        else:
            lo -= 1
        side += 1
    return lo, hi


def num(v) -> str:
    """A rational as a textbook prints it: 3, −2, 12/5, −1/2."""
    v = sp.Rational(v) if isinstance(v, int | sp.Rational) else sp.nsimplify(v)  # nsimplify is slow
    sign = MINUS if v < 0 else ""
    v = abs(v)
    return f"{sign}{v.p}" if v.q == 1 else f"{sign}{v.p}/{v.q}"


def base(v) -> str:
    """A number as the base of a power: (−2)² and (2/3)², never −2², which is −4."""
    text = num(v)
    return text if text.isdigit() else f"({text})"


def point_text(name: str, p: Point) -> str:
    return f"{name}({num(p[0])}, {num(p[1])})"


def point_fact(name: str, p: Point) -> str:
    """A point stated as a clause of its own: "P is the point (1, 2)" reads in any frame ("Given that P is
    the point (1, 2) and …"), where a bare "P(1, 2)" does not."""
    return f"{name} is the point ({num(p[0])}, {num(p[1])})"


def point_givens(name: str, p: Point) -> list[Given]:
    """The question states the point's coordinates; the verifier re-reads them from the scene and the text."""
    return [Given(Measure("x", (name,)), sp.sympify(p[0])), Given(Measure("y", (name,)), sp.sympify(p[1]))]


_SUP = {2: "²", 3: "³"}


def poly_text(f: sp.Expr) -> str:
    """A polynomial in x with rational coefficients, highest power first: x² − 2x − 3, −x²/2 + 3x/2."""
    poly = sp.Poly(sp.expand(f), X)
    terms = []
    for (k,), c in sorted(poly.terms(), reverse=True):
        c = sp.nsimplify(c)
        mono = "" if k == 0 else "x" + _SUP.get(k, "" if k == 1 else f"^{k}")
        top = str(abs(c.p)) if (abs(c.p) != 1 or k == 0) else ""
        body = top + mono + ("" if c.q == 1 else f"/{c.q}")
        terms.append((c < 0, body))
    if not terms:
        return "0"
    head = (MINUS if terms[0][0] else "") + terms[0][1]
    return head + "".join(f" {MINUS if neg else '+'} {b}" for neg, b in terms[1:])


def graph_text(f: sp.Expr) -> str:
    return f"y = {poly_text(f)}"


def leaks(answer: sp.Expr, plane: CoordinatePlane) -> bool:
    """True when the answer is an integer that could be printed as a tick label of the axes."""
    return bool(answer.is_Integer) and min(plane.xmin, plane.ymin) <= int(answer) <= max(plane.xmax, plane.ymax)


def plane(points: list[Point], graphs: dict[str, tuple[sp.Expr, bool]], claims: list, pad: float = 1.0) -> CoordinatePlane:
    """Axes around the points with each graph y = f(x) drawn across the whole window: name → (f, stated)."""
    x0, x1, y0, y1 = window(points, pad)
    curves = [graph(name, f, x0, x1, stated, graph_text(f) if stated else "") for name, (f, stated) in graphs.items()]
    return CoordinatePlane(x0, x1, y0, y1, curves, claims)


def rise_run(a: Point, b: Point) -> tuple[sp.Expr, sp.Expr, sp.Expr]:
    """(run, rise, slope) from a to b."""
    run, rise = b[0] - a[0], b[1] - a[1]
    return run, rise, rise / run


def surd(e: sp.Expr) -> str:
    """c·√n as a textbook prints it: 5√17/4, √145/2 (anything else falls back to sympy's text)."""
    c, r = sp.nsimplify(e).as_coeff_Mul()
    if r == 1:
        return num(c)
    if not (r.is_Pow and r.exp == sp.Rational(1, 2) and r.base.is_Integer and c.is_Rational):
        return sp.sstr(e)
    top = "" if abs(c.p) == 1 else str(abs(c.p))
    return f"{MINUS if c < 0 else ''}{top}√{r.base}" + ("" if c.q == 1 else f"/{c.q}")


_SUPERSCRIPTS = str.maketrans("0123456789+-x", "⁰¹²³⁴⁵⁶⁷⁸⁹⁺⁻ˣ")


def shift_text(c) -> str:
    """ + 2, − 3/2 or nothing: a constant added at the end of a formula."""
    return "" if c == 0 else f" {MINUS if c < 0 else '+'} {num(abs(c))}"


def exp_text(a, b, h, d) -> str:
    """y = a·b^(x − h) + d as a textbook prints it: y = 3·2ˣ⁻¹ + 1, y = (1/2)ˣ − 2."""
    power = "x" if h == 0 else f"x{'-' if h > 0 else '+'}{abs(int(h))}"
    base = num(b) if sp.Rational(b).q == 1 else f"({num(b)})"
    lead = "" if a == 1 else MINUS if a == -1 else f"{num(a)}·"
    return f"y = {lead}{base}{power.translate(_SUPERSCRIPTS)}{shift_text(d)}"


_SUBSCRIPTS = str.maketrans("0123456789", "₀₁₂₃₄₅₆₇₈₉")


def log_text(b: int, h, k, c: int = 1) -> str:
    """y = c·log_b(x − h) + k (c = ±1) as printed: y = log₂(x − 1) + 2, y = log₃ x, y = −log₂(x + 3)."""
    arg = " x" if h == 0 else f"(x {MINUS if h > 0 else '+'} {num(abs(h))})"
    return f"y = {MINUS if c < 0 else ''}log{str(b).translate(_SUBSCRIPTS)}{arg}{shift_text(k)}"
