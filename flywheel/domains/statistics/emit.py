"""Chart emitter: standalone matplotlib `image_code` for a ChartScene, and its Rendered.

The code reads like a textbook plot (ax.bar, ax.plot, ax.bxp, Wedge …) with the data written
out, yet every pixel position is fixed: the axes sit in a fixed box with fixed limits, so the
data→pixel map is exactly the Frame's. Tool code and trace are the generic ones (render/draft.py::trace).
"""

from __future__ import annotations

from collections.abc import Callable

from flywheel.domains.statistics.common import BOX_FILL, FILL, fmt
from flywheel.domains.statistics.model import DPI, SIZE, ChartScene
from flywheel.render.draft import Draft, Rendered, trace
from flywheel.render.scene import emit
from flywheel.render.scene.layout import Layout

TICK_PT = 10
TITLE_PT = 13
LABEL_PT = 11


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
    tool = emit.tool_code(scene, lay)
    return Rendered(draft, lay, image_code(scene), tool, trace(draft, tool))


def image_code(scene: ChartScene) -> str:
    lines = [
        f"# {scene.title}",
        "# Standalone: `python this_file.py` writes image.png (matplotlib only).",
        "from matplotlib.backends.backend_agg import FigureCanvasAgg",
        "from matplotlib.figure import Figure",
    ]
    if scene.kind == "pie":
        lines += ["from matplotlib.patches import Wedge", "from matplotlib.transforms import IdentityTransform"]
    lines += ["", f"fig = Figure(figsize=({SIZE / DPI}, {SIZE / DPI}), dpi={DPI})", "canvas = FigureCanvasAgg(fig)"]
    if scene.kind != "pie":
        lines += _value_axes(scene)
    lines += _BODIES[scene.kind](scene)
    at = scene.extra["label_at"][scene.title]
    lines.append(
        f"fig.text({num(at[0] / SIZE)}, {num(at[1] / SIZE)}, {scene.title!r}, ha='center', va='center', "
        f"fontsize={TITLE_PT}, fontweight='bold')"
    )
    lines.append(f"fig.savefig('image.png', dpi={DPI}, pil_kwargs={{'compress_level': 1}})")
    return "\n".join(lines) + "\n"


def _value_axes(scene: ChartScene) -> list[str]:
    f = scene.frame
    box = ", ".join(num(v / SIZE) for v in (f.left, f.bottom, f.width, f.height))
    grid_axis = "both" if scene.kind == "scatter" else "y"
    out = [
        f"ax = fig.add_axes(({box}))  # a fixed box and fixed limits: data → pixels is exact",
        f"ax.set_xlim({num(f.xlim[0])}, {num(f.xlim[1])})",
        f"ax.set_ylim({num(f.ylim[0])}, {num(f.ylim[1])})",
        f"ax.set_yticks({nums(v for v, _ in scene.yticks)})",
        f"ax.grid(axis='{grid_axis}', color='#dddddd', linewidth=0.8)",
        "ax.set_axisbelow(True)",
        "ax.spines[['top', 'right']].set_visible(False)",
        f"ax.tick_params(labelsize={TICK_PT})",
        f"ax.set_ylabel({scene.ylabel!r}, fontsize={TICK_PT + 1})",
    ]
    if scene.xlabel:
        out.append(f"ax.set_xlabel({scene.xlabel!r}, fontsize={TICK_PT + 1})")
    return out


def _xticks(scene: ChartScene) -> str:
    positions = nums(v for v, _ in scene.xticks)
    texts = [t for _, t in scene.xticks]
    if texts == [fmt(v) for v, _ in scene.xticks]:
        return f"ax.set_xticks({positions})"
    return f"ax.set_xticks({positions}, {texts!r})"


def _bar(scene: ChartScene) -> list[str]:
    w = scene.extra["bar_width"]
    return [
        f"values = {nums(v[0] for v in scene.table.values())}",
        f"ax.bar({nums(range(len(scene.table)))}, values, width={num(w)}, color='{FILL}', edgecolor='black', linewidth=0.8)",
        _xticks(scene),
    ]


