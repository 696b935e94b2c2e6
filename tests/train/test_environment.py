"""The sandbox tool environment that GRPO rollouts and eval call."""

from __future__ import annotations

import io
import json

import pytest
from PIL import Image

from flywheel.train.environment import SandboxEnvironment, environment_factory
from tests.train.test_rewards import DRAW, HOSTILE


def _png() -> bytes:
    buf = io.BytesIO()
    Image.new("RGB", (100, 100), "white").save(buf, format="PNG")
    return buf.getvalue()


def test_tool_call_edits_the_figure_and_is_logged(tmp_path):
    log = tmp_path / "rollouts.jsonl"
    env = environment_factory(vision=True, log_path=log)()
    env.reset(id="s1", prompt=[], figure={"bytes": _png(), "path": "x.png"})
    reply = env.python(code=DRAW)
    assert reply[0]["type"] == "image" and reply[0]["image"].getpixel((50, 50)) == (255, 0, 0)
    assert "changed" in reply[1]["text"] and env.calls == env.edits == 1
    refused = env.python(code=HOSTILE)  # the pipeline's own wording for code the sandbox refuses
    assert refused.startswith("error: tool code failed in the sandbox: rejected before running")
    records = [json.loads(line) for line in log.read_text().splitlines()]
    assert [(r["sample_id"], r["ok"]) for r in records] == [("s1", True), ("s1", False)]
    assert records[0]["changed"] > 0 and records[1]["error"]


def test_text_model_gets_a_text_reply_and_reset_clears_state():
    env = SandboxEnvironment(vision=False)
    env.reset(images=[{"bytes": _png(), "path": "x.png"}])
    assert env.python(code=DRAW).startswith("the code ran")
    env.reset(figure={"bytes": _png()})
    assert (env.calls, env.edits) == (0, 0)
    assert env.python(code="print('nothing saved')").startswith("error:")


def test_sft_rows_list_the_tool_exactly_as_rollouts_render_it():
    pytest.importorskip("transformers")
    from transformers.utils import get_json_schema

    from flywheel.train.trace import TOOL_SCHEMA

    assert get_json_schema(SandboxEnvironment().python) == TOOL_SCHEMA


NOOP = 'from PIL import Image\nImage.open(image_path).save("out.png")\nprint("out.png")'
REPAINT = ('from PIL import Image, ImageDraw\nimg = Image.open(image_path).convert("RGB")\n'
           'ImageDraw.Draw(img).rectangle((0, 0, 99, 59), fill=(0, 0, 0))\nimg.save("out.png")\nprint("out.png")')


@pytest.mark.parametrize("code, why", [(NOOP, "unchanged"), (REPAINT, "stray")])
def test_an_edit_the_registry_rejects_earns_no_tool_reward(code, why):
    """The rollout tool is judged by the registered tool verifier on the one untrusted-code path: an
    edit that draws nothing or repaints most of the figure is rejected there as in the pipeline."""
    from flywheel.core.records import NOT_CHECKABLE
    from flywheel.run.build import execute_untrusted
    from flywheel.train.environment import TOOL_LIMITS
    from flywheel.train.rewards import tool_reward
    from flywheel.verify.registry import Submitted, run_verifiers

    ctx = execute_untrusted("s1", Submitted("", "", "", "", code), "", "rollout", TOOL_LIMITS, figure_png=_png())
    registry = {v.verifier: v for v in run_verifiers(ctx) if v.code != NOT_CHECKABLE}
    assert not registry["tool"].passed and registry["tool"].code == why
    env = SandboxEnvironment(vision=False)
    env.reset(id="s1", figure={"bytes": _png()})
    reply = env.python(code=code)
    assert env.calls == 1 and env.edits == 0 and registry["tool"].reason in reply
    assert tool_reward([trace_with(code)], figure=[{"bytes": _png()}]) == [0.0]
    assert tool_reward([trace_with(DRAW)], figure=[{"bytes": _png()}]) == [1.0]  # an edit it accepts still counts


def trace_with(code: str) -> str:
    return f"<think>Draw.\n<code>\n```python\n{code}\n```\n</code>\n</think>\n<answer>7</answer>"
