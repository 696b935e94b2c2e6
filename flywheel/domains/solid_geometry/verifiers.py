"""Verifiers for solid geometry: the answer re-measured in the 3D model, and hidden lines read from pixels.

answer.solid_geometry never uses the generators' formulas (Pythagoras twice, V = Bh/3, πr²h …). It checks
that the figure is the projection of the 3D model, then measures the model: lengths as 3D
distances, a cross-section by cutting the polyhedron's edges with the plane through the three
points the question names, volumes by the divergence theorem over the faces, lateral areas as sums
of face areas, volumes of revolution by integrating π·r(z)² along the axis. The givens are
measured the same way and must be stated in the question as `XY = value`.

image.solid_geometry decides, by a depth test of its own, which polyhedron edges lie behind a face, and
then reads the pixels along every edge and rim arc: a hidden line must show the gaps of a dashed
line, a visible one must have none.
"""

from __future__ import annotations

import math
import re

import numpy as np

from flywheel.domains.registry import domain_verifier
from flywheel.domains.solid_geometry import DOMAIN
from flywheel.render.scene.layout import obstacle_segments
from flywheel.render.scene.model import Measure
from flywheel.render.scene.solid import Edges, Rim, SolidScene, Space
from flywheel.verify.answer import answer_text_problem, close
from flywheel.verify.registry import Check, VerifyContext

PROJ_TOL = 1e-9


# ── measuring the model ───────────────────────────────────────────────────────────────────────


def _vector_area(pts: np.ndarray) -> np.ndarray:
    """Newell's vector area of a planar polygon (its length is the area)."""
    return 0.5 * np.sum(np.cross(pts, np.roll(pts, -1, axis=0)), axis=0)


def _faces(space: Space) -> list[np.ndarray]:
    f = space.floats()
    return [np.array([f[n] for n in fc]) for fc in space.faces]


def _section_area(space: Space, names: tuple[str, ...]) -> float:
    """Cut every edge of the polyhedron with the plane through the three named points; area of the cut."""
    f = space.floats()
    p0, p1, p2 = (f[n] for n in names)
    normal = np.cross(p1 - p0, p2 - p0)
    normal /= np.linalg.norm(normal)
    hits = []
    for face in _faces(space):
        for a, b in zip(face, np.roll(face, -1, axis=0), strict=True):
            da, db = float(normal @ (a - p0)), float(normal @ (b - p0))
            if abs(da) < 1e-9:
                hits.append(a)
            elif da * db < 0:
                hits.append(a + (b - a) * da / (da - db))
    pts = np.unique(np.round(np.array(hits), 9), axis=0)
    centre = pts.mean(axis=0)
    e1 = (pts[0] - centre) / np.linalg.norm(pts[0] - centre)
    e2 = np.cross(normal, e1)
    order = np.argsort(np.arctan2((pts - centre) @ e2, (pts - centre) @ e1))
    return float(np.linalg.norm(_vector_area(pts[order])))


def _volume(space: Space, names: tuple[str, ...]) -> float:
    """Divergence theorem: the sum of the signed tetrahedra from the origin over outward-oriented faces."""
    faces = _faces(space)
    inside = np.mean([space.floats()[n] for n in names], axis=0)
    total = 0.0
    for face in faces:
        area = _vector_area(face)
        sign = 1.0 if area @ (face.mean(axis=0) - inside) > 0 else -1.0
        total += sign * float(area @ face[0]) / 3
    return abs(total)


def _revolution(space: Space, names: tuple[str, ...]) -> float:
    """∫ π r(z)² dz along the axis (Simpson's rule, exact for the quadratic integrand of a frustum)."""
    f = space.floats()
    c0, a0, c1, a1 = (f[n] for n in names)
    axis = c1 - c0
    h = float(np.linalg.norm(axis))
    for c, a in ((c0, a0), (c1, a1)):
        if abs(float((a - c) @ axis)) > 1e-9 * h * h:
            return math.nan  # a "radius" not perpendicular to the axis: not a solid of revolution
    r0, r1 = float(np.linalg.norm(a0 - c0)), float(np.linalg.norm(a1 - c1))
    area = [math.pi * ((1 - s) * r0 + s * r1) ** 2 for s in (0.0, 0.5, 1.0)]
    return h / 6 * (area[0] + 4 * area[1] + area[2])


def measure3d(space: Space, m: Measure) -> float:
    f = space.floats()
    if m.kind == "length":
        return float(np.linalg.norm(f[m.points[0]] - f[m.points[1]]))
    if m.kind == "section":
        return _section_area(space, m.points)
    if m.kind == "volume":
        return _volume(space, m.points)
    if m.kind == "surface":
        return sum(float(np.linalg.norm(_vector_area(np.array([f[n] for n in fc])))) for fc in m.points)
    if m.kind == "revolution":
        return _revolution(space, m.points)
    if m.kind == "disc":
        return math.pi * float(np.linalg.norm(f[m.points[1]] - f[m.points[0]])) ** 2
    raise ValueError(f"unknown solid measure {m.kind!r}")


