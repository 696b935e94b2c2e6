"""Solid geometry generators: polyhedra (cuboids, cubes, pyramids, prisms) and round solids."""

from flywheel.domains.solid_geometry import polyhedra, round_solids  # noqa: F401 - registers the generators
