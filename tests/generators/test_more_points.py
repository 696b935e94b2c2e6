"""The knowledge points added to plane geometry and statistics: seeded, exact, verified, and each
answer verifier rejects a broken sample of each new generator."""

from __future__ import annotations

import dataclasses
import re

import numpy as np
import pytest
import sympy as sp

from flywheel.domains import get_generator
from flywheel.domains.plane_geometry.verifiers import verify_answer
from flywheel.domains.statistics.model import ChartScene
from flywheel.domains.statistics.verifiers import verify_stats_answer
from flywheel.knowledge.seeds import load_seeds
from flywheel.render.draft import Rendered, trace
from flywheel.render.execute import run_tool_code
from flywheel.run.build import execute
from flywheel.verify.registry import VerifyContext, run_verifiers
from tests.conftest import rendered

PLANE = ["plane.thales", "plane.equal_tangents", "plane.rhombus_diagonals", "plane.exterior_angle"]
STATS = ["stats.stacked_bar", "stats.percent_change", "stats.frequency_mean", "stats.line_interpolation"]
RED = np.array([214, 39, 40])


def domain(gen: str) -> str:
    return get_generator(gen).domain


def verdicts(r: Rendered, dom: str) -> dict:
    ctx, _ = execute("test", r, None, dom)
    return {v.verifier: v for v in run_verifiers(ctx)}


def answer_check(r: Rendered, dom: str):
    fn = verify_answer if dom == "plane_geometry" else verify_stats_answer
    return fn(VerifyContext("test", r, None, None, None, dom))


def with_answer(r: Rendered, answer) -> Rendered:
    d = dataclasses.replace(r.draft, answer=sp.sympify(answer))
    return dataclasses.replace(r, draft=d, cot=trace(d, r.tool_code))


def test_new_points_are_builtin_seeds_with_their_own_generators():
    nodes = {n.id: n for n in load_seeds()}
    for gen in PLANE + STATS:
        node = nodes[gen]
        assert node.generator == gen and node.name and node.description
        assert node.domain == domain(gen) == ("plane_geometry" if gen in PLANE else "statistics")
        assert all(p in nodes for p in node.prerequisites)
    generated = [n for n in nodes.values() if n.generator]
    assert sum(n.domain == "plane_geometry" for n in generated) >= 17
    assert sum(n.domain == "statistics" for n in generated) >= 11


@pytest.mark.parametrize("gen", PLANE + STATS)
def test_thirty_seeds_pass_every_verifier(gen):
    """Rendered, run in the sandbox and judged by every verifier of its domain: all pass."""
    questions = set()
    for seed in range(30):
        r = rendered(gen, seed)
        v = verdicts(r, domain(gen))
        expected = {"answer.plane_geometry", "image", "tool"} if gen in PLANE else {"answer.statistics", "image.statistics", "image", "tool"}
        assert expected <= set(v)
        assert all(x.passed for x in v.values()), (seed, r.draft.question, {k: x.reason for k, x in v.items()
                                                                              if not x.passed})
        questions.add(r.draft.question)
    assert len(questions) >= 20  # thirty draws are thirty problems, near enough


@pytest.mark.parametrize("gen", PLANE + STATS)
def test_wrong_answer_is_rejected(gen):
    r = rendered(gen, 3)
    assert answer_check(r, domain(gen)).passed
    for wrong in (r.draft.answer + 1, r.draft.answer * sp.Rational(11, 10)):
        c = answer_check(with_answer(r, wrong), domain(gen))
        assert not c.passed and ("measures" in c.reason or "the figure gives" in c.reason), c.reason


@pytest.mark.parametrize("gen", PLANE)
def test_plane_given_that_disagrees_with_the_figure_is_rejected(gen):
    """The question states a number the scene does not have (a generator bug): the verifier re-measures it."""
    for seed in range(10):
        r = rendered(gen, seed)
        g = next((g for g in r.draft.givens if g.value.is_Integer), None)
        if g is None:
            continue
        v = int(g.value)
        question = re.sub(rf"(?<![\d.]){v}(?![\d])", str(v + 1), r.draft.question, count=1)
        bad = dataclasses.replace(r, draft=dataclasses.replace(r.draft, question=question))
        c = answer_check(bad, "plane_geometry")
        assert not c.passed and "not stated" in c.reason, (seed, c.reason)
        return
    pytest.fail("no integer given in ten draws")


def _move(r: Rendered, name: str, dx=0, dy=0) -> Rendered:
    scene = r.draft.scene
    x, y = scene.points[name]
    scene.points[name] = (x + dx, y + dy)
    scene.__dict__.pop("_floats", None)
    return r


@pytest.mark.parametrize("gen,point", [("plane.thales", "C"), ("plane.equal_tangents", "D"),
                                       ("plane.rhombus_diagonals", "B"), ("plane.exterior_angle", "A")])
def test_plane_figure_off_the_theorem_is_rejected(gen, point):
    """A figure drawn wrongly (C off the circle, D off the tangent, a kite not a rhombus, A moved)
    measures another answer or another given: the verifier re-measures instead of trusting the claim."""
    r = _move(rendered(gen, 5), point, dx=sp.Rational(1, 2), dy=sp.Rational(1, 3))
    c = answer_check(r, "plane_geometry")
    assert not c.passed and ("measures" in c.reason or "given" in c.reason), c.reason


