"""Solid geometry: every generator verified end to end; the solid verifiers reject broken samples."""

from __future__ import annotations

import dataclasses

import numpy as np
import pytest
import sympy as sp

from flywheel.domains import generator_names, get_generator
from flywheel.domains.solid_geometry.verifiers import (
    hidden_edges,
    verify_solid_answer,
    verify_solid_image,
)
from flywheel.knowledge.seeds import load_seeds
from flywheel.render.draft import Rendered, draw, trace
from flywheel.render.execute import run_image_code, run_tool_code
from flywheel.render.scene.solid import Edges, SolidScene
from flywheel.verify.registry import VerifyContext, run_verifiers
from tests.conftest import rendered

SOLID = [n for n in generator_names() if n.startswith("solid.")]
DOMAIN = "solid_geometry"


def context(r, image_code: str | None = None, tool: bool = True) -> VerifyContext:
    img = run_image_code(image_code or r.image_code)
    return VerifyContext("t", r, img, None, run_tool_code(r.tool_code, img.png) if tool else None, domain=DOMAIN)


def answer_check(r):
    return verify_solid_answer(VerifyContext("t", r, None, None, None, DOMAIN))


def test_seven_knowledge_points_each_with_its_own_generator():
    nodes = [n for n in load_seeds() if n.domain == DOMAIN]
    assert len(nodes) >= 6 and {n.generator for n in nodes} == set(SOLID)
    assert all(get_generator(g).domain == DOMAIN for g in SOLID)


@pytest.mark.parametrize("name", SOLID)
def test_answers_are_exact_over_thirty_seeds(name):
    for seed in range(30):
        d = draw(get_generator(name).fn, seed)
        r = Rendered(d, None, "", "", trace(d, ""))  # the answer needs no layout: keep the test fast
        check = answer_check(r)
        assert check.passed, (seed, check.reason)
        if d.target.kind == "length":  # exactly, in the 3D model: no rounding anywhere
            (p, q) = (d.scene.space.points[n] for n in d.target.points)
            assert sp.simplify(sp.sqrt(sum((a - b) ** 2 for a, b in zip(p, q, strict=True))) - d.answer) == 0


@pytest.mark.parametrize("name", SOLID)
def test_every_verifier_passes_on_the_rendered_figures(name):
    for seed in range(30, 32):
        verdicts = run_verifiers(context(rendered(name, seed)))
        assert {v.verifier for v in verdicts} >= {"answer.solid_geometry", "image.solid_geometry", "image", "tool"}
        failed = [(v.verifier, v.reason) for v in verdicts if not v.passed]
        assert not failed, (seed, failed)


def test_answer_verifier_rejects_a_wrong_answer():
    r = rendered("solid.pyramid_volume", 3)
    wrong = dataclasses.replace(r, draft=dataclasses.replace(r.draft, answer=r.draft.answer + 1))
    check = answer_check(wrong)
    assert not check.passed and "measured in the solid" in check.reason


def test_answer_verifier_rejects_a_question_that_misstates_the_figure():
    r = rendered("solid.space_diagonal", 4)
    a = r.draft.params["a"]
    bad = dataclasses.replace(r, draft=dataclasses.replace(r.draft, question=r.draft.question.replace(f"AB = {a},", f"AB = {a + 1},")))
    check = answer_check(bad)
    assert not check.passed and "does not state AB" in check.reason


def test_answer_verifier_rejects_a_given_the_solid_does_not_have():
    r = rendered("solid.cone_volume", 2)
    d = r.draft
    g = d.givens[0]
    wrong_given = dataclasses.replace(g, value=g.value + 1)
    q = d.question.replace(f"SA = {g.value}", f"SA = {g.value + 1}")
    bad = dataclasses.replace(r, draft=dataclasses.replace(d, givens=[wrong_given, *d.givens[1:]], question=q))
    check = answer_check(bad)
    assert not check.passed and "but the solid has" in check.reason


