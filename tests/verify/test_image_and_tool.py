"""The generic image and tool verifiers on deliberately broken samples: labels off the canvas, on each
other or on a line, figure code that fails or leaks the answer, tool code that draws nothing, raises
or draws in the wrong place."""

import dataclasses

from flywheel.render.draft import Rendered
from flywheel.render.scene import emit
from tests.conftest import rendered, verdicts


def _move_label(r: Rendered, name: str, x: float, y: float) -> Rendered:
    r.layout.labels[name] = (x, y)
    return dataclasses.replace(r, image_code=emit.image_code(r.draft.scene, r.layout, "t"))


def test_label_off_canvas_is_caught():
    r = rendered("plane.pythagoras", 3)
    v = verdicts(_move_label(r, "A", 2.0, 200.0))["image"]
    assert not v.passed and "clipped" in v.reason


def test_overlapping_labels_are_caught():
    r = rendered("plane.pythagoras", 3)
    bx, by = r.layout.labels["B"]
    v = verdicts(_move_label(r, "A", bx + 4, by + 2))["image"]
    assert not v.passed and ("overlap" in v.reason or "covers" in v.reason)


def test_label_on_a_line_is_caught():
    r = rendered("plane.pythagoras", 3)
    pts = {k: r.layout.to_px(*p) for k, p in r.draft.scene.floats().items()}
    (ax, ay), (bx, by) = pts["A"], pts["B"]
    # a quarter of the way along AB: the middle holds AB's value label
    v = verdicts(_move_label(r, "C", (3 * ax + bx) / 4, (3 * ay + by) / 4))["image"]
    assert not v.passed and "line" in v.reason


def test_image_code_that_fails_is_reported():
    r = rendered("plane.pythagoras", 3)
    v = verdicts(dataclasses.replace(r, image_code="raise RuntimeError('boom')"))
    assert not v["image"].passed and "boom" in v["image"].reason
    assert not v["tool"].passed


def test_degenerate_shape_is_caught():
    r = rendered("plane.pythagoras", 3)
    scene = r.draft.scene
    scene.points["D"] = scene.points["A"]  # collapse a side to nothing
    scene.__dict__.pop("_floats", None)
    v = verdicts(dataclasses.replace(r, image_code=emit.image_code(scene, r.layout, "t")))["image"]
    assert not v.passed


def test_answer_value_printed_on_figure_is_caught():
    r = rendered("plane.chord_distance", 2)
    leak = r.image_code.replace("fig.savefig", f"fig.text(0.1, 0.1, {str(r.draft.answer_latex)!r})\nfig.savefig")
    v = verdicts(dataclasses.replace(r, image_code=leak))["image"]
    assert not v.passed


def test_tool_code_that_draws_nothing_is_caught():
    r = rendered("plane.chord_distance", 5)
    noop = "from PIL import Image\nimport os\nImage.open(image_path).save(os.path.join(temp_output_dir, 'e.png'))\nprint(os.path.join(temp_output_dir, 'e.png'))\n"
    v = verdicts(dataclasses.replace(r, tool_code=noop))["tool"]
    assert not v.passed and "drew nothing" in v.reason


def test_tool_code_that_raises_is_caught():
    r = rendered("plane.chord_distance", 5)
    v = verdicts(dataclasses.replace(r, tool_code="1/0"))["tool"]
    assert not v.passed and "ZeroDivisionError" in v.reason


def test_tool_code_drawing_in_the_wrong_place_is_caught():
    r = rendered("plane.triangle_area_altitude", 5)
    shifted = r.tool_code.replace("dashed((", "dashed((60 + ").replace("), (", "), (60 + ", 1)
    v = verdicts(dataclasses.replace(r, tool_code=shifted))["tool"]
    assert not v.passed
