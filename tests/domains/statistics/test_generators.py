"""Statistics charts: generators are exact and seeded, every verifier passes, and
the tool's reading lines land where the chart's axis map says."""

from __future__ import annotations

import numpy as np
import pytest

from flywheel.domains import generator_names, get_generator
from flywheel.domains.statistics.model import ChartScene
from flywheel.domains.statistics.verifiers import verify_stats_answer
from flywheel.knowledge.seeds import load_seeds
from flywheel.render.execute import run_tool_code
from flywheel.run.build import execute
from tests.conftest import assert_every_verifier_passes, rendered, unrendered

CHARTS = sorted(n for n in generator_names() if n.startswith("stats."))
# Checked over thirty seeds and three hundred draws (the others over two seeds).
SWEPT = ["stats.stacked_bar", "stats.percent_change", "stats.frequency_mean", "stats.line_interpolation"]
DOMAIN = "statistics"
VERIFIERS = {"answer.statistics", "image.statistics", "image", "tool"}
RED = np.array([214, 39, 40])


def test_eleven_statistics_generators_with_seeds():
    assert len(CHARTS) == 11
    nodes = {n.id: n for n in load_seeds() if n.domain == DOMAIN}
    assert sorted(n.generator for n in nodes.values()) == CHARTS
    assert all(get_generator(g).domain == DOMAIN for g in CHARTS)


def test_swept_points_are_builtin_seeds_with_their_own_generators():
    nodes = {n.id: n for n in load_seeds()}
    for gen in SWEPT:
        node = nodes[gen]
        assert node.generator == gen and node.name and node.description
        assert node.domain == get_generator(gen).domain == DOMAIN
        assert all(p in nodes for p in node.prerequisites)
    assert sum(n.domain == DOMAIN for n in nodes.values() if n.generator) >= 11


@pytest.mark.parametrize("gen", CHARTS)
def test_answer_is_exact_over_30_seeds(gen):
    """The answer by construction equals what the figure's geometry gives, and every given matches."""
    for seed in range(30):
        r = rendered(gen, seed)
        c = verify_stats_answer(unrendered(r, DOMAIN))
        assert c.passed, (seed, r.draft.question, c.reason)
        assert isinstance(r.draft.scene, ChartScene) and r.draft.answer >= 0


@pytest.mark.parametrize("gen", CHARTS)
def test_rendered_samples_pass_every_verifier(gen):
    assert_every_verifier_passes(gen, (0, 1), VERIFIERS, absent={"answer.plane_geometry"})  # the plane verifier does not judge charts


@pytest.mark.parametrize("gen", SWEPT)
def test_thirty_seeds_pass_every_verifier(gen):
    """Rendered, run in the sandbox and judged by every verifier of its domain: all pass."""
    questions = assert_every_verifier_passes(gen, range(30), VERIFIERS)
    assert len(questions) >= 20  # thirty draws are thirty problems, near enough


def test_reading_lines_land_on_the_bar_tops():
    """Tool code draws red at the height of each read bar, from the value axis to the bar."""
    r = rendered("stats.bar_difference", 8)
    scene: ChartScene = r.draft.scene
    ctx, _ = execute("test", r, None, DOMAIN)
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


def test_interpolation_tool_lines_meet_at_the_answer():
    """The red vertical line stands at the asked time and the red horizontal one at the answer's height."""
    r = rendered("stats.line_interpolation", 2)
    scene: ChartScene = r.draft.scene
    f = scene.frame
    ctx, _ = execute("test", r, None, DOMAIN)
    edited = run_tool_code(r.tool_code, ctx.render.png)
    assert edited.error is None
    red = (np.abs(edited.rgb.astype(int) - RED).max(axis=2) < 40)
    x = round(float(f.x(scene.query.threshold[0])))
    row = round(r.layout.size - float(f.y(r.draft.answer)))  # the answer's height, from the axis map
    assert red[row - 2 : row + 3, f.left + 2 : x - 2].any(axis=0).mean() > 0.5  # dashed horizontal
    bottom = r.layout.size - f.bottom
    assert red[row + 2 : bottom - 2, x - 2 : x + 3].any(axis=1).mean() > 0.5  # dashed vertical below it
    assert not red[: row - 4, x - 2 : x + 3].any()  # and nothing above the graph
