"""Plane-geometry generators (one module per family); importing registers them."""

from flywheel.generators.plane import (  # noqa: F401
    angle_theorems,
    circle_theorems,
    circles,
    lines,
    quadrilaterals,
    rhombus,
    triangles,
)
