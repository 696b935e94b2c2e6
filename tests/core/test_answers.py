import sympy as sp

from flywheel.core.answers import answers_equal, parse_answer, to_latex


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
