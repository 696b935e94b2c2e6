"""Diversity axis: new knowledge by composition, and surface variety where coverage is thin.

- *Composition*: a knowledge node and an expansion step that fits its answer become a new node
  with both as parents (stored in `knowledge` with its round); its first samples extend an
  accepted sample of the first parent.
- *Coverage*: the budget goes to the nodes with the fewest accepted samples; each job is a fresh
  draw of the node's recipe (new numbers) in a new surface form (letters, orientation, phrasing)
  where its domain offers one.

Near-duplicates are rejected at commit time against everything accepted (verify/duplicate.py).
"""

from __future__ import annotations

import random

from flywheel.evolve.state import CatalogView, Job, Parent, composed, reseed

SATURATED = 0.3  # share of a node's draws rejected as near-duplicates past which variants skip it
SURFACE = {"vary", "reorient"}  # ops that change only the surface form: one fresh one per variant


def compose(view: CatalogView, n: int, rng: random.Random) -> list[Job]:
    """One job for each of up to n (node, step) pairs that do not exist as nodes yet."""
    first: dict[str, Parent] = {}
    for p in view.parents:
        first.setdefault(p.knowledge_id, p)  # its oldest accepted sample (rows come by round, id)
    pairs = []
    for kid, parent in sorted(first.items()):
        for step in view.extensions(parent):
            node = composed(view.node(kid), step, view.nodes.get(step.knowledge), view.round)
            if node.id not in view.nodes:
                pairs.append((node, parent, step))
    rng.shuffle(pairs)
    pairs.sort(key=lambda t: view.counts[t[1].knowledge_id])  # thinly covered parents first
    return [
        Job(node, parent.seed, parent.ops + (("extend", step.name, rng.getrandbits(60)),), parent.id, "compose", "diversity")
        for node, parent, step in pairs[:n]
    ]


def coverage(view: CatalogView, n: int, rng: random.Random, planned: list[Job] = ()) -> list[Job]:
    """n fresh variants, allocated to nodes in order of fewest accepted samples.

    Nodes composed by this round's plan count too (their first job is the template), and nodes
    whose draws mostly came out as near-duplicates are left alone: their problem space is used up.
    """
    templates: dict[str, list[Parent]] = {}
    for p in view.parents:
        if view.dup_rate.get(p.knowledge_id, 0.0) < SATURATED:
            templates.setdefault(p.knowledge_id, []).append(p)
    nodes = dict(view.nodes)
    for j in planned:
        if j.node.id not in view.nodes and j.parent_id:
            nodes[j.node.id] = j.node
            templates.setdefault(j.node.id, []).append(
                Parent(j.parent_id, j.node.id, j.node.generator, j.seed, j.ops, 0.0, view.round, j.node.domain))
    if not templates:
        return []
    counts = {k: view.counts.get(k, 0) for k in templates}
    jobs = []
    for _ in range(n):
        kid = min(sorted(templates), key=lambda k: counts[k])  # water-filling: thinnest node next
        counts[kid] += 1
        t = templates[kid][counts[kid] % len(templates[kid])]
        kept = tuple(op for op in reseed(t.ops, rng) if op[0] not in SURFACE)
        ops = kept + ((("vary", rng.getrandbits(60)),) if t.evolution.surface is not None else ())
        jobs.append(Job(nodes[kid], rng.getrandbits(60), ops, t.id, "variant", "diversity"))
    return jobs
