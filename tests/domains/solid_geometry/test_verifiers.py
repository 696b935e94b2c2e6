"""Solid-geometry verifiers: the answer verifier measures in the solid and rejects wrong answers, misstated
givens and figures that are not the solid; the image check wants exactly the hidden edges dashed."""

from __future__ import annotations

import dataclasses

from flywheel.domains.solid_geometry.verifiers import verify_solid_image
from flywheel.render.scene.solid import Edges, SolidScene
from tests.conftest import rendered, with_draft
from tests.domains.solid_geometry.test_generators import answer_check, context


def test_answer_verifier_rejects_a_wrong_answer():
    r = rendered("solid.pyramid_volume", 3)
    wrong = with_draft(r, answer=r.draft.answer + 1)
    check = answer_check(wrong)
    assert not check.passed and "measured in the solid" in check.reason


def test_answer_verifier_rejects_a_question_that_misstates_the_figure():
    r = rendered("solid.space_diagonal", 4)
    a = r.draft.params["a"]
    bad = with_draft(r, question=r.draft.question.replace(f"AB = {a},", f"AB = {a + 1},"))
    check = answer_check(bad)
    assert not check.passed and "does not state AB" in check.reason


def test_answer_verifier_rejects_a_given_the_solid_does_not_have():
    r = rendered("solid.cone_volume", 2)
    d = r.draft
    g = d.givens[0]
    wrong_given = dataclasses.replace(g, value=g.value + 1)
    q = d.question.replace(f"SA = {g.value}", f"SA = {g.value + 1}")
    bad = with_draft(r, givens=[wrong_given, *d.givens[1:]], question=q)
    check = answer_check(bad)
    assert not check.passed and "but the solid has" in check.reason


def test_answer_verifier_rejects_a_figure_that_is_not_the_solid():
    r = rendered("solid.cube_section", 1)
    scene = r.draft.scene
    x, y = scene.points["G"]
    moved = dataclasses.replace(scene, points={**scene.points, "G": (x + 1, y)})
    check = answer_check(with_draft(r, scene=moved))
    assert not check.passed and "point G is not drawn where the solid has it" in check.reason


def test_image_check_rejects_hidden_edges_drawn_solid():
    r = rendered("solid.space_diagonal", 5)
    assert verify_solid_image(context(r, tool=False)).passed
    tampered = r.image_code.replace(", linestyles='--'", "")
    check = verify_solid_image(context(r, tampered, tool=False))
    assert not check.passed and "is hidden but is not drawn dashed" in check.reason


def test_image_check_rejects_a_scene_that_dashes_an_edge_in_sight():
    r = rendered("solid.prism_lateral_area", 2)
    scene: SolidScene = r.draft.scene
    edge = next((a, b) for a, b, hidden in scene.edge_list() if not hidden)
    flipped = tuple((a, b, True) if (a, b) == edge else (a, b, h) for a, b, h in scene.edge_list())
    bad_scene = dataclasses.replace(scene, elements=[Edges(flipped), *scene.rims()])
    check = verify_solid_image(context(with_draft(r, scene=bad_scene), tool=False))
    assert not check.passed and f"edge {''.join(edge)} is in sight but the scene draws it dashed" in check.reason
