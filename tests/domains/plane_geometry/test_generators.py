"""Plane-geometry generators: seeded knowledge points, answers that are the exact measure of the
target, givens that match the scene, and every verifier passing."""

from __future__ import annotations

import random

import pytest
import sympy as sp

from flywheel.domains import generator_names, get_generator
from flywheel.knowledge.seeds import load_seeds
from flywheel.render.scene.measure import agrees, measure_exact
from tests.conftest import assert_every_verifier_passes, rendered

DOMAIN = "plane_geometry"
# Scene measures (length, angle, area) are plane geometry's targets; other domains verify their own.
PLANE = [n for n in generator_names() if get_generator(n).domain == DOMAIN]
# Checked over thirty seeds and three hundred draws, and broken on purpose in test_verifiers.py.
SWEPT = ["plane.thales", "plane.equal_tangents", "plane.rhombus_diagonals", "plane.exterior_angle"]


def test_builtin_seeds_cover_twelve_plane_geometry_points_each_with_its_generator():
    nodes = load_seeds()
    plane = [n for n in nodes if n.domain == DOMAIN and n.generator]
    assert len(plane) >= 12
    assert len({n.generator for n in plane}) == len(plane)


def test_swept_points_are_builtin_seeds_with_their_own_generators():
    nodes = {n.id: n for n in load_seeds()}
    for gen in SWEPT:
        node = nodes[gen]
        assert node.generator == gen and node.name and node.description
        assert node.domain == get_generator(gen).domain == DOMAIN
        assert all(p in nodes for p in node.prerequisites)
    assert sum(n.domain == DOMAIN for n in nodes.values() if n.generator) >= 17


@pytest.mark.parametrize("name", PLANE)
def test_answer_is_the_exact_measure_of_the_target(name):
    spec = get_generator(name)
    for seed in range(25):
        d = spec.fn(random.Random(seed))
        assert agrees(d.scene, d.target, d.answer), (seed, measure_exact(d.scene, d.target), d.answer)
        for g in d.givens:
            assert agrees(d.scene, g.measure, g.value), (seed, g)


def test_sympy_answer_kept_exact():
    r = rendered("plane.pythagoras", 0)
    assert isinstance(r.draft.answer, sp.Expr) and r.draft.answer.is_algebraic


@pytest.mark.parametrize("gen", ["plane.pythagoras", "plane.chord_distance", "plane.triangle_area_altitude"])
def test_good_samples_pass_every_verifier(gen):
    assert_every_verifier_passes(gen, (4,), set())


@pytest.mark.parametrize("gen", SWEPT)
def test_thirty_seeds_pass_every_verifier(gen):
    """Rendered, run in the sandbox and judged by every verifier of its domain: all pass."""
    questions = assert_every_verifier_passes(gen, range(30), {"answer.plane_geometry", "image", "tool"})
    assert len(questions) >= 20  # thirty draws are thirty problems, near enough
