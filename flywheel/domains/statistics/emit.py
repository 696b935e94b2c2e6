"""Chart emitter: standalone matplotlib `image_code` for a ChartScene, and its Rendered.

The code reads like a textbook plot (bars, a line with markers, boxes and whiskers, sectors, tick
labels) with the data written out, and draws it straight onto the figure, as the plane figures do:
no Axes is built. `D` maps data to canvas pixels exactly as the scene's Frame does (an Affine2D from
the data limits onto the fixed box), `T` is the canvas itself, so every stroke and every text lands
on the pixel the scene says. Every text the figure prints (title, tick labels, axis names, legend,
pie labels) is laid out here, in `chart_texts`, once: the emitter writes it and the `image.labels`
verifier reads each one back at that place (a renamed category or tick fails there).
Tool code and trace are the generic ones (render/draft.py::trace).
"""

from __future__ import annotations

import math
from collections.abc import Callable
from dataclasses import dataclass

import numpy as np

from flywheel.domains.statistics.common import BOX_FILL, FILL
from flywheel.domains.statistics.model import DPI, MARKER_PX, SIZE, ChartScene
from flywheel.render.draft import Draft, Rendered, trace
from flywheel.render.scene import emit, text
from flywheel.render.scene.layout import Layout, obstacle_segments
from flywheel.render.scene.values import clear_spot

TICK_PT = 10
TITLE_PT = 13
LABEL_PT = 11
PT = DPI / 72  # pixels per point
TICK_LEN = 3.5  # points: matplotlib's default major tick, pointing out of the axes
TICK_PAD = 7.0  # points from the spine to a tick label: the tick's length and matplotlib's 3.5 pt pad
LABEL_PAD = 4.0  # points from the tick labels to an axis name
GRID = "#dddddd"
# A legend row as matplotlib lays one out (in ems of its font): swatch, gap to the text, gap between entries.
SWATCH_W, SWATCH_H, SWATCH_GAP, COLUMN_GAP = 2.0, 0.7, 0.8, 2.0
LEGEND_DROP = 0.5 + 0.4  # ems from the legend's anchor down to its row: the border pads
VALUE_FONT = text.Font("DejaVu Sans", "normal", 10.0)  # a value printed on the chart: the ticks' font


@dataclass(frozen=True)
class ChartText:
    """One text the figure prints: content, anchor (canvas px, y up), alignment and font, and what it is."""

    text: str
    x: float
    y: float
    ha: str
    va: str
    size: float
    what: str
    weight: str = "normal"
    rotation: int = 0

    @property
    def font(self) -> text.Font:
        return text.Font("DejaVu Sans", "normal", float(self.size), self.weight)

    def centre_px(self) -> tuple[float, float]:
        """The centre of the box matplotlib draws it in, in image pixels (y down): its anchor moved by
        the alignment, with matplotlib's line box (never shorter than "lp") for the height."""
        w, h, d = text.extent(self.text, self.font)
        _, lp_h, lp_d = text.extent("lp", self.font)
        h, d = max(h, lp_h), max(d, lp_d)
        along = {"left": w / 2, "center": 0.0, "right": -w / 2}[self.ha]  # along the text's own direction
        across = {"bottom": h / 2, "center": 0.0, "top": -h / 2, "center_baseline": -d / 2}[self.va]
        if self.rotation == 90:  # rotation_mode='anchor': aligned first, then turned counter-clockwise
            return self.x - across, SIZE - (self.y + along)
        return self.x + along, SIZE - (self.y + across)


def num(v) -> str:
    """A number as code: integers plainly, anything else as a short float."""
    f = float(v)
    return str(int(f)) if f == int(f) else repr(round(f, 6))


def nums(vs) -> str:
    return "[" + ", ".join(num(v) for v in vs) + "]"


def render_chart(draft: Draft) -> Rendered:
    scene: ChartScene = draft.scene
    lay = Layout(x0=0.0, y0=0.0, span=float(SIZE), size=SIZE)
    for name, (x, y) in scene.extra.get("label_at", {}).items():
        lay.labels[name] = (x, SIZE - y)  # layout labels are image pixels, y down
    if "values_at" not in scene.extra:
        place_values(scene, lay)
    tool = emit.tool_code(scene, lay)
    return Rendered(draft, lay, image_code(scene), tool, trace(draft, tool))


VALUE_GAP_PX = 4.0  # a value label's clearance from its bar top, marker or whisker end


