"""Generators: registry, the Draft protocol, the scene engine and one module per problem family."""

from flywheel.domains.registry import generator_names, get_generator, register_generator

__all__ = ["generator_names", "get_generator", "register_generator"]
