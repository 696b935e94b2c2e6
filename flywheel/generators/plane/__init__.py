"""Plane-geometry generators (one module per family); importing registers them."""

from flywheel.generators.plane import circles, lines, quadrilaterals, triangles  # noqa: F401
