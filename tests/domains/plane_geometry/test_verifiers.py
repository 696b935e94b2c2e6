"""The plane-geometry answer verifier re-measures the figure: a wrong answer, a given the figure does
not have, a trace that disagrees, or a figure drawn off its theorem is rejected."""

from __future__ import annotations

import dataclasses
import re

import pytest
import sympy as sp

from flywheel.domains.plane_geometry.verifiers import verify_answer
from tests.conftest import rendered, shift_point, unrendered, verdicts, with_answer, with_draft
from tests.domains.plane_geometry.test_generators import SWEPT

DOMAIN = "plane_geometry"


def answer_check(r):
    return verify_answer(unrendered(r, DOMAIN))


def test_wrong_answer_is_caught_by_remeasuring():
    r = rendered("plane.pythagoras", 1)
    v = verdicts(with_answer(r, r.draft.answer + 1))["answer.plane_geometry"]
    assert not v.passed and "measures" in v.reason


@pytest.mark.parametrize("gen", SWEPT)
def test_wrong_answer_is_rejected(gen):
    r = rendered(gen, 3)
    assert answer_check(r).passed
    for wrong in (r.draft.answer + 1, r.draft.answer * sp.Rational(11, 10)):
        c = answer_check(with_answer(r, wrong))
        assert not c.passed and ("measures" in c.reason or "the figure gives" in c.reason), c.reason


def test_given_that_disagrees_with_the_figure_is_caught():
    r = rendered("plane.pythagoras", 1)
    a = r.draft.params["a"]
    v = verdicts(with_draft(r, question=r.draft.question.replace(f"AB = {a}", f"AB = {a + 1}")))["answer.plane_geometry"]
    assert not v.passed and "not stated" in v.reason


@pytest.mark.parametrize("gen", SWEPT)
def test_plane_given_that_disagrees_with_the_figure_is_rejected(gen):
    """The question states a number the scene does not have (a generator bug): the verifier re-measures it."""
    for seed in range(10):
        r = rendered(gen, seed)
        g = next((g for g in r.draft.givens if g.value.is_Integer), None)
        if g is None:
            continue
        v = int(g.value)
        question = re.sub(rf"(?<![\d.]){v}(?![\d])", str(v + 1), r.draft.question, count=1)
        c = answer_check(with_draft(r, question=question))
        assert not c.passed and "not stated" in c.reason, (seed, c.reason)
        return
    pytest.fail("no integer given in ten draws")


def test_trace_answer_must_match():
    r = rendered("plane.chord_distance", 2)
    v = verdicts(dataclasses.replace(r, cot=r.cot.replace("<answer>", "<answer>1")))["answer.plane_geometry"]
    assert not v.passed and "<answer>" in v.reason


@pytest.mark.parametrize("gen,point", [("plane.thales", "C"), ("plane.equal_tangents", "D"),
                                       ("plane.rhombus_diagonals", "B"), ("plane.exterior_angle", "A")])
def test_plane_figure_off_the_theorem_is_rejected(gen, point):
    """A figure drawn wrongly (C off the circle, D off the tangent, a kite not a rhombus, A moved)
    measures another answer or another given: the verifier re-measures instead of trusting the claim."""
    r = shift_point(rendered(gen, 5), point, dx=sp.Rational(1, 2), dy=sp.Rational(1, 3))
    c = answer_check(r)
    assert not c.passed and ("measures" in c.reason or "given" in c.reason), c.reason
