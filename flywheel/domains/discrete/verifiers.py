"""Verifiers for the `discrete` domain: answers re-solved from the figure's data, figures read from pixels.

`answer.discrete` never calls the generator's algorithm: lattice paths are enumerated one by one
(the generator adds neighbour counts), shortest paths use Bellman–Ford (generator: Dijkstra),
spanning trees Prim (generator: Kruskal), strokes are built as actual trails (generator: parity
count), triangles are found among the drawn segments' crossing points (generator: a formula).
It also checks the numbers the question states against the figure, and the weights the image
prints against the edges they sit beside.

`image.discrete` reads the rendered pixels: every edge, disc, grid line and segment of the data is
inked along its length, shaded cells are grey and open cells white, and nothing is drawn elsewhere.
"""

from __future__ import annotations

import itertools
import math
import re
from collections.abc import Callable

import numpy as np
from PIL import Image, ImageDraw

from flywheel.domains.discrete import DOMAIN
from flywheel.domains.discrete.symbols import CellShape, DirectedGraph
from flywheel.domains.registry import domain_verifier
from flywheel.render.scene import pixels
from flywheel.render.scene.diagrams import VERTEX_R_PX, GraphDiagram, GridBoard
from flywheel.render.scene.layout import obstacle_segments
from flywheel.verify.answer import answer_text_problem
from flywheel.verify.registry import Check, VerifyContext


class Mismatch(Exception):
    """The question, the figure or its data disagree: the message says how."""


def _extra(ctx: VerifyContext, kind: type):
    found = [e for e in ctx.rendered.draft.scene.elements if isinstance(e, kind)]
    if len(found) != 1:
        raise Mismatch(f"the figure has {len(found)} {kind.__name__} elements, expected 1")
    return found[0]


def _stated(question: str, pattern: str) -> re.Match:
    m = re.search(pattern, question)
    if m is None:
        raise Mismatch(f"the question does not state {pattern!r}")
    return m


def _number(word: str) -> int:
    return 0 if word == "no" else int(word)


# ---- lattice paths ------------------------------------------------------------------------


def _lattice(ctx: VerifyContext) -> int:
    board: GridBoard = _extra(ctx, GridBoard)
    q = ctx.rendered.draft.question
    size = _stated(q, r"(\d+) × (\d+) board")
    if (int(size[1]), int(size[2])) != (board.cols, board.rows):
        raise Mismatch(f"the question states a {size[1]} × {size[2]} board, the figure is {board.cols} × {board.rows}")
    shaded = _stated(q, r"(\d+) shaded")
    if int(shaded[1]) != len(board.blocked):
        raise Mismatch(f"the question states {shaded[1]} shaded cells, the figure has {len(board.blocked)}")
    start, end = (0, 0), (board.cols - 1, board.rows - 1)
    if board.marks.get(start) != "A" or board.marks.get(end) != "B":
        raise Mismatch("cells A and B are not the lower-left and upper-right cells")

    def walks(c: int, r: int) -> int:  # enumerate every path, one at a time
        if (c, r) == end:
            return 1
        steps = [(c + 1, r), (c, r + 1)]
        return sum(walks(*s) for s in steps if s[0] < board.cols and s[1] < board.rows and s not in board.blocked)

    return walks(*start)


# ---- graphs -------------------------------------------------------------------------------


def _graph(ctx: VerifyContext, weighted: bool) -> GraphDiagram:
    g: GraphDiagram = _extra(ctx, GraphDiagram)
    if weighted and any(e.weight is None for e in g.edges):
        raise Mismatch("an edge of the weighted graph has no weight")
    if ctx.render is not None:
        _check_printed(ctx, g)
    return g


def _check_printed(ctx: VerifyContext, g: GraphDiagram) -> None:
    """Vertex names sit in their discs; each weight printed sits beside its own edge and equals it."""
    scene, lay = ctx.rendered.draft.scene, ctx.rendered.layout
    px = g.px(scene, lay)
    strokes = g.edge_strokes(scene, lay)
    found: dict[str, str] = {}
    for box in ctx.render.labels:
        cx, cy = (box.x0 + box.x1) / 2, (box.y0 + box.y1) / 2
        if box.text in px:
            if math.dist((cx, cy), px[box.text]) > VERTEX_R_PX / 2:
                raise Mismatch(f"vertex name {box.text!r} is not drawn in its disc")
            continue
        dists = [_point_segment((cx, cy), s) for s in strokes]
        k = int(np.argmin(dists))
        found[g.edges[k].key] = box.text
    for e in g.edges:
        if e.weight is not None and found.get(e.key) != str(e.weight):
            raise Mismatch(f"edge {e.key} has weight {e.weight} but the figure prints {found.get(e.key)!r} beside it")


