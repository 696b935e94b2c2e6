"""Physics generators (force diagrams, inclines, projectiles, lenses, circuits); importing registers them."""

from flywheel.generators.physics import circuits, forces, motion, optics  # noqa: F401
