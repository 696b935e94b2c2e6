"""Domains and their generators, registered from each domain folder; third-party packages add
domains through the `flywheel.domains` entry point (a module that calls `register_domain`).

A domain is registered before its modules are imported, so its generators and verifiers register
under it; a generator of an unregistered domain is an error, and a domain whose interaction samples
would lack an answer or an image verifier is refused.
"""

from __future__ import annotations

import importlib
import random
from collections.abc import Callable
from dataclasses import dataclass

from flywheel.core.errors import FlywheelError
from flywheel.core.registry import Registry
from flywheel.domains.base import Domain, Evolution
from flywheel.render.draft import Draft
from flywheel.verify.registry import REQUIRED_ROLES, VERIFIERS, VerifierFn, register_verifier

GeneratorFn = Callable[[random.Random], Draft]

BUILTIN = [
    "flywheel.domains.plane_geometry",
    "flywheel.domains.physics",
    "flywheel.domains.statistics",
    "flywheel.domains.discrete",
    "flywheel.domains.analytic_geometry",
    "flywheel.domains.solid_geometry",
]


@dataclass(frozen=True)
class GeneratorSpec:
    name: str
    domain: str  # its Domain's name
    fn: GeneratorFn


DOMAINS: Registry[Domain] = Registry("domain", "flywheel.domains", BUILTIN)
# Importing a domain registers its generators: both registries discover the same modules.
GENERATORS: Registry[GeneratorSpec] = Registry("generator", "flywheel.domains", BUILTIN)


def register_domain(domain: Domain) -> Domain:
    """Register `domain`, import its modules (they register its generators and verifiers), check it.

    Call it from the domain package's `__init__.py` after binding the record to a module name, so
    the modules can import it: `DOMAIN = Domain(...)` then `register_domain(DOMAIN)`.
    """
    if DOMAINS.registered(domain.name):
        raise FlywheelError(f"domain {domain.name!r} is registered twice")
    DOMAINS.add(domain.name, domain)
    try:
        for module in domain.modules:
            importlib.import_module(module)
        specs = [s for _, s in VERIFIERS.items() if s.fn is not None and s.applies(domain.name)]
        missing = [r for r in REQUIRED_ROLES if not any(s.role == r for s in specs)]
        if missing:
            raise FlywheelError(
                f"domain {domain.name!r} is refused: it has no {' and no '.join(missing)} verifier "
                f"(register one with domain_verifier(DOMAIN, {missing[0]!r}) in one of its modules)")
    except BaseException:
        _forget(domain.name)
        raise
    return domain


def _forget(name: str) -> None:
    """Take back everything a refused domain registered."""
    DOMAINS.remove(name)
    for gen, spec in GENERATORS.registered_items():
        if spec.domain == name:
            GENERATORS.remove(gen)
    for ver, spec in VERIFIERS.registered_items():
        if spec.domains == {name}:
            VERIFIERS.remove(ver)


def _registered(domain: Domain, what: str) -> Domain:
    if not isinstance(domain, Domain):
        raise FlywheelError(f"{what}: {domain!r} is not a Domain (pass the DOMAIN its package registers)")
    if not DOMAINS.registered(domain.name):
        raise FlywheelError(f"{what}: domain {domain.name!r} is not registered (call register_domain first)")
    return domain


def register_generator(name: str, domain: Domain) -> Callable[[GeneratorFn], GeneratorFn]:
    """Decorator: `@register_generator("plane.pythagoras", DOMAIN)`; the domain must be registered."""
    _registered(domain, f"generator {name!r}")
    return GENERATORS.decorator(name, lambda fn: GeneratorSpec(name, domain.name, fn))


def domain_verifier(domain: Domain, role: str, kinds: list[str] | None = None) -> Callable[[VerifierFn], VerifierFn]:
    """Decorator: the domain's own verifier of a role, named `<role>.<domain>` (`answer.statistics`)."""
    _registered(domain, f"{role} verifier")
    return register_verifier(f"{role}.{domain.name}", role=role, domains=[domain.name], kinds=kinds)


def get_domain(name: str) -> Domain:
    return DOMAINS.get(name)


def domain_names() -> list[str]:
    return DOMAINS.names()


def evolution_of(name: str) -> Evolution:
    """What evolution domain `name` offers; nothing for a name no domain registers (a taxonomy's own)."""
    domain = DOMAINS.find(name)
    return domain.evolution if domain else Evolution()


def verifier_role(name: str) -> str | None:
    """The role of the verifier writing verdicts named `name`; None for verdicts no registered verifier
    writes (an LLM creator's or judge's)."""
    DOMAINS.names()  # domain verifiers register with their domain
    spec = VERIFIERS.find(name)
    return spec.role if spec else None


def get_generator(name: str) -> GeneratorSpec:
    return GENERATORS.get(name)


def generator_names() -> list[str]:
    return GENERATORS.names()
