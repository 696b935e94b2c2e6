"""Analytic-geometry domain: exact generators, the domain's answer and image verifiers, the tool edits."""

from __future__ import annotations

import dataclasses
import io
import re

import numpy as np
import pytest
import sympy as sp
from PIL import Image

from flywheel.domains import generator_names
from flywheel.domains.analytic_geometry.plot import graph_text, poly_text
from flywheel.domains.analytic_geometry.verifiers import (
    stated_equations,
    verify_analytic_answer,
    verify_analytic_image,
)
from flywheel.knowledge.seeds import load_seeds
from flywheel.render.scene.coords import X, Y
from flywheel.render.scene.measure import agrees, measure_exact
from flywheel.run.build import execute
from flywheel.verify.registry import run_verifiers
from tests.conftest import rendered

ANALYTIC = [g for g in generator_names() if g.startswith("analytic.")]


def _verdicts(r):
    ctx, _ = execute("t", r, None, "analytic_geometry")
    return ctx, {v.verifier: v for v in run_verifiers(ctx)}


def test_five_knowledge_points_each_with_its_own_generator():
    nodes = [n for n in load_seeds() if n.domain == "analytic_geometry"]
    assert len(nodes) >= 5 and len(ANALYTIC) >= 5
    assert {n.generator for n in nodes} == set(ANALYTIC)


@pytest.mark.parametrize("name", ANALYTIC)
def test_answer_is_exact_and_the_answer_verifier_agrees_over_30_seeds(name):
    for seed in range(30):
        r = rendered(name, seed)
        d = r.draft
        assert agrees(d.scene, d.target, d.answer), (seed, measure_exact(d.scene, d.target), d.answer)
        check = verify_analytic_answer(_no_render(r))  # it reads the draft and the trace, not the pixels
        assert check.passed, (seed, check.reason)


@pytest.mark.parametrize("name", ANALYTIC)
def test_every_verifier_passes_on_rendered_samples(name):
    for seed in (0, 1, 2):
        _, verdicts = _verdicts(rendered(name, seed))
        failed = {k: v.reason for k, v in verdicts.items() if not v.passed}
        assert not failed, (seed, failed)
        assert {"answer.analytic_geometry", "image.analytic_geometry", "image", "tool"} <= set(verdicts)
        assert "answer" not in verdicts  # the plane-geometry answer check does not judge this domain


def _no_render(r):
    from flywheel.verify.registry import VerifyContext

    return VerifyContext("t", r, None, "not rendered", None, "analytic_geometry")


def _with(r, **draft_changes):
    return dataclasses.replace(r, draft=dataclasses.replace(r.draft, **draft_changes))


def test_answer_verifier_rejects_a_wrong_answer_and_a_trace_that_disagrees():
    r = rendered("analytic.area_parabola_line", 4)
    wrong = _with(r, answer=r.draft.answer + sp.Rational(1, 3))
    assert not verify_analytic_answer(_no_render(wrong)).passed
    bad_trace = dataclasses.replace(r, cot=re.sub(r"<answer>.*</answer>", "<answer>7</answer>", r.cot))
    assert "trace" in verify_analytic_answer(_no_render(bad_trace)).reason


def test_answer_verifier_rejects_givens_that_do_not_match_the_figure():
    r = rendered("analytic.tangent_length", 2)
    q = r.draft.question
    x0 = r.draft.scene.points["P"][0]
    moved = re.sub(r"P\((−?\d+)", lambda m: f"P({int(x0) + 1}".replace("-", "−"), q)
    assert moved != q
    check = verify_analytic_answer(_no_render(_with(r, question=moved)))
    assert not check.passed and "x-coordinate of P" in check.reason
    f = r.draft.scene.coordinate_plane.curve("f").y.subs(sp.Symbol("t", real=True), X)
    other = q.replace(graph_text(f), graph_text(f + 1))
    check = verify_analytic_answer(_no_render(_with(r, question=other)))
    assert not check.passed and "states no equation" in check.reason


