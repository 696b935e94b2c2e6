"""Exponential and logarithmic functions: read a point off y = a·bˣ⁻ʰ + d, reflect a logarithm in y = x."""

from __future__ import annotations

import random

import sympy as sp

from flywheel.core.records import Difficulty
from flywheel.domains.analytic_geometry import DOMAIN
from flywheel.domains.analytic_geometry.claims import InverseOf
from flywheel.domains.analytic_geometry.plot import (
    MINUS,
    base,
    exp_text,
    leaks,
    log_text,
    num,
    surd,
    window,
)
from flywheel.domains.registry import register_generator
from flywheel.render.draft import Draft, Given, parts
from flywheel.render.scene.coords import CoordinatePlane, Curve, OnCurve, T, X, Y, graph
from flywheel.render.scene.exact import midpoint
from flywheel.render.scene.model import Construction, Measure, RightMark, Scene, Segment

BASES = [sp.Integer(b) for b in (2, 3, 4, 5)] + [sp.Rational(1, b) for b in (2, 3, 4, 5)]
# What is asked once P is found, each drawn as its own segment or triangle: a length to A, O or M, or an area.
EXP_ASKS = {"length": ("the length AP", Measure("length", ("A", "P"))),
            "area": ("the area of triangle ANP", Measure("area", ("A", "N", "P"))),
            "area_oap": ("the area of triangle OAP", Measure("area", ("O", "A", "P"))),
            "area_omp": ("the area of triangle OMP", Measure("area", ("O", "M", "P"))),
            "length_op": ("the length OP", Measure("length", ("O", "P"))),
            "length_am": ("the length AM", Measure("length", ("A", "M"))),
            "area_rect": ("the area of rectangle OMPN", Measure("area", ("O", "M", "P", "N"))),
            "perimeter": ("the perimeter of triangle ANP", Measure("perimeter", ("A", "N", "P")))}


def _exp_curve(rng: random.Random):
    """(a, b, h, d) with y = a·b^(x − h) + d crossing the y-axis off the origin."""
    while True:
        # a < 0 turns the graph upside down (it then falls from the asymptote y = d)
        a, b = rng.choice([1, 1, 2, 3, 4, -1, -2, -3]), rng.choice(BASES)
        h, d = rng.choice([-3, -2, -1, 0, 0, 1, 2, 3]), rng.randint(-6, 6)
        ya = a * b ** (-h) + d
        if abs(ya) >= sp.Rational(1, 2) and abs(ya) <= 6:
            return sp.Integer(a), b, h, d, ya


def _plus(d: int) -> str:
    """The constant term of y = a·b^(x − h) + d as it follows the power (" + 3", " − 2", "")."""
    return f" + {d}" if d > 0 else f" − {-d}" if d < 0 else ""


