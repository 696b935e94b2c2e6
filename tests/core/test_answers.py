import pytest
import sympy as sp

from flywheel.core.answers import (
    answer_checkable,
    answers_equal,
    answers_equivalent,
    parse_answer,
    to_latex,
)


def test_latex_round_trip_of_generator_answers():
    for expr in [sp.sqrt(194), sp.Rational(7, 2), 5 * sp.sqrt(3) / 2, sp.Integer(84), 14 * sp.sqrt(2)]:
        assert sp.simplify(parse_answer(to_latex(expr)) - expr) == 0


def test_equivalent_forms_are_equal():
    assert answers_equal(r"\frac{\sqrt{3}}{2}", "sqrt(3)/2")
    assert answers_equal("0.8660", r"\frac{\sqrt{3}}{2}")
    assert answers_equal(r"40^\circ", "40")
    assert answers_equal(r"2\sqrt{13}", "sqrt(52)")


def test_wrong_or_garbage_answers_are_not_equal_and_never_raise():
    assert not answers_equal(r"\sqrt{195}", r"\sqrt{194}")
    for junk in ["", "abc", "__import__('os')", r"\frac{1}{", "1/0", "x+1", "{" * 50, None]:
        assert not answers_equal(junk, "1")


@pytest.mark.parametrize(("pred", "ref"), [
    ("x+1", "1+x"), ("1 + x", "x+1"), ("x^2+2x+1", "(x+1)^2"),  # expressions
    ("y=2x+1", "2x+1=y"), (r"x^2+y^2=4", "y^2+x^2=4"),  # equations
    ("[1,2)", "[1, 2)"), (r"x \in [1, 2)", "[1,2)"),  # intervals
    ("(B)", "B"), ("B.", "B"), ("b", "B"),  # choice letters
    ("1/2", "0.5"), ("0.5", r"\frac{1}{2}"), ("0.8660", r"\frac{\sqrt{3}}{2}"), (r"40^\circ", "40"),  # numbers
])
def test_equivalent_symbolic_answers(pred, ref):
    assert answers_equivalent(pred, ref) and answer_checkable(ref)


@pytest.mark.parametrize(("pred", "ref"), [
    ("x+2", "x+1"), ("y=2x+2", "y=2x+1"), ("(1,2]", "[1,2)"), ("C", "B"), ("(A)", "B"), ("0.6", "1/2"),
    ("9^9^9^9", "1"), ("2^{99999999}", "1"), ("", "1"), ("abc", "1"), ("__import__('os')", "1"),
    (r"\frac{1}{", "1"), ("1/0", "1"), ("{" * 50, "1"), ("x" * 300, "x" * 300), (None, "1"),
])
def test_different_or_garbage_answers_are_not_equivalent_and_never_raise(pred, ref):
    assert not answers_equivalent(pred, ref)
