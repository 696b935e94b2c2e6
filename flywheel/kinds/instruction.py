"""Instruction samples: "mark the midpoint M of AC and connect it to B", the ground-truth overlay, a scorer.

An instruction is a construction the figure does not show yet (a midpoint joined to a vertex, a
missing segment, a perpendicular with its foot). It reuses the scene engine: the instruction
becomes the scene's construction, emit.tool_code draws it in the sandbox like any tool call, and
the generic `tool` verifier checks it landed only where asked. The scorer compares the pixels a
candidate changed with the pixels the ground truth changed (a tolerant overlap F1 in [0, 1]).
"""

from __future__ import annotations

import copy
import io
import itertools
import math
import random
from collections.abc import Callable
from dataclasses import dataclass, replace

import numpy as np
import sympy as sp
from PIL import Image

from flywheel.kinds.points import dotted, format_points, has_points, point_pixels
from flywheel.kinds.variant import KindVariant, Unsupported
from flywheel.render.draft import MIN_STROKE_ANGLE, Rendered
from flywheel.render.scene import emit, pixels
from flywheel.render.scene.exact import midpoint
from flywheel.render.scene.layout import label_box, obstacle_segments, place_new_labels
from flywheel.render.scene.model import Construction, Point, RightMark, Scene, Segment
from flywheel.verify.tool import changed_mask

TOLERANCE_PX = 3  # drawn pixels this close to the truth count as on it (anti-aliasing, line width)
NEW_NAMES = "MNPQHKEFGRST"
MIN_NEW_SEGMENT_PX = 30.0
MIN_POINT_GAP_PX = 18.0
TEXT_MARGIN_PX = 1.0  # a laid-out text box grown by this much covers the rendered text's extent
# Structurally different wordings around one instruction (`text` as a sentence, `task` as a clause):
# the order of task and medium, a request, a numbered step; drawn from the task's rng.
FRAMES = (
    "{text} Draw it on the figure with code that edits the image.",
    "Write code that edits the image to do this: {task}",
    "Using code that draws on the figure, {task}",
    "On the figure: {task} Return the edited image.",
    "Step 1: read the figure. Step 2: {task} Do step 2 with image-editing code.",
    "The figure needs one more construction. {text} Add it by editing the image with code.",
)


@dataclass(frozen=True)
class Instruction:
    text: str
    construction: Construction
    new_points: Callable[[], dict[str, Point]]  # exact coordinates, computed only for the one chosen


def make(rendered: Rendered, rng: random.Random) -> KindVariant:
    if not has_points(rendered):
        raise Unsupported("the figure has no labelled points to build an instruction on")
    scene, lay = rendered.draft.scene, rendered.layout
    options = candidates(scene)
    rng.shuffle(options)
    for ins in options:
        new_scene = replace(scene, points={**scene.points, **ins.new_points()}, construction=ins.construction)
        new_lay = place_new_labels(new_scene, copy.deepcopy(lay), ins.construction.points)
        if _well_posed(new_scene, new_lay):
            return _variant(rendered, ins, new_scene, new_lay, rng)
    raise Unsupported("no instruction fits this figure without slivers or crowding")


def _variant(rendered: Rendered, ins: Instruction, scene: Scene, lay, rng: random.Random) -> KindVariant:
    draft = replace(rendered.draft, scene=scene)
    tool = emit.tool_code(scene, lay)
    new = ins.construction.points
    involved = list(dict.fromkeys([p for s in ins.construction.segments for p in (s.a, s.b)] + new))
    shown = Rendered(draft, lay, rendered.image_code, tool, "")
    points = point_pixels(shown, involved)
    answer = format_points(points)
    question = rng.choice(FRAMES).format(text=ins.text, task=ins.text[0].lower() + ins.text[1:])
    shown.cot = (f"<think>I will {ins.construction.description} on the figure.\n<code>\n```python\n{tool.rstrip()}\n"
                 f"```\n</code>\n<sandbox_output><image></sandbox_output>\nThe construction is drawn: "
                 f"{answer}.</think>\n<answer>{answer}</answer>")
    elements = [f"point {n}: ({points[n][0]:g}, {points[n][1]:g}), new" for n in new]
    elements += [f"segment {s.a}{s.b}: dashed red line from ({points[s.a][0]:g}, {points[s.a][1]:g}) to "
                 f"({points[s.b][0]:g}, {points[s.b][1]:g})" for s in ins.construction.segments]
    return KindVariant(shown, question, answer, points, elements)


