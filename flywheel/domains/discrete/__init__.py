"""Discrete mathematics and logic: lattice paths, counting figures, graph diagrams (domain `discrete`)."""

from flywheel.domains.discrete import boards, counting, dag, graphs, rectangles  # noqa: F401 - registers the generators
