"""Instruction: a new construction drawn by ground-truth tool code, checked and scored on pixels."""

import io
import random
import re

import numpy as np
import pytest
from PIL import Image, ImageDraw

from flywheel.kinds.instruction import candidates, make, overlay_mask, score_masks, score_overlay
from flywheel.run.build import execute
from tests.conftest import judged, rendered
from tests.kinds.conftest import executed


@pytest.mark.parametrize("generator", ["plane.pythagoras", "plane.triangle_area_altitude", "plane.tangent_radius",
                                       "plane.similar_triangles"])
def test_ground_truth_overlay_passes_and_scores_one(generator):
    variant, ctx = executed("instruction", generator, 1)
    verdicts = judged(ctx)
    assert set(verdicts) == {"image", "figure", "image.labels", "tool", "instruction"}
    assert all(v.passed for v in verdicts.values()), {k: v.reason for k, v in verdicts.items()}
    original, truth = ctx.render.png, ctx.tool.png
    assert score_overlay(truth, original, truth) == 1.0
    assert score_overlay(original, original, truth) == 0.0  # an empty edit
    assert re.search(r"\b(mark|draw|drop) the", variant.question, re.IGNORECASE) and "<answer>" in ctx.rendered.cot


def test_wrong_overlays_score_low():
    fig = rendered("plane.pythagoras", 3)
    variant = make(fig, random.Random(0))
    ctx, _ = execute("t", variant.rendered, None, "plane_geometry")
    original, truth = ctx.render.png, ctx.tool.png
    # Another instruction on the same figure (a different construction) is a wrong answer.
    assert len(candidates(fig.draft.scene)) > 3
    what = variant.rendered.draft.scene.construction.description  # the instruction itself, not its wording
    wrong = next(w for w in (make(fig, random.Random(s)) for s in range(1, 50))
                 if w.rendered.draft.scene.construction.description != what)
    wrong_ctx, _ = execute("w", wrong.rendered, None, "plane_geometry")
    assert score_overlay(wrong_ctx.tool.png, original, truth) < 0.5, (variant.question, wrong.question)
    # A scribble far from the construction, and a resized image, score near or at 0.
    img = Image.open(io.BytesIO(original)).convert("RGB")
    ImageDraw.Draw(img).line([(5, 5), (60, 5)], fill=(214, 39, 40), width=3)
    buf = io.BytesIO()
    img.save(buf, format="PNG")
    assert score_overlay(buf.getvalue(), original, truth) < 0.1
    small = io.BytesIO()
    img.resize((100, 100)).save(small, format="PNG")
    assert score_overlay(small.getvalue(), original, truth) == 0.0


def test_mask_scorer_tolerates_a_pixel_and_rejects_a_shift():
    truth = np.zeros((100, 100), bool)
    truth[50, 10:90] = True
    assert score_masks(truth, truth) == 1.0
    assert score_masks(np.roll(truth, 2, axis=0), truth) == 1.0  # within the 3 px tolerance
    assert score_masks(np.roll(truth, 10, axis=0), truth) == 0.0
    assert score_masks(np.zeros_like(truth), truth) == 0.0


def test_an_overlay_drawn_beyond_the_instruction_is_rejected():
    variant, ctx = executed("instruction", "plane.pythagoras", 1)
    edited = Image.open(io.BytesIO(ctx.tool.png)).convert("RGB")
    ImageDraw.Draw(edited).line([(5, 440), (120, 440)], fill=(214, 39, 40), width=3)  # a stroke nobody asked for
    arr = np.asarray(edited)
    ctx.tool.__dict__["rgb"] = arr
    tool = judged(ctx)["tool"]
    assert not tool.passed and "away from the expected construction" in tool.reason
    assert overlay_mask(ctx.render.png, ctx.tool.png).sum() > 0


def test_a_graph_with_one_labelled_point_gets_a_perpendicular_to_an_axis():
    fig = rendered("analytic.cubic_tangent", 1)
    assert fig.draft.scene.labeled == ["P"]  # no segment to draw, no side to halve
    variant = make(fig, random.Random(1))
    assert re.search(r"\b[Dd]rop the perpendicular from P to the ", variant.question)
    ctx, _ = execute("t", variant.rendered, None, "analytic_geometry")
    ctx.kind, ctx.points = "instruction", variant.points
    verdicts = judged(ctx)
    assert all(v.passed for v in verdicts.values()), {k: v.reason for k, v in verdicts.items()}
    # The foot is on the named axis, at P's other coordinate: its pixel is on the axis line.
    foot = next(n for n in variant.points if n != "P")
    (fx, fy), (px, py) = variant.points[foot], variant.points["P"]
    ox, oy = fig.layout.to_px(0, 0)
    assert (abs(fy - oy) < 0.6 and abs(fx - px) < 0.6) or (abs(fx - ox) < 0.6 and abs(fy - py) < 0.6)
    red = _changed(ctx)
    assert red[int(round(fy)) - 3 : int(round(fy)) + 4, int(round(fx)) - 3 : int(round(fx)) + 4].any()


def _changed(ctx):
    return overlay_mask(ctx.render.png, ctx.tool.png)


def test_the_new_construction_keeps_its_right_angle_mark_off_the_figures_values():
    """The foot of a perpendicular from A to CD landed under the value "32" of CP: its segment missed
    the value's box but its right-angle mark crossed it, and the image check rejected the sample."""
    from flywheel.verify.registry import run_verifiers

    seed = 20261213
    spec_domain = "plane_geometry"
    r = rendered("plane.power_of_point", seed)
    variant = make(r, random.Random(seed))
    ctx, _ = execute("t", variant.rendered, None, spec_domain)
    ctx.kind, ctx.points = "instruction", dict(variant.points)
    bad = {v.verifier: v.reason for v in run_verifiers(ctx) if not v.passed}
    assert not bad, bad