def place_values(scene: ChartScene, lay: Layout) -> None:
    """Each reading the question states ("the Choir club had 4 members") printed beside its element, as
    a textbook prints a bar's value over it: in the vision versions that value is on the figure only.
    Placed like a plane figure's given (render/scene/values.py): off every stroke (the tool's reading
    line too), off the fills, the other texts and the canvas edge; straight above its element when clear."""
    scene.extra["values_at"] = placed = []
    wanted = [st for st in scene.stated if st.kind == "value" and st.item in scene.readings]
    if not wanted:
        return
    pts = scene.floats()
    segs = obstacle_segments(scene, lay, with_construction=True)
    taken = [_text_rect(t) for t in chart_texts(scene)]
    taken += [tuple(np.r_[np.min(p, axis=0), np.max(p, axis=0)]) for p in map(np.asarray, scene.filled_regions(lay))]
    taken += [(x - 3.5, y - 3.5, x + 3.5, y + 3.5) for x, y in (lay.to_px(*pts[n]) for n in scene.labeled)]
    for st in wanted:
        names = scene.readings[st.item]
        if len(names) == 2 and names[0].endswith(".tl"):  # a bar: its value stands over the middle of its top
            (x0, y), (x1, _) = lay.to_px(*pts[names[0]]), lay.to_px(*pts[names[1]])
            anchor, gap = ((x0 + x1) / 2, y), VALUE_GAP_PX
        else:  # a marker or a box plot's whisker end: beside the point, clear of the marker's disc
            anchor, gap = lay.to_px(*pts[names[st.index]]), VALUE_GAP_PX + MARKER_PX
        w, h, _ = text.extent(st.text, VALUE_FONT)
        cx, cy, _ = clear_spot(anchor, w, h, segs, taken, SIZE, gap=gap, prefer=-math.pi / 2)
        taken.append((cx - w / 2 - 1, cy - h / 2 - 1, cx + w / 2 + 1, cy + h / 2 + 1))
        placed.append((st.text, st.item, cx, cy, *anchor))


def _text_rect(t: ChartText) -> tuple[float, float, float, float]:
    """The box a chart text takes (its lines stacked), in image pixels, with a pixel to spare."""
    ext = [text.extent(line, t.font) for line in t.text.split("\n")]
    w, h = max(e[0] for e in ext), sum(e[1] for e in ext)
    cx, cy = t.centre_px()
    if t.rotation:
        w, h = h, w
    return (cx - w / 2 - 1, cy - h / 2 - 1, cx + w / 2 + 1, cy + h / 2 + 1)


# -- the texts -----------------------------------------------------------------------------------------
def _widest(texts, size: float) -> tuple[float, float]:
    """(widest, tallest) extent of `texts` in pixels."""
    ext = [text.extent(t, text.Font("DejaVu Sans", "normal", size)) for t in texts] or [(0.0, 0.0, 0.0)]
    return max(e[0] for e in ext), max(e[1] for e in ext)


def tick_texts(scene: ChartScene) -> tuple[list[ChartText], list[ChartText]]:
    """The x and y tick labels: centred under their ticks, right-aligned left of theirs, 7 pt off the spine."""
    f = scene.frame
    pad = TICK_PAD * PT
    xs = [ChartText(t, float(f.x(v)), f.bottom - pad, "center", "top", TICK_PT, f"x tick label {t!r}")
          for v, t in scene.xticks]
    ys = [ChartText(t, f.left - pad, float(f.y(v)), "right", "center_baseline", TICK_PT, f"y tick label {t!r}")
          for v, t in scene.yticks]
    return xs, ys


def legend_texts(scene: ChartScene) -> list[tuple[float, str, ChartText]]:
    """A multi-series chart's legend, one centred row under the title: (swatch left x, colour, name)."""
    names = [(name, color) for name, color, *_ in scene.extra.get("series_bars", ())]
    if not names:
        return []
    em = TICK_PT * PT
    widths = [text.extent(n, text.Font("DejaVu Sans", "normal", TICK_PT))[0] for n, _ in names]
    entry = [(SWATCH_W + SWATCH_GAP) * em + w for w in widths]
    x = SIZE / 2 - (sum(entry) + COLUMN_GAP * em * (len(entry) - 1)) / 2
    y = scene.extra["legend_y"] - LEGEND_DROP * em - _widest(["lp"], TICK_PT)[1] / 2
    out = []
    for (name, color), w in zip(names, entry, strict=True):
        out.append((x, color, ChartText(name, x + (SWATCH_W + SWATCH_GAP) * em, y, "left", "center", TICK_PT,
                                        f"legend entry {name!r}")))
        x += w + COLUMN_GAP * em
    return out


