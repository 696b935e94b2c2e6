"""Scene engine: the layout's data→pixel map is where matplotlib draws, labels sit nearest their own
point, and the emitted figure code reproduces the worker's render when run alone."""

import io
import math
import random
import subprocess
import sys

import numpy as np
from PIL import Image

from flywheel.domains import generator_names, get_generator
from flywheel.render.draft import render
from flywheel.render.execute import run_image_code
from flywheel.render.scene.layout import label_box
from tests.conftest import rendered


def test_image_code_run_alone_reproduces_the_worker_render(tmp_path):
    r = render(get_generator("plane.chord_distance").fn(random.Random(3)))
    (tmp_path / "fig.py").write_text(r.image_code)
    subprocess.run([sys.executable, "fig.py"], cwd=tmp_path, check=True, env={"PATH": "/usr/bin:/bin"})
    alone = np.asarray(Image.open(tmp_path / "image.png"))
    pooled = np.asarray(Image.open(io.BytesIO(run_image_code(r.image_code).png)))
    assert alone.shape == pooled.shape == (448, 448, 4)
    assert np.array_equal(alone, pooled)


def test_layout_transform_puts_points_on_the_drawn_pixels():
    """The scene's data→pixel transform agrees with where matplotlib actually draws the dots."""
    r = render(get_generator("plane.pythagoras").fn(random.Random(2)))
    img = np.asarray(Image.open(io.BytesIO(run_image_code(r.image_code).png)).convert("L"))
    for name in r.draft.scene.labeled:
        x, y = r.layout.to_px(*r.draft.scene.floats()[name])
        xi, yi = int(round(x)), int(round(y))
        assert img[yi - 1 : yi + 2, xi - 1 : xi + 2].min() < 80, name  # a dark dot right there


def test_no_tick_label_is_nearer_a_labelled_point_than_its_own_label():
    for name in [g for g in generator_names() if g.startswith("analytic.")]:
        for seed in range(12):
            r = rendered(name, seed)
            lay, pts = r.layout, r.draft.scene.floats()
            for n in r.draft.scene.labeled:
                p = lay.to_px(*pts[n])
                own = _gap(p, label_box(*lay.labels[n], n))
                for t in lay.plane_texts:
                    if t.tick:
                        assert _gap(p, t.box) > own, (name, seed, n, t.text)


def _gap(p, r) -> float:
    return math.hypot(max(r[0] - p[0], 0.0, p[0] - r[2]), max(r[1] - p[1], 0.0, p[1] - r[3]))
