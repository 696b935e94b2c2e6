"""Generators registered by name; third-party packages add theirs via the `flywheel.generators` entry point."""

from __future__ import annotations

import random
from collections.abc import Callable
from dataclasses import dataclass
from importlib.metadata import entry_points

from flywheel.errors import FlywheelError
from flywheel.generators.base import Draft

GeneratorFn = Callable[[random.Random], Draft]


@dataclass(frozen=True)
class GeneratorSpec:
    name: str
    domain: str
    fn: GeneratorFn


_REGISTRY: dict[str, GeneratorSpec] = {}
_LOADED = False


def register_generator(name: str, domain: str) -> Callable[[GeneratorFn], GeneratorFn]:
    """Decorator: `@register_generator("plane.pythagoras", domain="plane_geometry")`."""

    def deco(fn: GeneratorFn) -> GeneratorFn:
        _REGISTRY[name] = GeneratorSpec(name, domain, fn)
        return fn

    return deco


def _load() -> None:
    global _LOADED
    if _LOADED:
        return
    _LOADED = True
    import flywheel.generators.plane  # noqa: F401 - registers the built-in generators

    for ep in entry_points(group="flywheel.generators"):
        ep.load()


def get_generator(name: str) -> GeneratorSpec:
    _load()
    if name not in _REGISTRY:
        raise FlywheelError(f"unknown generator {name!r} (known: {', '.join(sorted(_REGISTRY))})")
    return _REGISTRY[name]


def generator_names() -> list[str]:
    _load()
    return sorted(_REGISTRY)
