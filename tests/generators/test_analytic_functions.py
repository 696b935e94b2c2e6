"""Exponential, logarithmic, trigonometric, circle and cubic generators: the answer verifier rejects a
broken sample of each, and the question's equations parse back to the drawn curves."""

import dataclasses
import re

import sympy as sp

from flywheel.domains.analytic_geometry.claims import InverseOf, Sinusoid
from flywheel.domains.analytic_geometry.verifiers import stated_equations, verify_analytic_answer
from flywheel.render.scene.coords import X, Y, graph
from flywheel.verify.registry import VerifyContext
from tests.conftest import rendered

NEW = ["analytic.exponential_reading", "analytic.log_reflection", "analytic.sine_reading", "analytic.circle_chord",
       "analytic.cubic_tangent"]


def _check(r):
    return verify_analytic_answer(VerifyContext("t", r, None, "not rendered", None, "analytic_geometry"))


def _with(r, **changes):
    return dataclasses.replace(r, draft=dataclasses.replace(r.draft, **changes))


def _with_plane(r, **changes):
    scene = r.draft.scene
    plane = dataclasses.replace(scene.coordinate_plane, _cache={}, **changes)
    return _with(r, scene=dataclasses.replace(scene, coordinate_plane=plane))


def test_equations_with_powers_logs_and_sines_parse_back():
    q = "The graph of y = 3·2ˣ⁻¹ + 1, the curve y = log₃(x + 2) − 1, the wave y = 5/2 sin(πx/4) and y = (1/2)ˣ."
    got = stated_equations(q)
    want = [Y - 3 * 2 ** (X - 1) - 1, Y - sp.log(X + 2) / sp.log(3) + 1, Y - sp.Rational(5, 2) * sp.sin(sp.pi * X / 4),
            Y - sp.Rational(1, 2) ** X]
    assert len(got) == 4
    for g, w in zip(got, want, strict=True):
        assert sp.simplify(g - w) == 0, (g, w)


def test_every_new_generator_rejects_a_wrong_answer():
    for name in NEW:
        r = rendered(name, 7)
        assert _check(r).passed
        assert not _check(_with(r, answer=r.draft.answer + sp.Rational(1, 3))).passed, name


def test_exponential_rejects_a_stated_height_the_figure_does_not_have():
    r = rendered("analytic.exponential_reading", 4)
    q = re.sub(r"y-coordinate (−?\d+)", lambda m: f"y-coordinate {m.group(1)}1", r.draft.question)
    check = _check(_with(r, question=q))
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
    q = re.sub(r"= (−?\d+) meets", lambda m: f"= {int(m.group(1).replace('−', '-')) + 1} meets", r.draft.question)
    assert q != r.draft.question
    check = _check(_with(r, question=q))
    assert not check.passed and "states no equation" in check.reason


def test_cubic_rejects_a_line_that_is_not_the_tangent():
    r = rendered("analytic.cubic_tangent", 5)
    scene = r.draft.scene
    qx, qy = scene.points["Q"]
    moved = dataclasses.replace(scene, points={**scene.points, "Q": (qx + 1, qy)})
    check = _check(_with(r, scene=moved))
    assert not check.passed and "Q" in check.reason
