"""Figure nits of issue 13: regular axis scales (or none), construction labels in the figure's own font."""

from __future__ import annotations

import pytest

from flywheel.domains.registry import GENERATORS
from flywheel.render.scene.coords import tick_text
from flywheel.run.build import execute
from tests.conftest import rendered

ANALYTIC = [g for g in GENERATORS.names() if g.startswith("analytic.")]


@pytest.mark.parametrize("generator", ANALYTIC)
def test_tick_labels_form_a_regular_scale_or_none(generator):
    for seed in range(3):
        r = rendered(generator, seed)
        plane = r.draft.scene.coordinate_plane
        xt, yt = plane.ticks(r.layout)
        texts = [t for t in r.layout.plane_texts if t.tick]
        # an x tick label sits under its tick, a y tick label level with it
        x_shown = {v for v in xt for t in texts if t.text == tick_text(v) and abs(t.cx - r.layout.to_px(v, 0)[0]) < 1}
        y_shown = {v for v in yt for t in texts if t.text == tick_text(v) and abs(t.cy - r.layout.to_px(0, v)[1]) < 1}
        for shown in (x_shown, y_shown):
            on_axis = sorted(shown | {0})
            gaps = {b - a for a, b in zip(on_axis, on_axis[1:], strict=False)}
            assert len(gaps) <= 1, (seed, on_axis)  # e.g. 1, 3, 6, 7, 9 is a broken scale


def test_construction_labels_use_the_figures_serif():
    r = rendered("plane.chord_distance", 0)
    assert r.draft.scene.construction.points  # the tool labels a new point
    assert "DejaVuSerif-Italic.ttf" in r.tool_code and "load_default" not in r.tool_code
    ctx, _ = execute("t", r, None, "plane_geometry")
    assert ctx.tool.error is None and ctx.tool.png
