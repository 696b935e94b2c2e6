"""Statistics verifiers: the answer verifier reads the chart, not the table, and rejects wrong answers,
misstated values, series, totals and queries; the image check finds tampered bars, sectors and markers."""

from __future__ import annotations

import dataclasses
import re

import pytest
import sympy as sp

from flywheel.domains.statistics.model import ChartScene, Stated
from flywheel.domains.statistics.verifiers import verify_stats_answer
from flywheel.render.draft import Rendered
from tests.conftest import rendered, shift_point, unrendered, verdicts, with_answer, with_draft
from tests.domains.statistics.test_generators import SWEPT

DOMAIN = "statistics"


def answer_check(r: Rendered):
    return verify_stats_answer(unrendered(r, DOMAIN))


def with_scene(r: Rendered, **changes) -> Rendered:
    return with_draft(r, scene=dataclasses.replace(r.draft.scene, **changes))


# -- the answer verifier -----------------------------------------------------------------------------
def test_wrong_answer_is_caught_from_the_figure():
    r = rendered("stats.bar_difference", 3)
    c = answer_check(with_answer(r, r.draft.answer + 5))
    assert not c.passed and "the figure gives difference" in c.reason


@pytest.mark.parametrize("gen", SWEPT)
def test_wrong_answer_is_rejected(gen):
    r = rendered(gen, 3)
    assert answer_check(r).passed
    for wrong in (r.draft.answer + 1, r.draft.answer * sp.Rational(11, 10)):
        c = answer_check(with_answer(r, wrong))
        assert not c.passed and ("measures" in c.reason or "the figure gives" in c.reason), c.reason


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
    c = answer_check(with_draft(r, scene=bad_scene, question=question))
    assert not c.passed and "but the figure shows" in c.reason


def test_pie_total_in_question_must_match_the_title():
    r = rendered("stats.pie_percent", 2)
    n = r.draft.params["n"]
    c = answer_check(with_draft(r, question=r.draft.question.replace(f"{n} ", f"{n + 20} ")))
    assert not c.passed and str(n) in c.reason


def test_unknown_category_in_question_is_caught():
    r = rendered("stats.box_plot", 5)
    scene = r.draft.scene
    bad_scene = dataclasses.replace(scene, stated=scene.stated + [Stated("item", "Class Z", "Class Z")])
    c = answer_check(with_draft(r, scene=bad_scene, question=r.draft.question + " (Class Z was absent.)"))
    assert not c.passed and "no such item" in c.reason


def test_stacked_segment_read_from_the_bar_not_the_table():
    """Raising the top of the asked stack by two units in the figure changes what the verifier reads."""
    r = rendered("stats.stacked_bar", 4)
    scene: ChartScene = r.draft.scene
    item = r.draft.params["k"]
    lift = scene.frame.height * 2 / (scene.frame.ylim[1] - scene.frame.ylim[0])
    for corner in ("tl", "tr"):
        shift_point(r, f"{item}.upper.{corner}", dy=lift)
    c = answer_check(r)
    assert not c.passed and "the figure gives" in c.reason


def test_series_the_legend_does_not_have_is_rejected():
    r = rendered("stats.stacked_bar", 6)
    scene: ChartScene = r.draft.scene
    word = next(s.text for s in scene.stated if s.kind == "series")
    bad = with_draft(r, question=r.draft.question.replace(word, "teachers"),
                     scene=dataclasses.replace(scene, stated=[dataclasses.replace(s, text="teachers")
                                                              if s.kind == "series" and s.text == word else s
                                                              for s in scene.stated]))
    c = answer_check(bad)
    assert not c.passed and "legend" in c.reason


def test_percent_change_of_the_other_direction_is_rejected():
    """An increase asked as a decrease (or the reverse) gives a negative change: rejected."""
    r = rendered("stats.percent_change", 2)
    q = r.draft.scene.query
    flipped = "percent_decrease" if q.op == "percent_increase" else "percent_increase"
    c = answer_check(with_scene(r, query=dataclasses.replace(q, op=flipped)))
    assert not c.passed and "the figure gives" in c.reason


def test_frequency_mean_uses_the_values_printed_under_the_bars():
    """Relabelling the x-axis (values 1, 2, 3 … instead of 0, 1, 2 …) changes the mean the figure gives."""
    for seed in range(20):
        r = rendered("stats.frequency_mean", seed)
        if r.draft.scene.query.op == "freq_mean":
            break
    scene: ChartScene = r.draft.scene
    c = answer_check(with_scene(r, xticks=[(v, str(int(t) + 1)) for v, t in scene.xticks]))
    assert not c.passed and "freq_mean" in c.reason


def test_interpolation_at_another_time_is_rejected():
    r = rendered("stats.line_interpolation", 7)
    q = r.draft.scene.query
    c = answer_check(with_scene(r, query=dataclasses.replace(q, threshold=(q.threshold[0] + 0.25,))))
    assert not c.passed and "interpolate" in c.reason


# -- the image check ---------------------------------------------------------------------------------
def test_tampered_bar_heights_are_caught_in_the_pixels():
    r = rendered("stats.bar_mean", 6)
    values = r.draft.params["values"]
    raised = [v + max(values) // 4 if v == min(values) else v for v in values]  # the lowest bar, off by a quarter
    tampered = r.image_code.replace(f"values = {values}", f"values = {raised}")
    assert tampered != r.image_code
    v = verdicts(dataclasses.replace(r, image_code=tampered), DOMAIN)["image.statistics"]
    assert not v.passed and "bar" in v.reason


def test_tampered_pie_sectors_are_caught_in_the_pixels():
    r = rendered("stats.pie_percent", 7)
    tampered = r.image_code.replace("for t1, t2, color in sectors:", "for t1, t2, color in sectors:\n    t1 += 12")
    v = verdicts(dataclasses.replace(r, image_code=tampered), DOMAIN)["image.statistics"]
    assert not v.passed and "sector" in v.reason


@pytest.mark.parametrize("gen", SWEPT)
def test_figure_code_drawn_off_its_table_is_caught_in_the_pixels(gen):
    """Every number list of the figure code scaled by 1.3: the bars or markers leave their probes."""
    r = rendered(gen, 1)
    code = r.image_code

    def scale(m: re.Match) -> str:
        nums = [float(x) for x in m.group(1).split(", ")]
        return "values = [" + ", ".join(repr(round(x * 1.3, 3)) for x in nums) + "]"

    tampered = re.sub(r"values = \[([^\]]+)\]", scale, code)
    tampered = re.sub(r"(zip\(\[[^\]]+\], )\[([^\]]+)\]",  # a multi-series chart's heights
                      lambda m: m.group(1) + "[" + ", ".join(repr(round(float(x) * 1.3, 3))
                                                             for x in m.group(2).split(", ")) + "]", tampered)
    assert tampered != code
    v = verdicts(dataclasses.replace(r, image_code=tampered), DOMAIN)["image.statistics"]
    assert not v.passed and ("bar" in v.reason or "marker" in v.reason), v.reason