def test_stacked_segment_read_from_the_bar_not_the_table():
    """Raising the top of the asked stack by two units in the figure changes what the verifier reads."""
    r = rendered("stats.stacked_bar", 4)
    scene: ChartScene = r.draft.scene
    item = r.draft.params["k"]
    lift = scene.frame.height * 2 / (scene.frame.ylim[1] - scene.frame.ylim[0])
    for corner in ("tl", "tr"):
        _move(r, f"{item}.upper.{corner}", dy=lift)
    c = answer_check(r, "statistics")
    assert not c.passed and "the figure gives" in c.reason


def test_series_the_legend_does_not_have_is_rejected():
    r = rendered("stats.stacked_bar", 6)
    scene: ChartScene = r.draft.scene
    word = next(s.text for s in scene.stated if s.kind == "series")
    bad = dataclasses.replace(r.draft, question=r.draft.question.replace(word, "teachers"),
                              scene=dataclasses.replace(scene, stated=[dataclasses.replace(s, text="teachers")
                                                                       if s.kind == "series" and s.text == word else s
                                                                       for s in scene.stated]))
    c = answer_check(dataclasses.replace(r, draft=bad), "statistics")
    assert not c.passed and "legend" in c.reason


def test_percent_change_of_the_other_direction_is_rejected():
    """An increase asked as a decrease (or the reverse) gives a negative change: rejected."""
    r = rendered("stats.percent_change", 2)
    q = r.draft.scene.query
    flipped = "percent_decrease" if q.op == "percent_increase" else "percent_increase"
    scene = dataclasses.replace(r.draft.scene, query=dataclasses.replace(q, op=flipped))
    c = answer_check(dataclasses.replace(r, draft=dataclasses.replace(r.draft, scene=scene)), "statistics")
    assert not c.passed and "the figure gives" in c.reason


def test_frequency_mean_uses_the_values_printed_under_the_bars():
    """Relabelling the x-axis (values 1, 2, 3 … instead of 0, 1, 2 …) changes the mean the figure gives."""
    for seed in range(20):
        r = rendered("stats.frequency_mean", seed)
        if r.draft.scene.query.op == "freq_mean":
            break
    scene: ChartScene = r.draft.scene
    shifted = dataclasses.replace(scene, xticks=[(v, str(int(t) + 1)) for v, t in scene.xticks])
    c = answer_check(dataclasses.replace(r, draft=dataclasses.replace(r.draft, scene=shifted)), "statistics")
    assert not c.passed and "freq_mean" in c.reason


def test_interpolation_at_another_time_is_rejected():
    r = rendered("stats.line_interpolation", 7)
    q = r.draft.scene.query
    scene = dataclasses.replace(r.draft.scene, query=dataclasses.replace(q, threshold=(q.threshold[0] + 0.25,)))
    c = answer_check(dataclasses.replace(r, draft=dataclasses.replace(r.draft, scene=scene)), "statistics")
    assert not c.passed and "interpolate" in c.reason


@pytest.mark.parametrize("gen", STATS)
def test_figure_code_drawn_off_its_table_is_caught_in_the_pixels(gen):
    """Every number list of the figure code scaled by 1.3: the bars or markers leave their probes."""
    r = rendered(gen, 1)
    code = r.image_code

    def scale(m: re.Match) -> str:
        nums = [float(x) for x in m.group(1).split(", ")]
        return "values = [" + ", ".join(repr(round(x * 1.3, 3)) for x in nums) + "]"

    tampered = re.sub(r"values = \[([^\]]+)\]", scale, code)
    tampered = re.sub(r"(ax\.bar\(\[[^\]]+\], )\[([^\]]+)\]",
                      lambda m: m.group(1) + "[" + ", ".join(repr(round(float(x) * 1.3, 3))
                                                             for x in m.group(2).split(", ")) + "]", tampered)
    assert tampered != code
    v = verdicts(dataclasses.replace(r, image_code=tampered), "statistics")["image.statistics"]
    assert not v.passed and ("bar" in v.reason or "marker" in v.reason), v.reason


def test_interpolation_tool_lines_meet_at_the_answer():
    """The red vertical line stands at the asked time and the red horizontal one at the answer's height."""
    r = rendered("stats.line_interpolation", 2)
    scene: ChartScene = r.draft.scene
    f = scene.frame
    ctx, _ = execute("test", r, None, "statistics")
    edited = run_tool_code(r.tool_code, ctx.render.png)
    assert edited.error is None
    red = (np.abs(edited.rgb.astype(int) - RED).max(axis=2) < 40)
    x = round(float(f.x(scene.query.threshold[0])))
    row = round(r.layout.size - float(f.y(r.draft.answer)))  # the answer's height, from the axis map
    assert red[row - 2 : row + 3, f.left + 2 : x - 2].any(axis=0).mean() > 0.5  # dashed horizontal
    bottom = r.layout.size - f.bottom
    assert red[row + 2 : bottom - 2, x - 2 : x + 3].any(axis=1).mean() > 0.5  # dashed vertical below it
    assert not red[: row - 4, x - 2 : x + 3].any()  # and nothing above the graph


@pytest.mark.parametrize("gen", PLANE + STATS)
def test_three_hundred_draws_finish(gen):
    """Every parameter combination a generator can pick has a solution: no draw loops forever
    (an axis too short for a ride's readings once did)."""
    import random
    import signal

    def stuck(*_):
        raise TimeoutError(f"{gen} did not finish 300 draws in 60 s")

    old = signal.signal(signal.SIGALRM, stuck)
    signal.alarm(60)
    try:
        for seed in range(300):
            get_generator(gen).fn(random.Random(seed))
    finally:
        signal.alarm(0)
        signal.signal(signal.SIGALRM, old)