def chart_texts(scene: ChartScene) -> list[ChartText]:
    """Every text the figure prints, where it prints it: the one layout the emitter writes and the
    label verifier reads back."""
    at = scene.extra["label_at"]
    out = [ChartText(scene.title, *at[scene.title], "center", "center", TITLE_PT, "the title", weight="bold")]
    out += [ChartText(n, *at[n], "center", "center", LABEL_PT, f"label {n!r}") for n in scene.labeled if n != scene.title]
    out += [ChartText(t, cx, SIZE - cy, "center", "center", VALUE_FONT.size, f"the value of {item}")
            for t, item, cx, cy, *_ in scene.extra.get("values_at", ())]
    if scene.frame is None or scene.kind == "pie":
        return out
    f = scene.frame
    xs, ys = tick_texts(scene)
    out += xs + ys + [t for _, _, t in legend_texts(scene)]
    pad = (TICK_PAD + LABEL_PAD) * PT
    if scene.ylabel:
        w = _widest([t.text for t in ys], TICK_PT)[0]
        out.append(ChartText(scene.ylabel, f.left - pad - w, f.bottom + f.height / 2, "center", "bottom",
                             LABEL_PT, "the y-axis name", rotation=90))
    if scene.xlabel:
        h = _widest(["lp"] + [t.text for t in xs], TICK_PT)[1]
        out.append(ChartText(scene.xlabel, f.left + f.width / 2, f.bottom - pad - h, "center", "top",
                             LABEL_PT, "the x-axis name"))
    return out


# -- the code --------------------------------------------------------------------------------------------
def image_code(scene: ChartScene) -> str:
    lines = [
        f"# {scene.title}",
        "# Standalone: `python this_file.py` writes image.png (matplotlib only).",
        "from matplotlib.backends.backend_agg import FigureCanvasAgg",
        "from matplotlib.figure import Figure",
    ]
    lines += _IMPORTS[scene.kind]
    lines += ["", f"fig = Figure(figsize=({SIZE / DPI}, {SIZE / DPI}), dpi={DPI})", "canvas = FigureCanvasAgg(fig)",
              "# Drawn straight onto the figure, no Axes: T is the canvas in pixels (y up).",
              "T = IdentityTransform()"]
    texts = chart_texts(scene)
    if scene.kind != "pie":
        lines += _value_axes(scene)
    lines += _BODIES[scene.kind](scene)
    if scene.kind != "pie":
        lines += _axes_texts(scene, texts)
    for t in texts:
        if t.what.startswith("label "):
            lines.append(_text_line(t))
    values = [t for t in texts if t.what.startswith("the value of ")]
    if values:
        lines.append("# the values the question gives, each beside its own bar, point or whisker")
        lines += [_text_line(t) for t in values]
    lines.append(_text_line(texts[0]))
    lines.append(f"fig.savefig('image.png', dpi={DPI}, pil_kwargs={{'compress_level': 1}})")
    return "\n".join(lines) + "\n"


def _text_line(t: ChartText, transform: str = "T", x: str | None = None, y: str | None = None) -> str:
    extra = f", fontweight={t.weight!r}" if t.weight != "normal" else ""
    if t.rotation:
        extra += f", rotation={t.rotation}, rotation_mode='anchor'"
    return (f"fig.text({x or num(t.x)}, {y or num(t.y)}, {t.text!r}, ha={t.ha!r}, va={t.va!r}, fontsize={num(t.size)}"
            f"{extra}, transform={transform})")


_LINES = ["from matplotlib.lines import Line2D", "from matplotlib.markers import TICKDOWN, TICKLEFT"]
_VALUE_TRANSFORMS = ["from matplotlib.transforms import Affine2D, IdentityTransform, blended_transform_factory"]
_BARS = [*_LINES, "from matplotlib.patches import Rectangle", *_VALUE_TRANSFORMS]
_IMPORTS = {
    "pie": ["from matplotlib.patches import Wedge", "from matplotlib.transforms import IdentityTransform"],
    "line": _LINES + _VALUE_TRANSFORMS, "scatter": _LINES + _VALUE_TRANSFORMS,
    "bar": _BARS, "hist": _BARS, "box": _BARS, "multibar": _BARS,
}


