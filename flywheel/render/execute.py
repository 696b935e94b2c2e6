"""Execute trusted figure code and contract tool code inside a worker, in a private temp dir.

`run_image_code` returns the PNG and the pixel extents of every text artist (the image verifier
checks labels against them); `run_tool_code` follows the V-Interaction tool contract: `image_path` and
`temp_output_dir` are defined, the code saves a PNG and prints its path.
"""

from __future__ import annotations

import atexit
import contextlib
import functools
import hashlib
import io
import os
import shutil
import tempfile
from dataclasses import dataclass

import numpy as np
from PIL import Image


@dataclass(frozen=True)
class TextBox:
    text: str
    x0: float
    y0: float
    x1: float
    y1: float  # image pixels, y down
    # How it was set (the label verifier re-renders it alone to read it back from the pixels).
    family: str = ""
    style: str = "normal"
    size: float = 0.0  # points
    weight: str = "normal"
    rotation: float = 0.0  # degrees
    phase: tuple[float, float] = (0.0, 0.0)  # sub-pixel position of the box's lower-left corner (display space)

    @property
    def rect(self) -> tuple[float, float, float, float]:
        return (self.x0, self.y0, self.x1, self.y1)


def decode_rgb(png: bytes) -> np.ndarray:
    return np.asarray(Image.open(io.BytesIO(png)).convert("RGB"))


@dataclass
class RenderResult:
    png: bytes
    width: int
    height: int
    labels: list[TextBox]

    @functools.cached_property
    def rgb(self) -> np.ndarray:
        """Decoded pixels, shared by every verifier (decode once per sample)."""
        return decode_rgb(self.png)

    @functools.cached_property
    def sha(self) -> str:
        return hashlib.sha256(self.png).hexdigest()


@dataclass
class ToolResult:
    png: bytes | None
    stdout: str
    error: str | None

    @functools.cached_property
    def rgb(self) -> np.ndarray | None:
        return None if self.png is None else decode_rgb(self.png)

    @functools.cached_property
    def sha(self) -> str | None:
        return None if self.png is None else hashlib.sha256(self.png).hexdigest()


class CodeError(Exception):
    """The executed code failed; the message is what a user needs to see."""


_SCRATCH: str | None = None


@contextlib.contextmanager
def _private_dir():
    """A per-process scratch dir, emptied after each use (cheaper than mkdtemp/rmtree per task)."""
    global _SCRATCH
    if _SCRATCH is None or not os.path.isdir(_SCRATCH):
        _SCRATCH = tempfile.mkdtemp(prefix="fw-")
        atexit.register(shutil.rmtree, _SCRATCH, True)
    old = os.getcwd()
    os.chdir(_SCRATCH)
    try:
        yield _SCRATCH
    finally:
        os.chdir(old)
        for entry in os.scandir(_SCRATCH):
            if entry.is_dir(follow_symlinks=False):
                shutil.rmtree(entry.path, ignore_errors=True)
            else:
                os.unlink(entry.path)


def run_image_code(code: str) -> RenderResult:
    """Run standalone matplotlib code that writes image.png; collect the PNG and text extents."""
    with _private_dir() as d:
        ns: dict = {"__name__": "__main__"}
        try:
            with contextlib.redirect_stdout(io.StringIO()):
                exec(compile(code, "image_code", "exec"), ns)
        except Exception as exc:  # noqa: BLE001
            raise CodeError(f"image code raised {type(exc).__name__}: {exc}") from None
        path = os.path.join(d, "image.png")
        if not os.path.exists(path):
            raise CodeError("image code did not write image.png")
        with open(path, "rb") as fh:
            png = fh.read()
    fig = ns.get("fig")
    labels: list[TextBox] = []
    width = height = 0
    pixels = None
    if fig is not None:
        renderer = fig.canvas.get_renderer()
        # The canvas still holds what savefig drew: reuse it instead of decoding the PNG again.
        buf = np.asarray(fig.canvas.buffer_rgba())
        pixels = np.ascontiguousarray(buf[..., :3]) if buf.shape[:2] == (renderer.height, renderer.width) else None
        width, height = int(renderer.width), int(renderer.height)
        # Only the figure's own texts: findobj() would build every hidden tick of an Axes.
        texts = list(fig.texts) + [t for ax in fig.axes for t in ax.texts]
        for t in texts:
            if t.get_visible() and t.get_text().strip():
                bb = t.get_window_extent(renderer)
                fp = t.get_fontproperties()
                weight = fp.get_weight()
                labels.append(TextBox(t.get_text(), bb.x0, height - bb.y1, bb.x1, height - bb.y0, fp.get_family()[0],
                                      fp.get_style(), fp.get_size_in_points(), str(weight), t.get_rotation(),
                                      (bb.x0 % 1.0, bb.y0 % 1.0)))
    result = RenderResult(png, width, height, labels)
    if pixels is not None:
        result.__dict__["rgb"] = pixels  # pre-fill the cached property
    return result


def run_tool_code(code: str, image_png: bytes) -> ToolResult:
    """Run tool code on a copy of the image; the edited PNG is whatever path the code printed."""
    with _private_dir() as d:
        image_path = os.path.join(d, "image.png")
        with open(image_path, "wb") as fh:
            fh.write(image_png)
        out_dir = d
        buf = io.StringIO()
        ns = {"__name__": "__main__", "image_path": image_path, "temp_output_dir": out_dir}
        try:
            with contextlib.redirect_stdout(buf):
                exec(compile(code, "tool_code", "exec"), ns)
        except Exception as exc:  # noqa: BLE001
            return ToolResult(None, buf.getvalue(), f"tool code raised {type(exc).__name__}: {exc}")
        printed = [ln.strip() for ln in buf.getvalue().splitlines() if ln.strip()]
        if not printed:
            return ToolResult(None, "", "tool code printed no path")
        path = printed[-1] if os.path.isabs(printed[-1]) else os.path.join(d, printed[-1])
        if not os.path.isfile(path):
            return ToolResult(None, buf.getvalue(), f"printed path does not exist: {printed[-1]}")
        with open(path, "rb") as fh:
            return ToolResult(fh.read(), buf.getvalue(), None)
