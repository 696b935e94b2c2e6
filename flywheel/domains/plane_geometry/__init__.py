"""Plane-geometry generators (one module per family); importing registers them."""

from flywheel.domains.plane_geometry import (  # noqa: F401
    angle_theorems,
    circle_theorems,
    circles,
    lines,
    quadrilaterals,
    rhombus,
    triangles,
)
