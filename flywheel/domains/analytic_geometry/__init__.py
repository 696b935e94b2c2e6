"""Analytic geometry and functions: graphs on coordinate axes, intercepts, tangents, areas between curves, conics."""

from pathlib import Path

from flywheel.domains.base import Domain
from flywheel.domains.registry import register_domain

_HERE = Path(__file__).parent
DOMAIN = Domain(
    name="analytic_geometry", title="Analytic geometry",
    modules=tuple(f"{__name__}.{m}" for m in ("circles", "conics", "cubics", "exponentials", "lines", "piecewise", "quadratics", "tangents", "trig", "verifiers")),
    knowledge=_HERE / "knowledge.yaml", rules=_HERE / "rules.yaml",
)
register_domain(DOMAIN)
