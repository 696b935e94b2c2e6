"""Shared pieces of the discrete-mathematics generators: random plane graphs and draft assembly."""

from __future__ import annotations

import math
import random
from dataclasses import dataclass

import sympy as sp

from flywheel.core.records import Difficulty, content_id
from flywheel.render.draft import Draft, Question
from flywheel.render.scene.diagrams import Edge, GraphDiagram
from flywheel.render.scene.exact import P
from flywheel.render.scene.layout import fit_view
from flywheel.render.scene.model import Construction, Measure, Scene

SPACING_X, SPACING_Y, JITTER = 10, 9, 2  # data units between grid slots of a graph's vertices
MIN_EDGE_ANGLE = 32.0  # degrees between two edges at a vertex: room for the weight labels
MIN_VERTEX_CLEARANCE = 2.6  # data units from an edge to any vertex it does not join


@dataclass
class PlaneGraph:
    names: list[str]
    pos: dict[str, tuple[int, int]]
    edges: list[tuple[str, str]]


def _cross(p, q, r, s) -> bool:
    """Do segments pq and rs cross at an interior point (shared endpoints do not count)?"""
    if {p, q} & {r, s}:
        return False

    def orient(a, b, c):
        return (b[0] - a[0]) * (c[1] - a[1]) - (b[1] - a[1]) * (c[0] - a[0])

    return orient(p, q, r) * orient(p, q, s) < 0 and orient(r, s, p) * orient(r, s, q) < 0


def _seg_dist(v, a, b) -> float:
    ax, ay = b[0] - a[0], b[1] - a[1]
    t = max(0.0, min(1.0, ((v[0] - a[0]) * ax + (v[1] - a[1]) * ay) / (ax * ax + ay * ay)))
    return math.dist(v, (a[0] + t * ax, a[1] + t * ay))


def _well_drawn(g: PlaneGraph) -> bool:
    """No edge grazes another vertex and edges at a vertex leave at clearly different angles."""
    for a, b in g.edges:
        if any(_seg_dist(g.pos[v], g.pos[a], g.pos[b]) < MIN_VERTEX_CLEARANCE for v in g.names if v not in (a, b)):
            return False
    for v in g.names:
        dirs = [math.atan2(g.pos[o][1] - g.pos[v][1], g.pos[o][0] - g.pos[v][0])
                for a, b in g.edges if v in (a, b) for o in [b if a == v else a]]
        for i, s in enumerate(dirs):
            for t in dirs[i + 1:]:
                if math.degrees(abs((s - t + math.pi) % (2 * math.pi) - math.pi)) < MIN_EDGE_ANGLE:
                    return False
    return True


def random_plane_graph(rng: random.Random, extra: float = 0.5) -> PlaneGraph:
    """A connected graph without crossings on a jittered 3×2 … 4×3 grid of vertex slots.

    A random spanning tree over neighbouring slots (diagonals included) keeps it connected;
    further neighbour edges are added with probability `extra` when they cross nothing.
    """
    while True:
        cols, rows = rng.choice([(3, 2), (3, 3), (4, 2), (4, 3)])
        if cols * rows == 12 and rng.random() < 0.5:
            continue  # 12 vertices is crowded: keep it rarer
        slots = [(i, j) for j in range(rows - 1, -1, -1) for i in range(cols)]  # reading order: A top left
        names = [chr(ord("A") + k) for k in range(len(slots))]
        pos = {n: (i * SPACING_X + rng.randint(-JITTER, JITTER), j * SPACING_Y + rng.randint(-JITTER, JITTER))
               for n, (i, j) in zip(names, slots, strict=True)}
        slot = dict(zip(names, slots, strict=True))
        cands = [(a, b) for k, a in enumerate(names) for b in names[k + 1:]
                 if max(abs(slot[a][0] - slot[b][0]), abs(slot[a][1] - slot[b][1])) == 1]
        rng.shuffle(cands)
        root = {n: n for n in names}

        def find(n: str, root: dict[str, str] = root) -> str:
            while root[n] != n:
                n = root[n]
            return n

        edges: list[tuple[str, str]] = []

        def fits(a: str, b: str, pos: dict = pos, edges: list = edges) -> bool:
            return not any(_cross(pos[a], pos[b], pos[c], pos[d]) for c, d in edges)

        for a, b in cands:
            if find(a) != find(b) and fits(a, b):
                root[find(a)] = find(b)
                edges.append((a, b))
        for a, b in cands:
            if (a, b) not in edges and rng.random() < extra and fits(a, b):
                edges.append((a, b))
        g = PlaneGraph(names, pos, sorted(edges))
        if len(edges) >= len(names) - 1 and len({find(n) for n in names}) == 1 and _well_drawn(g):
            return g


def graph_scene(g: PlaneGraph, weights: dict[tuple[str, str], int] | None, construction: Construction) -> Scene:
    diagram = GraphDiagram(g.names, [Edge(a, b, weights[(a, b)] if weights else None) for a, b in g.edges])
    return Scene(points={n: P(*g.pos[n]) for n in g.names}, elements=[diagram], construction=construction)


def weights_fit(scene: Scene) -> bool:
    """Every weight label of the scene's graph has a clear spot in the final layout."""
    diagram = scene.elements[0]
    return diagram.fits(scene, fit_view(scene))


def value(words: str) -> Measure:
    return Measure("value", (words,))


def discrete_draft(title: str, scene: Scene, question: Question, answer: int, target: str, reasoning: list[str],
                   conclusion: list[str], difficulty: Difficulty, params: dict) -> Draft:
    """A Draft whose target is a count or a length read off a discrete structure."""
    return Draft(title=title, scene=scene, question=question, answer=sp.Integer(answer), target=value(target),
                 givens=[], reasoning=reasoning, conclusion=conclusion, difficulty=difficulty, params=params,
                 figure_key=content_id(params))


def path_text(names: list[str]) -> str:
    return "–".join(names)
