"""What a sample's figure data lets a text verifier rely on: the numbers the figure shows or is built
from, the counts it has, and the named quantities its scene measures.

The scene records of every domain (plane scenes, charts with their data table, graphs with their
weights, boards, circuits) are dataclasses, so one walk reads them all: every number in a field,
every number printed in a text, the size of every collection and the sum of every list of whole
numbers (a chart's total, a frequency table's count). Point coordinates are left out: they are
positions, not data the question or trace may quote.
"""

from __future__ import annotations

import dataclasses
import math
import re
from dataclasses import dataclass, field

import sympy as sp

from flywheel.render.draft import Given
from flywheel.render.scene.model import Measure
from flywheel.verify.answer import measure
from flywheel.verify.claims import numbers_in
from flywheel.verify.registry import VerifyContext

SKIP_FIELDS = {"points", "probes", "frame", "colors", "readings", "layout"}  # positions and styling, not data
MAX_DEPTH = 6
BLOCK = re.compile(r"(\d+) × (\d+)")
# Collections of drawing, not of data: how many strokes, ticks or stated givens a figure has counts nothing
NO_SIZES = {"stated", "extra", "segments", "circles", "labeled", "undotted", "xticks", "yticks", "angle_marks",
            "right_marks", "query"}
COUNT_FIELDS = {"total", "count", "n"}  # whole-number fields that state how many there are


@dataclass
class Facts:
    numbers: set[sp.Rational] = field(default_factory=set)  # shown in, or the data of, the figure
    counts: set[int] = field(default_factory=set)  # sizes of the figure's collections and whole-number totals
    texts: list[str] = field(default_factory=list)  # every text the figure data holds (names, labels)
    blocks: set[tuple[int, int]] = field(default_factory=set)  # rectangles "w × h" the figure has
    cells: set[int] = field(default_factory=set)  # whole values of a data table (a count of one item)
    keys: set[str] = field(default_factory=set)  # the items of a data table ("9B", "Tue")


def _as_rational(v) -> sp.Rational | None:
    if isinstance(v, bool):
        return None
    if isinstance(v, int):
        return sp.Integer(v)
    if isinstance(v, float):
        if not math.isfinite(v):
            return None
        r = sp.Rational(v).limit_denominator(1000)
        return r if abs(float(r) - v) < 1e-9 * max(1.0, abs(v)) else None
    if isinstance(v, sp.Basic) and v.is_Rational:
        return v
    if isinstance(v, sp.Basic) and v.is_number and not v.free_symbols:
        return None  # an irrational coordinate: no literal can quote it
    return None


def _whole(x) -> bool:
    return (isinstance(x, int) and not isinstance(x, bool)) or (isinstance(x, sp.Basic) and x.is_Integer is True)


def _written_numbers(seq: list) -> list[int]:
    """The whole numbers of a list of (place, "text") marks, when every text is one."""
    texts = [x[1] for x in seq if isinstance(x, tuple) and len(x) == 2 and isinstance(x[1], str)]
    if not texts or len(texts) != len(seq) or not all(t.isdigit() for t in texts):
        return []
    return [int(t) for t in texts]


def _walk(obj, facts: Facts, depth: int, seen: set[int], sizes: bool = True) -> None:
    if depth > MAX_DEPTH or id(obj) in seen:
        return
    r = _as_rational(obj)
    if r is not None:
        facts.numbers.add(abs(r))
        return
    if isinstance(obj, str):
        facts.texts.append(obj)
        facts.numbers.update(abs(n) for n in numbers_in(obj))
        return
    if isinstance(obj, sp.Basic):
        return
    seen.add(id(obj))
    blocks = getattr(obj, "blocks", None)
    if callable(blocks):  # an element that knows its rectangles (a shape of cells)
        for w, h in blocks():
            facts.blocks.add((w, h))
            facts.numbers |= {sp.Integer(w), sp.Integer(h)}
            facts.counts |= {w, h, w * h}
    degrees = getattr(obj, "degrees", None)
    if callable(degrees):  # a graph's vertex degrees: counted on the figure, line by line
        facts.counts |= set(degrees())
    if dataclasses.is_dataclass(obj) and not isinstance(obj, type):
        for f in dataclasses.fields(obj):
            if f.name in SKIP_FIELDS:
                continue
            v = getattr(obj, f.name)
            if f.name in COUNT_FIELDS and _whole(v):
                facts.counts.add(int(v))
            _walk(v, facts, depth + 1, seen, sizes and f.name not in NO_SIZES)
        return
    if isinstance(obj, dict):
        items = list(obj.items())
        if sizes:
            facts.counts.add(len(items))
        # a data table (item → its values): each whole value counts something, and so does their sum
        rows = [v for v in obj.values() if isinstance(v, tuple | list)]
        cells = [x for v in rows for x in v]
        if cells and all(_whole(x) for x in cells):
            facts.cells |= {int(x) for x in cells}
            keys = [k for k in obj if isinstance(k, str)]
            facts.keys |= set(keys) | {w for k in keys for w in k.split()}  # "Play Spring": Play, Spring
            if sizes and keys and all(" " in k for k in keys):  # "Concert Spring": items × series
                facts.counts |= {len({k.rsplit(" ", 1)[0] for k in keys}), len({k.rsplit(" ", 1)[1] for k in keys})}
            if sizes:
                facts.counts.add(int(sum(int(x) for x in cells)))
            if sizes and len({len(v) for v in rows}) == 1:  # a column's total: a histogram's frequencies
                facts.counts |= {int(sum(int(v[i]) for v in rows)) for i in range(len(rows[0]))}
        for k, v in items:
            _walk(k, facts, depth + 1, seen, sizes)
            _walk(v, facts, depth + 1, seen, sizes)
        return
    if isinstance(obj, list | tuple | set | frozenset):
        seq = list(obj)
        whole = [x for x in seq if _whole(x)]
        if sizes:
            facts.counts.add(len(seq))
            # a list of whole numbers totals to a count (frequencies); a pair is a position, not data
            if len(seq) >= 3 and len(whole) == len(seq) and all(x >= 0 for x in whole):
                facts.counts.add(int(sum(int(x) for x in whole)))
        values = _written_numbers(seq)
        if sizes and values:  # numbers the tool writes in cells: how many are at least s
            facts.counts |= {sum(v >= s for v in values) for s in set(values)}
        for x in seq:
            _walk(x, facts, depth + 1, seen, sizes)


