"""Analytic-geometry verifiers: re-derive the answer from the plotted data and read the figure's pixels.

`answer.analytic_geometry` never uses a generator's formula: it parses the equations the question states
and tests them against the curve actually drawn, re-reads stated coordinates from the text,
checks every claim of the figure numerically (a point on a curve, a tangent, a vertex, a pair of
foci) and measures the target from the coordinates (areas between graphs by Gauss–Legendre
quadrature). `image.analytic_geometry` checks the rendered pixels: ink along each curve at points computed
from its exact parametrisation, tick marks at their pixels, tick labels beside their ticks.
"""

from __future__ import annotations

import functools
import math
import re

import numpy as np
import sympy as sp
from sympy.parsing.sympy_parser import (
    implicit_multiplication_application,
    parse_expr,
    standard_transformations,
)

from flywheel.core.answers import answer_value
from flywheel.domains.analytic_geometry import DOMAIN
from flywheel.domains.analytic_geometry.claims import InverseOf, Sinusoid
from flywheel.domains.registry import domain_verifier
from flywheel.render.scene.coords import (
    AXES,
    CLIP,
    CoordinatePlane,
    Curve,
    Extremum,
    FocalPair,
    OnCurve,
    TangentAt,
    X,
    Y,
    numeric,
    tick_text,
)
from flywheel.render.scene.model import Measure, Scene
from flywheel.verify.answer import answer_text_problem, close, measure
from flywheel.verify.registry import Check, VerifyContext

# An equation's side: digits, x, y, operators, superscript exponents (2ˣ⁻¹, x³), π, sin, cos, log₂.
_SIDE = r"(?:[0-9xy+\-−/^()·π ²³¹⁰⁴-⁹⁺⁻ˣ]|(?<![A-Za-z])(?:sin|cos)|(?<![A-Za-z])log[₀-₉]*)*"
EQUATION = re.compile(_SIDE + "=" + _SIDE)
_SUPERSCRIPT = str.maketrans("⁰¹²³⁴⁵⁶⁷⁸⁹⁺⁻ˣ", "0123456789+-x")
_SUBSCRIPT = str.maketrans("₀₁₂₃₄₅₆₇₈₉", "0123456789")
NUMBER = r"(−?\d+(?:/\d+)?)"
_TRANSFORMS = standard_transformations + (implicit_multiplication_application,)
ON_TOL = 1e-7  # |F(p)| relative to the scale of the coordinates
STATED_TOL = 1e-6  # a stated equation's curve passes this close (coordinate units) to every drawn point
DARK = 110  # a pixel darker than this in every channel's minimum is ink
MIN_CURVE_INK = 0.97


def stated_equations(question: str) -> list[sp.Expr]:
    """Every equation written in the question, as F(x, y) with F = 0 on its curve."""
    out = []
    for m in EQUATION.finditer(question):
        lhs, _, rhs = m.group(0).strip().partition("=")
        try:
            f = _parse(lhs) - _parse(rhs)
        except Exception:  # noqa: BLE001 - not an equation after all (a stray '=' in prose)
            continue
        if f.free_symbols and f.free_symbols <= {X, Y}:
            out.append(f)
    return out


@functools.lru_cache(maxsize=1024)
def _parse(text: str) -> sp.Expr:
    plain = text.strip().replace("−", "-").replace("^", "**").replace("·", "*").replace("π", " pi ")
    # A run of superscripts is an exponent: 2ˣ⁻¹ → 2**(x-1), x² → x**(2).
    plain = re.sub(r"[⁰¹²³⁴⁵⁶⁷⁸⁹⁺⁻ˣ]+", lambda m: f"**({m.group(0).translate(_SUPERSCRIPT)})", plain)
    # log₂ x and log₃(x + 1): the base is the subscript.
    plain = re.sub(r"log([₀-₉]+)\s*(\([^()]*\)|x)", lambda m: f"log({m.group(2)}, {m.group(1).translate(_SUBSCRIPT)})", plain)
    return parse_expr(plain, transformations=_TRANSFORMS, local_dict={"x": X, "y": Y})


@functools.lru_cache(maxsize=256)
def _fxy(f: sp.Expr):
    """Vectorised float F(x, y): a sum of monomials for polynomials, lambdify otherwise."""
    if f.is_polynomial(X, Y):
        terms = [(float(c), i, j) for (i, j), c in sp.Poly(f, X, Y).terms()]
        return lambda x, y: sum(c * np.power(x, i) * np.power(y, j) for c, i, j in terms)
    return sp.lambdify((X, Y), f, "numpy")


