"""Solid-geometry generators: one per knowledge point, answers exact in the 3D model, every verifier
passing, hidden edges dashed, and the tool edits on the right vertices and faces."""

from __future__ import annotations

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
from flywheel.verify.registry import VerifyContext
from tests.conftest import assert_every_verifier_passes, rendered, unrendered

SOLID = [n for n in generator_names() if n.startswith("solid.")]
DOMAIN = "solid_geometry"


def context(r, image_code: str | None = None, tool: bool = True) -> VerifyContext:
    img = run_image_code(image_code or r.image_code)
    return VerifyContext("t", r, img, None, run_tool_code(r.tool_code, img.png) if tool else None, domain=DOMAIN)


def answer_check(r):
    return verify_solid_answer(unrendered(r, DOMAIN))


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
    assert_every_verifier_passes(name, range(30, 32), {"answer.solid_geometry", "image.solid_geometry", "image", "tool"})


def test_hidden_edges_of_a_cabinet_cube_are_the_three_at_the_back_corner():
    r = rendered("solid.cube_section", 0)  # cube sections are drawn in cabinet projection
    assert hidden_edges(r.draft.scene.space) == {frozenset("AD"), frozenset("CD"), frozenset("DH")}
    assert {frozenset((a, b)) for a, b, hidden in r.draft.scene.edge_list() if hidden} == hidden_edges(r.draft.scene.space)


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
