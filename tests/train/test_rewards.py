"""Reward functions on hand-written completions: right, equivalent, wrong, malformed, hostile."""

from __future__ import annotations

import io

import pytest
from PIL import Image, ImageDraw

from flywheel.core.errors import FlywheelError
from flywheel.kinds.points import SCORE_RADIUS_PX, score_points
from flywheel.train.rewards import (
    accuracy_reward,
    format_reward,
    get_rewards,
    perception_reward,
    tool_reward,
)

DRAW = """import os
from PIL import Image, ImageDraw
img = Image.open(image_path).convert("RGB")
ImageDraw.Draw(img).line([(10, 10), (90, 90)], fill=(255, 0, 0), width=3)
img.save("out.png")
path = "out.png"
print(path)"""
HOSTILE = "import os\nos.system('touch /tmp/pwned')\nprint('x')"
HOSTILE_RUNTIME = "import socket\nsocket.create_connection(('1.1.1.1', 80))"


def trace(answer: str, code: str | None = None) -> str:
    block = f"\n<code>\n```python\n{code}\n```\n</code>\n<sandbox_output><image></sandbox_output>\n" if code else ""
    return f"<think>Draw the diagonal.{block} Then AC = sqrt(113).</think>\n<answer>{answer}</answer>"


@pytest.fixture
def figure() -> dict:
    buf = io.BytesIO()
    img = Image.new("RGB", (100, 100), "white")
    ImageDraw.Draw(img).rectangle([20, 20, 80, 80], outline="black")
    img.save(buf, format="PNG")
    return {"bytes": buf.getvalue(), "path": "f.png"}


def test_accuracy_right_equivalent_wrong_malformed():
    completions = [trace("\\frac{\\sqrt{3}}{2}"), trace("sqrt(3)/2"), trace("0.8660"), trace("0.9"),
                   "no tags at all", trace("\\frac{\\sqrt{3}{2}"), trace("x+1"), "<answer>" + "9" * 5000 + "</answer>"]
    got = accuracy_reward(completions, answer=["\\frac{\\sqrt{3}}{2}"] * len(completions))
    assert got == [1.0, 1.0, 1.0, 0.0, 0.0, 0.0, 0.0, 0.0]


def test_accuracy_reads_conversational_completions_and_skips_perception():
    conv = [{"role": "assistant", "reasoning_content": "AC² = 113", "content": "<answer>\\sqrt{113}</answer>"}]
    assert accuracy_reward([conv, conv], answer=["sqrt(113)", "\\sqrt{113}"], kind=["interaction", "perception"]) \
        == [1.0, None]


def test_format_accepts_the_trace_grammar_only():
    tool_msg = [{"role": "assistant", "content": "<think>draw", "tool_calls": [
                    {"type": "function", "function": {"name": "python", "arguments": {"code": DRAW}}}]},
                {"role": "tool", "name": "python", "content": "ok"},
                {"role": "assistant", "content": "so 7</think><answer>7</answer>"}]
    completions = [trace("7"), trace("7", DRAW), tool_msg, "<answer>7</answer>", trace("7", "def f(:\n  pass"),
                   "<think>a</think><answer>7</answer> trailing", "<think>a<code>print(1)</code></think><answer>7</answer>"]
    assert format_reward(completions) == [1.0, 1.0, 1.0, 0.0, 0.0, 0.0, 0.0]


def test_tool_reward_runs_code_in_the_sandbox(figure, tmp_path):
    completions = [trace("7", DRAW), trace("7"), trace("7", HOSTILE), trace("7", HOSTILE_RUNTIME),
                   trace("7", "print('no image')")]
    got = tool_reward(completions, figure=[figure] * len(completions))
    assert got == [1.0, 0.0, 0.0, 0.0, 0.0]
    assert not (tmp_path / "pwned").exists()


def test_tool_reward_reads_the_rollout_environment():
    class Env:
        def __init__(self, edits: int) -> None:
            self.edits = edits

    assert tool_reward(["", ""], environments=[Env(1), Env(0)]) == [1.0, 0.0]


def test_perception_reward_is_the_perception_scorer():
    ref = "{'O': (100, 100), 'A': (40, 160)}"
    completions = ["<answer>{'O': (100, 100), 'A': (40, 160)}</answer>",
                   "<answer>{'O': (110, 100), 'A': (40, 160)}</answer>",
                   "<answer>{O: (100, 100), A: (40, 160)}</answer>",  # unquoted names: not a literal, still read
                   "<answer>{'O': (100, 100)}</answer>",
                   "<answer>{'O': (900, 900), 'A': (-40, 0)}</answer>",
                   "garbage", trace("7")]
    got = perception_reward(completions, answer=[ref] * 7, kind=["perception"] * 7)
    assert got == [1.0, 0.75, 1.0, 0.5, 0.0, 0.0, 0.0]
    assert got == [score_points(c.removeprefix("<answer>").removesuffix("</answer>"), ref) for c in completions[:5]] + [0.0, 0.0]
    # One radius: a point SCORE_RADIUS_PX off earns nothing, in the reward as in the benchmark scorer.
    assert perception_reward([f"<answer>{{'O': (100, {100 + SCORE_RADIUS_PX}), 'A': (40, 160)}}</answer>"],
                             answer=[ref], kind=["perception"]) == [0.5]
    assert perception_reward(["x"], answer=["7"], kind=["interaction"]) == [None]
    assert perception_reward(["x"], answer=["7"], kind=["perception"]) == [None]  # a reference without points


def test_unknown_reward_is_a_user_error():
    assert len(get_rewards("accuracy, format")) == 2
    with pytest.raises(FlywheelError, match="unknown reward"):
        get_rewards("accuracy,speed")


def test_accuracy_accepts_equivalent_symbolic_answers():
    refs = ["1+x", "2x+1=y", "[1,2)", "B", "0.5", "x+1", "(1,2]", "A"]
    preds = ["x+1", "y=2x+1", "[1, 2)", "(B)", "1/2", "x+2", "[1,2)", "B"]
    assert accuracy_reward([trace(p) for p in preds], answer=refs) == [1.0] * 5 + [0.0] * 3
