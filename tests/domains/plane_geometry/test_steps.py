"""Plane-geometry expansion steps: each extends a base problem into a verified harder one, with an exact
answer and its new given stated; target kinds route the steps."""

from __future__ import annotations

from dataclasses import replace

import pytest
import sympy as sp

from flywheel.domains import get_generator
from flywheel.domains.evolution import apply_ops
from flywheel.domains.plane_geometry.steps import STEPS, StepFailed, target_kind
from flywheel.render.draft import draw, render
from tests.conftest import failures, verdicts

BASES = {"length": "plane.pythagoras", "angle": "plane.parallel_transversal", "area3": "plane.triangle_area_altitude"}


def extended(step: str, seed: int):
    s = STEPS.get(step)
    base = draw(get_generator(BASES[next(iter(s.reads))]).fn, seed)
    try:
        return base, apply_ops(base, [("extend", step, seed)], "plane_geometry")
    except StepFailed:
        return base, None


@pytest.mark.parametrize("step", ["right_triangle", "law_of_cosines", "altitude_from_area", "angle_sum"])
def test_each_step_gives_a_verified_harder_problem(step):
    made = [(b, d) for b, d in (extended(step, seed) for seed in range(12)) if d is not None]
    assert len(made) >= 3, "the step should fit most parents"
    for base, d in made[:4]:
        v = verdicts(render(d))
        assert not failures(v), failures(v)
        assert d.difficulty.hops == base.difficulty.hops + 1 and d.difficulty.depth == base.difficulty.depth + 1
        assert d.difficulty.score > base.difficulty.score
        # the parent's statement stays (its givens, its facts), the step adds its sentence and a new ask
        assert all(g.text in d.question for g in base.text.givens) and all(f in d.question for f in base.text.facts)
        assert d.text.ask != base.text.ask and d.question != base.question and len(d.text.premises) >= len(base.text.premises)
        assert d.target != base.target and d.params["ops"] == [["extend", step, d.params["ops"][0][2]]]


def test_right_triangle_answer_is_the_hypotenuse_over_the_old_answer():
    base, d = next((b, d) for b, d in (extended("right_triangle", s) for s in range(10)) if d)
    k = d.givens[-1].value  # the new leg stated in the question
    assert sp.simplify(d.answer**2 - (base.answer**2 + k**2)) == 0
    assert f"= {k}." in d.question


def test_a_wrong_extended_answer_is_caught_by_the_answer_verifier():
    _, d = next((b, d) for b, d in (extended("law_of_cosines", s) for s in range(10)) if d)
    broken = replace(d, answer=d.answer + 1)
    assert not verdicts(render(broken))["answer.plane_geometry"].passed


def test_target_kinds_route_steps():
    # A generator asks different quantities on different seeds; the kind is the drawn problem's.
    rect = [draw(get_generator("plane.pythagoras").fn, s) for s in range(12)]
    assert {target_kind(d) for d in rect} == {"length", None}
    assert all((target_kind(d) == "length") == (d.target.kind == "length") for d in rect)
    assert {target_kind(draw(get_generator("plane.inscribed_angle").fn, s)) for s in range(6)} == {"angle"}
    para = [draw(get_generator("plane.parallelogram_area").fn, s) for s in range(12)]
    assert {target_kind(d) for d in para} == {None, "length-aux"}  # the area, or the height DH to a new point


def test_a_step_refuses_a_problem_whose_target_it_does_not_extend():
    area = next(d for d in (draw(get_generator("plane.pythagoras").fn, s) for s in range(20)) if target_kind(d) is None)
    with pytest.raises(StepFailed, match="extends"):
        apply_ops(area, [("extend", "right_triangle", 1)], "plane_geometry")
