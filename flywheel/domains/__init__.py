"""Domains, one folder each: generators, verifiers, knowledge, mapping rules and the evolution it offers."""

from flywheel.domains.base import Domain, Evolution
from flywheel.domains.registry import (
    domain_names,
    domain_verifier,
    generator_names,
    get_domain,
    get_generator,
    register_domain,
    register_generator,
)

__all__ = ["Domain", "Evolution", "domain_names", "domain_verifier", "generator_names", "get_domain",
           "get_generator", "register_domain", "register_generator"]
