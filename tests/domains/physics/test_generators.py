"""Physics generators: one per knowledge point, answers exact from the drawn figure, every verifier
passing, the physics in the figure (moments, shortest paths, Snell, ray tracing) and the tool edits
where the physics says, and figure code that reproduces itself when run alone."""

from __future__ import annotations

import io
import subprocess
import sys

import numpy as np
import pytest
from PIL import Image

from flywheel.domains import generator_names, get_generator
from flywheel.domains.physics.verifiers import (
    _fermat_point,
    _image_point,
    _refracted_exit,
    stated_values,
    verify_physics_answer,
)
from flywheel.knowledge.seeds import load_seeds
from flywheel.render.execute import run_image_code
from flywheel.run.build import execute
from tests.conftest import assert_every_verifier_passes, rendered, unrendered

PHYSICS = [n for n in generator_names() if n.startswith("physics.")]
# Checked over thirty seeds here and broken on purpose in test_verifiers.py.
SWEPT = ["physics.lever_balance", "physics.plane_mirror", "physics.refraction_block"]
DOMAIN = "physics"
VERIFIERS = {"answer.physics", "image.physics", "image", "tool"}


def answer_check(r):
    return verify_physics_answer(unrendered(r, DOMAIN))


def test_five_physics_knowledge_points_each_with_its_own_generator():
    nodes = [n for n in load_seeds() if n.domain == DOMAIN]
    assert len(nodes) >= 5 and {n.generator for n in nodes} == set(PHYSICS)
    assert all(get_generator(g).domain == DOMAIN for g in PHYSICS)


@pytest.mark.parametrize("name", PHYSICS)
def test_answers_are_exact_over_thirty_seeds(name):
    for seed in range(30):
        check = answer_check(rendered(name, seed))
        assert check.passed, (seed, check.reason)


@pytest.mark.parametrize("name", PHYSICS)
def test_every_verifier_passes_on_the_rendered_figures(name):
    assert_every_verifier_passes(name, range(30, 36), VERIFIERS)


@pytest.mark.parametrize("name", SWEPT)
def test_every_verifier_passes_over_thirty_seeds(name):
    assert_every_verifier_passes(name, range(30), VERIFIERS)


def _red(rgb: np.ndarray, x: float, y: float, r: int = 2) -> bool:
    win = rgb[int(y) - r : int(y) + r + 1, int(x) - r : int(x) + r + 1].astype(int)
    return bool(((win[..., 0] > 150) & (win[..., 1] < 110) & (win[..., 2] < 110)).any())


@pytest.mark.parametrize("seed", [0, 7])
def test_lens_rays_meet_at_the_image_point_the_tool_marks(seed):
    r = rendered("physics.thin_lens", seed)
    scene, lay = r.draft.scene, r.layout
    meet = _image_point(scene, ("A", "B", "O", "F'"))  # the verifier's own ray trace
    assert np.allclose(meet, scene.floats()["A'"], atol=1e-9)
    edited = execute("t", r, None, DOMAIN)[0].tool.rgb
    assert _red(edited, *lay.to_px(*meet))
    assert not _red(edited, *lay.to_px(*scene.floats()["F"]), r=4)  # nothing drawn on the object side's axis


def test_projectile_tool_marks_the_highest_point_of_the_drawn_path():
    r = rendered("physics.projectile", 2)
    scene, lay = r.draft.scene, r.layout
    (curve,) = [it for it in scene.elements if hasattr(it, "points")]
    top = max(curve.points, key=lambda p: p[1])
    hx, hy = scene.floats()["H"]
    assert abs(top[1] - hy) < 1e-3 * hy and abs(top[0] - hx) < 0.02 * abs(curve.points[-1][0])
    assert _red(execute("t", r, None, DOMAIN)[0].tool.rgb, *lay.to_px(hx, hy))


def test_lever_balance_is_the_moment_of_the_drawn_arrows():
    """W·OA = F·OH: the verifier's balance, from the arrows alone, matches the stated load and the answer."""
    for seed in range(12):
        r = rendered("physics.lever_balance", seed)
        if r.draft.params["ask"] == "force":
            f = r.draft.scene.floats()
            oh = np.linalg.norm(np.subtract(f["H"], f["O"]))
            oa = np.linalg.norm(np.subtract(f["A"], f["O"]))
            assert float(r.draft.answer) * oh == pytest.approx(r.draft.params["weight"] * oa)
            assert answer_check(r).passed


def test_mirror_reflection_point_is_where_the_path_is_shortest_and_the_tool_marks_it():
    r = rendered("physics.plane_mirror", 4)
    scene = r.draft.scene
    fermat = _fermat_point(scene, ("A", "E", "M1", "M2"))
    assert np.allclose(fermat, scene.floats()["P"], atol=1e-6)
    ctx, _ = execute("t", r, None, DOMAIN)
    x, y = r.layout.to_px(*fermat)
    win = ctx.tool.rgb[int(y) - 2 : int(y) + 3, int(x) - 2 : int(x) + 3].astype(int)
    assert ((win[..., 0] > 150) & (win[..., 1] < 110)).any()  # red ink at P in the edited figure


def test_refraction_exit_point_follows_snell_and_matches_the_figure():
    r = rendered("physics.refraction_block", 5)
    stated = stated_values(r.draft.question)
    q = _refracted_exit(r.draft.scene, ("A", "O", "X1", "N"), stated)
    assert np.allclose(q, r.draft.scene.floats()["Q"], atol=1e-9)
    glass = dict(stated, n=stated["n"] * 1.1)  # another refractive index bends the ray elsewhere
    assert not np.allclose(_refracted_exit(r.draft.scene, ("A", "O", "X1", "N"), glass), q, atol=1e-3)


@pytest.mark.parametrize("name", ["physics.projectile", "physics.thin_lens", "physics.series_parallel"])
def test_image_code_alone_reproduces_the_figure(name, tmp_path):
    """Arrow heads, hatching, curves and symbols stay plain matplotlib: `python fig.py` draws the same pixels."""
    r = rendered(name, 9)
    (tmp_path / "fig.py").write_text(r.image_code)
    subprocess.run([sys.executable, "fig.py"], cwd=tmp_path, check=True, env={"PATH": "/usr/bin:/bin"})
    alone = np.asarray(Image.open(tmp_path / "image.png"))
    pooled = np.asarray(Image.open(io.BytesIO(run_image_code(r.image_code).png)))
    assert "flywheel" not in r.image_code and np.array_equal(alone, pooled)
