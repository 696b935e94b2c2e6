"""Lever balance, plane mirror and refraction: exact over 30 seeds, and the answer verifier rejects broken samples."""

from __future__ import annotations

import dataclasses

import numpy as np
import pytest

from flywheel.domains.physics.verifiers import (
    _fermat_point,
    _refracted_exit,
    stated_values,
    verify_physics_answer,
)
from flywheel.render.draft import render
from flywheel.run.build import execute
from flywheel.verify.registry import VerifyContext, run_verifiers
from tests.conftest import rendered

NEW = ["physics.lever_balance", "physics.plane_mirror", "physics.refraction_block"]


def answer_check(r):
    return verify_physics_answer(VerifyContext("t", r, None, None, None, "physics"))


def with_draft(r, **changes):
    return dataclasses.replace(r, draft=dataclasses.replace(r.draft, **changes))


def moved(r, name: str, dx: float, dy: float):
    """The same sample with point `name` of the figure shifted (and the figure drawn again)."""
    pts = dict(r.draft.scene.points)
    x, y = pts[name]
    pts[name] = (x + dx, y + dy)
    return render(dataclasses.replace(r.draft, scene=dataclasses.replace(r.draft.scene, points=pts)))


@pytest.mark.parametrize("name", NEW)
def test_every_verifier_passes_over_thirty_seeds(name):
    for seed in range(30):
        ctx, _ = execute("t", rendered(name, seed), None, "physics")
        verdicts = run_verifiers(ctx)
        assert {"answer.physics", "image.physics", "image", "tool"} <= {v.verifier for v in verdicts}
        failed = [(v.verifier, v.reason) for v in verdicts if not v.passed]
        assert not failed, (seed, failed)


@pytest.mark.parametrize("name", NEW)
def test_a_wrong_answer_is_rejected(name):
    r = rendered(name, 2)
    check = answer_check(with_draft(r, answer=r.draft.answer * 2))
    assert not check.passed and "recomputed from the figure" in check.reason


def test_lever_rope_drawn_at_another_angle_than_stated_is_rejected():
    r = rendered("physics.lever_balance", 0)
    assert answer_check(r).passed
    bad = moved(r, "F", 0, 3)  # the rope's tip moved: its angle with the beam is no longer θ
    check = answer_check(bad)
    assert not check.passed and "sin_angle" in check.reason


def test_lever_balance_is_the_moment_of_the_drawn_arrows():
    """W·OA = F·OH: the verifier's balance, from the arrows alone, matches the stated load and the answer."""
    for seed in range(12):
        r = rendered("physics.lever_balance", seed)
        if r.draft.params["ask"] == "force":
            f = r.draft.scene.floats()
            oh = np.linalg.norm(np.subtract(f["H"], f["O"]))
            oa = np.linalg.norm(np.subtract(f["A"], f["O"]))
            assert float(r.draft.answer) * oh == pytest.approx(r.draft.params["weight"] * oa)
            assert answer_check(r).passed


def test_mirror_reflection_point_is_where_the_path_is_shortest_and_the_tool_marks_it():
    r = rendered("physics.plane_mirror", 4)
    scene = r.draft.scene
    fermat = _fermat_point(scene, ("A", "E", "M1", "M2"))
    assert np.allclose(fermat, scene.floats()["P"], atol=1e-6)
    ctx, _ = execute("t", r, None, "physics")
    x, y = r.layout.to_px(*fermat)
    win = ctx.tool.rgb[int(y) - 2 : int(y) + 3, int(x) - 2 : int(x) + 3].astype(int)
    assert ((win[..., 0] > 150) & (win[..., 1] < 110)).any()  # red ink at P in the edited figure


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


def test_refraction_exit_point_follows_snell_and_matches_the_figure():
    r = rendered("physics.refraction_block", 5)
    stated = stated_values(r.draft.question)
    q = _refracted_exit(r.draft.scene, ("A", "O", "X1", "N"), stated)
    assert np.allclose(q, r.draft.scene.floats()["Q"], atol=1e-9)
    glass = dict(stated, n=stated["n"] * 1.1)  # another refractive index bends the ray elsewhere
    assert not np.allclose(_refracted_exit(r.draft.scene, ("A", "O", "X1", "N"), glass), q, atol=1e-3)


def test_refraction_question_with_another_index_is_rejected():
    r = rendered("physics.refraction_block", 6)
    n = r.draft.params["n"]
    bad = with_draft(r, question=r.draft.question.replace(f"n = {n}", "n = 3/2" if n != "3/2" else "n = 4/3"))
    check = answer_check(bad)
    assert not check.passed