def candidates(scene: Scene) -> list[Instruction]:
    """Every instruction of the three families that makes sense on this scene (in a fixed order)."""
    labeled = dotted(scene)
    new = next((c for c in NEW_NAMES if c not in scene.points), None)
    if new is None:
        return []
    sides = [s for s in scene.segments if s.a in labeled and s.b in labeled]
    # Segments of the figure and of its interaction construction: an instruction asks for something new.
    joined = {frozenset((s.a, s.b)) for s in scene.segments + scene.construction.segments}
    out: list[Instruction] = []
    for s in sides:
        pa, pb = scene.points[s.a], scene.points[s.b]
        for z in labeled:
            if z in (s.a, s.b):
                continue
            out.append(Instruction(
                f"Mark the midpoint {new} of {s.a}{s.b} and connect it to {z}.",
                Construction(f"mark the midpoint {new} of {s.a}{s.b} and draw {new}{z}", [Segment(new, z, dashed=True)], [new]),
                lambda pa=pa, pb=pb: {new: midpoint(pa, pb)}))
            t = _foot_param(scene, z, s)
            if 0.15 < t < 0.85:  # the foot falls well inside the segment
                out.append(Instruction(
                    f"Draw the perpendicular from {z} to {s.a}{s.b} and mark its foot {new}.",
                    Construction(f"draw the perpendicular {z}{new} from {z} to {s.a}{s.b}",
                                 [Segment(z, new, dashed=True)], [new], [RightMark(s.a, new, z)]),
                    lambda pa=pa, pb=pb, pz=scene.points[z]: {new: _foot(pz, pa, pb)}))
    for a, b in itertools.combinations(labeled, 2):
        if frozenset((a, b)) not in joined:
            out.append(Instruction(f"Draw the segment {a}{b}.", Construction(f"draw the segment {a}{b}", [Segment(a, b, dashed=True)]), dict))
    return out + _axis_feet(scene, labeled, new)


def _axis_feet(scene: Scene, labeled: list[str], new: str) -> list[Instruction]:
    """On a coordinate plane: drop the perpendicular from a point to either axis (how its coordinates
    are read). Gives graphs with a single labelled point an instruction, and every graph more than one."""
    if scene.coordinate_plane is None:
        return []
    out = []
    for z in labeled:
        x, y = scene.points[z]
        for axis, foot, off in (("x", (x, sp.Integer(0)), y), ("y", (sp.Integer(0), y), x)):
            if off != 0:
                out.append(Instruction(
                    f"Drop the perpendicular from {z} to the {axis}-axis and mark its foot {new}.",
                    Construction(f"drop the perpendicular {z}{new} from {z} to the {axis}-axis", [Segment(z, new, dashed=True)], [new]),
                    lambda foot=foot: {new: foot}))
    return out


def _foot_param(scene: Scene, z: str, s: Segment) -> float:
    """Where the foot of the perpendicular from z falls along s (0 at s.a, 1 at s.b), in floats."""
    f = scene.floats()
    (ax, ay), (bx, by), (zx, zy) = f[s.a], f[s.b], f[z]
    return ((zx - ax) * (bx - ax) + (zy - ay) * (by - ay)) / max((bx - ax) ** 2 + (by - ay) ** 2, 1e-12)


def _foot(p: Point, a: Point, b: Point) -> Point:
    """Exact foot of the perpendicular, left unsimplified: drawing needs only its float value, and
    simplifying rotated trig coordinates can take minutes."""
    dx, dy = b[0] - a[0], b[1] - a[1]
    t = ((p[0] - a[0]) * dx + (p[1] - a[1]) * dy) / (dx * dx + dy * dy)
    return (a[0] + t * dx, a[1] + t * dy)


