"""Graph diagrams: shortest path (Dijkstra), minimum spanning tree (Kruskal), drawing in strokes (Euler)."""

from __future__ import annotations

import heapq
import random

from flywheel.core.records import Difficulty
from flywheel.domains.discrete import DOMAIN
from flywheel.domains.discrete.common import (
    discrete_draft,
    graph_scene,
    path_text,
    random_plane_graph,
    weights_fit,
)
from flywheel.domains.registry import register_generator
from flywheel.render.draft import Draft, parts
from flywheel.render.scene.diagrams import VERTEX_R_PX, HighlightSegments, VertexRings
from flywheel.render.scene.model import Construction

Weights = dict[tuple[str, str], int]


def _adjacency(weights: Weights) -> dict[str, list[tuple[str, int]]]:
    adj: dict[str, list[tuple[str, int]]] = {}
    for (a, b), w in weights.items():
        adj.setdefault(a, []).append((b, w))
        adj.setdefault(b, []).append((a, w))
    return adj


def dijkstra(weights: Weights, source: str) -> tuple[dict[str, int], dict[str, int]]:
    """Distances from source, and how many shortest paths reach each vertex."""
    adj = _adjacency(weights)
    dist, ways = {source: 0}, {source: 1}
    heap, done = [(0, source)], set()
    while heap:
        d, v = heapq.heappop(heap)
        if v in done:
            continue
        done.add(v)
        for u, w in adj[v]:
            if u not in dist or d + w < dist[u]:
                dist[u], ways[u] = d + w, ways[v]
                heapq.heappush(heap, (d + w, u))
            elif d + w == dist[u] and u not in done:
                ways[u] += ways[v]
    return dist, ways


def _trace_back(weights: Weights, dist: dict[str, int], target: str) -> list[str]:
    adj, path = _adjacency(weights), [target]
    while dist[path[-1]] != 0:
        v = path[-1]
        path.append(next(u for u, w in adj[v] if dist[u] + w == dist[v]))
    return path[::-1]


def _hops(weights: Weights, source: str) -> dict[str, int]:
    return dijkstra({e: 1 for e in weights}, source)[0]


def _edge(weights: Weights, a: str, b: str) -> tuple[str, str]:
    return (a, b) if (a, b) in weights else (b, a)


@register_generator("discrete.shortest_path", DOMAIN)
def shortest_path(rng: random.Random) -> Draft:
    while True:
        g = random_plane_graph(rng, extra=0.55)
        weights = {e: rng.randint(1, 9) for e in g.edges}
        hops = _hops(weights, g.names[0])
        far = max(hops.values())
        source = g.names[0]
        target = rng.choice([v for v, h in hops.items() if h == far])
        dist, ways = dijkstra(weights, source)
        path = _trace_back(weights, dist, target)
        # one shortest route of at least three edges, and a length no edge label already shows
        if ways[target] != 1 or len(path) < 4 or dist[target] in weights.values():
            continue
        pairs = [_edge(weights, a, b) for a, b in zip(path, path[1:], strict=False)]
        construction = Construction(f"highlight the route {path_text(path)}", marks=[HighlightSegments(pairs, VERTEX_R_PX)])
        scene = graph_scene(g, weights, construction)
        if weights_fit(scene):
            break
    steps = " + ".join(str(weights[e]) for e in pairs)
    return discrete_draft(
        title="Weighted graph",
        scene=scene,
        question=parts("The figure shows a road network; the number beside each road is its length.", [],
                       f"the length of the shortest route from {source} to {target}",
                       context=["A courier plans a trip through the road network shown; the number beside each road is "
                                "its length."]),
        answer=dist[target], target=f"shortest distance from {source} to {target}",
        reasoning=[
            f"Work outwards from {source} (Dijkstra): settle the nearest unsettled vertex, then update its "
            "neighbours with the distance through it.",
            f"The labels give d({source}) = 0, " + ", ".join(f"d({v}) = {dist[v]}" for v in path[1:-1]) + ".",
        ],
        conclusion=[
            f"The highlighted route {path_text(path)} has length {steps} = {dist[target]}, "
            f"and every other route to {target} is longer.",
        ],
        difficulty=Difficulty(hops=len(path) - 1, constructions=1, distractors=len(g.edges) - len(pairs)),
        params={"problem": "shortest_path", "edges": [[a, b, weights[(a, b)]] for a, b in g.edges],
                "source": source, "target": target},
    )


def kruskal(weights: Weights) -> list[tuple[str, str]]:
    root: dict[str, str] = {}

    def find(v: str) -> str:
        root.setdefault(v, v)
        while root[v] != v:
            v = root[v]
        return v

    tree = []
    for (a, b), _ in sorted(weights.items(), key=lambda kv: kv[1]):
        if find(a) != find(b):
            root[find(a)] = find(b)
            tree.append((a, b))
    return tree