@register_generator("analytic.exponential_reading", DOMAIN)
def exponential_reading(rng: random.Random) -> Draft:
    """P on y = a·b^(x − h) + d with a stated height c: solve b^(x − h) = (c − d)/a from the graph, then AP or ANP."""
    ask = rng.choice(list(EXP_ASKS))
    while True:
        a, b, h, d, ya = _exp_curve(rng)
        n = rng.choice([-4, -3, -2, -1, 1, 2, 3, 4])
        xp, yp = sp.Integer(n + h), a * b**n + d
        if xp == 0 or abs(yp) < 1 or abs(yp) > 9 or abs(yp - ya) < 1 or yp.q > 4:  # PM stays long enough to see
            continue
        f = a * b ** (X - h) + d
        pts = {"A": (sp.Integer(0), ya), "P": (xp, yp), "M": (xp, sp.Integer(0)), "N": (sp.Integer(0), yp), "O": (sp.Integer(0),) * 2}
        answer = {"area": abs(yp - ya) * abs(xp) / 2, "area_oap": abs(ya) * abs(xp) / 2, "area_omp": abs(yp) * abs(xp) / 2,
                  "length": sp.sqrt(xp**2 + (yp - ya) ** 2), "length_op": sp.sqrt(xp**2 + yp**2),
                  "length_am": sp.sqrt(xp**2 + ya**2), "area_rect": abs(xp * yp),
                  "perimeter": abs(xp) + abs(yp - ya) + sp.sqrt(xp**2 + (yp - ya) ** 2)}[ask]
        x0, x1, y0, y1 = window([(xp, yp), (0, ya), (xp + (2 if b > 1 else -2), 0), (xp - (2 if b > 1 else -2), 0)], pad=1.2)
        claims = [OnCurve("A", "f"), OnCurve("A", "y-axis"), OnCurve("P", "f"), OnCurve("M", "x-axis"), OnCurve("N", "y-axis")]
        axes = CoordinatePlane(x0, x1, y0, y1, [graph("f", f, x0, x1, label=exp_text(a, b, h, d))], claims)
        if not leaks(answer, axes) and max(x1 - x0, y1 - y0) <= 14:
            break
    segs = [Segment("P", "M"), Segment("P", "N")] + {"area_omp": [Segment("O", "P")], "length_op": [Segment("O", "P")],
                                                      "length_am": [Segment("A", "M")]}.get(ask, [Segment("A", "P")])
    joined = {"area_omp": "OP", "length_op": "OP", "length_am": "AM"}.get(ask, "AP")
    scene = Scene(
        points=pts,
        labeled=["A", "P"],
        construction=Construction(
            f"drop the perpendiculars PM and PN from P to the axes and join {joined}",
            segments=segs, points=["M", "N"],
            right_marks=[RightMark("O", "M", "P"), RightMark("O", "N", "P")],
        ),
        coordinate_plane=axes,
    )
    eq = exp_text(a, b, h, d)
    ask_text, target = EXP_ASKS[ask]
    premise = {"area": "N is the foot of the perpendicular from P to the y-axis.", "area_oap": "O is the origin.",
               "area_omp": "M is the foot of the perpendicular from P to the x-axis, and O is the origin.",
               "length_op": "O is the origin.",
               "length_am": "M is the foot of the perpendicular from P to the x-axis.",
               "area_rect": "M and N are the feet of the perpendiculars from P to the x- and y-axes, and O is the origin.",
               "perimeter": "N is the foot of the perpendicular from P to the y-axis."}.get(ask, ())
    if ask == "area":
        last = f"Area of ANP = ½·AN·NP = ½·{num(abs(yp - ya))}·{num(abs(xp))} = {num(answer)}."
    elif ask == "area_oap":
        last = f"OA lies on the y-axis and P is {num(abs(xp))} from it: area of OAP = ½·{num(abs(ya))}·{num(abs(xp))} = {num(answer)}."
    elif ask == "area_omp":
        last = f"OM = {num(abs(xp))} and MP = {num(abs(yp))} meet at a right angle: area of OMP = ½·{num(abs(xp))}·{num(abs(yp))} = {num(answer)}."
    elif ask == "area_rect":
        last = f"OMPN is a rectangle with sides OM = {num(abs(xp))} and MP = {num(abs(yp))}: its area is {num(answer)}."
    elif ask == "perimeter":
        last = (f"NP = {num(abs(xp))}, AN = {num(abs(yp - ya))} and AP = √({num(xp**2)} + {num((yp - ya) ** 2)}) = "
                f"{surd(sp.sqrt(xp**2 + (yp - ya) ** 2))}: the perimeter is "
                f"{num(abs(xp) + abs(yp - ya))} + {surd(sp.sqrt(xp**2 + (yp - ya) ** 2))}.")
    elif ask == "length_op":
        last = f"OP = √(OM² + MP²) = √({num(xp**2)} + {num(yp**2)}) = {surd(answer)}."
    elif ask == "length_am":
        last = f"AM = √(OM² + OA²) = √({num(xp**2)} + {num(ya**2)}) = {surd(answer)}."
    else:
        last = f"AP = √(NP² + AN²) = √({num(xp**2)} + {num((yp - ya) ** 2)}) = {surd(answer)}."
    return Draft(
        title="The graph of an exponential function and a point read off it",
        scene=scene,
        question=parts(["The graph meets the y-axis at A.", "P is a point of the graph."],
                       [f"the graph is {eq}", f"P has y-coordinate {num(yp)}"], ask_text, premises=premise),
        answer=answer,
        target=target,
        givens=[Given(Measure("y", ("P",)), yp)],
        reasoning=[
            "A is where x = 0; P is where the graph reaches the stated height, so its x-coordinate solves an "
            "exponential equation, which the perpendiculars from P to the axes read off.",
        ],
        conclusion=[
            f"At x = 0: y = {num(a)}·{base(b)}^({num(-h)}){_plus(d)} = {num(ya)}, so A = (0, {num(ya)}).",
            f"P: {exp_text(a, b, h, d)[4:]} = {num(yp)} gives {exp_text(1, b, h, 0)[4:]} = {num((yp - d) / a)} = "
            f"{num(b) if b.q == 1 else f'({num(b)})'}^{n if n > 0 else f'({num(n)})'}, so x = {num(xp)} and P = ({num(xp)}, {num(yp)}): PN = {num(abs(xp))}, AN = |{num(yp)} − {base(ya)}| = {num(abs(yp - ya))}.",
            last,
        ],
        difficulty=Difficulty(hops=3, constructions=2),
        params={"a": int(a), "b": str(b), "h": h, "d": d, "n": n, "ask": ask},
    )


