"""Mapping rules from knowledge-point names to generators: built-in rules by keyword, in English and
Chinese, specific before general; an explicit generator wins; only registered generators are mapped."""

from __future__ import annotations

import pytest

from flywheel.core.errors import FlywheelError
from flywheel.core.records import KnowledgeNode
from flywheel.knowledge.mapping import Rules
from flywheel.knowledge.taxonomy import slug


def point(name: str, description: str = "", **kw) -> KnowledgeNode:
    return KnowledgeNode(id=kw.pop("id", f"d/{slug(name)}"), domain="d", name=name, description=description, **kw)


@pytest.mark.parametrize(("name", "generator"), [
    ("Pythagorean Theorem", "plane.pythagoras"),
    ("The law-of-cosines", "plane.law_of_cosines"),
    ("Angle bisectors of a triangle", "plane.angle_bisector"),
    ("Area of trapezoids", "plane.trapezoid_area"),
    ("Perimeter of a trapezoid", None),  # the figure is not the skill
    ("Volume of a frustum of a cone", None),  # an explicit `none` rule: a frustum is not a cone
    ("Midsegment of a triangle", "plane.midline_varignon"),
    ("勾股定理的应用", "plane.pythagoras"),
    ("圆周角定理", "plane.inscribed_angle"),
    ("Tangent function", None),
    ("Pythagoreanism in philosophy", None),
    ("Chordates", None),
    ("Secant of an angle", None),
    ("Chord length where a line cuts a circle: line and circle", "analytic.circle_chord"),
    ("Chord of a circle", "plane.chord_distance"),
    ("Tangent line to a curve at a point", "analytic.tangent_length"),
    ("Cross-sections of a cube", "solid.cube_section"),
    ("Volume of cones", "solid.cone_volume"),
    ("Graphs of exponential functions", "analytic.exponential_reading"),
    ("Refraction of light", "physics.refraction_block"),
    ("Box-and-whisker plots", "stats.box_plot"),
    ("Minimum spanning trees", "discrete.spanning_tree"),
    ("指数函数的图像", "analytic.exponential_reading"),
    ("Thales' theorem", "plane.thales"),
    ("Stacked bar charts", "stats.stacked_bar"),
])
def test_builtin_rules(name, generator):
    assert Rules().match(point(name)) == generator


def test_explicit_generator_wins_and_unknown_is_an_error():
    rules = Rules()
    assert rules.assign(point("Pythagorean theorem", generator="plane.midline_varignon")).generator == "plane.midline_varignon"
    assert rules.assign(point("Knot theory")).mapped is False
    with pytest.raises(FlywheelError, match="unknown generator 'x.y'"):
        rules.assign(point("p", generator="x.y"))


def test_rules_only_map_to_registered_generators(monkeypatch):
    from flywheel.knowledge import mapping

    monkeypatch.setattr(mapping, "generator_names", lambda: ["plane.pythagoras"])
    rules = Rules()  # built-in rules for generators not (yet) registered are skipped, not an error
    assert {r.generator for r in rules.rules} == {"plane.pythagoras", "none"}
    assert rules.match(point("Inscribed angle")) is None
    assert rules.match(point("Right triangle sides")) == "plane.pythagoras"