def _value_axes(scene: ChartScene) -> list[str]:
    """The data map and the gridlines under the data."""
    f = scene.frame
    (x0, x1), (y0, y1) = f.xlim, f.ylim
    out = [
        f"# data → pixels: x {num(x0)}..{num(x1)} onto {f.left}..{f.right} px, y {num(y0)}..{num(y1)} onto "
        f"{f.bottom}..{f.top} px",
        f"D = Affine2D().translate({num(-x0)}, {num(-y0)}).scale({f.width} / {num(x1 - x0)}, {f.height} / {num(y1 - y0)})"
        f".translate({f.left}, {f.bottom})",
        "XT, YT = blended_transform_factory(D, T), blended_transform_factory(T, D)  # x data and y pixels, and back",
        f"xlim, ylim = ({num(x0)}, {num(x1)}), ({num(y0)}, {num(y1)})",
        f"yticks = {nums(v for v, _ in scene.yticks)}",
        f"xticks = {nums(v for v, _ in scene.xticks)}",
        "for y in yticks:  # gridlines, under the data",
        f"    fig.add_artist(Line2D(xlim, [y, y], color='{GRID}', linewidth=0.8, transform=D, zorder=0.5))",
    ]
    if scene.kind == "scatter":
        out += ["for x in xticks:",
                f"    fig.add_artist(Line2D([x, x], ylim, color='{GRID}', linewidth=0.8, transform=D, zorder=0.5))"]
    return out


def _axes_texts(scene: ChartScene, texts: list[ChartText]) -> list[str]:
    """Spines, ticks 3.5 pt outward, their labels 7 pt off the spine, the axis names."""
    f = scene.frame
    out = [
        "# the axes: left and bottom spines, ticks pointing out, their labels beside them",
        "fig.add_artist(Line2D([xlim[0], xlim[0], xlim[1]], [ylim[1], ylim[0], ylim[0]], color='black', "
        "linewidth=0.8, transform=D, zorder=2.5))",
        f"ticks = dict(linestyle='none', markersize={TICK_LEN}, markeredgewidth=0.8, color='black', transform=D, "
        "zorder=2.5)",
        "fig.add_artist(Line2D([xlim[0]] * len(yticks), yticks, marker=TICKLEFT, **ticks))",
        "fig.add_artist(Line2D(xticks, [ylim[0]] * len(xticks), marker=TICKDOWN, **ticks))",
    ]
    ytexts = [t for _, t in scene.yticks]
    same = ytexts == [str(v) for v, _ in scene.yticks]
    out += [f"for y{'' if same else ', label'} in {'yticks' if same else f'zip(yticks, {ytexts!r})'}:",
            f"    fig.text({num(f.left - TICK_PAD * PT)}, y, {'str(y)' if same else 'label'}, ha='right', "
            f"va='center_baseline', fontsize={TICK_PT}, transform=YT)"]
    xtexts = [t for _, t in scene.xticks]
    same = xtexts == [str(int(v)) if v == int(v) else str(float(v)) for v, _ in scene.xticks]
    out += [f"for x{'' if same else ', label'} in {'xticks' if same else f'zip(xticks, {xtexts!r})'}:",
            f"    fig.text(x, {num(f.bottom - TICK_PAD * PT)}, {'str(x)' if same else 'label'}, ha='center', va='top', "
            f"fontsize={TICK_PT}, transform=XT)"]
    out += [_text_line(t) for t in texts if t.what in ("the y-axis name", "the x-axis name")]
    return out


def _bar(scene: ChartScene) -> list[str]:
    return [
        f"values = {nums(v[0] for v in scene.table.values())}",
        f"for x, h in enumerate(values):  # one bar {num(scene.extra['bar_width'])} wide centred on each tick",
        f"    fig.add_artist(Rectangle((x - {num(scene.extra['bar_width'] / 2)}, 0), {num(scene.extra['bar_width'])}, h, "
        f"facecolor='{FILL}', edgecolor='black', linewidth=0.8, transform=D, zorder=1))",
    ]


def _hist(scene: ChartScene) -> list[str]:
    edges = scene.extra["edges"]
    return [
        f"edges = {nums(edges)}",
        f"counts = {nums(v[0] for v in scene.table.values())}",
        f"for x, h in zip(edges[:-1], counts):  # class intervals of width {num(edges[1] - edges[0])}, side by side",
        f"    fig.add_artist(Rectangle((x, 0), {num(edges[1] - edges[0])}, h, facecolor='{FILL}', edgecolor='black', "
        "linewidth=0.8, transform=D, zorder=1))",
    ]


