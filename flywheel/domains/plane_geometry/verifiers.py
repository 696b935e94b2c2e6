"""Plane geometry's answer verifier: re-measure the target and the givens numerically from the scene coordinates.

It never reuses the generator's formula: lengths, angles and areas are measured with plain float
geometry on the points, then compared with the exact answer and with the answer string parsed back.
"""

from __future__ import annotations

import re

import sympy as sp

from flywheel.domains.plane_geometry import DOMAIN
from flywheel.domains.registry import domain_verifier
from flywheel.verify.answer import answer_text_problem, close, measure
from flywheel.verify.registry import Check, VerifyContext


def _stated(question: str, value: sp.Expr) -> bool:
    """An integer given must appear in the question as that number (not, say, a neighbour)."""
    if not value.is_Integer:
        return True
    return re.search(rf"(?<![\d.]){int(value)}(?!\d|[./]\d)", question) is not None


@domain_verifier(DOMAIN, "answer", kinds=["interaction"])
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
