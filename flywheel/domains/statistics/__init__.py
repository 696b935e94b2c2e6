"""Statistics charts: bar, line, pie, histogram, box plot, scatter."""

from pathlib import Path

from flywheel.domains.base import Domain
from flywheel.domains.registry import register_domain

_HERE = Path(__file__).parent
DOMAIN = Domain(
    name="statistics", title="Statistics",
    modules=tuple(f"{__name__}.{m}" for m in ("bars", "distributions", "frequency", "interpolate", "multi", "pie", "scatter", "series", "verifiers")),
    knowledge=_HERE / "knowledge.yaml", rules=_HERE / "rules.yaml",
)
register_domain(DOMAIN)