def _line(scene: ChartScene) -> list[str]:
    return [
        f"values = {nums(v[0] for v in scene.table.values())}",
        f"fig.add_artist(Line2D({nums(range(len(scene.table)))}, values, color='{FILL}', linewidth=2, marker='o', "
        "markersize=7, transform=D, zorder=2))",
    ]


def _scatter(scene: ChartScene) -> list[str]:
    return [
        f"x = {nums(v[0] for v in scene.table.values())}",
        f"y = {nums(v[1] for v in scene.table.values())}",
        f"fig.add_artist(Line2D(x, y, linestyle='none', marker='o', markersize=6, color='{FILL}', transform=D, zorder=3))",
    ]


def _box(scene: ChartScene) -> list[str]:
    w = scene.extra["box_width"]
    stats = ",\n    ".join(f"({', '.join(num(v) for v in vals)})" for vals in scene.table.values())
    return [
        "# one box per group at x = 0, 1, …: (lowest, lower quartile, median, upper quartile, highest)",
        f"stats = [\n    {stats},\n]",
        f"w = {num(w)}",
        "for x, (lo, q1, med, q3, hi) in enumerate(stats):",
        "    black = dict(color='black', linewidth=1, transform=D, zorder=2)",
        "    fig.add_artist(Line2D([x, x], [lo, q1], **black))  # whiskers",
        "    fig.add_artist(Line2D([x, x], [q3, hi], **black))",
        "    fig.add_artist(Line2D([x - w / 4, x + w / 4], [lo, lo], **black))  # caps",
        "    fig.add_artist(Line2D([x - w / 4, x + w / 4], [hi, hi], **black))",
        f"    fig.add_artist(Rectangle((x - w / 2, q1), w, q3 - q1, facecolor='{BOX_FILL}', edgecolor='black', "
        "transform=D, zorder=1))",
        "    fig.add_artist(Line2D([x - w / 2, x + w / 2], [med, med], color='black', linewidth=2, transform=D, "
        "zorder=2))  # median",
    ]


def _pie(scene: ChartScene) -> list[str]:
    cx, cy, r = (scene.extra[k] for k in ("cx", "cy", "r"))
    wedges = ",\n    ".join(
        f"({num(t1)}, {num(t2)}, '{scene.colors[item]}')" for item, (t1, t2) in scene.extra["wedges"].items()
    )
    return [
        "# sectors clockwise from 12 o'clock: (start angle, end angle, colour), degrees counter-clockwise",
        f"sectors = [\n    {wedges},\n]",
        "for t1, t2, color in sectors:",
        f"    fig.add_artist(Wedge(({num(cx)}, {num(cy)}), {num(r)}, t1, t2, facecolor=color, edgecolor='white', "
        "linewidth=1.5, transform=T))",
    ]


def _multibar(scene: ChartScene) -> list[str]:
    """Two or more series of bars, stacked (bottoms on the series below) or grouped (side by side),
    with a legend in one row between the axes and the title."""
    w = scene.extra["bar_width"]
    out = []
    for name, color, positions, heights, bottoms in scene.extra["series_bars"]:
        out += [f"# {name}", f"for x, h, b in zip({nums(positions)}, {nums(heights)}, {nums(bottoms)}):",
                f"    fig.add_artist(Rectangle((x - {num(w / 2)}, b), {num(w)}, h, facecolor='{color}', edgecolor='black', "
                "linewidth=0.8, transform=D, zorder=1))"]
    out.append("# the legend: a swatch and the series' name for each, in one row")
    for (x, y, w, h), (_, color, t) in zip(legend_swatches(scene), legend_texts(scene), strict=True):
        out += [f"fig.add_artist(Rectangle(({num(x)}, {num(y)}), {num(w)}, {num(h)}, facecolor='{color}', "
                "edgecolor='black', linewidth=0.8, transform=T))", _text_line(t)]
    return out


def legend_swatches(scene: ChartScene) -> list[tuple[float, float, float, float]]:
    """Each legend entry's swatch: (left, bottom, width, height) in canvas pixels, y up."""
    em = TICK_PT * PT
    return [(x, t.y - SWATCH_H * em / 2, SWATCH_W * em, SWATCH_H * em) for x, _, t in legend_texts(scene)]


_BODIES: dict[str, Callable[[ChartScene], list[str]]] = {
    "bar": _bar, "hist": _hist, "line": _line, "scatter": _scatter, "box": _box, "pie": _pie, "multibar": _multibar,
}
