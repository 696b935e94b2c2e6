"""Discrete mathematics and logic: lattice paths, counting figures, graph diagrams (domain `discrete`)."""

from flywheel.generators.discrete import boards, counting, graphs  # noqa: F401 - registers the generators