def _figure_problem(scene: SolidScene) -> str | None:
    """The drawing is the model's projection, and each drawn rim is a circle of the model."""
    space = scene.space
    proj = np.array([[float(c) for c in (space.projection.u[i], space.projection.v[i], space.projection.w[i])] for i in (0, 1)])
    flat = scene.floats()
    for name, p in space.floats().items():
        if not np.allclose(proj @ p, flat[name], atol=PROJ_TOL * max(1.0, float(np.abs(p).max()))):
            return f"point {name} is not drawn where the solid has it"
    f = space.floats()
    for r in scene.rims():
        ra, rb = f[r.a] - f[r.center], f[r.b] - f[r.center]
        if not (close(float(np.linalg.norm(ra)), float(np.linalg.norm(rb))) and abs(float(ra @ rb)) < 1e-9 * float(ra @ ra)):
            return f"the rim around {r.center} is not a circle of the solid"
    return None


def _given_problem(ctx: VerifyContext) -> str | None:
    d = ctx.rendered.draft
    for g in d.givens:
        got, name = measure3d(d.scene.space, g.measure), g.measure.describe()
        if not close(got, float(g.value)):
            return f"the question gives {name} = {g.value} but the solid has {got:.6g}"
        if not re.search(rf"{re.escape(name)} = {re.escape(str(g.value))}(?!\d|[./]\d)", d.question):
            return f"the question does not state {name} = {g.value}"
    return None


@domain_verifier(DOMAIN, "answer", kinds=["interaction"])
def verify_solid_answer(ctx: VerifyContext) -> Check:
    d = ctx.rendered.draft
    scene = d.scene
    if not isinstance(scene, SolidScene) or scene.space is None:
        return Check(False, "not a solid scene: no 3D model to measure")
    problem = _figure_problem(scene) or _given_problem(ctx)
    if problem:
        return Check(False, problem)
    got, exact = measure3d(scene.space, d.target), float(d.answer)
    if not close(got, exact):
        return Check(False, f"{d.target.kind} of {''.join(d.target.points)} measured in the solid is {got:.6g}, "
                            f"but the answer is {exact:.6g}")
    problem = answer_text_problem(ctx, exact)
    if problem:
        return Check(False, problem)
    return Check(True, f"{d.target.kind} measured in the solid {got:.6g} = {d.answer_latex}; {len(d.givens)} givens match")


# ── reading hidden lines from the pixels ──────────────────────────────────────────────────────

INK = 140  # darkest channel below this is ink
ACROSS_PX = (-1.5, -1.0, -0.5, 0.0, 0.5, 1.0, 1.5)  # a probe looks across the line, so antialiasing is no gap
CLEAR_PX = 5.0  # probes this close to another stroke or a label are skipped
END_PX = 8.0  # nor this close to a line's ends (corners, caps)
MIN_PROBES = 12  # fewer clear probes than this: the line is too crowded to judge
MIN_GAPS = 0.04  # a dashed line leaves at least this share of its probes blank
MIN_DRAWN = 0.6  # … and inks at least this share


def hidden_edges(space: Space) -> set[frozenset[str]]:
    """Edges behind the solid, by a depth test: some face, seen at a point of the edge on the image,
    lies nearer the viewer than the edge there."""
    f = space.floats()
    view = space.projection.toward_viewer()
    proj = np.array([[float(c) for c in (space.projection.u[i], space.projection.v[i], space.projection.w[i])] for i in (0, 1)])
    faces = [(fc, np.array([f[n] for n in fc])) for fc in space.faces]
    edges = {frozenset(pair) for fc in space.faces for pair in zip(fc, fc[1:] + fc[0], strict=True)}
    out = set()
    for e in edges:
        p, q = (f[n] for n in e)
        # A few points along the edge: one may fall exactly on the image of another edge.
        if any(_covered(p + s * (q - p), e, faces, proj, view) for s in (0.3, 0.5, 0.7)):
            out.add(e)
    return out


def _covered(m: np.ndarray, e: frozenset[str], faces, proj: np.ndarray, view: np.ndarray) -> bool:
    for fc, pts in faces:
        if e <= set(fc) or not _inside_2d(proj @ m, pts @ proj.T):
            continue
        normal = np.cross(pts[1] - pts[0], pts[2] - pts[0])
        if abs(float(normal @ view)) > 1e-12 and float(normal @ (pts[0] - m)) / float(normal @ view) > 1e-9:
            return True
    return False


def _inside_2d(p: np.ndarray, poly: np.ndarray, margin: float = 1e-7) -> bool:
    """p strictly inside the convex polygon (either orientation)."""
    cross = [float((b[0] - a[0]) * (p[1] - a[1]) - (b[1] - a[1]) * (p[0] - a[0]))
             for a, b in zip(poly, np.roll(poly, -1, axis=0), strict=True)]
    scale = margin * max(1.0, float(np.abs(poly).max()))
    return all(c > scale for c in cross) or all(c < -scale for c in cross)


