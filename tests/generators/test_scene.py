"""Scene engine and every generator: exact answers, consistent givens, reproducible standalone code."""

import random
import subprocess
import sys

import numpy as np
import pytest
from PIL import Image

from flywheel.domains import generator_names, get_generator
from flywheel.knowledge.seeds import load_seeds
from flywheel.render.draft import render
from flywheel.render.execute import run_image_code
from flywheel.render.scene.measure import agrees, measure_exact

GENERATORS = generator_names()
# Scene measures (length, angle, area) are plane geometry's targets; other domains verify their own.
PLANE = [n for n in GENERATORS if get_generator(n).domain == "plane_geometry"]


def test_builtin_seeds_cover_twelve_plane_geometry_points_each_with_its_generator():
    nodes = load_seeds()
    plane = [n for n in nodes if n.domain == "plane_geometry" and n.generator]
    assert len(plane) >= 12
    assert len({n.generator for n in plane}) == len(plane)


@pytest.mark.parametrize("name", PLANE)
def test_answer_is_the_exact_measure_of_the_target(name):
    spec = get_generator(name)
    for seed in range(25):
        d = spec.fn(random.Random(seed))
        assert agrees(d.scene, d.target, d.answer), (seed, measure_exact(d.scene, d.target), d.answer)
        for g in d.givens:
            assert agrees(d.scene, g.measure, g.value), (seed, g)


@pytest.mark.parametrize("name", GENERATORS)
def test_same_seed_same_problem_other_seed_other_problem(name):
    spec = get_generator(name)
    a, b = render(spec.fn(random.Random(5))), render(spec.fn(random.Random(5)))
    assert a.image_code == b.image_code and a.tool_code == b.tool_code and a.cot == b.cot
    others = {render(spec.fn(random.Random(s))).image_code for s in range(6)}
    assert len(others) >= 4


@pytest.mark.parametrize("name", GENERATORS)
def test_trace_format_and_answer_tag(name):
    r = render(get_generator(name).fn(random.Random(1)))
    assert r.cot.startswith("<think>")
    assert "<code>\n```python\n" in r.cot and "\n```\n</code>\n<sandbox_output><image></sandbox_output>" in r.cot
    assert r.cot.endswith(f"</think>\n<answer>{r.draft.answer_latex}</answer>")
    assert "flywheel" not in r.image_code and "flywheel" not in r.tool_code
    assert "image_path" in r.tool_code and "temp_output_dir" in r.tool_code


def test_image_code_run_alone_reproduces_the_worker_render(tmp_path):
    r = render(get_generator("plane.chord_distance").fn(random.Random(3)))
    (tmp_path / "fig.py").write_text(r.image_code)
    subprocess.run([sys.executable, "fig.py"], cwd=tmp_path, check=True, env={"PATH": "/usr/bin:/bin"})
    alone = np.asarray(Image.open(tmp_path / "image.png"))
    pooled = np.asarray(Image.open(__import__("io").BytesIO(run_image_code(r.image_code).png)))
    assert alone.shape == pooled.shape == (448, 448, 4)
    assert np.array_equal(alone, pooled)


def test_layout_transform_puts_points_on_the_drawn_pixels():
    """The scene's data→pixel transform agrees with where matplotlib actually draws the dots."""
    r = render(get_generator("plane.pythagoras").fn(random.Random(2)))
    img = np.asarray(Image.open(__import__("io").BytesIO(run_image_code(r.image_code).png)).convert("L"))
    for name in r.draft.scene.labeled:
        x, y = r.layout.to_px(*r.draft.scene.floats()[name])
        xi, yi = int(round(x)), int(round(y))
        assert img[yi - 1 : yi + 2, xi - 1 : xi + 2].min() < 80, name  # a dark dot right there
