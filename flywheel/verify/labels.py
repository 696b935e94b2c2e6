"""Figure text read back from the rendered PNG: every label says what the scene says, where the layout put it.

`image.labels` re-renders each expected text alone (`render/scene/text.py`: the figure's own Agg
renderer, same font, same sub-pixel phase) and correlates it with the figure's pixels around the
laid-out centre. A point letter or a given's value that was changed (AB = 16 drawn as 17), moved to
another element or dropped reads back as a poor match there and is rejected; so is a given the
figure does not show beside its own element (`givens_on_figure`, which the `modality` verifier of
the question versions calls too). Texts without a laid-out place (a chart's, placed by matplotlib)
are read back where the renderer reports them. Failure code: labels.
"""

from __future__ import annotations

import math
from dataclasses import dataclass

import numpy as np
from numpy.lib.stride_tricks import sliding_window_view

from flywheel.render.execute import TextBox
from flywheel.render.scene import elements, text
from flywheel.verify.registry import Check, VerifyContext, register_verifier

MATCH = 0.9  # normalised correlation of a text with its own rendering; a changed digit scores ≤ ~0.85
SLACK_PX = 4  # search window around the laid-out centre (rounding of emitted coordinates, anti-aliasing)
PLACE_PX = 3.0  # a drawn text box this far from its laid-out centre is misplaced


@dataclass(frozen=True)
class Expected:
    text: str
    cx: float
    cy: float
    what: str  # for people: "point A", "the value of AB"


def expected_texts(rendered) -> list[Expected]:
    """Every text the scene puts on the figure at a laid-out place: point letters, element texts,
    axis and tick labels, and the givens' values."""
    scene, lay = rendered.draft.scene, rendered.layout
    out = [Expected(n, *lay.labels[n], f"point {n}") for n in scene.labeled if n in lay.labels]
    out += [Expected(t, x, y, f"text {t!r}") for t, x, y in elements.texts(scene, lay)]
    out += [Expected(t.text, t.cx, t.cy, f"axis text {t.text!r}") for t in lay.plane_texts]
    out += [Expected(v.text, v.cx, v.cy, f"the value of {v.measure.describe()}") for v in lay.values]
    out += [Expected(*t) for t in scene_texts(scene, lay)]
    return out


def scene_texts(scene, lay) -> list[tuple[str, float, float, str]]:
    """Texts a scene lays out itself (a chart's ticks, axis names and legend): (text, cx, cy, what)."""
    fn = getattr(scene, "figure_texts", None)
    return fn(lay) if fn else []


def ink_of(rgb: np.ndarray) -> np.ndarray:
    """Darkness 0..1 (any colour of text on a light ground reads as ink)."""
    return 1.0 - rgb.min(axis=2).astype(np.float32) / 255.0


def read_back(rgb: np.ndarray, box: TextBox, content: str, cx: float, cy: float, memo: dict | None = None) -> float:
    """Best normalised correlation of `content`, set as `box` was set, with the figure around (cx, cy).

    The template is drawn at the box's own sub-pixel phase, which reproduces Agg's glyphs exactly
    (≈ 1.0 for a clean label); other vertical phases are tried only when that falls short."""
    key = (id(box), content, round(cx, 2), round(cy, 2))
    if memo is not None and key in memo:
        return memo[key]
    font = text.Font(box.family or "DejaVu Serif", box.style, box.size or 12.0, box.weight)
    rot = int(round(box.rotation / 90.0)) * 90 % 360
    # Quarter-pixel phases: within 1/8 px of the true one (correlation ≥ 0.97), and templates recur.
    # A text turned a quarter (a chart's axis name) runs along the image's y: its phase along itself is the box's y phase.
    fx, fy = ((round(box.phase[1] * 4) / 4 % 1.0, 0.0) if rot == 90 else (0.0, 0.0) if rot
              else (round(box.phase[0] * 4) / 4 % 1.0, round(box.phase[1] * 4) / 4 % 1.0))
    best = _correlate(rgb, text.ink(content, font, fx, fy, rotation=rot), cx, cy)
    if rot and fx and best < MATCH:
        best = max(best, _correlate(rgb, text.ink(content, font, 0.0, 0.0, rotation=rot), cx, cy))
    for other in _Y_PHASES if best < MATCH else ():
        best = max(best, _correlate(rgb, text.ink(content, font, fx, (fy + other) % 1.0, rotation=rot), cx, cy))
    if memo is not None:
        memo[key] = best
    return best


