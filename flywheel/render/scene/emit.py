"""Code emitters: standalone matplotlib `image_code` and sandbox-contract `tool_code` for a Scene.

Both emit plain numbers only (no flywheel import), so a row of the catalog can be re-run anywhere.
"""

from __future__ import annotations

import hashlib
import math

from flywheel.render.scene import coords, elements
from flywheel.render.scene.elements import arrow_head_px
from flywheel.render.scene.layout import (
    ARC_PX,
    DPI,
    FONT_PX,
    RIGHT_PX,
    Layout,
    arc_px,
    right_mark_px,
)
from flywheel.render.scene.model import Scene
from flywheel.render.scene.text import VALUE_FONT, pil_font_line

LINE_W = 1.8  # pt
TOOL_RGB = (214, 39, 40)


def _r(v: float) -> float:
    return round(v, 3)


def _pairs(seq) -> str:
    return "[" + ", ".join(f"(({_r(a)}, {_r(b)}), ({_r(c)}, {_r(d)}))" for a, b, c, d in seq) + "]"


def image_code(scene: Scene, layout: Layout, title: str) -> str:
    """Matplotlib code that draws the original figure and writes image.png in the current dir."""
    f = scene.floats()
    to_data = layout.to_data
    solid = [f[s.a] + f[s.b] for s in scene.segments if not s.dashed]
    dashed = [f[s.a] + f[s.b] for s in scene.segments if s.dashed]
    # Marks are defined in pixels (constant size whatever the scale), drawn in data coordinates.
    px = {k: layout.to_px(*v) for k, v in f.items()}
    marks = []
    for m in scene.angle_marks:
        marks.append([to_data(*q) for q in arc_px(px[m.a], px[m.v], px[m.b], ARC_PX)])
    for m in scene.right_marks:
        marks.append([to_data(*q) for q in right_mark_px(px[m.a], px[m.v], px[m.b], RIGHT_PX)])
    scale = layout.px_per_unit
    lines = [
        f"# {title}",
        "# Standalone: `python this_file.py` writes image.png (matplotlib only).",
        "from matplotlib.backends.backend_agg import FigureCanvasAgg",
        "from matplotlib.collections import LineCollection",
        "from matplotlib.figure import Figure",
        "from matplotlib.lines import Line2D",
        "from matplotlib.patches import Circle",
        "from matplotlib.transforms import Affine2D",
        "",
        f"fig = Figure(figsize=({layout.size / DPI}, {layout.size / DPI}), dpi={DPI})",
        "canvas = FigureCanvasAgg(fig)",
        "# Figure coordinates → pixels directly (no Axes: nothing to hide, much faster to draw).",
        f"T = Affine2D().translate({-_r(layout.x0)}, {-_r(layout.y0)}).scale({scale!r})",
        f"fig.add_artist(LineCollection({_pairs(solid)}, colors='black', linewidths={LINE_W}, capstyle='round', transform=T))",
    ]
    if dashed:
        lines.append(
            f"fig.add_artist(LineCollection({_pairs(dashed)}, colors='black', linewidths={LINE_W}, linestyles='--', transform=T))"
        )
    if marks:
        polys = "[" + ", ".join("[" + ", ".join(f"({_r(x)}, {_r(y)})" for x, y in m) + "]" for m in marks) + "]"
        lines.append(f"fig.add_artist(LineCollection({polys}, colors='black', linewidths=1.2, transform=T))")
    for c in scene.circles:
        (cx, cy), r = f[c.center], scene.radius_float(c)
        lines.append(
            f"fig.add_artist(Circle(({_r(cx)}, {_r(cy)}), {_r(r)}, fill=False, edgecolor='black', linewidth={LINE_W}, transform=T))"
        )
    lines += elements.image_lines(scene, layout)
    if scene.coordinate_plane is not None:
        lines += coords.image_lines(scene.coordinate_plane, layout)
    dots = [f[n] for n in scene.labeled if n not in scene.undotted]
    if dots:
        xs = ", ".join(str(_r(p[0])) for p in dots)
        ys = ", ".join(str(_r(p[1])) for p in dots)
        lines.append(f"fig.add_artist(Line2D([{xs}], [{ys}], marker='o', linestyle='none', color='black', markersize=3.5, transform=T))")
    for name in scene.labeled:
        x, y = to_data(*layout.labels[name])
        lines.append(
            f"fig.text({_r(x)}, {_r(y)}, {name!r}, fontsize=14, family='DejaVu Serif', style='italic', ha='center', va='center', transform=T)"
        )
    lines += value_lines(layout)
    lines.append(f"fig.savefig('image.png', dpi={DPI}, pil_kwargs={{'compress_level': 1}})")
    return "\n".join(lines) + "\n"


def value_lines(layout: Layout) -> list[str]:
    """fig.text statements printing the givens' values (upright serif, as a textbook prints numbers)."""
    f = VALUE_FONT
    out = []
    for v in layout.values:
        x, y = layout.to_data(v.cx, v.cy)
        out.append(f"fig.text({_r(x)}, {_r(y)}, {v.text!r}, fontsize={f.size:g}, family={f.family!r}, style={f.style!r}, "
                   "ha='center', va='center', transform=T)")
    return out


