"""Trigonometric graphs: amplitude and period read off y = A sin(ωx) or A cos(ωx), then a value of the function."""

from __future__ import annotations

import random

import sympy as sp

from flywheel.core.records import Difficulty
from flywheel.domains.analytic_geometry import DOMAIN
from flywheel.domains.analytic_geometry.claims import Sinusoid
from flywheel.domains.analytic_geometry.plot import (
    leaks,
    num,
    point_fact,
    point_givens,
    surd,
    window,
)
from flywheel.domains.registry import register_generator
from flywheel.render.draft import Draft, Given, parts
from flywheel.render.scene.coords import CoordinatePlane, OnCurve, X, graph
from flywheel.render.scene.model import Construction, Measure, RightMark, Scene, Segment

AMPLITUDES = [sp.Integer(v) for v in (1, 2, 3, 4, 5, 6, 7, 8)] + [sp.Rational(v, 2) for v in (3, 5, 7, 9, 11)]
# x0 as a fraction r of the half period 2q: the angle ωx0 = rπ has an exact sine and cosine.
FRACTIONS = [sp.Rational(n, d) for n, d in ((1, 6), (1, 4), (1, 3), (2, 3), (3, 4), (5, 6), (7, 6), (5, 4), (4, 3),
                                             (5, 3), (7, 4), (11, 6))]
# Left of the y-axis too (half a period back): f there is read off the same quarter period by symmetry.
NEGATIVE = [-r for r in FRACTIONS[:6]]
# The quarter period q: whole or half units (ω = π/(2q) is then π/2, π/3, π/5 …).
QUARTERS = [sp.Integer(v) for v in (1, 2, 3, 4, 5, 6)] + [sp.Rational(v, 2) for v in (1, 3, 5)]
# What is asked once f(x0) is known: Q's height, or the area of the triangle Q makes with its foot H on
# the x-axis and the marked zero (or the turning point) — each needs |f(x0)| and one more reading.
ASKS = ("y", "zero", "peak", "height")


