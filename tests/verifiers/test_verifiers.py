"""Each verifier on a good sample and on deliberately broken ones."""

import dataclasses

import pytest
import sympy as sp

from flywheel.render.draft import Rendered, trace
from flywheel.run.build import execute
from flywheel.verify.duplicate import DuplicateIndex, question_key
from flywheel.verify.registry import run_verifiers
from tests.conftest import rendered


def verdicts(r: Rendered) -> dict[str, object]:
    ctx, _ = execute("test", r, None, "plane_geometry")
    return {v.verifier: v for v in run_verifiers(ctx)}


@pytest.mark.parametrize("gen", ["plane.pythagoras", "plane.chord_distance", "plane.triangle_area_altitude"])
def test_good_samples_pass_every_verifier(gen):
    v = verdicts(rendered(gen, 4))
    assert all(x.passed for x in v.values()), {k: x.reason for k, x in v.items()}


def test_wrong_answer_is_caught_by_remeasuring():
    r = rendered("plane.pythagoras", 1)
    wrong = dataclasses.replace(r.draft, answer=r.draft.answer + 1)
    v = verdicts(dataclasses.replace(r, draft=wrong, cot=trace(wrong, r.tool_code)))["answer.plane_geometry"]
    assert not v.passed and "measures" in v.reason


def test_given_that_disagrees_with_the_figure_is_caught():
    r = rendered("plane.pythagoras", 1)
    a = r.draft.params["a"]
    bad = dataclasses.replace(r.draft, question=r.draft.question.replace(f"AB = {a}", f"AB = {a + 1}"))
    v = verdicts(dataclasses.replace(r, draft=bad))["answer.plane_geometry"]
    assert not v.passed and "not stated" in v.reason


def test_trace_answer_must_match():
    r = rendered("plane.chord_distance", 2)
    v = verdicts(dataclasses.replace(r, cot=r.cot.replace("<answer>", "<answer>1")))["answer.plane_geometry"]
    assert not v.passed and "<answer>" in v.reason


def _move_label(r: Rendered, name: str, x: float, y: float) -> Rendered:
    from flywheel.render.scene import emit

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
    v = verdicts(_move_label(r, "C", (ax + bx) / 2, (ay + by) / 2))["image"]
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
    v = verdicts(dataclasses.replace(r, image_code=__import__("flywheel.render.scene.emit", fromlist=["x"]).image_code(scene, r.layout, "t")))["image"]
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


def test_duplicate_index_same_question_or_same_answer_and_figure():
    idx = DuplicateIndex()
    idx.add(question_key("In rectangle ABCD, AB = 3 and BC = 4.  Find AC."), "c3a5b1e0f0f0f0f0", "5")
    # the same question with other point names, spacing or verb of the ask is the same problem
    assert not idx.check(question_key("In rectangle PQRS,  PQ = 3 and QR = 4. Determine PR."), "0000000000000000", "5")[0]
    assert idx.check(question_key("In rectangle PQRS, PQ = 3 and QR = 5. Find PR."), "0000000000000000", "5")[0]
    other = question_key("In rectangle ABCD, AB = 4 and BC = 3. Find AC.")
    # another question with the same answer and a figure 3 bits away: near-duplicate
    ok, reason = idx.check(other, "c3a5b1e0f0f0f0f7", "5")
    assert not ok and "distance 3" in reason
    # same answer but a clearly different figure, or a near figure with another answer: fine
    assert idx.check(other, "3c5a4e1f0f0f0f0f", "5")[0]
    assert idx.check(other, "c3a5b1e0f0f0f0f1", "6")[0]


def test_duplicate_index_finds_every_near_neighbour():
    import random

    rng = random.Random(0)
    idx = DuplicateIndex()
    stored = [rng.getrandbits(64) for _ in range(2000)]
    for i, h in enumerate(stored):
        idx.add(f"q{i}", f"{h:016x}", "1")
    for h in stored[:200]:
        flipped = h
        for bit in rng.sample(range(64), 4):  # 4 bits away: must be found
            flipped ^= 1 << bit
        assert not idx.check("new", f"{flipped:016x}", "1")[0]


def test_answer_value_printed_on_figure_is_caught():
    r = rendered("plane.chord_distance", 2)
    leak = r.image_code.replace("fig.savefig", f"fig.text(0.1, 0.1, {str(r.draft.answer_latex)!r})\nfig.savefig")
    v = verdicts(dataclasses.replace(r, image_code=leak))["image"]
    assert not v.passed


def test_sympy_answer_kept_exact():
    r = rendered("plane.pythagoras", 0)
    assert isinstance(r.draft.answer, sp.Expr) and r.draft.answer.is_algebraic


def test_fast_phash_matches_imagehash_on_the_same_thumbnail():
    import imagehash
    import numpy as np
    from PIL import Image

    from flywheel.verify.duplicate import phash_hex

    rng = np.random.default_rng(1)
    for _ in range(20):
        a = np.full((448, 448, 3), 255, np.uint8)
        for _ in range(6):
            x, y = rng.integers(0, 400, 2)
            a[y : y + rng.integers(2, 40), x : x + rng.integers(2, 40)] = 0
        thumb = np.floor(a[..., 1].reshape(32, 14, 32, 14).mean(axis=(1, 3))).astype(np.uint8)
        assert phash_hex(a) == str(imagehash.phash(Image.fromarray(thumb)))
