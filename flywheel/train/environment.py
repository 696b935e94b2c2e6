"""The sandbox as a tool: model code runs in flywheel's hardened sandbox on the current figure and
the edited figure comes back. `SandboxEnvironment` follows TRL's `environment_factory` protocol
(`reset` per rollout, public methods are tools), so GRPO rollouts call it mid-generation; eval
drives the same class. Every call is appended to a JSONL log when one is given.

A tool call is run and judged the way every sample is: `run.build.execute_untrusted` runs it (the one
path for code without a scene) and the registered `tool` verifier judges the edit (`run_verifiers`
with the tool role), so an edit the pipeline would reject (nothing drawn, most of the figure
repainted, an unreadable or resized image) earns no tool reward here either.
"""

from __future__ import annotations

import io
import json
import threading
import time
from dataclasses import dataclass
from pathlib import Path

import numpy as np
from PIL import Image

from flywheel.core.records import Verdict
from flywheel.run.build import execute_untrusted
from flywheel.sandbox.hardened import SandboxLimits
from flywheel.verify.registry import Submitted, run_verifiers
from flywheel.verify.tool import changed_mask

TOOL_LIMITS = SandboxLimits(wall_s=20, cpu_s=10)
_LOG_LOCK = threading.Lock()


@dataclass(frozen=True)
class ToolRun:
    ok: bool  # the code ran and wrote a readable figure of the same size
    error: str | None
    image_png: bytes | None
    changed: float  # share of pixels the code changed (0 when it failed)
    seconds: float
    verdict: Verdict | None = None  # the registered tool verifier's verdict on the edit

    @property
    def accepted(self) -> bool:
        """The edit is one the registry accepts: the only edits that count for the tool reward."""
        return self.ok and self.verdict is not None and self.verdict.passed


def changed_share(before_png: bytes, after_png: bytes) -> float:
    """Share of pixels an edit changed; raises on unreadable or resized images."""
    before = np.asarray(Image.open(io.BytesIO(before_png)).convert("RGB"))
    after = np.asarray(Image.open(io.BytesIO(after_png)).convert("RGB"))
    return float(changed_mask(before, after).mean())


def tool_note(changed: float) -> str:
    """The tool's text reply after a successful run (SFT conversations reuse it, so the reply a
    model is fine-tuned on is the one rollouts give)."""
    return f"the code ran; it changed {changed:.2%} of the figure's pixels"


def run_tool(code: str, image_png: bytes, limits: SandboxLimits = TOOL_LIMITS, sample_id: str = "") -> ToolRun:
    """Run untrusted contract code on a PNG through the one untrusted-code path and judge the edit with
    the registered tool verifier; never raises."""
    t0 = time.perf_counter()
    ctx = execute_untrusted(sample_id, Submitted("", "", "", "", code), "", "rollout", limits, figure_png=image_png)
    verdict = next(iter(run_verifiers(ctx, roles=["tool"])), None)
    t = ctx.tool
    if t is None or t.error or t.png is None:
        error = ctx.render_error or (t.error if t else None) or (verdict.reason if verdict else "the code did not run")
        return ToolRun(False, error, None, 0.0, time.perf_counter() - t0, verdict)
    try:
        share = changed_share(image_png, t.png)
    except Exception as exc:  # noqa: BLE001 - an unreadable or resized image is the model's failure
        return ToolRun(False, f"edited image unusable: {exc}", None, 0.0, time.perf_counter() - t0, verdict)
    return ToolRun(True, None, t.png, share, time.perf_counter() - t0, verdict)


class SandboxEnvironment:
    """One rollout's figure and the record of what the model's code did to it."""

    def __init__(self, vision: bool = False, log_path: Path | None = None) -> None:
        self.vision, self.log_path = vision, log_path
        self.image_png: bytes | None = None
        self.sample_id = ""
        self.calls = self.edits = 0

    def reset(self, **example) -> None:
        from flywheel.train.rewards import figure_png

        images = example.get("images") or []
        self.image_png = figure_png(example.get("figure")) or (figure_png(images[0]) if images else None)
        self.sample_id = str(example.get("id", ""))
        self.calls = self.edits = 0

    def python(self, code: str):
        """Run Python code on the current figure in a sandbox and return the edited figure.

        Args:
            code: Python source. `image_path` holds the figure's path; save the edited PNG and print its path.

        Returns:
            The edited image, or an error message.
        """
        self.calls += 1
        if self.image_png is None:
            return "error: there is no figure to edit"
        run = run_tool(code if isinstance(code, str) else "", self.image_png, sample_id=self.sample_id)
        self._log(code, run)
        if not run.ok:
            return f"error: {run.error}"
        if run.accepted:
            self.edits += 1
        self.image_png = run.image_png
        note = tool_note(run.changed)
        if not run.accepted and run.verdict is not None:  # the model sees why the edit does not count
            note += f"; the tool check rejects the edit: {run.verdict.reason}"
        if not self.vision:
            return note
        return [{"type": "image", "image": Image.open(io.BytesIO(run.image_png)).convert("RGB")},
                {"type": "text", "text": note}]

    def _log(self, code: str, run: ToolRun) -> None:
        if self.log_path is None:
            return
        rec = {"time": time.time(), "sample_id": self.sample_id, "call": self.calls, "code": code, "ok": run.ok,
               "error": run.error, "changed": round(run.changed, 5), "accepted": run.accepted,
               "verdict": run.verdict.reason if run.verdict else None, "seconds": round(run.seconds, 3)}
        with _LOG_LOCK, open(self.log_path, "a") as fh:
            fh.write(json.dumps(rec) + "\n")


def environment_factory(vision: bool, log_path: Path | None):
    """A zero-argument factory, as TRL's `environment_factory` expects."""
    return lambda: SandboxEnvironment(vision=vision, log_path=log_path)
