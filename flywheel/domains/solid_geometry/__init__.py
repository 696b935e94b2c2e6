"""Solid geometry: polyhedra (cuboids, cubes, pyramids, prisms) and round solids."""

from pathlib import Path

from flywheel.domains.base import Domain
from flywheel.domains.registry import register_domain

_HERE = Path(__file__).parent
DOMAIN = Domain(
    name="solid_geometry", title="Solid geometry",
    modules=tuple(f"{__name__}.{m}" for m in ("polyhedra", "round_solids", "verifiers")),
    knowledge=_HERE / "knowledge.yaml", rules=_HERE / "rules.yaml",
)
register_domain(DOMAIN)
