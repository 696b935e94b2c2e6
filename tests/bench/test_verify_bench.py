"""The defect-injection bench and the one verification path: defects written into clean samples of
every domain are rejected, clean samples are not, and a sample without a scene is judged by the same
registry with what needs a scene on record as not checkable."""

from __future__ import annotations

import dataclasses
import json

import pytest

from flywheel.bench.defects import DEFECTS, cases, figure_other, run_verify_bench
from flywheel.core.records import NOT_CHECKABLE, Verdict, accepts
from flywheel.render.execute import RenderResult
from flywheel.verify.figure import verify_figure
from flywheel.verify.registry import Submitted, VerifyContext, run_verifiers
from tests.conftest import flywheel_cli

# One or two generators of every domain, figures of every shape: dots and segments, element strokes
# (circuits, boards, solids), coordinate planes and curves, bars, lines and sectors.
SPREAD = ["plane.pythagoras", "plane.inscribed_angle", "physics.series_parallel", "physics.projectile",
          "analytic.cubic_tangent", "discrete.shortest_path", "discrete.count_squares", "solid.pyramid_volume",
          "stats.bar_mean", "stats.pie_percent", "stats.line_trend"]
MINE = ["answer_consistent", "answer_tag", "figure_moved", "figure_missing", "figure_extra", "figure_other",
        "tool_noop", "tool_misplaced"]


@pytest.fixture(scope="module")
def bench():
    return run_verify_bench(per_generator=1, kinds=["interaction", "perception", "instruction"], classes=MINE,
                            generators=SPREAD)


def test_every_defect_class_is_caught_in_every_domain_and_clean_samples_pass(bench):
    s = bench.summary()
    assert s["false_reject"]["all"] == 0.0, s["rejected_clean"]
    assert set(s["false_reject"]) == {"plane_geometry", "physics", "analytic_geometry", "discrete", "solid_geometry",
                                      "statistics", "all"}
    for c in MINE:
        assert s["injected"][c] >= len(SPREAD), (c, s["injected"][c], s["not_applicable"])
        assert s["recall"][c]["all"] == 1.0, (c, s["recall"][c], s["missed"])
    # The figure defects are caught by reading the figure, not by a tool output that no longer fits it
    # (another pie chart's sectors differ only in colour edges: the chart's own pixel probes catch that).
    for c in ("figure_moved", "figure_missing", "figure_extra"):
        assert s["caught_by"][c]["figure"] == s["injected"][c], (c, s["caught_by"][c])
    assert s["caught_by"]["figure_other"]["figure"] >= s["injected"]["figure_other"] - 1


def test_the_figure_verifier_rejects_another_problems_figure_and_says_where():
    case = next(cases(1, ["interaction"], ["plane.pythagoras"]))
    assert verify_figure(case.ctx).passed
    other = figure_other(case)
    check = verify_figure(other)
    assert not check.passed and check.code in {"missing", "moved", "stray"}, check
    assert "px" in check.reason or "pixel" in check.reason or "%" in check.reason


def test_a_black_line_in_a_charts_text_margin_is_stray():
    """A chart may set black text anywhere in its margins, but no glyph is a straight 30 px run: the
    bench's extra line along the top edge of a bar chart (stats.bar_mean, third seed) got through."""
    import numpy as np
    from PIL import Image, ImageDraw

    from flywheel.bench.defects import BENCH_SEED, with_figure

    case = next(c for c in cases(3, ["interaction"], ["stats.bar_mean"]) if c.seed == BENCH_SEED + 2)
    assert verify_figure(case.ctx).passed
    from flywheel.verify.figure import allowed_masks, figure_parts

    scene, lay, rgb = case.ctx.rendered.draft.scene, case.ctx.rendered.layout, case.ctx.render.rgb
    _, black, plain = allowed_masks(case.ctx, rgb.shape[:2], figure_parts(scene, lay))
    margin = black & ~plain  # the text margins off every text and stroke: black ink is allowed there
    row = next(y for y in range(margin.shape[0]) if margin[y].sum() >= 60)
    x0 = int(np.nonzero(margin[row])[0][0])
    img = Image.fromarray(rgb.copy())
    ImageDraw.Draw(img).line([(x0 + 4, row), (x0 + 40, row)], fill=(0, 0, 0), width=1)  # a straight 36 px run
    check = verify_figure(with_figure(case, np.asarray(img)))
    assert not check.passed and check.code == "stray" and "straight black line" in check.reason, check


def test_text_defect_classes_plug_in_by_registration():
    """Other modules (the question and trace defects) register their classes the same way."""
    from flywheel.bench.defects import register_defect

    @register_defect("test_blank_question", kinds=["interaction"])
    def blank(case):
        d = dataclasses.replace(case.rendered.draft, question="")
        return dataclasses.replace(case.ctx, rendered=dataclasses.replace(case.rendered, draft=d))

    try:
        res = run_verify_bench(1, ["interaction"], classes=["test_blank_question"], generators=["plane.pythagoras"])
        assert res.recall[("test_blank_question", "plane_geometry")].injected == 1
    finally:
        DEFECTS.remove("test_blank_question")


def test_a_sample_without_a_scene_is_judged_by_the_same_registry_and_not_passed_where_unjudgeable():
    case = next(cases(1, ["interaction"], ["plane.pythagoras"]))
    r = case.ctx.render
    sub = Submitted("q", case.rendered.draft.answer_latex, case.rendered.cot, case.rendered.image_code,
                    case.rendered.tool_code, r.rgb, case.ctx.tool.rgb)
    ctx = VerifyContext("x", None, RenderResult(r.png, r.width, r.height, []), None, case.ctx.tool, "plane_geometry",
                        source="import", submitted=sub)
    v = {x.verifier: x for x in run_verifiers(ctx)}
    assert {n for n, x in v.items() if x.code == NOT_CHECKABLE} == {"figure", "image.labels", "answer.plane_geometry", "question", "trace", "modality"}
    assert all(not x.passed for x in v.values() if x.code == NOT_CHECKABLE)
    assert v["image"].passed and v["tool"].passed and v["format"].passed, {n: x.reason for n, x in v.items()}
    assert accepts(list(v.values()))
    # Not checkable is not a pass: a sample nothing could judge is not accepted, a failure still rejects.
    nc = Verdict("x", "figure", False, 0.0, "not checkable", NOT_CHECKABLE)
    assert not accepts([nc])
    assert not accepts([nc, Verdict("x", "image", False, 0.0, "blank", "degenerate")])
    flipped = dataclasses.replace(ctx, submitted=dataclasses.replace(sub, stored_figure=sub.stored_figure[::-1]))
    assert {x.verifier: x for x in run_verifiers(flipped)}["image"].code == "reproduce"


def test_bench_verify_prints_recall_per_class_and_domain_as_json():
    r = flywheel_cli("bench", "verify", "--json", "--per-generator", "1", "-g", "plane.pythagoras",
                     "-g", "stats.bar_mean", "--kinds", "interaction")
    assert r.returncode == 0, r.stderr
    s = json.loads(r.stdout)
    assert s["false_reject"] == {"plane_geometry": 0.0, "statistics": 0.0, "all": 0.0}
    for c in MINE:
        assert s["recall"][c] == {"plane_geometry": 1.0, "statistics": 1.0, "all": 1.0}, c
    bad = flywheel_cli("bench", "verify", "--kinds", "pictures")
    assert bad.returncode != 0 and "Traceback" not in bad.stderr and "--kinds" in bad.stderr
