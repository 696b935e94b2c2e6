"""Chart text read back from the rendered figure: every tick, legend, category and value label at its
place with its own content, so a chart whose code prints a text wrong is rejected, and the values a
vision-only question leaves to the figure are printed there, legible and clear of the bars."""

from __future__ import annotations

import itertools
import re

import pytest

from flywheel.bench.defects import CHART_TEXT_EDITS, cases, wrong_chart_text
from flywheel.domains import generator_names, get_generator
from flywheel.render.draft import draw, render
from flywheel.render.scene import pixels
from flywheel.render.scene.layout import obstacle_segments
from flywheel.run.build import judged_context
from flywheel.verify.registry import run_verifiers

STATS = [n for n in generator_names() if get_generator(n).domain == "statistics"]
# Every edit on a chart it fits: categories and ticks (bars, lines, boxes, histograms), legends (two
# series), pie shares.
EDITED = [("stats.bar_difference", "categories"), ("stats.histogram_count", "categories"),
          ("stats.line_trend", "tick"), ("stats.box_plot", "tick"), ("stats.scatter_region", "tick"),
          ("stats.stacked_bar", "legend"), ("stats.percent_change", "legend"), ("stats.pie_percent", "pie")]


def _failed(ctx) -> dict[str, str]:
    return {v.verifier: v.reason for v in run_verifiers(ctx) if not v.passed}


@pytest.mark.parametrize(("gen", "edit"), EDITED)
def test_a_chart_text_printed_wrong_is_rejected_from_the_figure(gen, edit):
    case = next(cases(1, ["interaction"], [gen]))
    assert _failed(case.ctx) == {}
    broken = wrong_chart_text(case, CHART_TEXT_EDITS[edit])
    assert broken is not None
    shown = sorted(b.text for b in broken.render.labels)
    assert shown != sorted(b.text for b in case.ctx.render.labels) or edit in ("categories", "legend")
    failed = _failed(broken)
    assert "image.labels" in failed, failed
    assert "not drawn at its place" in failed["image.labels"], failed["image.labels"]


@pytest.mark.parametrize("version", ["vision_only", "vision_dominant"])
def test_a_vision_chart_prints_every_stated_value_beside_its_element_clear_of_strokes_and_texts(version):
    """Read the drawn labels back from a rendered vision chart sample of every generator that states a
    reading: each value the text leaves out is on the figure, near its bar, marker or whisker; no
    label crosses a bar edge, the axes, a reading line or another label."""
    seen = 0
    for gen in STATS:
        spec = get_generator(gen)
        rendered = render(draw(spec.fn, 11))
        stated = [s for s in rendered.draft.scene.stated if s.kind == "value"]
        if not stated:
            continue
        _, _, ctx = judged_context(gen, gen, spec.domain, rendered.draft.params, 11, "interaction", rendered,
                                   version=version)
        assert _failed(ctx) == {}, gen
        boxes = ctx.render.labels
        lay, scene = rendered.layout, rendered.draft.scene
        for s in stated:
            assert not re.search(rf"(?<![\w.]){re.escape(s.text)}(?![\w])", ctx.question), (gen, s.text, ctx.question)
            drawn = [b for b in boxes if b.text == s.text]
            cx, cy, ex, ey = next((x, y, ax, ay) for t, item, x, y, ax, ay in scene.extra["values_at"]
                                    if (t, item) == (s.text, s.item))
            box = next(b for b in drawn if abs((b.x0 + b.x1) / 2 - cx) < 3 and abs((b.y0 + b.y1) / 2 - cy) < 3)
            gap = max(box.x0 - ex, 0, ex - box.x1) + max(box.y0 - ey, 0, ey - box.y1)
            assert gap < 40, (gen, s.text, gap)
            shrunk = (box.x0 + 1, box.y0 + 1, box.x1 - 1, box.y1 - 1)
            assert not pixels.rect_hits_segments(shrunk, obstacle_segments(scene, lay, with_construction=True)), gen
            seen += 1
        for a, b in itertools.combinations(boxes, 2):
            assert not pixels.rects_overlap(a.rect, b.rect, pad=-1.0), (gen, a.text, b.text)
    assert seen >= 5
