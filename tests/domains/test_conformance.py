"""Every registered generator against every verifier that applies to it: a few seeds pass them all,
and each sample is judged by an answer, an image and a tool verifier."""

from __future__ import annotations

import pytest

from flywheel.domains import generator_names, get_generator
from flywheel.domains.registry import verifier_role
from flywheel.render.draft import draw, render
from flywheel.run.build import execute
from flywheel.verify.registry import run_verifiers

SEEDS = range(3)


def conforms(generator: str) -> None:
    spec = get_generator(generator)
    for seed in SEEDS:
        ctx, _ = execute(f"{generator}:{seed}", render(draw(spec.fn, seed)), None, spec.domain)
        verdicts = run_verifiers(ctx)
        assert {"answer", "image", "tool"} <= {verifier_role(v.verifier) for v in verdicts}, (seed, verdicts)
        failed = {v.verifier: v.reason for v in verdicts if not v.passed}
        assert not failed, (seed, failed)


@pytest.mark.parametrize("generator", generator_names())
def test_builtin_generator_passes_every_verifier_that_applies(generator):
    conforms(generator)


def test_toy_generator_passes_its_own_and_the_generic_verifiers(toy):
    conforms("toy.square_diagonal")
