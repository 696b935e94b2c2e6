"""Recipe ops of evolution: a distractor keeps the answer and adds an element; a variation or a relabel
is the same problem in a new surface form."""

from __future__ import annotations

from flywheel.domains import get_generator
from flywheel.domains.evolution import apply_ops
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


def test_vary_is_the_same_problem_in_a_new_surface_form():
    base = draw(get_generator("plane.law_of_cosines").fn, 2)
    d = apply_ops(base, [("vary", 5)], "plane_geometry")
    assert d.answer == base.answer and d.question != base.question
    assert question_key(d.question) == question_key(base.question), "a relabelled copy is a near-duplicate"
    assert all(v.passed for v in verdicts(render(d)).values())


def test_relabel_renames_points_in_scene_measures_and_text():
    base = draw(get_generator("plane.pythagoras").fn, 1)
    d = relabel(base, {"B": "Q", "C": "R"})
    assert set(d.scene.points) == {"A", "Q", "R", "D"}
    assert d.target.points == ("A", "R") and "AQ" in d.question and "B" not in d.question.replace("By", "")
