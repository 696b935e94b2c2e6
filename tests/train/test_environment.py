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
    assert env.python(code=HOSTILE).startswith("error: rejected before running")
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
