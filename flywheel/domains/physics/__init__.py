"""Physics generators (force diagrams, inclines, levers, projectiles, lenses, mirrors, refraction, circuits); importing registers them."""

from flywheel.domains.physics import circuits, forces, lever, motion, optics, rays  # noqa: F401