_Y_PHASES = (0.25, 0.5, 0.75)


def _correlate(rgb: np.ndarray, t: np.ndarray, cx: float, cy: float) -> float:
    th, tw = t.shape
    y0, x0 = int(round(cy - th / 2)) - SLACK_PX, int(round(cx - tw / 2)) - SLACK_PX
    h, w = rgb.shape[:2]
    if y0 < 0 or x0 < 0 or y0 + th + 2 * SLACK_PX > h or x0 + tw + 2 * SLACK_PX > w:
        return 0.0
    crop = ink_of(rgb[y0 : y0 + th + 2 * SLACK_PX, x0 : x0 + tw + 2 * SLACK_PX])
    win = sliding_window_view(crop, (th, tw))
    wz = win - win.mean(axis=(2, 3), keepdims=True)
    tz = t - t.mean()
    den = np.sqrt((wz * wz).sum(axis=(2, 3)) * float((tz * tz).sum())) + 1e-9
    scores = np.einsum("ijkl,kl->ij", wz, tz) / den
    i, j = np.unravel_index(int(np.argmax(scores)), scores.shape)
    # A long text ("(2835/389, −4080/389)") must match glyph by glyph, not only as a whole:
    # the worst window about one glyph wide counts.
    return min(float(scores[i, j]), _worst_glyph(crop[i : i + th, j : j + tw], t))


