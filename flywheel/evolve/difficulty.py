"""Difficulty axis: harder children of the hardest accepted samples.

- *Sequential* expansion: the parent's answer becomes an intermediate quantity and one more theorem
  (an expansion step, sometimes with one more construction) is needed: hops + 1, depth + 1.
- *Parallel* expansion: a distractor element with a stated number the solver must rule out:
  distractors + 1. It is drawn on a fresh problem of the parent's recipe (new numbers, same
  generator, same ops), never on the parent's own numbers: the parent with one more fact and the
  same answer is a near-duplicate, not a new problem.

Both are what a parent's domain offers (its Evolution): a domain without steps or distractors
gets no difficulty jobs.

The structural score is `Difficulty.score` (records.py): hops + 0.5·constructions +
0.25·distractors + 0.5·(composition depth − 1).
"""

from __future__ import annotations

import random

from flywheel.domains.evolution import base_kind
from flywheel.evolve.state import CatalogView, Job, Parent, composed, reseed

MAX_DISTRACTORS = 2  # past this a figure is clutter, not a harder problem


def hardest(view: CatalogView, n: int, ok) -> list[Parent]:
    """The n hardest accepted parents that pass `ok`, newest first among equals."""
    pool = sorted((p for p in view.parents if ok(p)), key=lambda p: (-p.score, -p.round, p.id))
    return pool[:n]


def sequential(view: CatalogView, n: int, rng: random.Random) -> list[Job]:
    jobs = []
    parents = hardest(view, n, lambda p: bool(view.extensions(p)))
    for i in range(n if parents else 0):
        parent = parents[i % len(parents)]
        step = rng.choice(view.extensions(parent))
        node = composed(view.node(parent.knowledge_id), step, view.nodes.get(step.knowledge), view.round)
        jobs.append(Job(node, parent.seed, parent.ops + (("extend", step.name, rng.getrandbits(60)),),
                        parent.id, "extend", "difficulty"))
    return jobs


def parallel(view: CatalogView, n: int, rng: random.Random) -> list[Job]:
    parents = hardest(view, n, lambda p: p.evolution.parallel is not None and p.distractors < MAX_DISTRACTORS)
    return [
        Job(view.node(p.knowledge_id), seed, reseed(p.ops, rng) + (("distract", rng.getrandbits(60)),), p.id,
            "distract", "difficulty")
        for p in (parents[i % len(parents)] for i in range(n if parents else 0))
        for seed in [fresh_seed(p, rng)]
    ]


SEED_TRIES = 24


def fresh_seed(parent: Parent, rng: random.Random) -> int:
    """A new seed of the parent's generator whose problem asks the same kind of quantity, so the
    parent's extension steps still apply to it (generators ask different quantities on different seeds)."""
    want = base_kind(parent.generator, parent.seed) if any(op[0] == "extend" for op in parent.ops) else None
    seed = rng.getrandbits(60)
    for _ in range(SEED_TRIES if want is not None else 0):
        if base_kind(parent.generator, seed) == want:
            break
        seed = rng.getrandbits(60)
    return seed
