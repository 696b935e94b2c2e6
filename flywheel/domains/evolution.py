"""Replay of evolution recipes for any domain: the ops a recipe may hold, looked up through the domain.

A sample made by evolution is `draw(generator, seed)` followed by a list of ops, each a small
JSON-able tuple ending in its own seed: ("extend", step, seed), ("distract", seed), ("vary", seed),
("reorient", seed). The recipe is stored in the sample's params, so every evolved sample can be
rebuilt exactly, its id is a hash of it, and a child's recipe is its parent's plus one op.
Each op is one thing a domain's Evolution offers (domains/base.py); an op the domain does not
offer fails the task like a step that found no placement.
"""

from __future__ import annotations

import random
from dataclasses import replace
from functools import cache

from flywheel.domains.base import Evolution, StepFailed
from flywheel.domains.registry import evolution_of, get_generator
from flywheel.render.draft import Draft, draw, orient

Op = tuple  # ("name", *args, seed)


def apply_ops(draft: Draft, ops: list[Op], domain: str) -> Draft:
    """Replay a recipe on a draft of `domain`; raises StepFailed when an op cannot be applied."""
    evo = evolution_of(domain)
    for op in ops:
        name, *args, seed = op
        draft = _op(evo, name, domain)(draft, random.Random(seed), *args)
    if ops:
        draft = replace(draft, params={**draft.params, "ops": [list(o) for o in ops]})
    return draft


def _op(evo: Evolution, name: str, domain: str):
    def extend(draft: Draft, rng: random.Random, step: str) -> Draft:
        s = evo.step(step)
        # A generator asks different quantities on different seeds: a step reads only the kinds it extends.
        kind = evo.target_kind(draft) if evo.target_kind else None
        if kind not in s.reads:
            raise StepFailed(f"step {step!r} extends {sorted(s.reads)} targets, not {kind!r}")
        return s.fn(draft, rng)

    def reorient(draft: Draft, rng: random.Random) -> Draft:
        """The same figure turned or mirrored: a new label layout (the re-layout repair)."""
        return replace(draft, scene=orient(draft.scene, rng))

    offered = {"extend": extend if evo.steps is not None else None, "distract": evo.parallel, "vary": evo.surface,
               "reorient": reorient if evo.reshapable else None}
    fn = offered.get(name)
    if fn is None:
        raise StepFailed(f"domain {domain!r} offers no evolution op {name!r}")
    return fn


@cache
def base_kind(generator: str, seed: int) -> str | None:
    """Target kind of the problem a seed draws, as its domain's steps read it (None: no step fits).
    Generators ask different quantities on different seeds, so the kind is the seed's."""
    spec = get_generator(generator)
    evo = evolution_of(spec.domain)
    return evo.target_kind(draw(spec.fn, seed)) if evo.target_kind else None


def recipe_kind(generator: str, seed: int, ops: tuple) -> str | None:
    """Target kind after the recipe: the last extension step decides, else the seed's problem."""
    evo = evolution_of(get_generator(generator).domain)
    kind = base_kind(generator, seed) if evo.target_kind else None
    for op in ops:
        if op[0] == "extend":
            kind = evo.step(op[1]).makes
    return kind