def _point_segment(p, s) -> float:
    ax, ay, bx, by = s
    dx, dy = bx - ax, by - ay
    t = max(0.0, min(1.0, ((p[0] - ax) * dx + (p[1] - ay) * dy) / (dx * dx + dy * dy)))
    return math.dist(p, (ax + t * dx, ay + t * dy))


def _endpoints(ctx: VerifyContext, g: GraphDiagram) -> tuple[str, str]:
    m = _stated(ctx.rendered.draft.question, r"from ([A-Z]) to ([A-Z])")
    if m[1] not in g.vertices or m[2] not in g.vertices:
        raise Mismatch(f"the question names {m[1]} and {m[2]}, the figure's vertices are {''.join(g.vertices)}")
    return m[1], m[2]


def _shortest(ctx: VerifyContext) -> int:
    g = _graph(ctx, weighted=True)
    s, t = _endpoints(ctx, g)
    dist = {v: math.inf for v in g.vertices}
    dist[s] = 0
    for _ in range(len(g.vertices) - 1):  # Bellman–Ford: relax every edge |V| − 1 times
        for e in g.edges:
            dist[e.b] = min(dist[e.b], dist[e.a] + e.weight)
            dist[e.a] = min(dist[e.a], dist[e.b] + e.weight)
    return int(dist[t])


def _spanning(ctx: VerifyContext) -> int:
    g = _graph(ctx, weighted=True)
    inside, total = {g.vertices[0]}, 0
    while len(inside) < len(g.vertices):  # Prim: cheapest edge leaving the tree
        crossing = [e for e in g.edges if (e.a in inside) != (e.b in inside)]
        if not crossing:
            raise Mismatch("the graph is not connected")
        e = min(crossing, key=lambda e: e.weight)
        inside |= {e.a, e.b}
        total += e.weight
    return total


