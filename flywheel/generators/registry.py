"""Generators registered by name; third-party packages add theirs via the `flywheel.generators` entry point."""

from __future__ import annotations

import random
from collections.abc import Callable
from dataclasses import dataclass

from flywheel.generators.base import Draft
from flywheel.registry import Registry

GeneratorFn = Callable[[random.Random], Draft]


@dataclass(frozen=True)
class GeneratorSpec:
    name: str
    domain: str
    fn: GeneratorFn


GENERATORS: Registry[GeneratorSpec] = Registry("generator", "flywheel.generators", [
    "flywheel.generators.plane",
    "flywheel.generators.physics",
    "flywheel.generators.charts",
    "flywheel.generators.discrete",
    "flywheel.generators.analytic",
    "flywheel.generators.solid",
])


def register_generator(name: str, domain: str) -> Callable[[GeneratorFn], GeneratorFn]:
    """Decorator: `@register_generator("plane.pythagoras", domain="plane_geometry")`."""
    return GENERATORS.decorator(name, lambda fn: GeneratorSpec(name, domain, fn))


def get_generator(name: str) -> GeneratorSpec:
    return GENERATORS.get(name)


def generator_names() -> list[str]:
    return GENERATORS.names()
