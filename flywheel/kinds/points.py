"""Named points and elements of a rendered scene in image pixels: the perception ground truth.

Coordinates come from the scene's data→pixel transform (Layout.to_px), which is exactly the
transform the figure code draws with; the perception verifier re-finds them in the pixels.
"""

from __future__ import annotations

import ast
import math
import re

from flywheel.core.errors import FlywheelError
from flywheel.render.draft import Rendered
from flywheel.render.scene.model import Scene

Points = dict[str, tuple[float, float]]
SCORE_RADIUS_PX = 20.0  # a prediction this far from a true point (or farther) scores 0 for that point
# One `name: (x, y)` pair in text that is no dict literal (unquoted names, `A = (3, 4)`).
_PAIR = re.compile(r"['\"]?([A-Za-z][A-Za-z0-9_']*)['\"]?\s*[:=]\s*[(\[]\s*(-?\d+(?:\.\d+)?)\s*,\s*(-?\d+(?:\.\d+)?)\s*[)\]]")


def dotted(scene: Scene) -> list[str]:
    """Labelled points drawn as dots: arrow tips and symbols (a force F₁, a resistor R₂) are not points."""
    return [n for n in scene.labeled if n not in scene.undotted]


def has_points(rendered: Rendered) -> bool:
    """Perception and instruction need a scene of named, labelled, dotted points.

    Scenes that render themselves (charts: `render_draft`) label data, not points.
    """
    scene = rendered.draft.scene
    return isinstance(scene, Scene) and not hasattr(scene, "render_draft") and bool(dotted(scene))


def point_pixels(rendered: Rendered, names: list[str] | None = None) -> Points:
    """Pixel coordinates (x right, y down, origin top-left), rounded to 0.1 px, of the labelled points."""
    scene, lay = rendered.draft.scene, rendered.layout
    f = scene.floats()
    out = {}
    for n in names or dotted(scene):
        x, y = lay.to_px(*f[n])
        out[n] = (round(x, 1), round(y, 1))
    return out


def format_points(points: Points) -> str:
    """The answer string, as the public V-Perception/VTBench data writes it: `{'A': (93.5, 91.0)}`."""
    return "{" + ", ".join(f"{n!r}: ({x:g}, {y:g})" for n, (x, y) in points.items()) + "}"


def parse_points(text: str | dict) -> Points:
    """Read a model's answer back: name → (x, y), from a dict literal (Python or JSON) or, where the
    text is no literal (`{A: (3, 4)}`, `A = (3, 4)`), from its `name: (x, y)` pairs. No eval."""
    if isinstance(text, dict):
        raw = text
    else:
        m = re.search(r"\{.*\}", text or "", re.S)
        try:
            raw = ast.literal_eval(m.group(0)) if m else None
        except (ValueError, SyntaxError):
            raw = None
        if not isinstance(raw, dict):
            raw = {p.group(1): (p.group(2), p.group(3)) for p in _PAIR.finditer(text or "")}
        if not raw:
            raise FlywheelError(f"cannot read point coordinates from {str(text)[:60]!r}")
    out: Points = {}
    for k, v in raw.items():
        try:
            x, y = (float(c) for c in v)
        except (TypeError, ValueError):
            continue  # one unreadable entry costs that point, not the whole answer
        if math.isfinite(x) and math.isfinite(y):
            out[str(k)] = (x, y)
    return out


def score_points(predicted: str | dict, truth: str | dict, radius: float = SCORE_RADIUS_PX) -> float:
    """Mean over the true points of max(0, 1 - distance / radius); a missing point scores 0.

    The one perception scorer: benchmarks and the GRPO perception reward both call it. 1.0 only
    when every point is exact; an unreadable answer scores 0. Extra names are ignored.
    """
    want = parse_points(truth)
    try:
        got = parse_points(predicted)
    except Exception:  # noqa: BLE001 - an unreadable prediction is simply wrong
        return 0.0
    if not want:
        return 0.0
    total = 0.0
    for name, (x, y) in want.items():
        if name in got:
            total += max(0.0, 1.0 - math.dist((x, y), got[name]) / radius)
    return total / len(want)


def element_attributes(rendered: Rendered) -> list[str]:
    """One line per drawn element (V-Perception's `element_arrtibute`), in pixel coordinates."""
    scene, lay = rendered.draft.scene, rendered.layout
    px = point_pixels(rendered, list(scene.points))
    out = [f"point {n}: ({px[n][0]:g}, {px[n][1]:g}), labelled, black dot" for n in dotted(scene)]
    for s in scene.segments:
        style = "dashed" if s.dashed else "solid"
        out.append(f"segment {s.a}{s.b}: {style} black line from ({px[s.a][0]:g}, {px[s.a][1]:g}) "
                   f"to ({px[s.b][0]:g}, {px[s.b][1]:g})")
    for c in scene.circles:
        r = scene.radius_float(c) * lay.px_per_unit
        out.append(f"circle centre {c.center} ({px[c.center][0]:g}, {px[c.center][1]:g}) "
                   f"through {c.through}, radius {r:.1f} px")
    out += [f"angle mark ∠{m.a}{m.v}{m.b}: arc at {m.v}" for m in scene.angle_marks]
    out += [f"right-angle mark ∠{m.a}{m.v}{m.b}: square at {m.v}" for m in scene.right_marks]
    return out
