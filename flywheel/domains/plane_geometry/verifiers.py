"""Answer verifier: re-measure the target and the givens numerically from the scene coordinates.

It never reuses the generator's formula: lengths, angles and areas are measured with plain float
geometry on the points, then compared with the exact answer and with the answer string parsed back.
"""

from __future__ import annotations

import math
import re

import sympy as sp

from flywheel.core.answers import answer_value
from flywheel.render.scene.model import Measure
from flywheel.verify.registry import Check, VerifyContext, register_verifier

REL_TOL = 1e-7


def measure(points: dict[str, tuple[float, float]], m: Measure) -> float:
    p = [points[n] for n in m.points]
    if m.kind == "length":
        return math.dist(p[0], p[1])
    if m.kind == "angle":
        a = math.atan2(p[0][1] - p[1][1], p[0][0] - p[1][0])
        b = math.atan2(p[2][1] - p[1][1], p[2][0] - p[1][0])
        d = abs(a - b) % (2 * math.pi)
        return math.degrees(min(d, 2 * math.pi - d))
    if m.kind == "area":
        s = sum(x1 * y2 - x2 * y1 for (x1, y1), (x2, y2) in zip(p, p[1:] + p[:1], strict=True))
        return abs(s) / 2
    if m.kind == "perimeter":
        return sum(math.dist(a, b) for a, b in zip(p, p[1:] + p[:1], strict=True))
    raise ValueError(f"unknown measure kind {m.kind!r}")


def close(a: float, b: float) -> bool:
    return abs(a - b) <= REL_TOL * max(1.0, abs(a), abs(b))


def _stated(question: str, value: sp.Expr) -> bool:
    """An integer given must appear in the question as that number (not, say, a neighbour)."""
    if not value.is_Integer:
        return True
    return re.search(rf"(?<![\d.]){int(value)}(?!\d|[./]\d)", question) is not None


def answer_text_problem(ctx: VerifyContext, value: float) -> str | None:
    """Shared by every domain's answer verifier: the answer string parses back to `value`, and the
    trace ends on exactly that answer."""
    d = ctx.rendered.draft
    parsed = answer_value(d.answer_latex)
    if parsed is None or not close(parsed, value):
        return f"answer string {d.answer_latex!r} does not parse back to {value:.6g}"
    tail = re.search(r"<answer>(.*?)</answer>\s*$", ctx.rendered.cot, re.S)
    if not tail or tail.group(1).strip() != d.answer_latex:
        return "the trace's <answer> differs from the answer"
    return None


@register_verifier("answer", domains=["plane_geometry"], kinds=["interaction"])
def verify_answer(ctx: VerifyContext) -> Check:
    d = ctx.rendered.draft
    pts = d.scene.floats()
    got = measure(pts, d.target)
    exact = float(d.answer)
    if not close(got, exact):
        return Check(False, f"{d.target.describe()} measures {got:.6g} in the scene but the answer is {exact:.6g}")
    problem = answer_text_problem(ctx, exact)
    if problem:
        return Check(False, problem)
    for g in d.givens:
        m = measure(pts, g.measure)
        if not close(m, float(g.value)):
            return Check(False, f"given {g.measure.describe()} = {g.value} but the scene measures {m:.6g}")
        if not _stated(d.question, g.value):
            return Check(False, f"given {g.measure.describe()} = {g.value} is not stated in the question")
    return Check(True, f"{d.target.describe()} re-measured {got:.6g} = {d.answer_latex}; {len(d.givens)} givens match")
