"""Physics domain: every generator verified end to end; the physics verifiers reject broken samples."""

from __future__ import annotations

import dataclasses
import io
import subprocess
import sys

import numpy as np
import pytest
from PIL import Image

from flywheel.domains import generator_names, get_generator
from flywheel.domains.physics.image_check import verify_physics_image
from flywheel.domains.physics.symbols import Cell
from flywheel.domains.physics.verifiers import _image_point, stated_values, verify_physics_answer
from flywheel.knowledge.seeds import load_seeds
from flywheel.render.draft import render
from flywheel.render.execute import run_image_code, run_tool_code
from flywheel.verify.registry import VerifyContext, run_verifiers
from tests.conftest import rendered

PHYSICS = [n for n in generator_names() if n.startswith("physics.")]


def context(r, image_code: str | None = None) -> VerifyContext:
    img = run_image_code(image_code or r.image_code)
    return VerifyContext("t", r, img, None, run_tool_code(r.tool_code, img.png), domain="physics")


def test_five_physics_knowledge_points_each_with_its_own_generator():
    nodes = [n for n in load_seeds() if n.domain == "physics"]
    assert len(nodes) >= 5 and {n.generator for n in nodes} == set(PHYSICS)
    assert all(get_generator(g).domain == "physics" for g in PHYSICS)


@pytest.mark.parametrize("name", PHYSICS)
def test_answers_are_exact_over_thirty_seeds(name):
    for seed in range(30):
        check = verify_physics_answer(VerifyContext("t", rendered(name, seed), None, None, None, "physics"))
        assert check.passed, (seed, check.reason)


@pytest.mark.parametrize("name", PHYSICS)
def test_every_verifier_passes_on_the_rendered_figures(name):
    for seed in range(30, 36):
        verdicts = run_verifiers(context(rendered(name, seed)))
        assert {v.verifier for v in verdicts} >= {"answer.physics", "image.physics", "image", "tool"}
        failed = [(v.verifier, v.reason) for v in verdicts if not v.passed]
        assert not failed, (seed, failed)


def test_question_givens_are_read_back_from_the_text():
    got = stated_values("F₁ = 6 N and θ = 30°, OF = OF' = 20 cm; sin θ = 3/5. W = 50 N")
    assert got == {"F₁": 6, "θ": 30, "OF": 20, "OF'": 20, "sin θ": 0.6, "W": 50}


def test_answer_verifier_rejects_a_wrong_answer():
    r = rendered("physics.resultant_force", 3)
    wrong = dataclasses.replace(r, draft=dataclasses.replace(r.draft, answer=r.draft.answer + 1))
    check = verify_physics_answer(VerifyContext("t", wrong, None, None, None, "physics"))
    assert not check.passed and "recomputed from the figure" in check.reason


@pytest.mark.parametrize(("name", "given"), [("physics.resultant_force", " N and"), ("physics.series_parallel", " Ω and")])
def test_answer_verifier_rejects_a_question_that_misstates_the_figure(name, given):
    r = rendered(name, 4)
    q = r.draft.question
    i = q.index(given)  # the number just before it: F₁'s newtons or R₂'s ohms
    j = i
    while q[j - 1].isdigit():
        j -= 1
    bad_q = q[:j] + str(int(q[j:i]) + 1) + q[i:]
    bad = dataclasses.replace(r, draft=dataclasses.replace(r.draft, question=bad_q))
    check = verify_physics_answer(VerifyContext("t", bad, None, None, None, "physics"))
    assert not check.passed and "does not state" in check.reason


def test_answer_verifier_rejects_a_figure_whose_circuit_differs_from_the_question():
    r = rendered("physics.series_parallel", 5)
    scene = dataclasses.replace(r.draft.scene, elements=[
        dataclasses.replace(it, ohms=it.ohms + 2) if getattr(it, "name", "") == "R₃" else it for it in r.draft.scene.elements
    ])
    bad = dataclasses.replace(r, draft=dataclasses.replace(r.draft, scene=scene))
    check = verify_physics_answer(VerifyContext("t", bad, None, None, None, "physics"))
    assert not check.passed and "R₃" in check.reason


