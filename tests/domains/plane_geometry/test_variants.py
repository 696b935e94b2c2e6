"""Recipe ops of evolution: a distractor keeps the answer and adds an element; a variation or a relabel
is the same problem in a new surface form."""

from __future__ import annotations

import re

from flywheel.domains import get_generator
from flywheel.domains.evolution import apply_ops
from flywheel.domains.plane_geometry.steps import statement
from flywheel.domains.plane_geometry.variants import relabel
from flywheel.render.draft import draw, render
from flywheel.verify.duplicate import question_key
from tests.conftest import verdicts


def test_distractor_keeps_the_answer_and_adds_an_element():
    base = draw(get_generator("plane.pythagoras").fn, 4)
    d = apply_ops(base, [("distract", 9)], "plane_geometry")
    assert d.answer == base.answer and d.difficulty.distractors == 1
    assert len(d.scene.labeled) == len(base.scene.labeled) + 1
    assert all(v.passed for v in verdicts(render(d)).values())


def test_a_distractor_states_a_number_the_solver_must_rule_out_and_the_verifier_measures_it():
    stated = 0
    for seed in range(6):
        base = draw(get_generator("plane.triangle_area_altitude").fn, seed)
        d = apply_ops(base, [("distract", seed)], "plane_geometry")
        new = d.scene.labeled[-1]
        added = d.question[len(statement(base.question)):]
        # a length (verified against the scene like every given) or a ratio about the new point
        assert re.search(rf"{new}\w* = \d|: {new}", added) or re.search(rf"{new}\w* : ", added), added
        stated += len(d.givens) - len(base.givens)
        assert all(v.passed for v in verdicts(render(d)).values())
    assert stated >= 3, "most distractors state a length, checked by the answer verifier"


def test_vary_is_the_same_problem_in_a_new_surface_form():
    base = draw(get_generator("plane.law_of_cosines").fn, 2)
    d = apply_ops(base, [("vary", 5)], "plane_geometry")
    assert d.answer == base.answer and d.question != base.question
    assert question_key(d.question) == question_key(base.question), "a relabelled copy is a near-duplicate"
    assert all(v.passed for v in verdicts(render(d)).values())


def test_relabel_renames_points_in_scene_measures_and_text():
    base = next(d for d in (draw(get_generator("plane.pythagoras").fn, s) for s in range(30)) if d.target.points == ("A", "C"))
    d = relabel(base, {"B": "Q", "C": "R"})
    assert set(d.scene.points) == {"A", "Q", "R", "D"}
    assert d.target.points == ("A", "R") and "AQ" in d.question and "B" not in d.question.replace("By", "")