def _worst_glyph(w: np.ndarray, t: np.ndarray) -> float:
    th, tw = t.shape
    g = max(6, int(th * 0.6))  # about one glyph
    if tw <= g * 1.5:
        return 1.0
    starts = np.arange(0, tw - g + 1, max(2, g // 2))
    wc = np.stack([w[:, x : x + g] for x in starts])
    tc = np.stack([t[:, x : x + g] for x in starts])
    wc, tc = wc - wc.mean(axis=(1, 2), keepdims=True), tc - tc.mean(axis=(1, 2), keepdims=True)
    tv = (tc * tc).sum(axis=(1, 2))
    keep = tv > 0.05 * tv.max()  # a space has no shape to compare
    ncc = (wc * tc).sum(axis=(1, 2)) / (np.sqrt((wc * wc).sum(axis=(1, 2)) * tv) + 1e-9)
    return float(ncc[keep].min()) if keep.any() else 1.0


def _box_at(boxes: list[TextBox], content: str, cx: float, cy: float) -> TextBox | None:
    near = [b for b in boxes if b.text == content
            and math.hypot((b.x0 + b.x1) / 2 - cx, (b.y0 + b.y1) / 2 - cy) <= PLACE_PX]
    return near[0] if near else None


def label_problems(ctx: VerifyContext, memo: dict | None = None) -> list[str]:
    """What the figure's pixels do not show: each expected text at its place with its own content."""
    boxes, ink = ctx.render.labels, ctx.render.rgb
    out, used = [], set()
    for e in expected_texts(ctx.rendered):
        b = _box_at(boxes, e.text, e.cx, e.cy)
        if b is None:
            elsewhere = [x for x in boxes if x.text == e.text]
            out.append(f"{e.what} ({e.text!r}) is not drawn at its place" + (" (it was moved)" if elsewhere else ""))
            continue
        used.add(id(b))
        if "\n" in e.text:  # a two-line label (a pie sector's name and share): its lines are not laid out apart
            continue
        score = read_back(ink, b, e.text, e.cx, e.cy, memo)
        if score < MATCH:
            out.append(f"{e.what} does not read as {e.text!r} on the figure (match {score:.2f})")
    for b in boxes:  # texts without a laid-out place (a chart's): read where the renderer put them
        if id(b) not in used and b.text.strip() and "$" not in b.text and "\n" not in b.text:
            score = read_back(ink, b, b.text, (b.x0 + b.x1) / 2, (b.y0 + b.y1) / 2)
            if score < MATCH:
                out.append(f"text {b.text!r} does not read back from the figure (match {score:.2f})")
    return out


def givens_on_figure(ctx: VerifyContext, memo: dict | None = None) -> list[str]:
    """The givens a reader cannot read off the figure: no value label, a label that does not read back
    as its value, or one that is not beside its own element. A right angle's mark is its value."""
    draft, lay = ctx.rendered.draft, ctx.rendered.layout
    scene = draft.scene
    if ctx.render is None:
        return [g.measure.describe() for g in draft.givens]
    ink = ctx.render.rgb
    missing = _scene_givens(ctx, memo)
    for g in draft.givens:
        m = g.measure
        if m.kind == "angle" and len(m.points) == 3 and abs(float(g.value) - 90) < 1e-9:
            a, v, b = m.points
            if not any(r.v == v and {r.a, r.b} == {a, b} for r in scene.right_marks):
                missing.append(f"{m.describe()} = 90° (no right-angle mark)")
            continue
        label = next((x for x in lay.values if x.measure == m
                      or (m.kind in ("x", "y") and x.measure.kind in ("x", "y") and x.measure.points == m.points)), None)
        if label is None:
            missing.append(f"{m.describe()} (no value label)")
            continue
        box = _box_at(ctx.render.labels, label.text, label.cx, label.cy)
        if box is None or read_back(ink, box, label.text, label.cx, label.cy, memo) < MATCH:
            missing.append(f"{m.describe()} (its value {label.text!r} is not legible at its place)")
        elif not math.isnan(label.near[0]) and label.distance_to_element() > label.reach:
            missing.append(f"{m.describe()} (its value {label.text!r} is {label.distance_to_element():.0f} px from its element)")
    return missing


def _scene_givens(ctx: VerifyContext, memo: dict | None) -> list[str]:
    """Givens a scene states beyond typed Measures (a chart's stated readings, through its optional
    `figure_givens(layout)` hook): each printed, legible at its place, beside its own element."""
    scene, lay = ctx.rendered.draft.scene, ctx.rendered.layout
    fn = getattr(scene, "figure_givens", None)
    out = []
    for what, content, *where in (fn(lay) if fn else []):
        if not where:
            out.append(f"{what} (no value label)")
            continue
        cx, cy, ex, ey, reach = where
        box = _box_at(ctx.render.labels, content, cx, cy)
        if box is None or read_back(ctx.render.rgb, box, content, cx, cy, memo) < MATCH:
            out.append(f"{what} (its value {content!r} is not legible at its place)")
            continue
        gap = math.hypot(max(box.x0 - ex, 0, ex - box.x1), max(box.y0 - ey, 0, ey - box.y1))
        if gap > reach:
            out.append(f"{what} (its value {content!r} is {gap:.0f} px from its element)")
    return out


@register_verifier("image.labels", role="image")
def verify_labels(ctx: VerifyContext) -> Check:
    if ctx.render is None:
        return Check(False, ctx.render_error or "the figure did not render", code="render")
    memo: dict = {}  # a value label is read once for both questions
    problems = label_problems(ctx, memo) + [f"given not on the figure: {m}" for m in givens_on_figure(ctx, memo)]
    if problems:
        return Check(False, "; ".join(problems[:3]) + (f" (+{len(problems) - 3} more)" if len(problems) > 3 else ""),
                     code="labels")
    n = len(ctx.render.labels)
    givens = len(ctx.rendered.draft.givens) + len(getattr(ctx.rendered.draft.scene, "figure_givens", lambda _: [])(
        ctx.rendered.layout))
    return Check(True, f"{n} texts read back at their places; {givens} givens on the figure")