def test_answer_verifier_rejects_a_point_that_is_not_where_the_figure_claims():
    r = rendered("analytic.parabola_vertex_triangle", 1)
    scene = r.draft.scene
    (hx, k) = scene.points["V"]
    shifted = dataclasses.replace(scene, points={**scene.points, "V": (hx + 1, k)})
    shifted.__dict__.pop("_floats", None)
    check = verify_analytic_answer(_no_render(_with(r, scene=shifted)))
    assert not check.passed and "V" in check.reason


def test_stated_equations_parse_the_question_text_back():
    f = -X**2 / 2 + sp.Rational(3, 2) * X - 4
    assert poly_text(f) == "−x²/2 + 3x/2 − 4"
    (eq,) = stated_equations(f"The parabola {graph_text(f)} meets the x-axis at A.")
    assert sp.simplify(eq - (Y - f)) == 0
    (ell,) = stated_equations("The ellipse x²/25 + y²/9 = 1 has foci F₁ and F₂.")
    assert sp.simplify(ell - (X**2 / 25 + Y**2 / 9 - 1)) == 0


def test_image_check_rejects_a_tampered_curve_and_a_mislabelled_tick():
    r = rendered("analytic.parabola_vertex_triangle", 3)
    ctx, verdicts = _verdicts(r)
    assert verdicts["image.analytic_geometry"].passed
    # Lift every curve vertex by 0.3 units: the image still looks like a parabola, but the wrong one.
    def lift(m):
        ys = ", ".join(str(round(float(v) + 0.3, 3)) for v in m.group(2).split(", "))
        return f"Line2D([{m.group(1)}], [{ys}], color"
    tampered = re.sub(r"Line2D\(\[([^\]]*)\], \[([^\]]*)\], color", lift, r.image_code)
    assert tampered != r.image_code
    ctx2, _ = execute("t", dataclasses.replace(r, image_code=tampered), None, "analytic_geometry")
    check = verify_analytic_image(ctx2)
    assert not check.passed and "curve f" in check.reason
    tick = next(t for t in r.layout.plane_texts if t.tick)
    relabelled = r.image_code.replace(f", {tick.text!r}, fontsize=10", ", '7', fontsize=10", 1)
    ctx3, _ = execute("t", dataclasses.replace(r, image_code=relabelled), None, "analytic_geometry")
    check = verify_analytic_image(ctx3)
    assert not check.passed and "'7'" in check.reason, check.reason


def _red(png: bytes) -> np.ndarray:
    rgb = np.asarray(Image.open(io.BytesIO(png)).convert("RGB")).astype(int)
    return (rgb[..., 0] > 150) & (rgb[..., 1] < 110) & (rgb[..., 2] < 110)


def test_tangent_tool_draws_through_p_to_t_on_the_x_axis():
    r = rendered("analytic.tangent_length", 5)
    ctx, _ = execute("t", r, None, "analytic_geometry")
    red = _red(ctx.tool.png)
    assert not _red(ctx.render.png).any()
    pts = r.draft.scene.floats()
    for name in ("T", "P", "H"):
        x, y = (int(round(v)) for v in r.layout.to_px(*pts[name]))
        assert red[y - 4 : y + 5, x - 4 : x + 5].any(), name
    # T is where the tangent at P meets y = 0: its pixel row is the x-axis row.
    assert abs(r.layout.to_px(*pts["T"])[1] - r.layout.to_px(0, 0)[1]) < 0.5


def test_hatch_tool_fills_the_region_between_the_curves_and_nothing_outside():
    r = rendered("analytic.area_parabola_line", 6)
    ctx, _ = execute("t", r, None, "analytic_geometry")
    red = _red(ctx.tool.png)
    scene, lay = r.draft.scene, r.layout
    a, b = scene.floats()["A"], scene.floats()["B"]
    plane = scene.coordinate_plane
    xm = (a[0] + b[0]) / 2
    ys = [float(c.y.subs(sp.Symbol("t", real=True), xm)) for c in plane.curves]
    mid = lay.to_px(xm, sum(ys) / 2)
    assert red[int(mid[1]) - 6 : int(mid[1]) + 7, int(mid[0]) - 6 : int(mid[0]) + 7].any()
    outside = lay.to_px(xm, max(ys) + 1.5)
    assert not red[int(outside[1]) - 6 : int(outside[1]) + 7, int(outside[0]) - 6 : int(outside[0]) + 7].any()