def figure_facts(ctx: VerifyContext) -> Facts:
    """The figure's data (its scene, the parameters it was built from, the construction's printed
    values) and every label it prints. Computed once per context: both text verifiers read it."""
    cached = ctx.__dict__.get("_facts")
    if cached is not None:
        return cached
    facts = Facts()
    scene = ctx.rendered.draft.scene
    _walk(scene, facts, 0, set())
    # the parameters the figure was built from (a count_triangles figure's feet and parallels)
    params = ctx.rendered.draft.params
    for v in params.values():  # how many parameters a generator has counts nothing; their lists do
        _walk(v, facts, 1, set())
    facts.counts |= {int(v) for v in params.values() if _whole(v)}  # "parallels": 2 is how many there are
    for t in ctx.render.labels if ctx.render is not None else []:
        facts.texts.append(t.text)
        facts.numbers.update(abs(n) for n in numbers_in(t.text))
    for text in facts.texts:  # "the 7 × 6 board": a rectangle the figure prints or the scene names
        facts.blocks |= {(int(a), int(b)) for a, b in BLOCK.findall(text)}
    counts_as_numbers = {sp.Integer(c) for c in facts.counts}
    facts.numbers |= counts_as_numbers
    ctx.__dict__["_facts"] = facts
    return facts


def given_names(g: Given) -> list[str]:
    """How a text names a given: AB or BA for a length, ∠ABC or ∠CBA for an angle, W for a stated W."""
    p, kind = g.measure.points, g.measure.kind
    if kind == "length" and len(p) == 2:
        return [p[0] + p[1], p[1] + p[0]]
    if kind == "angle" and len(p) == 3:
        return ["∠" + "".join(p), "∠" + "".join(reversed(p))]
    if len(p) == 1 and kind not in ("x", "y"):
        return [p[0]]
    if len(p) == 2:  # a force or speed drawn from a point: named by its arrow's tip (F₁, v₀)
        return [p[1]]
    return []


def metric_scene(ctx: VerifyContext) -> dict[str, tuple[float, float]] | None:
    """The scene's points when its coordinates are the problem's units (every stated length measures
    true on it), so a trace's segment names can be measured; None for drawings to another scale."""
    d = ctx.rendered.draft
    lengths = [g for g in d.givens if g.measure.kind == "length"]
    pts = d.scene.floats()
    if not lengths or type(d.scene).__name__ != "Scene":
        return None
    for g in lengths:
        if not all(n in pts for n in g.measure.points):
            return None
        m, v = measure(pts, g.measure), float(g.value)
        if abs(m - v) > 1e-7 * max(1.0, abs(v)):
            return None
    return pts


def scene_measure(pts: dict[str, tuple[float, float]] | None, name: str) -> sp.Expr | None:
    """What a metric scene measures for a segment name "AB" or an angle "∠ABC" (None: not its points)."""
    if pts is None:
        return None
    body = name[1:] if name.startswith("∠") else name
    letters = re.findall(r"[A-Z][₀-₉'′]*", body)
    if "".join(letters) != body or not all(p in pts for p in letters):
        return None
    if name.startswith("∠") and len(letters) == 3:
        return sp.Float(measure(pts, Measure("angle", tuple(letters))), 15)
    if not name.startswith("∠") and len(letters) == 2:
        return sp.Float(measure(pts, Measure("length", tuple(letters))), 15)
    return None
