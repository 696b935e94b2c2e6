"""Answer verifier for physics: recompute the target from the figure and the question, by another route.

The generators use textbook formulas (law of cosines, W·sin θ, v₀² sin 2θ / g, 1/f = 1/u + 1/v,
series/parallel rules). This verifier never does: it adds the drawn force vectors, projects the
drawn weight arrow on the drawn incline, fits a parabola to the drawn trajectory, traces two
principal rays through the drawn lens, and solves the drawn circuit with Kirchhoff's laws. The
givens are read back from the question text (`symbol = value`) and compared with the figure.
"""

from __future__ import annotations

import math
import re
from collections.abc import Callable
from fractions import Fraction

import numpy as np

from flywheel.domains.physics import DOMAIN
from flywheel.domains.physics.symbols import Cell, Curve, Resistor
from flywheel.domains.registry import domain_verifier
from flywheel.render.scene.model import Measure, Scene
from flywheel.verify.answer import answer_text_problem, close
from flywheel.verify.answer import measure as plane_measure
from flywheel.verify.registry import Check, VerifyContext

Stated = dict[str, float]
_STATEMENT = re.compile(r"((?:(?:sin )?[^\s=,;:()]+ = )+)(\d+(?:\.\d+)?(?:/\d+)?)")
_NAME = re.compile(r"((?:sin )?[^\s=,;:()]+) = ")


def stated_values(question: str) -> Stated:
    """Every `name = number` (also chained, `OF = OF' = 20`) the question states."""
    out: Stated = {}
    for m in _STATEMENT.finditer(question):
        value = float(Fraction(m.group(2)))
        for name in _NAME.findall(m.group(1)):
            out[name] = value
    return out


def _unit(p, q) -> np.ndarray:
    v = np.subtract(q, p, dtype=float)
    return v / np.linalg.norm(v)


def _resultant(s: Scene, p: tuple[str, ...], _: Stated) -> float:
    f = s.floats()
    total = sum((np.subtract(f[t], f[p[0]]) for t in p[1:]), np.zeros(2))
    return float(np.linalg.norm(total))


def _weight_part(across: bool) -> Callable[[Scene, tuple[str, ...], Stated], float]:
    def measure(s: Scene, p: tuple[str, ...], stated: Stated) -> float:
        f = s.floats()
        slope, down = _unit(f[p[0]], f[p[1]]), _unit(f[p[2]], f[p[3]])
        if not np.allclose(down, (0.0, -1.0), atol=1e-9):
            return math.nan  # a weight arrow that is not vertical is a wrong figure
        part = abs(slope[0] * down[1] - slope[1] * down[0]) if across else abs(float(slope @ down))
        return stated["W"] * part

    return measure


def _sin_angle(s: Scene, p: tuple[str, ...], _: Stated) -> float:
    return math.sin(math.radians(plane_measure(s.floats(), Measure("angle", p))))


def _parabola(s: Scene) -> np.ndarray:
    (curve,) = [it for it in s.elements if isinstance(it, Curve)]
    xy = np.asarray(curve.points)
    return np.polyfit(xy[:, 0], xy[:, 1], 2)


def _apex(s: Scene, p: tuple[str, ...], _: Stated) -> float:
    a, b, c = _parabola(s)
    return float(c - b * b / (4 * a) - s.floats()[p[0]][1])


def _range(s: Scene, p: tuple[str, ...], _: Stated) -> float:
    a, b, c = _parabola(s)
    roots = np.roots([a, b, c - s.floats()[p[0]][1]])
    return float(abs(roots[0] - roots[1]))


def _flight_time(s: Scene, p: tuple[str, ...], stated: Stated) -> float:
    """Range over the horizontal speed, which the drawn path's curvature gives: y'' = −g/vx²."""
    a, _, _ = _parabola(s)
    return _range(s, p, stated) / math.sqrt(-stated["g"] / (2 * a))


def _launch_speed(s: Scene, p: tuple[str, ...], stated: Stated) -> float:
    """Speed the drawn path implies: y'' = −g/vx² gives vx, the slope at O gives vy/vx."""
    a, b, _ = _parabola(s)
    vx = math.sqrt(-stated["g"] / (2 * a))
    slope = 2 * a * s.floats()[p[0]][0] + b
    return vx * math.hypot(1.0, slope)


def _moment(r: np.ndarray, f: np.ndarray) -> float:
    """z-component of r × f: the turning effect of f applied at r (counter-clockwise positive)."""
    return float(r[0] * f[1] - r[1] * f[0])


def _balance(unknown: str) -> Callable[[Scene, tuple[str, ...], Stated], float]:
    """Load (arrow A→W) or rope pull (arrow B→F) that balances the other about O, by moments of the drawn arrows."""

    def measure(s: Scene, p: tuple[str, ...], stated: Stated) -> float:
        o, a, w, b, f = (np.asarray(s.floats()[n], dtype=float) for n in p)
        down = _unit(a, w)
        if not np.allclose(down, (0.0, -1.0), atol=1e-9):
            return math.nan  # a load that does not hang vertically is a wrong figure
        load, pull = _moment(a - o, down), _moment(b - o, _unit(b, f))
        if load * pull >= 0:
            return math.nan  # both turn the beam the same way: nothing balances
        return stated["W"] * abs(load / pull) if unknown == "F" else stated["F"] * abs(pull / load)

    return measure


