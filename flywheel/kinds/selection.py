"""`--domains`: keep the knowledge nodes of the named domains; unknown names are a user error."""

from __future__ import annotations

from flywheel.core.errors import FlywheelError
from flywheel.core.records import KnowledgeNode
from flywheel.domains.registry import GENERATORS


def known_domains(seeds: list[KnowledgeNode]) -> list[str]:
    """Domains of the registered generators and of the seeds file."""
    return sorted({spec.domain for _, spec in GENERATORS.items()} | {n.domain for n in seeds})


def _generator_domain(name: str) -> str | None:
    spec = GENERATORS.find(name)
    return spec.domain if spec else None


def select_domains(nodes: list[KnowledgeNode], seeds: list[KnowledgeNode], domains: list[str]) -> list[KnowledgeNode]:
    known = known_domains(seeds)
    unknown = [d for d in domains if d not in known]
    if unknown:
        raise FlywheelError(f"unknown domain(s): {', '.join(unknown)} (known: {', '.join(known)})")
    # An imported point (We-Math's "geometry/…") counts for the domain of the generator it is mapped to too.
    kept = [n for n in nodes if n.domain in domains or (n.generator and _generator_domain(n.generator) in domains)]
    if not kept:
        raise FlywheelError(f"no knowledge node with a generator in domain(s) {', '.join(domains)}")
    return kept
