"""Counting paths in a directed acyclic graph: one-way streets from S to T, counted with the addition rule."""

from __future__ import annotations

import random

from flywheel.core.records import Difficulty
from flywheel.domains.discrete import DOMAIN
from flywheel.domains.discrete.common import (
    PlaneGraph,
    _cross,
    _well_drawn,
    discrete_draft,
)
from flywheel.domains.discrete.symbols import DirectedGraph, VertexNumbers
from flywheel.domains.registry import register_generator
from flywheel.render.draft import Draft, parts
from flywheel.render.scene.diagrams import Edge
from flywheel.render.scene.exact import P
from flywheel.render.scene.layout import fit_view
from flywheel.render.scene.model import Construction, Scene

LAYER_DX, ROW_DY, JITTER = 10, 9, 1  # data units between layers and between vertices of one layer; x jitter


def path_counts(order: list[str], edges: list[tuple[str, str]]) -> dict[str, int]:
    """Paths from the first vertex to each vertex: the sum over incoming arrows of the count at the tail."""
    ways = {v: 0 for v in order}
    ways[order[0]] = 1
    for v in order[1:]:  # `order` is topological: every tail comes before its head
        ways[v] = sum(ways[a] for a, b in edges if b == v)
    return ways


def _layers(rng: random.Random) -> list[list[str]]:
    sizes = [rng.choice([2, 3, 3]) for _ in range(rng.randint(3, 4))]
    letters = iter("ABCDEFGHIJKLMNOPQR")
    return [["S"]] + [[next(letters) for _ in range(n)] for n in sizes] + [["T"]]


def _random_dag(rng: random.Random) -> tuple[PlaneGraph, list[str]]:
    """Vertices in columns (S left, T right); arrows go one or two columns to the right, never crossing."""
    while True:
        layers = _layers(rng)
        pos = {}
        for i, layer in enumerate(layers):
            top = (len(layer) - 1) * ROW_DY / 2
            for j, v in enumerate(layer):
                pos[v] = (i * LAYER_DX + rng.randint(-JITTER, JITTER), round(top - j * ROW_DY))
        edges: list[tuple[str, str]] = []
        for left, right in zip(layers, layers[1:], strict=False):
            edges += _staircase(rng, left, right)
        cands = [(a, b) for i in range(len(layers) - 1) for a in layers[i] for b in layers[i + 1]]
        cands += [(a, b) for i in range(len(layers) - 2) for a in layers[i] for b in layers[i + 2] if rng.random() < 0.25]
        rng.shuffle(cands)
        for a, b in cands:
            if (a, b) not in edges and rng.random() < 0.6 and not any(_cross(pos[a], pos[b], pos[c], pos[d]) for c, d in edges):
                edges.append((a, b))
        order = [v for layer in layers for v in layer]
        g = PlaneGraph(order, pos, sorted(edges))
        if _well_drawn(g):
            return g, order


def _staircase(rng: random.Random, left: list[str], right: list[str]) -> list[tuple[str, str]]:
    """Arrows between two neighbouring columns (each listed top to bottom) that touch every vertex of both
    and never cross: step down one column or the other, joining the current pair each time. So every vertex
    is entered and left, and lies on some route from S to T."""
    i = j = 0
    out = [(left[0], right[0])]
    while i < len(left) - 1 or j < len(right) - 1:
        if j == len(right) - 1 or (i < len(left) - 1 and rng.random() < 0.5):
            i += 1
        else:
            j += 1
        out.append((left[i], right[j]))
    return out


@register_generator("discrete.dag_paths", DOMAIN)
def dag_paths(rng: random.Random) -> Draft:
    while True:
        g, order = _random_dag(rng)
        ways = path_counts(order, g.edges)
        if ways["T"] < 6:
            continue
        marks = VertexNumbers({v: str(ways[v]) for v in order})
        diagram = DirectedGraph(g.names, [Edge(a, b) for a, b in g.edges])
        scene = Scene(points={v: P(*g.pos[v]) for v in g.names}, elements=[diagram],
                      construction=Construction("write beside every vertex the number of routes from S to it",
                                                marks=[marks]))
        if marks.fits(scene, fit_view(scene)):
            break
    into_t = [a for a, b in g.edges if b == "T"]
    return discrete_draft(
        title="One-way street network",
        scene=scene,
        question=parts("The figure shows junctions joined by one-way streets; the arrows give the direction of travel.",
                       [f"there are {len(g.names)} junctions joined by {len(g.edges)} one-way streets"],
                       "the number of different routes from S to T"),
        answer=ways["T"], target="number of routes from S to T",
        reasoning=[
            "Every route to a junction arrives along one of the arrows into it, so the number of routes to a junction "
            "is the sum of the numbers of routes to the tails of its incoming arrows (addition rule); S itself gets 1.",
            "The arrows only go left to right, so I can fill the numbers in column by column.",
        ],
        conclusion=[
            "Column by column: " + ", ".join(f"{v}: {ways[v]}" for v in order[1:-1]) + ".",
            f"T is entered from {', '.join(into_t)}, so there are {' + '.join(str(ways[v]) for v in into_t)} = {ways['T']} routes.",
        ],
        difficulty=Difficulty(hops=len(order) - 2, constructions=1),
        params={"problem": "dag_paths", "edges": [[a, b] for a, b in g.edges],
                "pos": {v: list(p) for v, p in g.pos.items()}},
    )
