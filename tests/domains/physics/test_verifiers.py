"""Physics verifiers: the answer verifier recomputes the answer from the drawn figure and the stated
values, rejecting wrong answers, misstated questions and figures that differ from them; the image
check finds headless or short arrows and reversed cells in the pixels."""

from __future__ import annotations

import dataclasses

import pytest

from flywheel.domains.physics.image_check import verify_physics_image
from flywheel.domains.physics.symbols import Cell
from flywheel.domains.physics.verifiers import stated_values
from flywheel.render.draft import render
from flywheel.run.build import execute
from tests.conftest import rendered, with_draft
from tests.domains.physics.test_generators import DOMAIN, SWEPT, answer_check


def moved(r, name: str, dx: float, dy: float):
    """The same sample with point `name` of the figure shifted (and the figure drawn again)."""
    pts = dict(r.draft.scene.points)
    x, y = pts[name]
    pts[name] = (x + dx, y + dy)
    return render(dataclasses.replace(r.draft, scene=dataclasses.replace(r.draft.scene, points=pts)))


def image_check(r, image_code: str):
    """The physics image check on `r` drawn by `image_code` instead of its own figure code."""
    ctx, _ = execute("t", dataclasses.replace(r, image_code=image_code), None, DOMAIN)
    return verify_physics_image(ctx)


# -- the answer verifier -----------------------------------------------------------------------------
def test_question_givens_are_read_back_from_the_text():
    got = stated_values("F₁ = 6 N and θ = 30°, OF = OF' = 20 cm; sin θ = 3/5. W = 50 N")
    assert got == {"F₁": 6, "θ": 30, "OF": 20, "OF'": 20, "sin θ": 0.6, "W": 50}


def test_answer_verifier_rejects_a_wrong_answer():
    r = rendered("physics.resultant_force", 3)
    check = answer_check(with_draft(r, answer=r.draft.answer + 1))
    assert not check.passed and "recomputed from the figure" in check.reason


@pytest.mark.parametrize("name", SWEPT)
def test_a_wrong_answer_is_rejected(name):
    r = rendered(name, 2)
    check = answer_check(with_draft(r, answer=r.draft.answer * 2))
    assert not check.passed and "recomputed from the figure" in check.reason


@pytest.mark.parametrize(("name", "given"), [("physics.resultant_force", " N and"), ("physics.series_parallel", " Ω and")])
def test_answer_verifier_rejects_a_question_that_misstates_the_figure(name, given):
    r = rendered(name, 4)
    q = r.draft.question
    i = q.index(given)  # the number just before it: F₁'s newtons or R₂'s ohms
    j = i
    while q[j - 1].isdigit():
        j -= 1
    bad_q = q[:j] + str(int(q[j:i]) + 1) + q[i:]
    check = answer_check(with_draft(r, question=bad_q))
    assert not check.passed and "does not state" in check.reason


def test_answer_verifier_rejects_a_figure_whose_circuit_differs_from_the_question():
    r = rendered("physics.series_parallel", 5)
    scene = dataclasses.replace(r.draft.scene, elements=[
        dataclasses.replace(it, ohms=it.ohms + 2) if getattr(it, "name", "") == "R₃" else it for it in r.draft.scene.elements
    ])
    check = answer_check(with_draft(r, scene=scene))
    assert not check.passed and "R₃" in check.reason


def test_lever_rope_drawn_at_another_angle_than_stated_is_rejected():
    r = rendered("physics.lever_balance", 0)
    assert answer_check(r).passed
    bad = moved(r, "F", 0, 3)  # the rope's tip moved: its angle with the beam is no longer θ
    check = answer_check(bad)
    assert not check.passed and "sin_angle" in check.reason


def test_mirror_question_that_misstates_a_distance_is_rejected():
    r = rendered("physics.plane_mirror", 1)
    q = r.draft.question
    a = r.draft.params["a"]
    bad = with_draft(r, question=q.replace(f"AC = {a} m", f"AC = {a + 1} m"))
    check = answer_check(bad)
    assert not check.passed and "does not state" in check.reason


def test_mirror_eye_behind_the_mirror_is_rejected():
    r = rendered("physics.plane_mirror", 3)
    scene = r.draft.scene
    pts = dict(scene.points)  # E reflected to the mirror's back side: same distances, but no ray reaches it
    pts["E"] = (2 * scene.points["D"][0] - scene.points["E"][0], 2 * scene.points["D"][1] - scene.points["E"][1])
    bad = with_draft(r, scene=dataclasses.replace(scene, points=pts))
    assert not answer_check(bad).passed


def test_refraction_question_with_another_index_is_rejected():
    r = rendered("physics.refraction_block", 6)
    n = r.draft.params["n"]
    bad = with_draft(r, question=r.draft.question.replace(f"n = {n}", "n = 3/2" if n != "3/2" else "n = 4/3"))
    check = answer_check(bad)
    assert not check.passed


# -- the image check ---------------------------------------------------------------------------------
def test_image_check_rejects_arrows_without_heads():
    r = rendered("physics.incline_components", 2)
    code = "\n".join(ln for ln in r.image_code.splitlines() if "PolyCollection" not in ln)
    check = image_check(r, code)
    assert not check.passed and "no head" in check.reason


def test_image_check_rejects_an_arrow_drawn_too_short():
    r = rendered("physics.resultant_force", 6)
    shorter = dict(r.draft.scene.points)
    (ox, oy), (fx, fy) = shorter["O"], shorter["F₁"]
    shorter["F₁"] = (ox + (fx - ox) * 4 / 5, oy + (fy - oy) * 4 / 5)
    drawn = render(dataclasses.replace(r.draft, scene=dataclasses.replace(r.draft.scene, points=shorter)))
    check = image_check(r, drawn.image_code)
    assert not check.passed and "F₁" in check.reason


def test_image_check_rejects_a_cell_drawn_the_wrong_way_round():
    r = rendered("physics.series_parallel", 1)
    items = [Cell(it.minus, it.plus, it.name, it.volts) if isinstance(it, Cell) else it for it in r.draft.scene.elements]
    drawn = render(dataclasses.replace(r.draft, scene=dataclasses.replace(r.draft.scene, elements=items)))
    check = image_check(r, drawn.image_code)
    assert not check.passed and "plate" in check.reason