_TOOL_HEAD = '''import os
from PIL import Image, ImageDraw, ImageFont

img = Image.open(image_path).convert("RGB")
draw = ImageDraw.Draw(img)
RED = {rgb}


def dashed(p, q, dash=9.0, gap=5.0, width=3):
    (x0, y0), (x1, y1) = p, q
    length = ((x1 - x0) ** 2 + (y1 - y0) ** 2) ** 0.5
    ux, uy = (x1 - x0) / length, (y1 - y0) / length
    t = 0.0
    while t < length:
        e = min(t + dash, length)
        draw.line([(x0 + ux * t, y0 + uy * t), (x0 + ux * e, y0 + uy * e)], fill=RED, width=width)
        t = e + gap

'''

_TOOL_TAIL = '''
try:
    out_dir = temp_output_dir  # defined by V-Thinker-style sandboxes
except NameError:
    out_dir = "."
# one output directory serves a whole benchmark run: name the file after the figure and this edit
name = os.path.splitext(os.path.basename(image_path))[0]
path = os.path.join(out_dir, f"{{name}}_edited_{token}.png")
img.save(path, compress_level=1)
print(path)
'''
# The output line of tool code made before output names were unique: every sample wrote this one file.
_SHARED_OUTPUT = 'path = os.path.join(out_dir, "edited_image.png")'


def tool_code(scene: Scene, layout: Layout) -> str:
    """PIL code that draws the construction on `image_path`, saves a PNG and prints its path."""
    c = scene.construction
    px = {k: layout.to_px(*v) for k, v in scene.floats().items()}
    body = [f"# Auxiliary construction: {c.description}"]
    for s in c.segments:
        p, q = px[s.a], px[s.b]
        if s.arrow:  # a vector of the construction (a resultant, a component): solid, with a head
            head = ", ".join(f"({_r(x)}, {_r(y)})" for x, y in arrow_head_px(p, q))
            body.append(f"draw.line([({_r(p[0])}, {_r(p[1])}), ({_r(q[0])}, {_r(q[1])})], fill=RED, width=3)  # {s.a}{s.b}")
            body.append(f"draw.polygon([{head}], fill=RED)")
            continue
        body.append(f"dashed(({_r(p[0])}, {_r(p[1])}), ({_r(q[0])}, {_r(q[1])}))  # {s.a}{s.b}")
    for m in c.right_marks:
        poly = right_mark_px(px[m.a], px[m.v], px[m.b], RIGHT_PX)
        pts = ", ".join(f"({_r(x)}, {_r(y)})" for x, y in poly)
        body.append(f"draw.line([{pts}], fill=RED, width=2)  # right angle at {m.v}")
    if c.hatches and scene.coordinate_plane is not None:
        body += coords.tool_lines(scene.coordinate_plane, c.hatches, layout)
    if c.points:
        body.append(pil_font_line(round(FONT_PX)))  # the figure's serif italic, as its own point letters
    for name in c.points:
        (x, y), (lx, ly) = px[name], layout.labels[name]
        body.append(f"draw.ellipse(({_r(x - 4)}, {_r(y - 4)}, {_r(x + 4)}, {_r(y + 4)}), fill=RED)")
        body.append(f"draw.text(({_r(lx)}, {_r(ly)}), {name!r}, fill=RED, font=font, anchor='mm')")
    body += elements.tool_lines(scene, layout)
    return tool_program(body)


def expected_tool_strokes(scene: Scene, layout: Layout) -> list[tuple[float, float, float, float]]:
    """Pixel segments the construction must land on (used by the tool verifier)."""
    px = {k: layout.to_px(*v) for k, v in scene.floats().items()}
    return [px[s.a] + px[s.b] for s in scene.construction.segments]


def expected_tool_regions(scene: Scene, layout: Layout) -> list:
    """Pixel polygons the construction may fill (hatched regions of a coordinate plane)."""
    plane = scene.coordinate_plane
    return [coords.hatch_polygon_px(plane, h, layout) for h in scene.construction.hatches] if plane else []


def angle_between(u, v) -> float:
    return math.degrees(abs((math.atan2(v[1], v[0]) - math.atan2(u[1], u[0]) + math.pi) % (2 * math.pi) - math.pi))


def tool_program(body: list[str]) -> str:
    """Wrap PIL drawing lines (using `draw`, `RED`, `dashed`) in the sandbox-contract head and tail. The
    saved file is named after the input figure and a hash of the drawing, so runs that share an output
    directory (V-Thinker's eval scripts) never overwrite each other's edits."""
    token = hashlib.sha256("\n".join(body).encode()).hexdigest()[:10]
    return _TOOL_HEAD.format(rgb=TOOL_RGB) + "\n".join(body) + "\n" + _TOOL_TAIL.format(token=token)


def unique_output(code: str, key: str) -> str:
    """Tool code (or a trace holding it) stored before output names were unique, writing `<key>_edited.png`
    instead of the `edited_image.png` every sample shared; newer code is returned unchanged."""
    return code.replace(_SHARED_OUTPUT, f'path = os.path.join(out_dir, "{key}_edited.png")') if code else code