def _gaps(grey: np.ndarray, poly: np.ndarray, others: np.ndarray, boxes: list) -> tuple[int, int]:
    """(probes, blank probes) along a pixel polyline every pixel, skipping the crowded stretches."""
    seg = np.diff(poly, axis=0)
    lengths = np.linalg.norm(seg, axis=1)
    keep = lengths > 1e-9
    a, seg, lengths = poly[:-1][keep], seg[keep], lengths[keep]
    starts = np.concatenate([[0.0], np.cumsum(lengths)[:-1]])
    total = float(lengths.sum())
    along = np.arange(END_PX, total - END_PX, 1.0)
    if len(along) == 0:
        return 0, 0
    k = np.clip(np.searchsorted(starts, along, side="right") - 1, 0, len(a) - 1)
    u = seg[k] / lengths[k][:, None]
    centres = a[k] + u * (along - starts[k])[:, None]
    clear = ~_near(centres, others, boxes)
    centres, normals = centres[clear], np.stack([-u[clear, 1], u[clear, 0]], axis=1)
    h, w = grey.shape
    ink = np.full(len(centres), 255)
    for t in ACROSS_PX:
        q = np.rint(centres + t * normals).astype(int)
        ink = np.minimum(ink, grey[np.clip(q[:, 1], 0, h - 1), np.clip(q[:, 0], 0, w - 1)])
    return len(centres), int(np.count_nonzero(ink >= INK))


def _near(c: np.ndarray, segs: np.ndarray, boxes: list) -> np.ndarray:
    """For each probe (N×2): within CLEAR_PX of a label box or of another stroke."""
    out = np.zeros(len(c), dtype=bool)
    for x0, y0, x1, y1 in boxes:
        out |= (c[:, 0] >= x0 - CLEAR_PX) & (c[:, 0] <= x1 + CLEAR_PX) & (c[:, 1] >= y0 - CLEAR_PX) & (c[:, 1] <= y1 + CLEAR_PX)
    if len(segs) == 0:
        return out
    a, ab = segs[None, :, :2], (segs[:, 2:] - segs[:, :2])[None]
    p = c[:, None, :]
    t = np.clip(((p - a) * ab).sum(2) / np.maximum((ab * ab).sum(2), 1e-12), 0, 1)
    dist = np.linalg.norm(a + t[..., None] * ab - p, axis=2)
    return out | (dist.min(axis=1) < CLEAR_PX)


def _lines(scene: SolidScene, lay) -> list[tuple[str, np.ndarray, bool]]:
    """(name, pixel polyline, drawn dashed) for every straight edge and rim arc."""
    out = []
    for el in scene.elements:
        if isinstance(el, Edges):
            out += [(f"edge {a}{b}", s.points, s.dashed) for (a, b, _), s in zip(el.edges, el.strokes(scene, lay), strict=True)]
        elif isinstance(el, Rim):
            out += [(f"the {'far' if s.dashed else 'near'} arc of the rim around {el.center}", s.points, s.dashed)
                    for s in el.strokes(scene, lay)]
    return out


@domain_verifier(DOMAIN, "image")
def verify_solid_image(ctx: VerifyContext) -> Check:
    if ctx.render is None:
        return Check(False, ctx.render_error or "the figure did not render")
    scene, lay = ctx.rendered.draft.scene, ctx.rendered.layout
    if not isinstance(scene, SolidScene) or scene.space is None:
        return Check(False, "not a solid scene")
    hidden = hidden_edges(scene.space)
    faces = scene.space.faces
    face_edges = {frozenset(pair) for fc in faces for pair in zip(fc, fc[1:] + fc[0], strict=True)}
    for a, b, dashed in scene.edge_list():
        e = frozenset((a, b))
        if e in face_edges and dashed != (e in hidden):
            return Check(False, f"edge {a}{b} is {'hidden' if e in hidden else 'in sight'} "
                                f"but the scene draws it {'dashed' if dashed else 'solid'}")
    grey = ctx.render.rgb.min(axis=2)
    boxes = [b.rect for b in ctx.render.labels]
    everything = obstacle_segments(scene, lay, with_construction=False)
    judged = 0
    for name, poly, dashed in _lines(scene, lay):
        own = {tuple(np.round(s, 6)) for s in np.concatenate([poly[:-1], poly[1:]], axis=1)}
        others = np.array([s for s in everything if tuple(np.round(s, 6)) not in own]).reshape(-1, 4)
        probes, blank = _gaps(grey, np.asarray(poly, dtype=float), others, boxes)
        if probes < MIN_PROBES:
            continue
        judged += 1
        share = blank / probes
        if dashed and not (MIN_GAPS <= share <= 1 - MIN_DRAWN):
            return Check(False, f"{name} is hidden but is not drawn dashed ({share:.0%} of it blank)")
        if not dashed and blank > 0:
            return Check(False, f"{name} is in sight but has gaps ({blank} of {probes} probes blank)")
    return Check(True, f"{judged} lines read from the pixels: hidden ones dashed, the others solid; "
                       f"{len(hidden)} hidden edges confirmed by a depth test")
