"""Fixtures for the kinds tests: variants of real rendered figures, executed as the pipeline does."""

from __future__ import annotations

import random

from flywheel.domains import get_generator
from flywheel.run.build import MAKERS, execute
from tests.conftest import rendered


def executed(kind: str, generator: str, seed: int = 0):
    """(variant, verify context) of one figure as a `kind` task, after the sandbox ran its code."""
    variant = MAKERS[kind](rendered(generator, seed), random.Random(seed))
    ctx, _ = execute("test", variant.rendered, None, get_generator(generator).domain)
    ctx.kind, ctx.points = kind, dict(variant.points)
    return variant, ctx
