"""Expansion steps and recipe ops: exact answers, stated givens, and surface variants that stay the same problem."""

from __future__ import annotations

import pytest
import sympy as sp

from flywheel.domains import get_generator
from flywheel.domains.evolution import apply_ops
from flywheel.domains.plane_geometry.steps import STEPS, StepFailed, statement, target_kind
from flywheel.domains.plane_geometry.variants import relabel
from flywheel.render.draft import draw, render
from flywheel.run.build import execute
from flywheel.verify.duplicate import question_key
from flywheel.verify.registry import run_verifiers

BASES = {"length": "plane.pythagoras", "angle": "plane.parallel_transversal", "area3": "plane.triangle_area_altitude"}


def verdicts(draft):
    ctx, _ = execute("t", render(draft), None, "plane_geometry")
    return {v.verifier: v for v in run_verifiers(ctx)}


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
        v = verdicts(d)
        assert all(x.passed for x in v.values()), {k: x.reason for k, x in v.items() if not x.passed}
        assert d.difficulty.hops == base.difficulty.hops + 1 and d.difficulty.depth == base.difficulty.depth + 1
        assert d.difficulty.score > base.difficulty.score
        assert d.question.startswith(statement(base.question)) and d.question != base.question
        assert d.target != base.target and d.params["ops"] == [["extend", step, d.params["ops"][0][2]]]


def test_right_triangle_answer_is_the_hypotenuse_over_the_old_answer():
    base, d = next((b, d) for b, d in (extended("right_triangle", s) for s in range(10)) if d)
    k = d.givens[-1].value  # the new leg stated in the question
    assert sp.simplify(d.answer**2 - (base.answer**2 + k**2)) == 0
    assert f"= {k}." in d.question


def test_a_wrong_extended_answer_is_caught_by_the_answer_verifier():
    _, d = next((b, d) for b, d in (extended("law_of_cosines", s) for s in range(10)) if d)
    from dataclasses import replace

    broken = replace(d, answer=d.answer + 1)
    assert not verdicts(broken)["answer.plane_geometry"].passed


def test_distractor_keeps_the_answer_and_adds_an_element():
    base = draw(get_generator("plane.pythagoras").fn, 4)
    d = apply_ops(base, [("distract", 9)], "plane_geometry")
    assert d.answer == base.answer and d.difficulty.distractors == 1
    assert len(d.scene.labeled) == len(base.scene.labeled) + 1
    assert all(v.passed for v in verdicts(d).values())


def test_vary_is_the_same_problem_in_a_new_surface_form():
    base = draw(get_generator("plane.law_of_cosines").fn, 2)
    d = apply_ops(base, [("vary", 5)], "plane_geometry")
    assert d.answer == base.answer and d.question != base.question
    assert question_key(d.question) == question_key(base.question), "a relabelled copy is a near-duplicate"
    assert all(v.passed for v in verdicts(d).values())


def test_relabel_renames_points_in_scene_measures_and_text():
    base = draw(get_generator("plane.pythagoras").fn, 1)
    d = relabel(base, {"B": "Q", "C": "R"})
    assert set(d.scene.points) == {"A", "Q", "R", "D"}
    assert d.target.points == ("A", "R") and "AQ" in d.question and "B" not in d.question.replace("By", "")


def test_target_kinds_route_steps():
    assert target_kind(draw(get_generator("plane.pythagoras").fn, 0)) == "length"
    assert target_kind(draw(get_generator("plane.inscribed_angle").fn, 0)) == "angle"
    assert target_kind(draw(get_generator("plane.parallelogram_area").fn, 0)) is None
