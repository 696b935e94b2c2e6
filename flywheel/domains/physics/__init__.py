"""Physics: force diagrams, inclines, levers, projectiles, lenses, mirrors, refraction, circuits."""

from pathlib import Path

from flywheel.domains.base import Domain
from flywheel.domains.registry import register_domain

_HERE = Path(__file__).parent
DOMAIN = Domain(
    name="physics", title="Physics",
    modules=tuple(f"{__name__}.{m}" for m in ("circuits", "forces", "lever", "motion", "optics", "rays", "verifiers", "image_check")),
    knowledge=_HERE / "knowledge.yaml", rules=_HERE / "rules.yaml",
)
register_domain(DOMAIN)