def _well_posed(scene: Scene, lay) -> bool:
    """No sliver angles, no short strokes, the new point apart from every shown point."""
    if scene.min_stroke_angle() < MIN_STROKE_ANGLE:
        return False
    px = {k: lay.to_px(*v) for k, v in scene.floats().items()}
    for s in scene.construction.segments:
        if math.dist(px[s.a], px[s.b]) < MIN_NEW_SEGMENT_PX:
            return False
    shown = list(scene.labeled)
    strokes = obstacle_segments(scene, lay, with_construction=True)
    for n in scene.construction.points:
        # Apart from every existing point, the interaction construction's included (H of an altitude …).
        if any(math.dist(px[n], px[o]) < MIN_POINT_GAP_PX for o in scene.points if o not in scene.construction.points):
            return False
        box = label_box(*lay.labels[n], n)
        # The new label must stay off every stroke and label, as the image verifier demands.
        if pixels.rect_hits_segments(_shrunk(box), strokes):
            return False
        if any(pixels.rects_overlap(box, label_box(*lay.labels[o], o), pad=-1.0) for o in shown):
            return False
        if any(pixels.rects_overlap(box, t.box, pad=-1.0) for t in [*lay.plane_texts, *lay.values]):
            return False  # nor on a tick label, an axis name or a given's value
    # The new strokes (its segments, its right-angle mark, its element strokes) must stay off the texts
    # already in the figure: labels, ticks, axis names, values. Every stroke counts, as in the image
    # verifier: a foot's right-angle mark across a value ("32" beside P) is as unreadable as a line.
    # The laid-out boxes are estimates: a rendered value's box is up to ~1.5 px taller, so they are
    # grown by TEXT_MARGIN_PX here rather than shrunk as the image verifier shrinks the rendered ones.
    texts = [label_box(*lay.labels[o], o) for o in shown] + [t.box for t in [*lay.plane_texts, *lay.values]]
    m = TEXT_MARGIN_PX
    return not any(pixels.rect_hits_segments((b[0] - m, b[1] - m, b[2] + m, b[3] + m), strokes) for b in texts)


def _shrunk(box: tuple[float, float, float, float]) -> tuple[float, float, float, float]:
    return (box[0] + 1, box[1] + 1, box[2] - 1, box[3] - 1)


# -- scoring ---------------------------------------------------------------------------------------
def overlay_mask(original_png: bytes, edited_png: bytes) -> np.ndarray:
    """Pixels an edit changed (bool, H×W): the same test the tool verifier uses."""
    return changed_mask(_rgb(original_png), _rgb(edited_png))


def mask_png(mask: np.ndarray) -> bytes:
    buf = io.BytesIO()
    Image.fromarray(mask.astype(np.uint8) * 255, "L").save(buf, format="PNG", optimize=True)
    return buf.getvalue()


def score_masks(candidate: np.ndarray, truth: np.ndarray, tol: int = TOLERANCE_PX) -> float:
    """Tolerant overlap F1: precision = share of the candidate's changed pixels within `tol` px of the
    truth's, recall = share of the truth's within `tol` px of the candidate's. 1.0 for the truth
    itself, 0.0 for an empty edit or one drawn elsewhere."""
    if candidate.shape != truth.shape:
        return 0.0
    nc, nt = int(candidate.sum()), int(truth.sum())
    if nt == 0 or nc == 0:
        return float(nt == nc)
    precision = float((candidate & _dilate(truth, tol)).sum()) / nc
    recall = float((truth & _dilate(candidate, tol)).sum()) / nt
    return 0.0 if precision + recall == 0 else 2 * precision * recall / (precision + recall)


def score_overlay(candidate_png: bytes, original_png: bytes, truth_png: bytes) -> float:
    """Score a model's edited image against the ground-truth overlay image of the same figure."""
    try:
        cand = overlay_mask(original_png, candidate_png)
    except Exception:  # noqa: BLE001 - an unreadable or resized image is a failed edit
        return 0.0
    return score_masks(cand, overlay_mask(original_png, truth_png))


def score(candidate_png: bytes, sample: dict, images) -> float:
    """Score against an instruction sample row of the catalog (`images` is the catalog's ImageStore)."""
    return score_overlay(candidate_png, images.get(sample["image"]), images.get(sample["edited_image"]))


def _dilate(mask: np.ndarray, r: int) -> np.ndarray:
    """Grow a mask by r px (a (2r+1)² square), as separable shifted ORs: ~100× faster than a rank filter."""
    out = mask.copy()
    for axis in (0, 1):
        src = out.copy()
        n = src.shape[axis]
        for k in range(1, r + 1):
            lo, hi = [slice(None)] * 2, [slice(None)] * 2
            lo[axis], hi[axis] = slice(k, n), slice(0, n - k)
            out[tuple(lo)] |= src[tuple(hi)]
            out[tuple(hi)] |= src[tuple(lo)]
    return out


def _rgb(png: bytes) -> np.ndarray:
    return np.asarray(Image.open(io.BytesIO(png)).convert("RGB"))
