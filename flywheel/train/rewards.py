"""Reward functions for GRPO: plain callables `f(completions, **kwargs) -> list[float | None]`
that read dataset columns by name (TRL's convention). None means "not applicable to this sample"
(TRL then leaves that reward out of the sample's sum). None of them ever raises on model output.
"""

from __future__ import annotations

import ast
import io
from collections.abc import Callable

from flywheel.core.answers import answers_equivalent
from flywheel.core.errors import FlywheelError
from flywheel.kinds.points import Points, parse_points, score_points
from flywheel.train.trace import CODE_BLOCK, FINAL, code_blocks, completion_text, final_answer

RewardFn = Callable[..., list[float | None]]


def _per_sample(values, n: int) -> list:
    return list(values) if isinstance(values, list | tuple) else [values] * n


def accuracy_reward(completions: list, answer: list[str], kind: list[str] | None = None, **_) -> list[float | None]:
    """1.0 when the last `<answer>` states the reference answer (`core.answers.answers_equivalent`:
    numbers within 1e-3 relative, `\\frac{\\sqrt{3}}{2}` = `sqrt(3)/2` = `0.8660`, and symbolic answers:
    `x+1` = `1+x`, equations, intervals, `(B)` = `B`), else 0.0; None for perception samples."""
    kinds = _per_sample(kind, len(completions)) if kind is not None else [None] * len(completions)
    out: list[float | None] = []
    for completion, ref, k in zip(completions, answer, kinds, strict=True):
        if k == "perception":
            out.append(None)
            continue
        pred = final_answer(completion)
        out.append(float(pred is not None and answers_equivalent(pred, ref)))
    return out


def format_reward(completions: list, **_) -> list[float]:
    """1.0 for the trace grammar: `<think>…</think>` then `<answer>…</answer>` at the end, every code
    block fenced as ```python inside <code>…</code> and parsing as Python; else 0.0."""
    return [float(_well_formed(completion_text(c))) for c in completions]


def _well_formed(text: str) -> bool:
    if not FINAL.search(text.strip()) or text.count("<think>") != 1 or text.count("</think>") != 1:
        return False
    if text.count("<code>") != text.count("</code>") or text.count("<code>") != len(CODE_BLOCK.findall(text)):
        return False
    for code in (m.group(1) for m in CODE_BLOCK.finditer(text)):
        try:
            ast.parse(code)
        except (SyntaxError, ValueError):
            return False
    return True


def tool_reward(completions: list, figure: list | None = None, environments: list | None = None, **_) -> list[float]:
    """1.0 when the completion's code ran in the hardened sandbox under the contract and made an edit
    the registered tool verifier accepts (`environment.run_tool`). During rollouts the environment
    already ran it (read its record); otherwise the code blocks are run here on the sample's `figure`."""
    if environments is not None:
        return [float(getattr(env, "edits", 0) > 0) for env in environments]
    figures = _per_sample(figure, len(completions)) if figure is not None else [None] * len(completions)
    return [_runs_and_edits(code_blocks(c), f) for c, f in zip(completions, figures, strict=True)]


def _runs_and_edits(codes: list[str], figure) -> float:
    from flywheel.train.environment import run_tool

    png = figure_png(figure)
    if png is None or not codes:
        return 0.0
    for code in codes:
        result = run_tool(code, png)
        if result.accepted:
            return 1.0
        png = result.image_png or png
    return 0.0


def figure_png(figure) -> bytes | None:
    """PNG bytes from a dataset image cell: `{bytes, path}`, raw bytes or a PIL image."""
    if figure is None:
        return None
    if isinstance(figure, dict):
        return figure.get("bytes")
    if isinstance(figure, bytes):
        return figure
    if hasattr(figure, "save"):
        buf = io.BytesIO()
        figure.save(buf, format="PNG")
        return buf.getvalue()
    return None


def perception_reward(completions: list, answer: list[str], kind: list[str] | None = None, **_) -> list[float | None]:
    """The perception scorer (`kinds.points.score_points`, the one benchmarks use) on the final
    answer: mean over the reference points of max(0, 1 - distance / SCORE_RADIUS_PX), a missing
    point scoring 0; None for samples that are not perception samples (or whose reference holds no points)."""
    kinds = _per_sample(kind, len(completions)) if kind is not None else ["perception"] * len(completions)
    out: list[float | None] = []
    for completion, ref, k in zip(completions, answer, kinds, strict=True):
        truth = _points_or_none(ref) if k == "perception" else None
        out.append(None if not truth else score_points(final_answer(completion) or "", truth))
    return out


def _points_or_none(ref: str) -> Points | None:
    try:
        return parse_points(ref)
    except FlywheelError:
        return None


REWARDS: dict[str, RewardFn] = {
    "accuracy": accuracy_reward, "format": format_reward, "tool": tool_reward, "perception": perception_reward,
}


def get_rewards(names: str | list[str]) -> list[RewardFn]:
    """Reward functions by name (comma-separated string or list); unknown names are a user error."""
    items = [n.strip() for n in (names.split(",") if isinstance(names, str) else names) if n.strip()]
    unknown = [n for n in items if n not in REWARDS]
    if unknown or not items:
        raise FlywheelError(f"unknown reward(s) {', '.join(unknown) or '(none given)'}; known: {', '.join(REWARDS)}")
    return [REWARDS[n] for n in items]
