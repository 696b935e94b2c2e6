"""Givens on the figure and the figure-text read-back: every registered generator prints each given it
can show beside its element, and `image.labels` finds it there; a value label changed, moved or
dropped (in the figure code or only in the pixels) is rejected."""

from __future__ import annotations

import dataclasses
import io

import numpy as np
import pytest
from PIL import Image

from flywheel.domains import get_generator
from flywheel.domains.registry import GENERATORS
from flywheel.render.draft import Rendered
from flywheel.render.execute import run_image_code
from flywheel.render.scene.values import value_text
from flywheel.run.build import execute
from flywheel.verify.labels import givens_on_figure
from tests.conftest import rendered, verdicts

# Charts print their data through matplotlib's axes (their text is checked there); every other
# generator states typed givens the figure must show.
PLANE_LIKE = [g for g in GENERATORS.names() if not g.startswith("stats.")]


@pytest.mark.parametrize("generator", PLANE_LIKE)
def test_every_given_is_on_the_figure_and_reads_back(generator):
    r = rendered(generator, 0)
    ctx, _ = execute("t", r, None, get_generator(generator).domain)
    assert givens_on_figure(ctx) == []
    shown = {v.measure for v in r.layout.values}
    for g in r.draft.givens:
        right_angle = g.measure.kind == "angle" and g.value == 90
        coordinate = g.measure.kind in ("x", "y")
        assert right_angle or coordinate or g.measure in shown, (g.measure, r.draft.question)
    v = verdicts(r, get_generator(generator).domain)["image.labels"]
    assert v.passed, v.reason


def _value_line(r: Rendered, text: str) -> str:
    return next(line for line in r.image_code.splitlines() if line.startswith("fig.text(") and f"{text!r}, fontsize=12" in line)


def test_values_are_printed_like_a_textbook():
    r = rendered("plane.law_of_cosines", 0)  # CA = 5, CB = 7, ∠ACB = 60°
    texts = {v.text for v in r.layout.values}
    assert texts == {value_text(g.value) + ("°" if g.measure.kind == "angle" else "") for g in r.draft.givens}
    for v in r.layout.values:
        assert v.distance_to_element() <= v.reach


def test_a_changed_value_is_rejected():
    r = rendered("plane.pythagoras", 3)
    first = r.layout.values[0].text
    wrong = str(int(first) + 1)
    line = _value_line(r, first)
    bad = dataclasses.replace(r, image_code=r.image_code.replace(line, line.replace(repr(first), repr(wrong))))
    v = verdicts(bad)["image.labels"]
    assert not v.passed and v.code == "labels" and first in v.reason


def test_a_value_moved_to_another_element_is_rejected():
    r = rendered("plane.pythagoras", 3)
    a, b = r.layout.values[0], r.layout.values[1]
    line = _value_line(r, a.text)
    x, y = r.layout.to_data(b.cx, b.cy + 22)  # beside the other segment
    head, _, tail = line.partition(f", {a.text!r}")
    moved = f"fig.text({round(x, 3)}, {round(y, 3)}, {a.text!r}{tail}"
    v = verdicts(dataclasses.replace(r, image_code=r.image_code.replace(line, moved)))["image.labels"]
    assert not v.passed and "moved" in v.reason


def test_a_dropped_value_is_rejected():
    r = rendered("physics.resultant_force", 0)
    line = _value_line(r, r.layout.values[0].text)
    v = verdicts(dataclasses.replace(r, image_code=r.image_code.replace(line + "\n", "")), "physics")["image.labels"]
    assert not v.passed and "not drawn" in v.reason


def test_pixels_that_say_something_else_are_rejected():
    """The renderer's report is right but the PNG is not: the read-back looks at pixels only."""
    r = rendered("solid.space_diagonal", 0)
    ctx, _ = execute("t", r, None, "solid_geometry")
    first = r.layout.values[0].text
    line = _value_line(r, first)
    other = run_image_code(r.image_code.replace(line, line.replace(repr(first), repr(first + "1"))))
    ctx.render = dataclasses.replace(ctx.render, png=other.png)
    ctx.render.__dict__.pop("rgb", None)
    assert givens_on_figure(ctx), "a value label reading '…1' must not pass as the given"
    # and a letter painted over with white is no longer read
    rgb = np.array(Image.open(io.BytesIO(ctx.render.png)).convert("RGB"))
    x, y = r.layout.labels[r.draft.scene.labeled[0]]
    rgb[int(y) - 8 : int(y) + 8, int(x) - 8 : int(x) + 8] = 255
    buf = io.BytesIO()
    Image.fromarray(rgb).save(buf, format="PNG")
    ctx.render = dataclasses.replace(ctx.render, png=buf.getvalue())
    ctx.render.__dict__.pop("rgb", None)
    from flywheel.verify.labels import label_problems

    assert any(f"point {r.draft.scene.labeled[0]}" in p for p in label_problems(ctx))
