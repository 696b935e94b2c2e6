"""Difficulty axis: harder children of the hardest accepted samples.

- *Sequential* expansion: the parent's answer becomes an intermediate quantity and one more theorem
  (an expansion step, sometimes with one more construction) is needed: hops + 1, depth + 1.
- *Parallel* expansion: a distractor element in the same figure: distractors + 1.

Both are what a parent's domain offers (its Evolution): a domain without steps or distractors
gets no difficulty jobs.

The structural score is `Difficulty.score` (records.py): hops + 0.5·constructions +
0.25·distractors + 0.5·(composition depth − 1).
"""

from __future__ import annotations

import random

from flywheel.evolve.state import CatalogView, Job, Parent, composed

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
        Job(view.node(p.knowledge_id), p.seed, p.ops + (("distract", rng.getrandbits(60)),), p.id, "distract", "difficulty")
        for p in (parents[i % len(parents)] for i in range(n if parents else 0))
    ]
