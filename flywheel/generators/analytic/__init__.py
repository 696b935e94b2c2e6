"""Analytic geometry and functions: graphs on coordinate axes, intercepts, tangents, areas between curves, conics."""

from flywheel.generators.analytic import conics, lines, piecewise, quadratics, tangents  # noqa: F401 - registers generators
