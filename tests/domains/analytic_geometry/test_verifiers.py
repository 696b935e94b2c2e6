"""Analytic-geometry verifiers: the answer verifier re-derives the answer from the drawn curves and
rejects broken samples of every generator; the question's equations parse back to the drawn curves;
the image check finds a tampered curve or tick in the pixels."""

import dataclasses
import re

import sympy as sp

from flywheel.domains.analytic_geometry.claims import InverseOf, Sinusoid
from flywheel.domains.analytic_geometry.plot import graph_text, poly_text
from flywheel.domains.analytic_geometry.verifiers import (
    stated_equations,
    verify_analytic_answer,
    verify_analytic_image,
)
from flywheel.render.scene.coords import X, Y, graph
from flywheel.run.build import execute
from tests.conftest import rendered, unrendered, verdicts, with_draft

DOMAIN = "analytic_geometry"
FUNCTIONS = ["analytic.exponential_reading", "analytic.log_reflection", "analytic.sine_reading", "analytic.circle_chord",
             "analytic.cubic_tangent"]


def _check(r):
    return verify_analytic_answer(unrendered(r, DOMAIN))


def _with_plane(r, **changes):
    scene = r.draft.scene
    plane = dataclasses.replace(scene.coordinate_plane, _cache={}, **changes)
    return with_draft(r, scene=dataclasses.replace(scene, coordinate_plane=plane))


# -- the question's equations --------------------------------------------------------------------------
def test_stated_equations_parse_the_question_text_back():
    f = -X**2 / 2 + sp.Rational(3, 2) * X - 4
    assert poly_text(f) == "−x²/2 + 3x/2 − 4"
    (eq,) = stated_equations(f"The parabola {graph_text(f)} meets the x-axis at A.")
    assert sp.simplify(eq - (Y - f)) == 0
    (ell,) = stated_equations("The ellipse x²/25 + y²/9 = 1 has foci F₁ and F₂.")
    assert sp.simplify(ell - (X**2 / 25 + Y**2 / 9 - 1)) == 0


def test_equations_with_powers_logs_and_sines_parse_back():
    q = "The graph of y = 3·2ˣ⁻¹ + 1, the curve y = log₃(x + 2) − 1, the wave y = 5/2 sin(πx/4) and y = (1/2)ˣ."
    got = stated_equations(q)
    want = [Y - 3 * 2 ** (X - 1) - 1, Y - sp.log(X + 2) / sp.log(3) + 1, Y - sp.Rational(5, 2) * sp.sin(sp.pi * X / 4),
            Y - sp.Rational(1, 2) ** X]
    assert len(got) == 4
    for g, w in zip(got, want, strict=True):
        assert sp.simplify(g - w) == 0, (g, w)


# -- the answer verifier -----------------------------------------------------------------------------
def test_answer_verifier_rejects_a_wrong_answer_and_a_trace_that_disagrees():
    r = rendered("analytic.area_parabola_line", 4)
    wrong = with_draft(r, answer=r.draft.answer + sp.Rational(1, 3))
    assert not _check(wrong).passed
    bad_trace = dataclasses.replace(r, cot=re.sub(r"<answer>.*</answer>", "<answer>7</answer>", r.cot))
    assert "trace" in _check(bad_trace).reason


def test_every_function_generator_rejects_a_wrong_answer():
    for name in FUNCTIONS:
        r = rendered(name, 7)
        assert _check(r).passed
        assert not _check(with_draft(r, answer=r.draft.answer + sp.Rational(1, 3))).passed, name


def test_answer_verifier_rejects_givens_that_do_not_match_the_figure():
    r = rendered("analytic.tangent_length", 2)
    q = r.draft.question
    x0 = r.draft.scene.points["P"][0]
    moved = re.sub(r"(P(?: is the point )?\()(−?\d+)", lambda m: f"{m.group(1)}{int(x0) + 1}".replace("-", "−"), q)
    assert moved != q
    check = _check(with_draft(r, question=moved))
    assert not check.passed and "x-coordinate of P" in check.reason
    f = r.draft.scene.coordinate_plane.curve("f").y.subs(sp.Symbol("t", real=True), X)
    other = q.replace(graph_text(f), graph_text(f + 1))
    check = _check(with_draft(r, question=other))
    assert not check.passed and "states no equation" in check.reason