def on_curve(f: sp.Expr, pts: np.ndarray) -> bool:
    """F vanishes (to float precision) at every finite point."""
    pts = pts[np.isfinite(pts).all(axis=1)]
    with np.errstate(all="ignore"):
        vals = np.asarray(_fxy(f)(pts[:, 0], pts[:, 1]), dtype=float)
    scale = 1.0 + float(np.abs(pts).max()) ** 2
    return len(pts) > 0 and bool(np.all(np.abs(vals) <= ON_TOL * scale))


def near_curve(f: sp.Expr, pts: np.ndarray, tol: float = STATED_TOL) -> bool:
    """Every finite point lies within `tol` (in coordinate units) of the curve F = 0.

    The distance is |F| / |∇F| to first order, so the tolerance is a length and does not grow with
    the coordinates: y = 1000x + 1 against points of y = 1000x + 2 is off by 1/1000, far outside it.
    """
    pts = pts[np.isfinite(pts).all(axis=1)]
    if not len(pts):
        return False
    fn = _fxy(f)
    x, y = pts[:, 0], pts[:, 1]
    h = 1e-6 * (1.0 + np.abs(pts).max(axis=1))
    with np.errstate(all="ignore"):
        val = np.asarray(fn(x, y), dtype=float)
        gx = (np.asarray(fn(x + h, y), dtype=float) - np.asarray(fn(x - h, y), dtype=float)) / (2 * h)
        gy = (np.asarray(fn(x, y + h), dtype=float) - np.asarray(fn(x, y - h), dtype=float)) / (2 * h)
        dist = np.abs(val) / np.hypot(gx, gy)
    ok = np.isfinite(dist) & (dist <= tol)
    # A point at the edge of F's domain (a logarithm's graph drawn up to its asymptote) has no central
    # difference there; |F| itself bounds its distance when |∇F| ≥ 1, as for every y − g(x) and x − g(y).
    edge = ~np.isfinite(dist) & np.isfinite(val)
    return bool(np.all(ok | (edge & (np.abs(val) <= tol))))


def _gradient(f: sp.Expr, p: tuple[float, float], h: float = 1e-5) -> tuple[float, float]:
    fn = _fxy(f)
    x, y = p
    return ((fn(x + h, y) - fn(x - h, y)) / (2 * h), (fn(x, y + h) - fn(x, y - h)) / (2 * h))


def _claim_problem(claim, plane: CoordinatePlane, pts: dict[str, tuple[float, float]]) -> str | None:
    if isinstance(claim, OnCurve):
        p = np.asarray([pts[claim.point]])
        if claim.curve in AXES:
            ok = abs(p[0][1 if claim.curve == "x-axis" else 0]) <= 1e-9
        else:
            ok = on_curve(plane.curve(claim.curve).equation, p)
        return None if ok else f"{claim.point} is not on {claim.curve}"
    if isinstance(claim, TangentAt | Extremum):
        p = pts[claim.point]
        gx, gy = _gradient(plane.curve(claim.curve).equation, p)
        if isinstance(claim, Extremum):
            return None if abs(gx) <= 1e-5 * math.hypot(gx, gy) else f"{claim.point} is not a turning point of {claim.curve}"
        q = pts[claim.other]
        dx, dy = q[0] - p[0], q[1] - p[1]
        if abs(gx * dx + gy * dy) > 1e-5 * math.hypot(gx, gy) * math.hypot(dx, dy):
            return f"line {claim.point}{claim.other} is not tangent to {claim.curve} at {claim.point}"
        return None
    if isinstance(claim, FocalPair):
        s = plane.samples(plane.curve(claim.curve))
        total = np.hypot(*(s - pts[claim.f1]).T) + np.hypot(*(s - pts[claim.f2]).T)
        ok = float(total.max() - total.min()) <= 1e-7 * float(total.mean())
        return None if ok else f"{claim.f1} and {claim.f2} are not the foci of {claim.curve}"
    return _graph_claim_problem(claim, plane, pts)


