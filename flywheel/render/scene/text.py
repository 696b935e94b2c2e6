"""Figure text as matplotlib's Agg renderer draws it: exact extents for layout, glyph ink for read-back.

The layout needs a text's true size (a value label such as "(1, −3)" is wider than a letter), and the
label verifier re-renders a text alone, with the same font at the same sub-pixel phase, to compare it
with the figure's pixels. Both go through `RendererAgg`, the very renderer of the figure code, so a
label drawn as laid out reads back as the same ink (normalised correlation ≈ 1).
"""

from __future__ import annotations

import functools
from dataclasses import dataclass

import numpy as np

from flywheel.render.scene import pixels

DPI = 100


@dataclass(frozen=True)
class Font:
    family: str = "DejaVu Serif"
    style: str = "normal"  # normal | italic
    size: float = 12.0  # points
    weight: str = "normal"


VALUE_FONT = Font("DejaVu Serif", "normal", 12.0)  # a given's value: upright, as printed in a textbook
LETTER_FONT = Font("DejaVu Serif", "italic", 14.0)  # a point's name


@functools.lru_cache(maxsize=64)
def _prop(font: Font):
    from matplotlib.font_manager import FontProperties

    return FontProperties(family=font.family, style=font.style, size=font.size, weight=font.weight)


@functools.lru_cache(maxsize=16)
def _renderer(w: int, h: int):
    from matplotlib.backends.backend_agg import RendererAgg

    return RendererAgg(w, h, DPI)


@functools.lru_cache(maxsize=4096)
def extent(text: str, font: Font) -> tuple[float, float, float]:
    """(width, height, descent) in pixels of `text` set in `font`, as Agg lays it out."""
    return _renderer(8, 8).get_text_width_height_descent(text, _prop(font), ismath=False)


def box(text: str, font: Font, cx: float, cy: float, pad: float = 1.0) -> pixels.Rect:
    """The pixel box of a text centred at (cx, cy), as `ha='center', va='center'` places it."""
    w, h, _ = extent(text, font)
    return (cx - w / 2 - pad, cy - h / 2 - pad, cx + w / 2 + pad, cy + h / 2 + pad)


def drawn_size(text: str, font: Font) -> tuple[float, float]:
    """(width, height) of the box matplotlib centres on (cx, cy) with `va='center'`: its lines are at
    least as tall and as deep as "lp", so a text without descenders ("39°") sits in the upper part
    of a box ~4 px taller than its own extent, and its ink reaches 1.5 px above that extent."""
    w, h, d = extent(text, font)
    _, lh, ld = extent("lp", font)
    return w, max(h - d, lh - ld) + max(d, ld)


def ink_box(text: str, font: Font, cx: float, cy: float, pad: float = 1.0) -> pixels.Rect:
    """`box` grown to the glyphs' ink where it reaches beyond the advance width: an italic "f" is
    ~6 px wide by its advance but inks ~10 px (its hooks overhang both sides)."""
    x0, y0, x1, y1 = box(text, font, cx, cy, pad)
    ih, iw = ink(text, font).shape
    gx, gy = max(0.0, (iw - (x1 - x0 - 2 * pad)) / 2), max(0.0, (ih - (y1 - y0 - 2 * pad)) / 2)
    return (x0 - gx, y0 - gy, x1 + gx, y1 + gy)


@functools.lru_cache(maxsize=8192)
def ink(text: str, font: Font, fx: float = 0.0, fy: float = 0.0, rotation: int = 0) -> np.ndarray:
    """Coverage (0..1, rows down) of `text` drawn alone with its box's lower-left corner at the
    sub-pixel phase (fx, fy) of display space, cropped to its ink; quarter-turn rotations only."""
    w, h, d = extent(text, font)
    d = max(d, extent("lp", font)[2])  # matplotlib's box reaches down to the descent of "lp" at least
    W, H = (int(w) + 24) // 32 * 32 + 32, (int(h) + 24) // 32 * 32 + 32  # few canvas sizes: reused, cleared
    r = _renderer(W, H)
    r.clear()
    r.draw_text(r.new_gc(), 8 + fx, H - (8 + fy) - d, text, _prop(font), 0)
    a = np.asarray(r.buffer_rgba())[..., 3] / 255.0  # a new array: the canvas is drawn on again
    ys, xs = np.nonzero(a > 0.02)
    if len(ys) == 0:
        return np.zeros((1, 1))
    a = a[ys.min() : ys.max() + 1, xs.min() : xs.max() + 1]
    return np.rot90(a, rotation // 90) if rotation % 360 else a


def pil_font_line(size: int, italic: bool = True, var: str = "font") -> str:
    """Tool-code statement loading the figure's own serif (matplotlib ships it, so it exists wherever
    the figure code runs), so the labels a construction adds match the figure's."""
    face = "DejaVuSerif-Italic.ttf" if italic else "DejaVuSerif.ttf"
    return (f"import matplotlib\n{var} = ImageFont.truetype(os.path.join(matplotlib.get_data_path(), 'fonts', 'ttf', "
            f"{face!r}), size={size})")