def _lever_arm(s: Scene, p: tuple[str, ...], _: Stated) -> float:
    o, b, f = (np.asarray(s.floats()[n], dtype=float) for n in p)
    return abs(_moment(b - o, _unit(b, f)))


def _fermat_point(s: Scene, p: tuple[str, ...]) -> np.ndarray:
    """Where on the mirror line M1M2 the path A→X→E is shortest (Fermat), found by golden-section search."""
    a, e, m1, m2 = (np.asarray(s.floats()[n], dtype=float) for n in p[:4])
    u = m2 - m1
    nrm = np.array([-u[1], u[0]])
    if float((a - m1) @ nrm) * float((e - m1) @ nrm) <= 0:
        return np.array([math.nan, math.nan])  # not both in front of the mirror: no reflection

    def length(t: float) -> float:
        x = m1 + t * u
        return float(np.linalg.norm(a - x) + np.linalg.norm(e - x))

    lo, hi, g = -1.0, 2.0, (math.sqrt(5) - 1) / 2
    for _ in range(200):
        t1, t2 = hi - g * (hi - lo), lo + g * (hi - lo)
        lo, hi = (lo, t2) if length(t1) < length(t2) else (t1, hi)
    t = (lo + hi) / 2
    return m1 + t * u if 0.0 <= t <= 1.0 else np.array([math.nan, math.nan])  # it must hit the drawn mirror


def _mirror_path(s: Scene, p: tuple[str, ...], _: Stated) -> float:
    x, f = _fermat_point(s, p), s.floats()
    return float(np.linalg.norm(np.asarray(f[p[0]]) - x) + np.linalg.norm(np.asarray(f[p[1]]) - x))


def _mirror_point(s: Scene, p: tuple[str, ...], _: Stated) -> float:
    return float(np.linalg.norm(_fermat_point(s, p) - np.asarray(s.floats()[p[4]])))


def _incidence_sin(s: Scene, p: tuple[str, ...], _: Stated) -> float:
    f = s.floats()
    return abs(float(_unit(f[p[0]], f[p[1]]) @ _unit(f[p[1]], f[p[2]])))


def _refracted_exit(s: Scene, p: tuple[str, ...], stated: Stated) -> np.ndarray:
    """Trace the drawn incident ray A→O into the block with the vector form of Snell's law (surface O→S) and
    meet the face through N parallel to the surface: the exit point Q."""
    a, o, srf, bottom = (np.asarray(s.floats()[n], dtype=float) for n in p)
    along, ray = _unit(o, srf), _unit(a, o)
    into = np.array([-along[1], along[0]])
    if float(into @ (a - o)) > 0:
        into = -into  # the normal pointing away from the side the light comes from
    sin_r = float(ray @ along) / stated["n"]
    v = sin_r * along + math.sqrt(1 - sin_r * sin_r) * into
    depth = float((bottom - o) @ into)
    return o + v * depth / float(v @ into)


def _refraction_offset(s: Scene, p: tuple[str, ...], stated: Stated) -> float:
    return float(np.linalg.norm(_refracted_exit(s, p, stated) - np.asarray(s.floats()[p[3]])))


def _refraction_path(s: Scene, p: tuple[str, ...], stated: Stated) -> float:
    return float(np.linalg.norm(_refracted_exit(s, p, stated) - np.asarray(s.floats()[p[1]])))


def _image_point(s: Scene, p: tuple[str, ...]) -> np.ndarray:
    """Meet the ray A→lens (parallel to the axis) →F' with the ray A→O (straight through the centre)."""
    f = s.floats()
    a, o, f2 = (np.asarray(f[n], dtype=float) for n in (p[0], p[2], p[3]))
    q = np.array([o[0], a[1]])  # where the parallel ray reaches the lens plane
    d1, d2 = f2 - q, o - a
    t = np.linalg.solve(np.column_stack([d1, -d2]), a - q)
    return q + t[0] * d1


def _image_distance(s: Scene, p: tuple[str, ...], _: Stated) -> float:
    return float(abs(_image_point(s, p)[0] - s.floats()[p[2]][0]))


def _image_height(s: Scene, p: tuple[str, ...], _: Stated) -> float:
    return float(abs(_image_point(s, p)[1] - s.floats()[p[2]][1]))


def _item(s: Scene, name: str):
    return next(it for it in s.elements if isinstance(it, Resistor | Cell) and it.name == name)


