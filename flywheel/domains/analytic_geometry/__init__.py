"""Analytic geometry and functions: graphs on coordinate axes, intercepts, tangents, areas between curves, conics."""

from flywheel.domains.analytic_geometry import (  # noqa: F401 - registers generators
    circles,
    conics,
    cubics,
    exponentials,
    lines,
    piecewise,
    quadratics,
    tangents,
    trig,
)