def _graph_claim_problem(claim, plane: CoordinatePlane, pts: dict[str, tuple[float, float]]) -> str | None:
    """Claims about a whole drawn curve, rebuilt from the stated points, not from the generator's formula."""
    if isinstance(claim, Sinusoid):
        (px, py), (zx, zy) = pts[claim.peak], pts[claim.zero]
        q = abs(zx - px)
        s = _finite(plane.samples(plane.curve(claim.curve)))
        want = py * np.cos(np.pi * (s[:, 0] - px) / (2 * q)) if q > 1e-9 else np.full(len(s), np.inf)
        ok = abs(zy) <= 1e-9 and bool(np.all(np.abs(s[:, 1] - want) <= 1e-7 * (1 + abs(py))))
        return None if ok else f"{claim.curve} is not the sine wave with turning point {claim.peak} and zero {claim.zero}"
    if isinstance(claim, InverseOf):
        mirrored = _finite(plane.samples(plane.curve(claim.inverse)))[:, ::-1]
        ok = on_curve(plane.curve(claim.of).equation, mirrored)
        return None if ok else f"{claim.inverse} is not the mirror image of {claim.of} in y = x"
    return f"unknown claim {claim!r}"


def _finite(pts: np.ndarray) -> np.ndarray:
    return pts[np.isfinite(pts).all(axis=1)]


def area_between(scene: Scene, m: Measure) -> float:
    """∫|f − g| dx between the x of two points, by 32-node Gauss–Legendre on the drawn graphs."""
    plane, pts = scene.coordinate_plane, scene.floats()
    upper, lower, a, b = m.points
    xa, xb = pts[a][0], pts[b][0]
    nodes, weights = np.polynomial.legendre.leggauss(32)
    xs = (xb - xa) / 2 * nodes + (xa + xb) / 2
    ys = [np.zeros_like(xs) if n == "x-axis" else numeric(plane.curve(n).y)(xs) for n in (upper, lower)]
    return abs(float(np.sum(weights * np.abs(ys[0] - ys[1])) * (xb - xa) / 2))


def measure_analytic(scene: Scene, m: Measure) -> float:
    if m.kind == "area_between":
        return area_between(scene, m)
    if m.kind in ("x", "y"):
        return scene.floats()[m.points[0]][0 if m.kind == "x" else 1]
    return measure(scene.floats(), m)


def _stated_point(question: str, name: str) -> tuple[float, float] | None:
    m = re.search(rf"(?<![A-Za-z]){re.escape(name)}(?: is the point )?\({NUMBER}, {NUMBER}\)", question)
    if not m:
        return None
    return tuple(float(sp.Rational(v.replace("−", "-"))) for v in m.groups())


def _stated_coordinate(question: str, name: str, axis: str) -> float | None:
    """A coordinate the question states: in P(3, −2), or as "P … with x-coordinate 3" in one sentence."""
    pt = _stated_point(question, name)
    if pt is not None:
        return pt[0 if axis == "x" else 1]
    m = re.search(rf"(?<![A-Za-z]){re.escape(name)}(?![A-Za-z₀-₉])[^.]*?\b{axis}-coordinate {NUMBER}", question)
    return float(sp.Rational(m.group(1).replace("−", "-"))) if m else None


def _givens_problem(question: str, draft) -> str | None:
    scene = draft.scene
    for g in draft.givens:
        got = measure_analytic(scene, g.measure)
        if not close(got, float(g.value)):
            return f"given {g.measure.describe()} = {g.value} but the figure has {got:.6g}"
        if g.measure.kind in ("x", "y"):
            stated = _stated_coordinate(question, g.measure.points[0], g.measure.kind)
            if stated is None or not close(stated, got):
                return f"the question does not state {g.measure.describe()} = {got:.6g}"
    return None


def _curves_problem(question: str, plane: CoordinatePlane) -> str | None:
    equations = stated_equations(question)
    for c in plane.curves:
        drawn = plane.samples(c)
        if not on_curve(c.equation, drawn):
            return f"curve {c.name} as drawn does not satisfy its own equation"
        if c.stated and not any(near_curve(f, drawn) for f in equations):
            return f"the question states no equation of the curve {c.name} as drawn"
    return None


@domain_verifier(DOMAIN, "answer", kinds=["interaction"])
def verify_analytic_answer(ctx: VerifyContext) -> Check:
    d = ctx.rendered.draft
    plane = d.scene.coordinate_plane
    if plane is None:
        return Check(False, "no coordinate plane in the scene")
    pts = d.scene.floats()
    problem = _curves_problem(d.question, plane) or _givens_problem(d.question, d)
    problem = problem or next((p for c in plane.claims if (p := _claim_problem(c, plane, pts))), None)
    if problem:
        return Check(False, problem)
    got, exact = measure_analytic(d.scene, d.target), float(d.answer)
    if not close(got, exact):
        return Check(False, f"{d.target.describe()} measures {got:.6g} in the figure but the answer is {exact:.6g}")
    problem = answer_text_problem(ctx, exact)
    if problem:
        return Check(False, problem)
    return Check(True, f"{d.target.describe()} re-measured {got:.6g} = {d.answer_latex}; "
                       f"{len(plane.curves)} curves, {len(d.givens)} givens, {len(plane.claims)} claims hold")