def solve_circuit(s: Scene) -> tuple[dict[str, float], float]:
    """Modified nodal analysis of the drawn circuit → (node voltage per scene point, cell current)."""
    parent: dict[str, str] = {}

    def find(x: str) -> str:
        while parent.setdefault(x, x) != x:
            x = parent[x]
        return x

    for seg in s.segments:  # wires: segments join their end points into one node
        parent[find(seg.a)] = find(seg.b)
    cells = [it for it in s.elements if isinstance(it, Cell)]
    resistors = [it for it in s.elements if isinstance(it, Resistor)]
    (cell,) = cells
    ground = find(cell.minus)
    nodes = sorted(({find(t) for r in resistors for t in (r.a, r.b)} | {find(cell.plus)}) - {ground})
    idx = {n: i for i, n in enumerate(nodes)}
    n = len(nodes)
    m, rhs = np.zeros((n + 1, n + 1)), np.zeros(n + 1)
    for r in resistors:
        ends = [idx.get(find(t)) for t in (r.a, r.b)]
        for i in ends:
            for j in ends:
                if i is not None and j is not None:
                    m[i, j] += (1 if i == j else -1) / r.ohms
    k = idx[find(cell.plus)]
    m[k, n] = m[n, k] = 1.0  # the cell's current enters the + node; V(+) − V(−) = E
    rhs[n] = cell.volts
    x = np.linalg.solve(m, rhs)
    volts = {name: 0.0 if find(name) == ground else float(x[idx[find(name)]]) if find(name) in idx else math.nan
             for name in s.points}
    return volts, abs(float(x[n]))


def _cell_current(s: Scene, p: tuple[str, ...], _: Stated) -> float:
    return solve_circuit(s)[1]


def _equivalent(s: Scene, p: tuple[str, ...], _: Stated) -> float:
    return _item(s, p[0]).volts / solve_circuit(s)[1]


def _branch_current(s: Scene, p: tuple[str, ...], _: Stated) -> float:
    r = _item(s, p[0])
    v = solve_circuit(s)[0]
    return abs(v[r.a] - v[r.b]) / r.ohms


MEASURES: dict[str, Callable[[Scene, tuple[str, ...], Stated], float]] = {
    "length": lambda s, p, _: plane_measure(s.floats(), Measure("length", p)),
    "angle": lambda s, p, _: plane_measure(s.floats(), Measure("angle", p)),
    "force": lambda s, p, _: math.dist(s.floats()[p[0]], s.floats()[p[1]]),
    "resultant": _resultant,
    "weight_along": _weight_part(across=False),
    "weight_normal": _weight_part(across=True),
    "sin_angle": _sin_angle,
    "apex_height": _apex,
    "range": _range,
    "flight_time": _flight_time,
    "launch_speed": _launch_speed,
    "balance_force": _balance("F"),
    "balance_weight": _balance("W"),
    "lever_arm": _lever_arm,
    "mirror_path": _mirror_path,
    "mirror_point": _mirror_point,
    "incidence_sin": _incidence_sin,
    "refraction_offset": _refraction_offset,
    "refraction_path": _refraction_path,
    "image_distance": _image_distance,
    "image_height": _image_height,
    "resistance": lambda s, p, _: _item(s, p[0]).ohms,
    "emf": lambda s, p, _: _item(s, p[0]).volts,
    "stated": lambda s, p, stated: stated[p[0]],
    "cell_current": _cell_current,
    "equivalent_resistance": _equivalent,
    "branch_current": _branch_current,
}


def _statement_problem(m: Measure, value: float, question: str, stated: Stated) -> str | None:
    """None when the question states this given with this value."""
    if m.kind == "angle":
        ok = re.search(rf"(?<![\d.]){value:g}°", question) is not None
    elif m.kind in ("sin_angle", "incidence_sin"):
        ok = ("sin θ" in stated and close(stated["sin θ"], value)) or (
            "θ" in stated and close(math.sin(math.radians(stated["θ"])), value))
    else:
        names = [m.points[0] + m.points[1], m.points[1] + m.points[0]] if m.kind == "length" else [m.points[-1]]
        ok = any(n in stated and close(stated[n], value) for n in names)
    return None if ok else f"the question does not state {m.kind} {''.join(m.points)} = {value:g}"


@domain_verifier(DOMAIN, "answer", kinds=["interaction"])
def verify_physics_answer(ctx: VerifyContext) -> Check:
    d = ctx.rendered.draft
    stated = stated_values(d.question)
    exact = float(d.answer)
    for g in d.givens:
        want = float(g.value)
        got = MEASURES[g.measure.kind](d.scene, g.measure.points, stated)
        if not close(got, want):
            return Check(False, f"given {g.measure.kind} {''.join(g.measure.points)} = {want:g} but the figure has {got:.6g}")
        problem = _statement_problem(g.measure, want, d.question, stated)
        if problem:
            return Check(False, problem)
    got = MEASURES[d.target.kind](d.scene, d.target.points, stated)
    if not close(got, exact):
        return Check(False, f"{d.target.kind} recomputed from the figure is {got:.6g} but the answer is {exact:.6g}")
    problem = answer_text_problem(ctx, exact)
    if problem:
        return Check(False, problem)
    return Check(True, f"{d.target.kind} recomputed from the figure {got:.6g} = {d.answer_latex}; {len(d.givens)} givens match")