@register_generator("analytic.sine_reading", DOMAIN)
def sine_reading(rng: random.Random) -> Draft:
    """A and ω of y = A sin(ωx) (or A cos(ωx)) from a turning point and the adjacent zero, then f(x0), or the
    area of the triangle Q makes with its foot H and the marked zero or turning point."""
    ask = rng.choice(ASKS)
    while True:
        amp = rng.choice(AMPLITUDES) * rng.choice([1, -1])
        q, cosine = rng.choice(QUARTERS), rng.random() < 0.4
        r = rng.choice(FRACTIONS + NEGATIVE)
        x0 = 2 * q * r
        wave = sp.cos if cosine else sp.sin
        f = amp * wave(sp.pi * X / (2 * q))
        y0 = amp * wave(r * sp.pi)
        peak = (sp.Integer(0), amp) if cosine else (q, amp)
        zero = (q, sp.Integer(0)) if cosine else (sp.Integer(0), sp.Integer(0))
        x_lo, x_hi, y_lo, y_hi = window([(min(x0, 0) - sp.Rational(1, 2), amp), (4 * q + sp.Rational(1, 2), -amp)], pad=0.8)
        pts = {"P": peak, "Z" if cosine else "O": zero, "Q": (x0, y0), "H": (x0, sp.Integer(0)),
               "K": (peak[0], sp.Integer(0))}
        claims = [OnCurve("P", "f"), OnCurve("Q", "f"), OnCurve("H", "x-axis"),
                  Sinusoid("f", "P", "Z" if cosine else "O")]
        axes = CoordinatePlane(x_lo, x_hi, y_lo, y_hi, [graph("f", f, x_lo, x_hi, stated=False)], claims)
        px_per_unit = 380 / max(x_hi - x_lo, y_hi - y_lo)  # about what the layout gives a plane of this size
        apart = abs(x0 - peak[0]) * px_per_unit >= 30  # the feet K and H (sine) or P's label and Q keep apart
        zero_x = zero[0]
        answer = {"y": y0, "zero": abs(x0 - zero_x) * abs(y0) / 2, "peak": abs(x0 - peak[0]) * abs(y0) / 2,
                  "height": abs(y0)}[ask]
        if not leaks(y0, axes) and not leaks(answer, axes) and abs(y0) * px_per_unit >= 30 and apart \
                and (ask != "zero" or abs(x0 - zero_x) * px_per_unit >= 30):
            break
    extreme = "highest" if amp > 0 else "lowest"
    drop = [] if cosine else [Segment("P", "K")]
    z = "Z" if cosine else "O"
    tri = {"zero": [Segment(z, "Q")], "peak": [Segment("P", "Q"), Segment("P", "H")]}.get(ask, [])
    scene = Scene(
        points=pts,
        labeled=["P", "Z"] if cosine else ["P"],
        construction=Construction(
            ("" if cosine else "drop the perpendicular PK to the x-axis to see the quarter period, and ")
            + f"draw the vertical line x = {num(x0)} up to the graph at Q",
            segments=drop + [Segment("H", "Q")] + tri, points=(["Q", "H"] if cosine else ["Q", "H", "K"]),
            right_marks=[] if cosine else [RightMark("O", "K", "P")],
        ),
        coordinate_plane=axes,
    )
    sign = "A > 0" if amp > 0 else "A < 0"
    name = "cos" if cosine else "sin"
    where = ([f"P on the y-axis is a {extreme} point of the graph.",
              "Z is the first point where the graph meets the positive x-axis."] if cosine
             else ["The graph passes through the origin O.", f"P is its {extreme} point nearest to the y-axis."])
    points = [point_fact("P", peak)] + ([point_fact("Z", zero)] if cosine else [])
    givens = point_givens("P", peak) + (point_givens("Z", zero) if cosine else []) + [Given(Measure("x", ("Q",)), x0)]
    return Draft(
        title=f"The graph of y = A {name}(ωx) with a turning point and a zero marked",
        scene=scene,
        question=parts([f"The figure shows part of the graph of f(x) = A {name}(ωx), where {sign} and ω > 0.", *where,
                        "Q is a point of the graph."], [*points, f"Q has x-coordinate {num(x0)}"],
                       # words, not only point names, tell the asks apart (the duplicate key masks names)
                       {"y": f"f({num(x0)}), the y-coordinate of Q",
                        "zero": f"the area of triangle {z}HQ, whose third vertex is the "
                                + ("zero Z" if cosine else "origin O"),
                        "peak": f"the area of triangle PHQ, whose third vertex is the {extreme} point P",
                        "height": "the length HQ, the distance from Q to the x-axis"}[ask],
                       premises=() if ask == "y" else "H is the foot of the perpendicular from Q to the x-axis."),
        answer=answer,
        target={"y": Measure("y", ("Q",)), "height": Measure("length", ("H", "Q")), "zero": Measure("area", (z, "H", "Q")), "peak": Measure("area", ("P", "H", "Q"))}[ask],
        givens=givens,
        reasoning=[
            "A turning point gives the amplitude, and from a turning point to the next zero is a quarter of the "
            "period, which fixes ω.",
        ],
        conclusion=[
            f"The {extreme} point has y = {num(amp)}, so A = {num(amp)}.",
            f"From x = {num(min(peak[0], zero[0]))} to x = {num(max(peak[0], zero[0]))} is a quarter period, so the "
            f"period is {4 * q} and ω = 2π/{4 * q} = {pi_text(sp.Rational(1, 2 * q))}.",
            f"f({num(x0)}) = {num(amp)}·{name}({pi_text(r)}) = {surd(y0)}.",
            *{"y": [], "height": [f"HQ = |f({num(x0)})| = {surd(abs(y0))}."],
              "zero": [f"{z}H = |{num(x0)} − {num(zero_x)}| = {num(abs(x0 - zero_x))} and HQ = {surd(abs(y0))}, so the "
                       f"area of {z}HQ = ½·{num(abs(x0 - zero_x))}·{surd(abs(y0))} = {surd(answer)}."],
              "peak": [f"HQ = {surd(abs(y0))} lies on x = {num(x0)}, and P is {num(abs(x0 - peak[0]))} from that line, so the "
                       f"area of PHQ = ½·{surd(abs(y0))}·{num(abs(x0 - peak[0]))} = {surd(answer)}."]}[ask],
        ],
        difficulty=Difficulty(hops=3, constructions=2),
        params={"A": str(amp), "q": str(q), "wave": name, "r": str(r), "ask": ask},
    )


def pi_text(r: sp.Rational) -> str:
    """r·π as printed: π/6, 5π/4, π."""
    top = "π" if r.p == 1 else f"{r.p}π"
    return top if r.q == 1 else f"{top}/{r.q}"