def test_answer_verifier_rejects_a_point_that_is_not_where_the_figure_claims():
    r = rendered("analytic.parabola_vertex_triangle", 1)
    scene = r.draft.scene
    (hx, k) = scene.points["V"]
    shifted = dataclasses.replace(scene, points={**scene.points, "V": (hx + 1, k)})
    shifted.__dict__.pop("_floats", None)
    check = _check(with_draft(r, scene=shifted))
    assert not check.passed and "V" in check.reason


def test_exponential_rejects_a_stated_height_the_figure_does_not_have():
    r = rendered("analytic.exponential_reading", 4)
    q = re.sub(r"y-coordinate (−?\d+)", lambda m: f"y-coordinate {m.group(1)}1", r.draft.question)
    check = _check(with_draft(r, question=q))
    assert not check.passed and "y-coordinate of P" in check.reason


def test_log_rejects_a_drawn_inverse_that_is_not_the_mirror_image():
    r = rendered("analytic.log_reflection", 2)
    plane = r.draft.scene.coordinate_plane
    g = plane.curve("g")
    shifted = graph("g", g.y.subs(sp.Symbol("t", real=True), X) + 1, g.t0, g.t1, stated=False)
    check = _check(_with_plane(r, curves=[c if c.name != "g" else shifted for c in plane.curves]))
    assert not check.passed and "g" in check.reason
    assert any(isinstance(c, InverseOf) for c in plane.claims)


def test_sine_rejects_a_wave_whose_period_does_not_match_the_marked_points():
    r = rendered("analytic.sine_reading", 3)
    plane = r.draft.scene.coordinate_plane
    f = plane.curve("f")
    t = sp.Symbol("t", real=True)
    stretched = graph("f", f.y.subs(t, X * sp.Rational(9, 10)), f.t0, f.t1, stated=False)
    check = _check(_with_plane(r, curves=[stretched]))
    assert not check.passed and "f" in check.reason
    # The wave claim alone: marked points kept on the drawn curve, the period still off.
    only = [c for c in plane.claims if isinstance(c, Sinusoid)]
    check = _check(_with_plane(r, curves=[stretched], claims=only))
    assert not check.passed and "sine wave" in check.reason


def test_circle_rejects_a_question_whose_line_is_not_the_drawn_one():
    r = rendered("analytic.circle_chord", 2)
    q = re.sub(r"= (−?\d+) and the circle", lambda m: f"= {int(m.group(1).replace('−', '-')) + 1} and the circle",
               r.draft.question)
    assert q != r.draft.question
    check = _check(with_draft(r, question=q))
    assert not check.passed and "states no equation" in check.reason


def test_cubic_rejects_a_line_that_is_not_the_tangent():
    r = rendered("analytic.cubic_tangent", 5)
    scene = r.draft.scene
    qx, qy = scene.points["Q"]
    moved = dataclasses.replace(scene, points={**scene.points, "Q": (qx + 1, qy)})
    check = _check(with_draft(r, scene=moved))
    assert not check.passed and "Q" in check.reason


# -- the image check ---------------------------------------------------------------------------------
def test_image_check_rejects_a_tampered_curve_and_a_mislabelled_tick():
    r = rendered("analytic.parabola_vertex_triangle", 3)
    assert verdicts(r, DOMAIN)["image.analytic_geometry"].passed
    # Lift every curve vertex by 0.3 units: the image still looks like a parabola, but the wrong one.
    def lift(m):
        ys = ", ".join(str(round(float(v) + 0.3, 3)) for v in m.group(2).split(", "))
        return f"Line2D([{m.group(1)}], [{ys}], color"
    tampered = re.sub(r"Line2D\(\[([^\]]*)\], \[([^\]]*)\], color", lift, r.image_code)
    assert tampered != r.image_code
    ctx2, _ = execute("t", dataclasses.replace(r, image_code=tampered), None, DOMAIN)
    check = verify_analytic_image(ctx2)
    assert not check.passed and "curve f" in check.reason
    tick = next(t for t in r.layout.plane_texts if t.tick)
    relabelled = r.image_code.replace(f", {tick.text!r}, fontsize=10", ", '7', fontsize=10", 1)
    ctx3, _ = execute("t", dataclasses.replace(r, image_code=relabelled), None, DOMAIN)
    check = verify_analytic_image(ctx3)
    assert not check.passed and "'7'" in check.reason, check.reason
