"""Discrete mathematics and logic: lattice paths, counting figures, graph diagrams."""

from pathlib import Path

from flywheel.domains.base import Domain
from flywheel.domains.registry import register_domain

_HERE = Path(__file__).parent
DOMAIN = Domain(
    name="discrete", title="Discrete mathematics",
    modules=tuple(f"{__name__}.{m}" for m in ("boards", "counting", "dag", "graphs", "rectangles", "verifiers")),
    knowledge=_HERE / "knowledge.yaml", rules=_HERE / "rules.yaml",
)
register_domain(DOMAIN)