def test_answer_verifier_rejects_a_figure_that_is_not_the_solid():
    r = rendered("solid.cube_section", 1)
    scene = r.draft.scene
    x, y = scene.points["G"]
    moved = dataclasses.replace(scene, points={**scene.points, "G": (x + 1, y)})
    check = answer_check(dataclasses.replace(r, draft=dataclasses.replace(r.draft, scene=moved)))
    assert not check.passed and "point G is not drawn where the solid has it" in check.reason


def test_hidden_edges_of_a_cabinet_cube_are_the_three_at_the_back_corner():
    r = rendered("solid.cube_section", 0)  # cube sections are drawn in cabinet projection
    assert hidden_edges(r.draft.scene.space) == {frozenset("AD"), frozenset("CD"), frozenset("DH")}
    assert {frozenset((a, b)) for a, b, hidden in r.draft.scene.edge_list() if hidden} == hidden_edges(r.draft.scene.space)


def test_image_check_rejects_hidden_edges_drawn_solid():
    r = rendered("solid.space_diagonal", 5)
    assert verify_solid_image(context(r, tool=False)).passed
    tampered = r.image_code.replace(", linestyles='--'", "")
    check = verify_solid_image(context(r, tampered, tool=False))
    assert not check.passed and "is hidden but is not drawn dashed" in check.reason


def test_image_check_rejects_a_scene_that_dashes_an_edge_in_sight():
    r = rendered("solid.prism_lateral_area", 2)
    scene: SolidScene = r.draft.scene
    flipped = tuple((a, b, True) if (a, b) == ("A", "B") else (a, b, h) for a, b, h in scene.edge_list())
    bad_scene = dataclasses.replace(scene, elements=[Edges(flipped), *scene.rims()])
    check = verify_solid_image(context(dataclasses.replace(r, draft=dataclasses.replace(r.draft, scene=bad_scene)), tool=False))
    assert not check.passed and "edge AB is in sight but the scene draws it dashed" in check.reason


def test_round_rims_have_a_dashed_far_arc_and_a_solid_near_arc():
    r = rendered("solid.cylinder_volume", 1)
    bottom, top = r.draft.scene.rims()
    assert {h for _, h in bottom.runs()} == {True, False} and {h for _, h in top.runs()} == {False}
    check = verify_solid_image(context(r, tool=False))
    assert check.passed, check.reason


def _red(rgb: np.ndarray, x: float, y: float, r: int = 2) -> bool:
    win = rgb[int(y) - r : int(y) + r + 1, int(x) - r : int(x) + r + 1].astype(int)
    return bool(((win[..., 0] > 150) & (win[..., 1] < 120)).any())


def test_tool_draws_the_space_diagonal_between_its_vertices():
    r = rendered("solid.space_diagonal", 6)
    ctx = context(r)
    px = r.layout.points_px(r.draft.scene)
    s, t = r.draft.target.points
    along = [np.add(px[s], np.subtract(px[t], px[s]) * k) for k in np.linspace(0.1, 0.9, 9)]
    assert sum(_red(ctx.tool.rgb, *p) for p in along) >= 7  # dashed: most probes land on a dash
    assert not _red(ctx.render.rgb, *along[4])


def test_tool_tints_the_cross_section_and_nothing_outside():
    r = rendered("solid.cube_section", 0)
    ctx = context(r)
    px = r.layout.points_px(r.draft.scene)
    poly = np.array([px[n] for n in r.draft.scene.construction.marks[0].polygon])
    inside = poly.mean(axis=0)
    before, after = ctx.render.rgb.astype(int), ctx.tool.rgb.astype(int)
    x, y = int(inside[0]), int(inside[1])
    assert tuple(before[y, x]) == (255, 255, 255) and after[y, x, 0] == 255 and 200 < after[y, x, 1] < 240
    assert tuple(after[3, 3]) == tuple(before[3, 3])  # a corner of the canvas is untouched
