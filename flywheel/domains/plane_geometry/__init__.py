"""Plane geometry: triangles, quadrilaterals, circles and angle theorems on free scenes of points.

It offers all of evolution: expansion steps (steps.py), distractors and surface variants
(variants.py), and its figures may be turned or mirrored for a new layout.
"""

from pathlib import Path

from flywheel.domains.base import Domain, Evolution
from flywheel.domains.plane_geometry import steps, variants
from flywheel.domains.registry import register_domain

_HERE = Path(__file__).parent
DOMAIN = Domain(
    name="plane_geometry", title="Plane geometry",
    modules=tuple(f"{__name__}.{m}" for m in ("angle_theorems", "circle_theorems", "circles", "lines", "quadrilaterals", "rhombus", "triangles", "verifiers")),
    knowledge=_HERE / "knowledge.yaml", rules=_HERE / "rules.yaml",
    evolution=Evolution(steps=steps.STEPS, target_kind=steps.target_kind, parallel=variants.distract,
                        surface=variants.vary, reshapable=True),
)
register_domain(DOMAIN)
