"""The toy domain's own verifiers: the answer re-measured on the points, every labelled point drawn."""

from __future__ import annotations

from flywheel.domains.registry import domain_verifier
from flywheel.verify.answer import answer_text_problem, close, measure
from flywheel.verify.registry import Check, VerifyContext
from tests.domains.toy import DOMAIN


@domain_verifier(DOMAIN, "answer", kinds=["interaction"])
def verify_toy_answer(ctx: VerifyContext) -> Check:
    d = ctx.rendered.draft
    pts = d.scene.floats()
    got = measure(pts, d.target)
    if not close(got, float(d.answer)):
        return Check(False, f"{d.target.describe()} measures {got:.6g}, the answer is {float(d.answer):.6g}", code="mismatch")
    for g in d.givens:
        if not close(measure(pts, g.measure), float(g.value)):
            return Check(False, f"given {g.measure.describe()} = {g.value} is not what the scene measures", code="given")
    problem = answer_text_problem(ctx, float(d.answer))
    return Check(False, problem, code="text") if problem else Check(True, f"{d.target.describe()} re-measured {got:.6g}")


@domain_verifier(DOMAIN, "image")
def verify_toy_image(ctx: VerifyContext) -> Check:
    if ctx.render is None:
        return Check(False, ctx.render_error or "the figure did not render", code="render")
    scene, lay = ctx.rendered.draft.scene, ctx.rendered.layout
    dark = ctx.render.rgb.min(axis=2)
    for name in scene.labeled:
        x, y = (int(round(v)) for v in lay.to_px(*scene.floats()[name]))
        if dark[y - 1 : y + 2, x - 1 : x + 2].min() > 80:
            return Check(False, f"point {name} is not drawn where the scene puts it", code="missing")
    return Check(True, f"all {len(scene.labeled)} labelled points drawn")