def _strokes(ctx: VerifyContext) -> int:
    g = _graph(ctx, weighted=False)
    m = _stated(ctx.rendered.draft.question, r"(\d+) points joined by (\d+) lines")
    if (int(m[1]), int(m[2])) != (len(g.vertices), len(g.edges)):
        raise Mismatch(f"the question states {m[1]} points and {m[2]} lines, the figure has "
                       f"{len(g.vertices)} and {len(g.edges)}")
    index = {v: i for i, v in enumerate(g.vertices)}
    adj = np.zeros((len(index), len(index)), dtype=int)
    for e in g.edges:
        adj[index[e.a], index[e.b]] += 1
        adj[index[e.b], index[e.a]] += 1
    odd = [v for v in g.vertices if adj[index[v]].sum() % 2]
    trails = _trail_cover([(e.a, e.b) for e in g.edges], odd)
    if len(trails) != max(1, len(odd) // 2):  # parity: each odd vertex ends a stroke, so never fewer
        raise Mismatch(f"found a drawing in {len(trails)} strokes but parity allows {max(1, len(odd) // 2)}")
    # The other asks follow from the odd points: an added line flips the parity of its two ends only.
    ask = ctx.rendered.draft.params.get("ask", "strokes")
    return {"strokes": len(trails), "odd": len(odd), "even": len(g.vertices) - len(odd), "closed": len(odd) // 2,
            "open": max(0, len(odd) // 2 - 1)}[ask]


def _trail_cover(edges: list[tuple[str, str]], odd: list[str]) -> list[list[str]]:
    """Draw the figure: join the odd vertices to a virtual one, walk an Euler circuit (Hierholzer),
    and cut it at the virtual vertex; every piece is a stroke, every edge used once."""
    links = edges + [("*", v) for v in odd]
    unused = {i: e for i, e in enumerate(links)}
    by_vertex: dict[str, list[int]] = {}
    for i, (a, b) in enumerate(links):
        by_vertex.setdefault(a, []).append(i)
        by_vertex.setdefault(b, []).append(i)
    start = "*" if odd else edges[0][0]
    stack, circuit = [start], []
    while stack:
        v = stack[-1]
        free = [i for i in by_vertex[v] if i in unused]
        if free:
            a, b = unused.pop(free[0])
            stack.append(b if a == v else a)
        else:
            circuit.append(stack.pop())
    if unused:
        raise Mismatch("the figure is not connected")
    pieces = [list(p) for k, p in itertools.groupby(circuit, key=lambda v: v == "*") if not k]
    return [p for p in pieces if len(p) > 1]


# ---- counting triangles -------------------------------------------------------------------


def _triangles(ctx: VerifyContext) -> int:
    scene = ctx.rendered.draft.scene
    f = scene.floats()
    segs = [(f[s.a], f[s.b]) for s in scene.segments]
    apex = max((n for s in scene.segments for n in (s.a, s.b)), key=lambda n: f[n][1])
    slanted = sum(apex in (s.a, s.b) for s in scene.segments)
    level = sum(abs(f[s.a][1] - f[s.b][1]) < 1e-9 for s in scene.segments)
    m = _stated(ctx.rendered.draft.question, r"with (\d+) segments? drawn from its top vertex to the base and "
                r"(no|\d+) segments? parallel")
    if (int(m[1]), _number(m[2])) != (slanted - 2, level - 1):
        raise Mismatch(f"the question states {m[1]} and {m[2]} segments, the figure has {slanted - 2} and {level - 1}")
    points = _crossings(segs)
    on = [{k for k, s in enumerate(segs) if _point_segment(p, s[0] + s[1]) < 1e-7} for p in points]
    count = 0
    for i, j, k in itertools.combinations(range(len(points)), 3):
        a, b, c = points[i], points[j], points[k]
        if abs((b[0] - a[0]) * (c[1] - a[1]) - (b[1] - a[1]) * (c[0] - a[0])) < 1e-7:
            continue
        count += bool(on[i] & on[j]) and bool(on[j] & on[k]) and bool(on[i] & on[k])
    return count


def _crossings(segs) -> list[tuple[float, float]]:
    """Endpoints and pairwise intersection points of the segments, without repeats."""
    pts = [p for s in segs for p in s]
    for (p, q), (r, s) in itertools.combinations(segs, 2):
        d = (q[0] - p[0]) * (s[1] - r[1]) - (q[1] - p[1]) * (s[0] - r[0])
        if abs(d) < 1e-12:
            continue
        t = ((r[0] - p[0]) * (s[1] - r[1]) - (r[1] - p[1]) * (s[0] - r[0])) / d
        u = ((r[0] - p[0]) * (q[1] - p[1]) - (r[1] - p[1]) * (q[0] - p[0])) / d
        if -1e-9 <= t <= 1 + 1e-9 and -1e-9 <= u <= 1 + 1e-9:
            pts.append((p[0] + t * (q[0] - p[0]), p[1] + t * (q[1] - p[1])))
    out: list[tuple[float, float]] = []
    for p in pts:
        if all(math.dist(p, o) > 1e-7 for o in out):
            out.append(p)
    return out


# ---- squares, rectangles and routes (added knowledge points) --------------------------------


def _squares(ctx: VerifyContext) -> int:
    """Every k × k square of the board, tried position by position: counted when no cell in it is grey."""
    board: GridBoard = _extra(ctx, GridBoard)
    q = ctx.rendered.draft.question
    size = _stated(q, r"(\d+) × (\d+) board")
    if (int(size[1]), int(size[2])) != (board.cols, board.rows):
        raise Mismatch(f"the question states a {size[1]} × {size[2]} board, the figure is {board.cols} × {board.rows}")
    grey = _stated(q, r"(\d+) grey")
    if int(grey[1]) != len(board.blocked):
        raise Mismatch(f"the question states {grey[1]} grey cells, the figure has {len(board.blocked)}")
    count = 0
    for k in range(1, min(board.cols, board.rows) + 1):
        for c0, r0 in itertools.product(range(board.cols - k + 1), range(board.rows - k + 1)):
            count += not any((c, r) in board.blocked for c in range(c0, c0 + k) for r in range(r0, r0 + k))
    return count


def _rectangles(ctx: VerifyContext) -> int:
    """Every rectangle of whole cells inside the drawn shape, by brute force over its corners."""
    shape: CellShape = _extra(ctx, CellShape)
    m = _stated(ctx.rendered.draft.question, r"made of (\d+) unit squares: a (\d+) × (\d+) block and a (\d+) × (\d+) block")
    w1, h1, w2, h2 = (int(m[i]) for i in range(2, 6))
    cols, rows = max(c for c, _ in shape.cells) + 1, max(r for _, r in shape.cells) + 1
    if int(m[1]) != len(shape.cells) or w1 * h1 + w2 * h2 != len(shape.cells) or (cols, rows) != (w1, h1 + h2):
        raise Mismatch(f"the question's blocks ({m[0]}) are not the drawn shape of {len(shape.cells)} cells, {cols} × {rows}")
    count = 0
    for c0, c1 in itertools.combinations_with_replacement(range(cols), 2):
        for r0, r1 in itertools.combinations_with_replacement(range(rows), 2):
            count += all((c, r) in shape.cells for c in range(c0, c1 + 1) for r in range(r0, r1 + 1))
    return count


def _routes(ctx: VerifyContext) -> int:
    """Walk every directed route from S to T (depth first), one at a time."""
    g: DirectedGraph = _extra(ctx, DirectedGraph)
    m = _stated(ctx.rendered.draft.question, r"(\d+) junctions joined by (\d+) one-way streets")
    if (int(m[1]), int(m[2])) != (len(g.vertices), len(g.edges)):
        raise Mismatch(f"the question states {m[1]} junctions and {m[2]} streets, the figure has "
                       f"{len(g.vertices)} and {len(g.edges)}")
    if ctx.render is not None:
        _check_printed(ctx, g)
    s, t = _endpoints(ctx, g)
    out: dict[str, list[str]] = {}
    for e in g.edges:
        out.setdefault(e.a, []).append(e.b)

    def walk(v: str, seen: frozenset[str]) -> int:
        if v == t:
            return 1
        return sum(walk(w, seen | {w}) for w in out.get(v, []) if w not in seen)

    return walk(s, frozenset({s}))


SOLVERS: dict[str, Callable[[VerifyContext], int]] = {
    "lattice_paths": _lattice,
    "shortest_path": _shortest,
    "spanning_tree": _spanning,
    "euler_strokes": _strokes,
    "count_triangles": _triangles,
    "count_squares": _squares,
    "count_rectangles": _rectangles,
    "dag_paths": _routes,
}


@domain_verifier(DOMAIN, "answer", kinds=["interaction"])
def verify_discrete_answer(ctx: VerifyContext) -> Check:
    d = ctx.rendered.draft
    solver = SOLVERS.get(d.params.get("problem"))
    if solver is None:
        return Check(False, f"no independent solver for problem {d.params.get('problem')!r}")
    try:
        got = solver(ctx)
    except Mismatch as exc:
        return Check(False, str(exc))
    if got != d.answer:
        return Check(False, f"{d.target.describe()}: solved again from the figure's data it is {got}, not {d.answer_latex}")
    problem = answer_text_problem(ctx, got)
    if problem:
        return Check(False, problem)
    return Check(True, f"{d.target.describe()} solved again from the figure: {got}; stated givens match")


# ---- pixels ---------------------------------------------------------------------------------

DARK = 140  # a channel below this is ink (black strokes, anti-aliased)
MIN_INKED = 0.9  # share of a stroke's samples that must be ink
MAX_STRAY = 0.005  # share of ink allowed away from every element


def _dark(rgb: np.ndarray) -> np.ndarray:
    return (rgb[..., 0] < DARK) | (rgb[..., 1] < DARK) | (rgb[..., 2] < DARK)


def _inked(dark: np.ndarray, stroke, trim: float = 3.0) -> float:
    """Share of samples along a pixel stroke (ends trimmed) with ink within one pixel."""
    (x0, y0, x1, y1), h, w = stroke, *dark.shape
    n = math.dist((x0, y0), (x1, y1))
    if n <= 2 * trim:
        return 1.0
    t0, t1 = trim / n, 1 - trim / n
    pts = pixels.sample_segment((x0 + (x1 - x0) * t0, y0 + (y1 - y0) * t0), (x0 + (x1 - x0) * t1, y0 + (y1 - y0) * t1))
    hit = 0
    for x, y in pts:
        xi, yi = int(round(x)), int(round(y))
        hit += bool(dark[max(0, yi - 1) : min(h, yi + 2), max(0, xi - 1) : min(w, xi + 2)].any())
    return hit / len(pts)


def _missing_strokes(ctx: VerifyContext, dark: np.ndarray) -> str | None:
    scene, lay = ctx.rendered.draft.scene, ctx.rendered.layout
    strokes = obstacle_segments(scene, lay, with_construction=False)
    for s in strokes:
        if _inked(dark, s) < MIN_INKED:
            return f"a line of the data from ({s[0]:.0f}, {s[1]:.0f}) to ({s[2]:.0f}, {s[3]:.0f}) px is not drawn"
    return None


def _extra_edges(ctx: VerifyContext, dark: np.ndarray) -> str | None:
    scene, lay = ctx.rendered.draft.scene, ctx.rendered.layout
    for g in (e for e in scene.elements if isinstance(e, GraphDiagram)):
        px, joined = g.px(scene, lay), {frozenset((e.a, e.b)) for e in g.edges}
        for a, b in itertools.combinations(g.vertices, 2):
            p, q = px[a], px[b]
            if frozenset((a, b)) in joined or any(
                _point_segment(px[v], p + q) < VERTEX_R_PX + 4 for v in g.vertices if v not in (a, b)
            ):
                continue
            mid = (p[0] + (q[0] - p[0]) * 0.3, p[1] + (q[1] - p[1]) * 0.3, p[0] + (q[0] - p[0]) * 0.7,
                   p[1] + (q[1] - p[1]) * 0.7)
            if _inked(dark, mid, trim=0) > 0.6:
                return f"a line is drawn between {a} and {b}, which are not joined in the data"
    return None


def _stray_ink(ctx: VerifyContext, dark: np.ndarray) -> str | None:
    """Ink far from every stroke and text of the data: something drawn that the data does not have."""
    scene, lay = ctx.rendered.draft.scene, ctx.rendered.layout
    allowed = Image.new("L", (dark.shape[1], dark.shape[0]), 0)
    d = ImageDraw.Draw(allowed)
    for x0, y0, x1, y1 in obstacle_segments(scene, lay, with_construction=False):
        d.line([(x0, y0), (x1, y1)], fill=255, width=7)
    for b in ctx.render.labels:
        d.rectangle((b.x0 - 2, b.y0 - 2, b.x1 + 2, b.y1 + 2), fill=255)
    for name in scene.labeled:
        x, y = lay.to_px(*scene.floats()[name])
        d.ellipse((x - 5, y - 5, x + 5, y + 5), fill=255)
    stray = int((dark & ~(np.asarray(allowed) > 0)).sum())
    if stray > MAX_STRAY * max(1, int(dark.sum())):
        return f"{stray} ink pixels lie away from every element of the data"
    return None


def _cells(ctx: VerifyContext, rgb: np.ndarray) -> str | None:
    """Shaded cells are grey and open cells white, sampled away from the letters."""
    lay = ctx.rendered.layout
    for board in (e for e in ctx.rendered.draft.scene.elements if isinstance(e, GridBoard)):
        for c, r in itertools.product(range(board.cols), range(board.rows)):
            for fx, fy in ((0.8, 0.2), (0.2, 0.2), (0.8, 0.8)):
                x, y = lay.to_px(c + fx, r + fy)
                v = rgb[int(round(y)), int(round(x))].astype(int)
                grey = bool((abs(v - v.mean()) < 12).all() and 150 <= v.mean() <= 215)
                if (c, r) in board.blocked and not grey:
                    return f"shaded cell ({c}, {r}) is not filled"
                if (c, r) not in board.blocked and v.min() < 235:
                    return f"open cell ({c}, {r}) is not white"
    return None


@domain_verifier(DOMAIN, "image")
def verify_discrete_image(ctx: VerifyContext) -> Check:
    if ctx.render is None:
        return Check(False, ctx.render_error or "the figure did not render")
    rgb = ctx.render.rgb
    dark = _dark(rgb)
    for problem in (_missing_strokes(ctx, dark), _extra_edges(ctx, dark), _cells(ctx, rgb), _stray_ink(ctx, dark)):
        if problem:
            return Check(False, problem)
    return Check(True, "every line, disc and cell of the data is drawn where it belongs, and nothing else")