def _log_curve(name: str, b: int, h, k, y0: int, y1: int, c: int = 1) -> Curve:
    """y = c·log_b(x − h) + k drawn as x = b^((t − k)/c) + h, y = t: evenly spaced in y, so the steep end is smooth."""
    return Curve(name, b ** ((T - k) / c) + h, T, sp.Integer(y0 - 1), sp.Integer(y1 + 1), X - h - b ** ((Y - k) / c),
                 label=log_text(b, h, k, c))


@register_generator("analytic.log_reflection", DOMAIN)
def log_reflection(rng: random.Random) -> Draft:
    """P on y = log_b(x − h) + k; its mirror image Q in y = x lies on the inverse y = b^(x − k) + h: PQ or area OPQ."""
    # PQ, the area of OPQ, P's distance PM to y = x, the area of the right triangle OPM, or O's distance OM to PQ
    ask = rng.choice(["length", "area", "distance", "area_opm", "om", "perimeter"])
    c = rng.choice([1, 1, -1])  # y = −log_b(x − h) + k: the falling graph, whose inverse falls too
    # P is given by its x-coordinate (evaluate the logarithm) or by its y-coordinate (solve for x: a power)
    given = rng.choice("xy")
    while True:
        b, h, k = rng.choice([2, 2, 3, 3, 4, 5]), rng.randint(-6, 6), rng.randint(-6, 6)
        m = rng.choice({2: [-3, -2, -1, 1, 2, 3], 3: [-2, -1, 1, 2], 4: [-1, 1], 5: [-1, 1]}[b])
        xp, yp = h + sp.Integer(b) ** m, sp.Integer(c * m + k)
        if abs(xp - yp) < 2 or max(abs(xp), abs(yp)) > 9 or 0 in (xp, yp) or xp == -yp:
            continue
        p, q = (xp, yp), (yp, xp)
        answer = {"area": abs(xp**2 - yp**2) / 2, "area_opm": abs(xp**2 - yp**2) / 4, "length": sp.sqrt(2) * abs(xp - yp),
                  "distance": sp.sqrt(2) * abs(xp - yp) / 2, "om": sp.sqrt(2) * abs(xp + yp) / 2,
                  "perimeter": 2 * sp.sqrt(xp**2 + yp**2) + sp.sqrt(2) * abs(xp - yp)}[ask]
        if ask == "om" and abs(xp + yp) < 2:
            continue  # PQ passes close to O: OM too short to draw and read
        x0, x1, y0, y1 = window([p, q, (h + 1, k - 2), (k - 2, h + 1)], pad=1.5, min_ratio=0.95)
        f = _log_curve("f", b, h, k, y0, y1, c)
        g = graph("g", b ** ((X - k) / c) + h, x0, x1, stated=False)
        claims = [OnCurve("P", "f"), OnCurve("Q", "g"), OnCurve("M", "l"), InverseOf("g", "f")]
        axes = CoordinatePlane(x0, x1, y0, y1, [f, g, graph("l", X, x0, x1)], claims)
        if not leaks(answer, axes) and max(x1 - x0, y1 - y0) <= 15:
            break
    segs = [Segment("P", "Q")] + {"area": [Segment("O", "P"), Segment("O", "Q")],
                                  "area_opm": [Segment("O", "P"), Segment("O", "M")], "om": [Segment("O", "M")],
                                  "perimeter": [Segment("O", "P"), Segment("O", "Q")]}.get(ask, [])
    scene = Scene(
        points={"P": p, "Q": q, "M": midpoint(p, q), "O": (sp.Integer(0), sp.Integer(0))},
        labeled=["P"],
        construction=Construction(
            "reflect P in the line y = x: draw PQ perpendicular to y = x, meeting it at M"
            + {"area": ", and join OP, OQ", "area_opm": ", and join OP, OM", "om": ", and join OM",
               "perimeter": ", and join OP, OQ"}.get(ask, ""),
            segments=segs, points=["Q", "M"], right_marks=[RightMark("P", "M", "O")],
        ),
        coordinate_plane=axes,
    )
    eq = log_text(b, h, k, c)
    ask_text = {"area": "the area of triangle OPQ", "length": "the length PQ", "distance": "the distance from P to the line y = x",
                "area_opm": "the area of the right triangle OPM", "om": "the distance from the origin O to the line PQ", "perimeter": "the perimeter of triangle OPQ"}[ask]
    if ask == "perimeter":
        last = (f"OQ = OP = √({base(xp)}² + {base(yp)}²) = {surd(sp.sqrt(xp**2 + yp**2))} (a reflection keeps distances "
                f"to O on y = x) and PQ = √2·|{num(xp)} − {base(yp)}| = {surd(sp.sqrt(2) * abs(xp - yp))}: the perimeter is "
                f"2·{surd(sp.sqrt(xp**2 + yp**2))} + {surd(sp.sqrt(2) * abs(xp - yp))}.")
    elif ask == "om":
        last = (f"PQ is perpendicular to y = x, so OM is the distance from O to PQ; M = (({num(xp)} + {num(yp)})/2, "
                f"({num(xp)} + {num(yp)})/2), so OM = √2·|{num(xp)} + {base(yp)}|/2 = {surd(answer)}.")
    elif ask == "area_opm":
        last = (f"OPM has a right angle at M, and M is the midpoint of PQ: area of OPM = ½·area of OPQ = "
                f"¼·|{base(xp)}² − {base(yp)}²| = {num(answer)}.")
    elif ask == "area":
        last = f"Area of OPQ = ½·|x_P·y_Q − x_Q·y_P| = ½·|{base(xp)}² − {base(yp)}²| = {num(answer)}."
    elif ask == "length":
        last = f"PQ = √(({num(xp)} − {num(yp)})² + ({num(yp)} − {num(xp)})²) = {surd(answer)}."
    else:
        last = f"PQ = √2·|{num(xp)} − {base(yp)}| = {surd(2 * answer)}, and M is its midpoint, so PM = PQ/2 = {surd(answer)}."
    return Draft(
        title="A logarithmic function, the line y = x and the inverse exponential function",
        scene=scene,
        question=parts(["The figure shows a graph, the line y = x and the graph of the inverse function.",
                        "P is a point of the first graph, and Q is the mirror image of P in the line y = x."],
                       [f"the first graph is {eq}", f"P has {given}-coordinate {num(xp if given == 'x' else yp)}"], ask_text,
                       premises={"area": "O is the origin.",
                                 "area_opm": "O is the origin, and M is where PQ meets the line y = x.",
                                 "om": "M is where PQ meets the line y = x.", "perimeter": "O is the origin."}.get(ask, ())),
        answer=answer,
        target={"area": Measure("area", ("O", "P", "Q")), "length": Measure("length", ("P", "Q")),
                "distance": Measure("length", ("P", "M")), "area_opm": Measure("area", ("O", "P", "M")),
                "om": Measure("length", ("O", "M")), "perimeter": Measure("perimeter", ("O", "P", "Q"))}[ask],
        givens=[Given(Measure(given, ("P",)), xp if given == "x" else yp)],
        reasoning=[
            "The graphs of a function and its inverse are mirror images in y = x, so reflecting P swaps its "
            "coordinates and lands on the inverse's graph.",
        ],
        conclusion=[
            f"At x = {num(xp)}: {log_text(b, h, k, c)[4:].replace('x', num(xp) if h else base(xp), 1)} = {num(yp)}, since {b}^{m} = "
            f"{num(xp - h)}; so P = ({num(xp)}, {num(yp)})." if given == "x" else
            f"At y = {num(yp)}: {log_text(b, h, k, c)[4:]} = {num(yp)} leaves the logarithm equal to "
            f"{'' if c > 0 else MINUS}({num(yp)} − ({num(k)})) = {m}, "
            f"so x − ({num(h)}) = {b}^{m if m > 0 else f'({num(m)})'} = {num(xp - h)}: x = {num(xp)}, and P = ({num(xp)}, {num(yp)}).",
            f"Reflecting in y = x swaps the coordinates: Q = ({num(yp)}, {num(xp)}), on {exp_text(1, sp.Integer(b) ** c, k, h)}.",
            last,
        ],
        difficulty=Difficulty(hops=3, constructions=2),
        params={"b": b, "c": c, "h": h, "k": k, "m": m, "ask": ask, "given": given},
    )