def _hist(scene: ChartScene) -> list[str]:
    edges = scene.extra["edges"]
    return [
        f"edges = {nums(edges)}",
        f"counts = {nums(v[0] for v in scene.table.values())}",
        f"ax.bar(edges[:-1], counts, width={num(edges[1] - edges[0])}, align='edge', color='{FILL}', "
        "edgecolor='black', linewidth=0.8)",
        _xticks(scene),
    ]


def _line(scene: ChartScene) -> list[str]:
    return [
        f"values = {nums(v[0] for v in scene.table.values())}",
        f"ax.plot({nums(range(len(scene.table)))}, values, color='{FILL}', linewidth=2, marker='o', markersize=7)",
        _xticks(scene),
    ]


def _scatter(scene: ChartScene) -> list[str]:
    return [
        f"x = {nums(v[0] for v in scene.table.values())}",
        f"y = {nums(v[1] for v in scene.table.values())}",
        f"ax.scatter(x, y, s=36, color='{FILL}', zorder=3)",
        _xticks(scene),
    ]


def _box(scene: ChartScene) -> list[str]:
    keys = ("whislo", "q1", "med", "q3", "whishi")
    stats = ",\n    ".join(
        "{" + f"'label': {item!r}, " + ", ".join(f"'{k}': {num(v)}" for k, v in zip(keys, vals, strict=True)) + "}"
        for item, vals in scene.table.items()
    )
    return [
        f"stats = [\n    {stats},\n]",
        f"ax.bxp(stats, positions={nums(range(len(scene.table)))}, widths={num(scene.extra['box_width'])}, "
        "patch_artist=True, showfliers=False,",
        f"       boxprops=dict(facecolor='{BOX_FILL}', edgecolor='black'), medianprops=dict(color='black', linewidth=2),",
        "       whiskerprops=dict(color='black'), capprops=dict(color='black'))",
        _xticks(scene),
    ]


def _pie(scene: ChartScene) -> list[str]:
    cx, cy, r = (scene.extra[k] for k in ("cx", "cy", "r"))
    wedges = ",\n    ".join(
        f"({num(t1)}, {num(t2)}, '{scene.colors[item]}')" for item, (t1, t2) in scene.extra["wedges"].items()
    )
    out = [
        "# Coordinates are the canvas's pixels (y up), drawn straight onto the figure: no Axes to build.",
        "T = IdentityTransform()",
        "# sectors clockwise from 12 o'clock: (start angle, end angle, colour), degrees counter-clockwise",
        f"sectors = [\n    {wedges},\n]",
        "for t1, t2, color in sectors:",
        f"    fig.add_artist(Wedge(({num(cx)}, {num(cy)}), {num(r)}, t1, t2, facecolor=color, edgecolor='white', "
        "linewidth=1.5, transform=T))",
    ]
    for name in scene.labeled:
        if name == scene.title:
            continue
        x, y = scene.extra["label_at"][name]
        out.append(f"fig.text({num(x)}, {num(y)}, {name!r}, ha='center', va='center', fontsize={LABEL_PT}, transform=T)")
    return out


def _multibar(scene: ChartScene) -> list[str]:
    """Two or more series of bars, stacked (bottoms on the series below) or grouped (side by side),
    with a legend in one row between the axes and the title."""
    out = []
    for name, color, positions, heights, bottoms in scene.extra["series_bars"]:
        out.append(f"ax.bar({nums(positions)}, {nums(heights)}, width={num(scene.extra['bar_width'])}, "
                   f"bottom={nums(bottoms)}, color='{color}', edgecolor='black', linewidth=0.8, label={name!r})")
    y = scene.extra["legend_y"] / SIZE
    out += [_xticks(scene),
            f"fig.legend(loc='upper center', bbox_to_anchor=(0.5, {num(y)}), ncol={len(scene.extra['series_bars'])}, "
            f"fontsize={TICK_PT}, frameon=False)"]
    return out


_BODIES: dict[str, Callable[[ChartScene], list[str]]] = {
    "bar": _bar, "hist": _hist, "line": _line, "scatter": _scatter, "box": _box, "pie": _pie, "multibar": _multibar,
}