def test_image_check_rejects_arrows_without_heads():
    r = rendered("physics.incline_components", 2)
    code = "\n".join(ln for ln in r.image_code.splitlines() if "PolyCollection" not in ln)
    check = verify_physics_image(context(r, code))
    assert not check.passed and "no head" in check.reason


def test_image_check_rejects_an_arrow_drawn_too_short():
    r = rendered("physics.resultant_force", 6)
    shorter = dict(r.draft.scene.points)
    (ox, oy), (fx, fy) = shorter["O"], shorter["F₁"]
    shorter["F₁"] = (ox + (fx - ox) * 4 / 5, oy + (fy - oy) * 4 / 5)
    drawn = render(dataclasses.replace(r.draft, scene=dataclasses.replace(r.draft.scene, points=shorter)))
    check = verify_physics_image(context(r, drawn.image_code))
    assert not check.passed and "F₁" in check.reason


def test_image_check_rejects_a_cell_drawn_the_wrong_way_round():
    r = rendered("physics.series_parallel", 1)
    items = [Cell(it.minus, it.plus, it.name, it.volts) if isinstance(it, Cell) else it for it in r.draft.scene.elements]
    drawn = render(dataclasses.replace(r.draft, scene=dataclasses.replace(r.draft.scene, elements=items)))
    check = verify_physics_image(context(r, drawn.image_code))
    assert not check.passed and "plate" in check.reason


def _red(rgb: np.ndarray, x: float, y: float, r: int = 2) -> bool:
    win = rgb[int(y) - r : int(y) + r + 1, int(x) - r : int(x) + r + 1].astype(int)
    return bool(((win[..., 0] > 150) & (win[..., 1] < 110) & (win[..., 2] < 110)).any())


@pytest.mark.parametrize("seed", [0, 7])
def test_lens_rays_meet_at_the_image_point_the_tool_marks(seed):
    r = rendered("physics.thin_lens", seed)
    scene, lay = r.draft.scene, r.layout
    meet = _image_point(scene, ("A", "B", "O", "F'"))  # the verifier's own ray trace
    assert np.allclose(meet, scene.floats()["A'"], atol=1e-9)
    edited = context(r).tool.rgb
    assert _red(edited, *lay.to_px(*meet))
    assert not _red(edited, *lay.to_px(*scene.floats()["F"]), r=4)  # nothing drawn on the object side's axis


def test_projectile_tool_marks_the_highest_point_of_the_drawn_path():
    r = rendered("physics.projectile", 2)
    scene, lay = r.draft.scene, r.layout
    (curve,) = [it for it in scene.elements if hasattr(it, "points")]
    top = max(curve.points, key=lambda p: p[1])
    hx, hy = scene.floats()["H"]
    assert abs(top[1] - hy) < 1e-3 * hy and abs(top[0] - hx) < 0.02 * abs(curve.points[-1][0])
    assert _red(context(r).tool.rgb, *lay.to_px(hx, hy))


@pytest.mark.parametrize("name", ["physics.projectile", "physics.thin_lens", "physics.series_parallel"])
def test_image_code_alone_reproduces_the_figure(name, tmp_path):
    """Arrow heads, hatching, curves and symbols stay plain matplotlib: `python fig.py` draws the same pixels."""
    r = rendered(name, 9)
    (tmp_path / "fig.py").write_text(r.image_code)
    subprocess.run([sys.executable, "fig.py"], cwd=tmp_path, check=True, env={"PATH": "/usr/bin:/bin"})
    alone = np.asarray(Image.open(tmp_path / "image.png"))
    pooled = np.asarray(Image.open(io.BytesIO(run_image_code(r.image_code).png)))
    assert "flywheel" not in r.image_code and np.array_equal(alone, pooled)
