"""Generators registered by name; third-party packages add theirs via the `flywheel.domains` entry point."""

from __future__ import annotations

import random
from collections.abc import Callable
from dataclasses import dataclass

from flywheel.core.registry import Registry
from flywheel.render.draft import Draft

GeneratorFn = Callable[[random.Random], Draft]


@dataclass(frozen=True)
class GeneratorSpec:
    name: str
    domain: str
    fn: GeneratorFn


GENERATORS: Registry[GeneratorSpec] = Registry("generator", "flywheel.domains", [
    "flywheel.domains.plane_geometry",
    "flywheel.domains.physics",
    "flywheel.domains.statistics",
    "flywheel.domains.discrete",
    "flywheel.domains.analytic_geometry",
    "flywheel.domains.solid_geometry",
])


def register_generator(name: str, domain: str) -> Callable[[GeneratorFn], GeneratorFn]:
    """Decorator: `@register_generator("plane.pythagoras", domain="plane_geometry")`."""
    return GENERATORS.decorator(name, lambda fn: GeneratorSpec(name, domain, fn))


def get_generator(name: str) -> GeneratorSpec:
    return GENERATORS.get(name)


def generator_names() -> list[str]:
    return GENERATORS.names()