@register_generator("discrete.spanning_tree", DOMAIN)
def spanning_tree(rng: random.Random) -> Draft:
    while True:
        g = random_plane_graph(rng, extra=0.6)
        if not len(g.names) + 1 <= len(g.edges) <= 20:
            continue  # at least two edges to leave out, or there is nothing to decide; 20 distinct weights
        weights = dict(zip(g.edges, rng.sample(range(1, 21), len(g.edges)), strict=True))  # distinct: one MST
        tree = kruskal(weights)
        total = sum(weights[e] for e in tree)
        construction = Construction("highlight the edges Kruskal's algorithm keeps",
                                    marks=[HighlightSegments(tree, VERTEX_R_PX)])
        scene = graph_scene(g, weights, construction)
        if weights_fit(scene):
            break
    kept = sorted(tree, key=lambda e: weights[e])
    dropped = sorted(set(g.edges) - set(tree), key=lambda e: weights[e])
    return discrete_draft(
        title="Weighted graph",
        scene=scene,
        question=parts("The figure shows possible cables between the buildings and their costs.", [],
                       "the smallest total cost of cables that connect all the buildings (a minimum spanning tree)",
                       context=["A campus must link all its buildings by cable; the figure shows the possible cables and "
                                "their costs."]),
        answer=total, target="weight of a minimum spanning tree",
        reasoning=[
            f"A spanning tree of {len(g.names)} vertices has {len(g.names) - 1} edges. Kruskal: take edges "
            "from the cheapest up, skipping any edge that would close a cycle.",
        ],
        conclusion=[
            "Kept, in order: " + ", ".join(f"{a}{b} ({weights[(a, b)]})" for a, b in kept) + "; "
            "skipped because they close a cycle: " + ", ".join(f"{a}{b} ({weights[(a, b)]})" for a, b in dropped) + ".",
            f"Total: {' + '.join(str(weights[e]) for e in kept)} = {total}.",
        ],
        difficulty=Difficulty(hops=len(g.edges), constructions=1, distractors=len(dropped)),
        params={"problem": "spanning_tree", "edges": [[a, b, weights[(a, b)]] for a, b in g.edges]},
    )


# What is asked about the figure's odd points: how many strokes draw it, how many odd points it has, or how
# many lines must be added (each joining two of its points) to draw it in one stroke, closed or open.
EULER_ASKS = {
    "strokes": "the smallest number of strokes needed to draw it without lifting the pen between points of a "
               "stroke and without drawing any line twice",
    "odd": "the number of points at which an odd number of lines meet",
    "even": "the number of points at which an even number of lines meet",
    "closed": "the smallest number of lines that must be added, each joining two of its points, so that the whole "
              "figure can be drawn in one stroke that ends where it began, without drawing any line twice",
    "open": "the smallest number of lines that must be added, each joining two of its points, so that the whole "
            "figure can be drawn in one stroke without drawing any line twice",
}


def euler_answer(ask: str, odd: int, points: int) -> int:
    """The answer to an ask from the number of odd points of a connected figure of `points` points (Euler)."""
    return {"strokes": max(1, odd // 2), "odd": odd, "even": points - odd, "closed": odd // 2,
            "open": max(0, odd // 2 - 1)}[ask]


@register_generator("discrete.euler_strokes", DOMAIN)
def euler_strokes(rng: random.Random) -> Draft:
    ask = rng.choice(list(EULER_ASKS))
    while True:
        g = random_plane_graph(rng, extra=0.6)
        if len(g.names) == 6 and rng.random() < 0.8:
            continue  # a 3×2 grid admits few different figures: most draws go to the larger grids
        degree = {v: sum(v in e for e in g.edges) for v in g.names}
        odd = [v for v in g.names if degree[v] % 2]
        if 2 <= len(odd) <= 8 and (len(odd) <= 6 or ask != "strokes"):
            break
    strokes = len(odd) // 2
    answer = euler_answer(ask, len(odd), len(g.names))
    construction = Construction("ring the vertices of odd degree", marks=[VertexRings(odd)])
    scene = graph_scene(g, None, construction)
    one = "one stroke" if strokes == 1 else f"{strokes} strokes"
    last = {
        "strokes": [f"The ringed points {', '.join(odd)} have odd degree: {len(odd)} of them, and each stroke has two "
                    f"ends, so at least {len(odd)}/2 = {strokes} strokes are needed.",
                    f"The figure is connected, so pairing up the odd points works (Euler): it can be drawn in {one}."],
        "odd": [f"The ringed points {', '.join(odd)} are the ones with an odd number of lines: {len(odd)} of them."],
        "even": [f"The ringed points {', '.join(odd)} are the ones with an odd number of lines: {len(odd)} of them, so "
                 f"{len(g.names)} − {len(odd)} = {answer} points have an even number."],
        "closed": [f"The ringed points {', '.join(odd)} have odd degree: {len(odd)} of them. A closed stroke needs every "
                   "degree even, and an added line changes the parity of its two ends only.",
                   f"So at least {len(odd)}/2 = {answer} lines are needed, and joining the odd points in pairs "
                   f"with {answer} lines makes every degree even: the connected figure is then one closed stroke (Euler)."],
        "open": [f"The ringed points {', '.join(odd)} have odd degree: {len(odd)} of them. One open stroke may leave two "
                 "odd points (its ends); an added line changes the parity of its two ends only.",
                 f"So at least ({len(odd)} − 2)/2 = {answer} lines are needed, and joining all but two odd points in "
                 f"pairs makes a figure with two odd points: one stroke from one to the other (Euler)."],
    }[ask]
    return discrete_draft(
        title="Figure made of points and lines",
        scene=scene,
        question=parts("The figure is made of points joined by lines.",
                       [f"it has {len(g.names)} points joined by {len(g.edges)} lines"], EULER_ASKS[ask]),
        answer=answer, target={"strokes": "minimum number of strokes", "odd": "number of odd points", "even": "number of even points",
                               "closed": "lines to add for a closed stroke", "open": "lines to add for one stroke"}[ask],
        reasoning=[
            "Every time a stroke passes through a point it uses two of its lines; only the ends of a stroke "
            "use one. So each point with an odd number of lines is an end of some stroke.",
            "Count the lines at every point: " + ", ".join(f"{v}: {degree[v]}" for v in g.names) + ".",
        ],
        conclusion=last,
        difficulty=Difficulty(hops=2 + (ask in ("closed", "open")), constructions=1),
        params={"problem": "euler_strokes", "edges": [[a, b] for a, b in g.edges], "ask": ask},
    )
