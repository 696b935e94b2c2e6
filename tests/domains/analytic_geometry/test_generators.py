"""Analytic-geometry generators: one per knowledge point, exact answers, every verifier passes, and the
tool edits land where the geometry says."""

from __future__ import annotations

import io

import numpy as np
import pytest
import sympy as sp
from PIL import Image

from flywheel.domains import generator_names
from flywheel.domains.analytic_geometry.verifiers import verify_analytic_answer
from flywheel.knowledge.seeds import load_seeds
from flywheel.render.scene.measure import agrees, measure_exact
from flywheel.run.build import execute
from tests.conftest import assert_every_verifier_passes, rendered, unrendered

ANALYTIC = [g for g in generator_names() if g.startswith("analytic.")]
DOMAIN = "analytic_geometry"


def test_five_knowledge_points_each_with_its_own_generator():
    nodes = [n for n in load_seeds() if n.domain == DOMAIN]
    assert len(nodes) >= 5 and len(ANALYTIC) >= 5
    assert {n.generator for n in nodes} == set(ANALYTIC)


@pytest.mark.parametrize("name", ANALYTIC)
def test_answer_is_exact_and_the_answer_verifier_agrees_over_30_seeds(name):
    for seed in range(30):
        r = rendered(name, seed)
        d = r.draft
        assert agrees(d.scene, d.target, d.answer), (seed, measure_exact(d.scene, d.target), d.answer)
        check = verify_analytic_answer(unrendered(r, DOMAIN))  # it reads the draft and the trace, not the pixels
        assert check.passed, (seed, check.reason)


@pytest.mark.parametrize("name", ANALYTIC)
def test_every_verifier_passes_on_rendered_samples(name):
    # "answer" is absent: the plane-geometry answer check does not judge this domain
    assert_every_verifier_passes(name, (0, 1, 2), {"answer.analytic_geometry", "image.analytic_geometry", "image", "tool"},
                                 absent={"answer.plane_geometry"})


def _red(png: bytes) -> np.ndarray:
    rgb = np.asarray(Image.open(io.BytesIO(png)).convert("RGB")).astype(int)
    return (rgb[..., 0] > 150) & (rgb[..., 1] < 110) & (rgb[..., 2] < 110)


def test_tangent_tool_draws_through_p_to_t_on_the_x_axis():
    r = rendered("analytic.tangent_length", 5)
    ctx, _ = execute("t", r, None, DOMAIN)
    red = _red(ctx.tool.png)
    assert not _red(ctx.render.png).any()
    pts = r.draft.scene.floats()
    for name in ("T", "P", "H"):
        x, y = (int(round(v)) for v in r.layout.to_px(*pts[name]))
        assert red[y - 4 : y + 5, x - 4 : x + 5].any(), name
    # T is where the tangent at P meets y = 0: its pixel row is the x-axis row.
    assert abs(r.layout.to_px(*pts["T"])[1] - r.layout.to_px(0, 0)[1]) < 0.5


def test_hatch_tool_fills_the_region_between_the_curves_and_nothing_outside():
    r = rendered("analytic.area_parabola_line", 6)
    ctx, _ = execute("t", r, None, DOMAIN)
    red = _red(ctx.tool.png)
    scene, lay = r.draft.scene, r.layout
    a, b = scene.floats()["A"], scene.floats()["B"]
    plane = scene.coordinate_plane
    xm = (a[0] + b[0]) / 2
    ys = [float(c.y.subs(sp.Symbol("t", real=True), xm)) for c in plane.curves]
    mid = lay.to_px(xm, sum(ys) / 2)
    assert red[int(mid[1]) - 6 : int(mid[1]) + 7, int(mid[0]) - 6 : int(mid[0]) + 7].any()
    outside = lay.to_px(xm, max(ys) + 1.5)
    assert not red[int(outside[1]) - 6 : int(outside[1]) + 7, int(outside[0]) - 6 : int(outside[0]) + 7].any()
