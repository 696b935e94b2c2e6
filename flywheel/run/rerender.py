"""Rebuild a stored sample's images from its stored code, for `flywheel doctor --repair`.

The code in a catalog may have come from a model or an imported file, so it runs in the hardened
sandbox like any untrusted code; the doctor keeps a rebuilt PNG only if it hashes to the name the
catalog records.
"""

from __future__ import annotations

from flywheel.catalog.images import sha256
from flywheel.kinds.instruction import mask_png, overlay_mask
from flywheel.sandbox.hardened import SandboxLimits, run_untrusted

LIMITS = SandboxLimits(wall_s=30, cpu_s=20)


def rerender(sample: dict) -> dict[str, bytes]:
    """{sha256: PNG} of the figure, the edited figure and (instruction samples) the overlay mask."""
    out: dict[str, bytes] = {}
    fig = run_untrusted(sample["image_code"] or "", None, LIMITS, expect_file="image.png")
    if not fig.ok:
        return out
    out[sha256(fig.image_png)] = fig.image_png
    if not sample.get("edited_image") and not sample.get("overlay"):
        return out
    tool = run_untrusted(sample["tool_code"] or "", fig.image_png, LIMITS)
    if tool.ok and tool.image_png:
        out[sha256(tool.image_png)] = tool.image_png
        if sample.get("overlay"):
            mask = mask_png(overlay_mask(fig.image_png, tool.image_png))
            out[sha256(mask)] = mask
    return out
