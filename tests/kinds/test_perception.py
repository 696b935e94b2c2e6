"""Perception: coordinates come from the transform, and the verifier re-finds them in the pixels."""

import math

import pytest

from flywheel.core.errors import FlywheelError
from flywheel.kinds.points import format_points, parse_points, score_points
from flywheel.kinds.verifiers import darkness, locate_point, verify_perception
from flywheel.verify.registry import run_verifiers
from tests.kinds.conftest import executed

GENERATORS = ["plane.pythagoras", "plane.chord_distance", "plane.inscribed_angle", "plane.midline_varignon",
              "plane.power_of_point", "plane.parallel_transversal"]


@pytest.mark.parametrize("generator", GENERATORS)
def test_coordinates_sit_on_the_drawn_points(generator):
    for seed in (0, 1):
        variant, ctx = executed("perception", generator, seed)
        check = verify_perception(ctx)
        assert check.passed, check.reason
        d = darkness(ctx.render.rgb)
        for name, claim in variant.points.items():
            found, thickness = locate_point(d, claim)
            assert math.dist(found, claim) < 1.5, (name, claim, found)  # measured max 0.92 px over 216 points
            assert thickness >= 4.0
        # The answer string is the dict the public data uses, and it reads back to the same points.
        assert parse_points(variant.answer) == variant.points
        assert variant.answer.startswith("{'") and "(" in variant.answer


def test_only_kind_verifiers_judge_a_perception_sample():
    _, ctx = executed("perception", "plane.pythagoras")
    names = {v.verifier: v.passed for v in run_verifiers(ctx)}
    assert names == {"image": True, "figure": True, "image.labels": True, "perception": True}  # no answer or tool check on a perception sample


def _rejects(ctx, points, needle):
    ctx.points = points
    check = verify_perception(ctx)
    assert not check.passed
    assert needle in check.reason, check.reason


def test_broken_answers_are_rejected():
    variant, ctx = executed("perception", "plane.midline_varignon", 2)
    pts = dict(variant.points)
    a, b = list(pts)[:2]
    x, y = pts[a]
    _rejects(ctx, {**pts, a: (x + 6, y + 2)}, a)  # 6 px off: on a bare stroke or blank paper
    _rejects(ctx, {**pts, a: pts[b], b: pts[a]}, "label nearest")  # names swapped: dots right, labels wrong
    _rejects(ctx, {**pts, a: (2.0, 2.0)}, "no ink")  # a corner of blank paper
    _rejects(ctx, {**pts, a: (x, 900.0)}, "outside")
    scene, lay = variant.rendered.draft.scene, variant.rendered.layout
    s = next(s for s in scene.segments if s.a in pts)
    p, q = lay.to_px(*scene.floats()[s.a]), lay.to_px(*scene.floats()[s.b])
    t = 7 / math.dist(p, q)
    _rejects(ctx, {**pts, s.a: (p[0] + t * (q[0] - p[0]), p[1] + t * (q[1] - p[1]))}, "bare stroke")  # 7 px along AB


def test_point_scorer():
    truth = {"A": (100.0, 100.0), "B": (200.0, 50.0)}
    assert score_points(format_points(truth), truth) == 1.0
    assert score_points("{'A': (110, 100), 'B': (200, 50)}", truth) == pytest.approx(0.75)  # A 10 px off: 0.5
    assert score_points('{"A": [100, 100]}', truth) == pytest.approx(0.5)  # B missing
    assert score_points("A is at the top", truth) == 0.0
    assert score_points({"A": (400, 400), "B": (0, 0)}, truth) == 0.0
    with pytest.raises(FlywheelError):
        parse_points("no dict here")
    assert parse_points('{"B": [3.5, -2]}') == {"B": (3.5, -2.0)}
    assert parse_points("A = (3, 4) and B: [5.5, -6]") == {"A": (3.0, 4.0), "B": (5.5, -6.0)}  # no literal: the pairs
