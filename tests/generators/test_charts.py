"""Statistics charts: generators are exact, the chart verifiers catch broken samples, the tool lands right."""

from __future__ import annotations

import dataclasses

import numpy as np
import pytest

from flywheel.domains import generator_names, get_generator
from flywheel.domains.statistics.model import ChartScene, Stated
from flywheel.domains.statistics.verifiers import verify_stats_answer
from flywheel.knowledge.seeds import load_seeds
from flywheel.render.draft import Rendered, trace
from flywheel.render.execute import run_tool_code
from flywheel.run.build import execute
from flywheel.verify.registry import VerifyContext, run_verifiers
from tests.conftest import rendered

CHARTS = sorted(n for n in generator_names() if n.startswith("stats."))
RED = np.array([214, 39, 40])


def verdicts(r: Rendered) -> dict:
    ctx, _ = execute("test", r, None, "statistics")
    return {v.verifier: v for v in run_verifiers(ctx)}


def answer_check(r: Rendered):
    return verify_stats_answer(VerifyContext("test", r, None, None, None, "statistics"))


def test_eleven_statistics_generators_with_seeds():
    assert len(CHARTS) == 11
    nodes = {n.id: n for n in load_seeds() if n.domain == "statistics"}
    assert sorted(n.generator for n in nodes.values()) == CHARTS
    assert all(get_generator(g).domain == "statistics" for g in CHARTS)


@pytest.mark.parametrize("gen", CHARTS)
def test_answer_is_exact_over_30_seeds(gen):
    """The answer by construction equals what the figure's geometry gives, and every given matches."""
    for seed in range(30):
        r = rendered(gen, seed)
        c = answer_check(r)
        assert c.passed, (seed, r.draft.question, c.reason)
        assert isinstance(r.draft.scene, ChartScene) and r.draft.answer >= 0


@pytest.mark.parametrize("gen", CHARTS)
def test_rendered_samples_pass_every_verifier(gen):
    for seed in (0, 1):
        v = verdicts(rendered(gen, seed))
        assert {"answer.statistics", "image.statistics", "image", "tool"} <= set(v)
        assert "answer" not in v  # the plane verifier does not judge charts
        assert all(x.passed for x in v.values()), (seed, {k: x.reason for k, x in v.items() if not x.passed})


def test_wrong_answer_is_caught_from_the_figure():
    r = rendered("stats.bar_difference", 3)
    wrong = dataclasses.replace(r.draft, answer=r.draft.answer + 5)
    c = answer_check(dataclasses.replace(r, draft=wrong, cot=trace(wrong, r.tool_code)))
    assert not c.passed and "the figure gives difference" in c.reason


def test_stated_value_that_disagrees_with_the_figure_is_caught():
    """The question gives one bar's value; a generator bug stating another number is rejected."""
    r = rendered("stats.bar_difference", 4)
    scene = r.draft.scene
    s = next(s for s in scene.stated if s.kind == "value")
    wrong = str(int(s.value) + 1)
    bad_scene = dataclasses.replace(scene, stated=[dataclasses.replace(s, text=wrong, value=s.value + 1)
                                                   if x is s else x for x in scene.stated])
    question = r.draft.question.replace(f" {s.text} ", f" {wrong} ", 1)
    assert question != r.draft.question
    bad = dataclasses.replace(r, draft=dataclasses.replace(r.draft, scene=bad_scene, question=question))
    c = answer_check(bad)
    assert not c.passed and "but the figure shows" in c.reason


def test_pie_total_in_question_must_match_the_title():
    r = rendered("stats.pie_percent", 2)
    n = r.draft.params["n"]
    bad = dataclasses.replace(r.draft, question=r.draft.question.replace(f"{n} ", f"{n + 20} "))
    c = answer_check(dataclasses.replace(r, draft=bad))
    assert not c.passed and str(n) in c.reason


def test_unknown_category_in_question_is_caught():
    r = rendered("stats.box_plot", 5)
    scene = r.draft.scene
    bad_scene = dataclasses.replace(scene, stated=scene.stated + [Stated("item", "Class Z", "Class Z")])
    bad = dataclasses.replace(r.draft, scene=bad_scene, question=r.draft.question + " (Class Z was absent.)")
    c = answer_check(dataclasses.replace(r, draft=bad))
    assert not c.passed and "no such item" in c.reason


def test_tampered_bar_heights_are_caught_in_the_pixels():
    r = rendered("stats.bar_mean", 6)
    values = r.draft.params["values"]
    raised = [v + max(values) // 4 if v == min(values) else v for v in values]  # the lowest bar, off by a quarter
    tampered = r.image_code.replace(f"values = {values}", f"values = {raised}")
    assert tampered != r.image_code
    v = verdicts(dataclasses.replace(r, image_code=tampered))["image.statistics"]
    assert not v.passed and "bar" in v.reason


def test_tampered_pie_sectors_are_caught_in_the_pixels():
    r = rendered("stats.pie_percent", 7)
    tampered = r.image_code.replace("for t1, t2, color in sectors:", "for t1, t2, color in sectors:\n    t1 += 12")
    v = verdicts(dataclasses.replace(r, image_code=tampered))["image.statistics"]
    assert not v.passed and "sector" in v.reason


def test_reading_lines_land_on_the_bar_tops():
    """Tool code draws red at the height of each read bar, from the value axis to the bar."""
    r = rendered("stats.bar_difference", 8)
    scene: ChartScene = r.draft.scene
    ctx, _ = execute("test", r, None, "statistics")
    edited = run_tool_code(r.tool_code, ctx.render.png)
    assert edited.error is None
    rgb = edited.rgb.astype(int)
    f = scene.frame
    for item in (r.draft.params["a"], r.draft.params["b"]):
        value = scene.table[item][0]
        row = round(r.layout.size - float(f.y(value)))  # from the table, not from the scene's points
        x_bar = float(scene.floats()[f"{item}.tl"][0])
        band = rgb[row - 2 : row + 3, f.left + 2 : int(x_bar) - 2]
        red_cols = (np.abs(band - RED).max(axis=2) < 40).any(axis=0)
        assert red_cols.mean() > 0.5, item  # dashed: more than half of the columns are red
    untouched = np.abs(edited.rgb.astype(int) - ctx.render.rgb.astype(int)).max(axis=2) > 40
    assert untouched[:, int(f.right) - 2 :].sum() == 0  # nothing drawn right of the plot