def _ink(grey: np.ndarray, px: np.ndarray, r: int = 1) -> np.ndarray:
    """For each pixel position, is there ink within r pixels?"""
    h, w = grey.shape
    xi, yi = np.rint(px[:, 0]).astype(int), np.rint(px[:, 1]).astype(int)
    hit = np.zeros(len(px), dtype=bool)
    for dx in range(-r, r + 1):
        for dy in range(-r, r + 1):
            x, y = np.clip(xi + dx, 0, w - 1), np.clip(yi + dy, 0, h - 1)
            hit |= grey[y, x] < DARK
    return hit


def _curve_problem(grey: np.ndarray, plane: CoordinatePlane, c: Curve, lay) -> str | None:
    """Ink along the exact curve, at parameters between the ones the image code was sampled at."""
    n = 997
    ts = np.linspace(float(c.t0), float(c.t1), n)
    with np.errstate(all="ignore"):
        pts = np.stack([numeric(c.x)(ts), numeric(c.y)(ts)], axis=1)
    m = CLIP + 0.05
    keep = np.isfinite(pts).all(axis=1)
    keep &= (pts[:, 0] > plane.xmin + m) & (pts[:, 0] < plane.xmax - m)
    keep &= (pts[:, 1] > plane.ymin + m) & (pts[:, 1] < plane.ymax - m)
    if keep.sum() < 10:
        return f"curve {c.name} is (almost) outside the axes window"
    px = np.asarray([lay.to_px(x, y) for x, y in pts[keep]])
    share = float(_ink(grey, px).mean())
    return None if share >= MIN_CURVE_INK else f"curve {c.name} is drawn along only {share:.0%} of its exact path"


def _axes_problem(grey: np.ndarray, plane: CoordinatePlane, lay, labels) -> str | None:
    ox, oy = lay.to_px(0, 0)
    xt, yt = plane.ticks(lay)
    ticks = [(lay.to_px(v, 0)[0], oy - 3) for v in xt] + [(ox + 3, lay.to_px(0, v)[1]) for v in yt]
    if ticks and not _ink(grey, np.asarray(ticks), r=1).all():
        return "a tick mark is missing from its pixel"
    axis = np.asarray([lay.to_px(x, 0) for x in np.linspace(plane.xmin + 0.2, plane.xmax - 0.5, 50)]
                      + [lay.to_px(0, y) for y in np.linspace(plane.ymin + 0.2, plane.ymax - 0.5, 50)])
    if not _ink(grey, axis).all():
        return "an axis is not drawn where the origin puts it"
    where = {tick_text(v): ("x", lay.to_px(v, 0)[0]) for v in xt}
    where.update({tick_text(v) + " ": ("y", lay.to_px(0, v)[1]) for v in yt})
    return _tick_label_problem(labels, where)


def _tick_label_problem(labels, where: dict) -> str | None:
    """Every numeric text is a tick label centred on the tick of its value (either axis)."""
    for b in labels:
        if answer_value(b.text.replace("−", "-")) is None:
            continue
        spots = [where[k] for k in (b.text, b.text + " ") if k in where]
        cx, cy = (b.x0 + b.x1) / 2, (b.y0 + b.y1) / 2
        if not any(abs((cx if ax == "x" else cy) - at) <= 3 for ax, at in spots):
            return f"tick label {b.text!r} is not beside the tick of its value"
    return None


@domain_verifier(DOMAIN, "image")
def verify_analytic_image(ctx: VerifyContext) -> Check:
    if ctx.render is None:
        return Check(False, ctx.render_error or "the figure did not render")
    plane, lay = ctx.rendered.draft.scene.coordinate_plane, ctx.rendered.layout
    if plane is None:
        return Check(False, "no coordinate plane in the scene")
    grey = ctx.render.rgb.min(axis=2)
    problem = _axes_problem(grey, plane, lay, ctx.render.labels)
    problem = problem or next((p for c in plane.curves if (p := _curve_problem(grey, plane, c, lay))), None)
    if problem:
        return Check(False, problem)
    return Check(True, f"axes, {len(plane.curves)} curves and the tick labels sit on their exact pixels")
