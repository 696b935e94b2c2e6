"""The one interactive loop of `flywheel eval`, and its deterministic scorers.

The model sees the figure and the question under V-Thinker's tool protocol: it reasons, and each
`<code>```python …```</code>` block it writes runs in the hardened sandbox (`train.environment.
run_tool`, the tool of RL rollouts) on the current figure; the edited figure (or the error) comes
back as the next user turn, up to `max_turns` model turns. A reply with no code ends the item.
The same loop drives an API model (`ApiPolicy`: litellm, cached) and a local checkpoint
(`LocalPolicy`: transformers), so both are scored by one path.
"""

from __future__ import annotations

import base64
import io
import re
from dataclasses import dataclass, field
from typing import Protocol

from flywheel.eval.items import EvalItem
from flywheel.kinds.instruction import score_overlay
from flywheel.kinds.points import score_points
from flywheel.llm.client import LLMClient
from flywheel.train.environment import run_tool, tool_note
from flywheel.train.rewards import accuracy_reward
from flywheel.train.trace import TOOL_SCHEMA, completion_text, final_answer

# V-Thinker's tool prompt, in flywheel's trace grammar (render/draft.py::trace writes the same tags).
EVAL_PROMPT = (
    "You solve visual math problems about the figure you are shown. Think step by step inside "
    "<think>...</think>. To look closer or draw on the figure (mark points, add auxiliary lines), write "
    "Python inside <code>\n```python\n...\n```\n</code>: it runs in a sandbox where `image_path` is the "
    "current figure; open it with PIL, draw, save a PNG (into `temp_output_dir`) and print the saved path. "
    "The edited figure comes back to you and becomes the current figure. When you are done, end with the "
    "final answer inside <answer>...</answer>."
)
# The trace grammar's block, and the bare fences many chat models write instead.
_CODE = re.compile(r"<code>\s*```python\n(.*?)\n```\s*</code>|```python\n(.*?)\n```", re.S)


@dataclass(frozen=True)
class Reply:
    text: str
    prompt_tokens: int = 0
    completion_tokens: int = 0
    cost_usd: float = 0.0


class Policy(Protocol):
    name: str

    def reply(self, messages: list[dict]) -> Reply:
        """The next assistant turn for OpenAI-style messages (images as data-URL `image_url` parts)."""


@dataclass
class Turn:
    text: str
    code: str | None = None
    ok: bool | None = None  # did the code run (None: no code)
    error: str | None = None
    changed: float = 0.0


@dataclass
class ItemResult:
    id: str
    task: str
    domain: str
    difficulty: str
    version: str
    score: float
    answer: str | None
    turns: list[Turn] = field(default_factory=list)
    final_png: bytes | None = None
    prompt_tokens: int = 0
    completion_tokens: int = 0
    cost_usd: float = 0.0

    @property
    def tool_calls(self) -> int:
        return sum(t.code is not None for t in self.turns)

    @property
    def sandbox_errors(self) -> int:
        return sum(t.ok is False for t in self.turns)


def data_url(png: bytes) -> str:
    return "data:image/png;base64," + base64.b64encode(png).decode()


def blank_like(image: bytes) -> bytes:
    """A white image of the figure's size: the `--blind` baseline's figure."""
    from PIL import Image

    size = Image.open(io.BytesIO(image)).size
    buf = io.BytesIO()
    Image.new("RGB", size, "white").save(buf, format="PNG")
    return buf.getvalue()


def as_png(image: bytes) -> bytes:
    """PNG bytes of any image (VTBench ships JPEGs; the sandbox contract is PNG)."""
    if image[:4] == b"\x89PNG":
        return image
    from PIL import Image

    buf = io.BytesIO()
    Image.open(io.BytesIO(image)).convert("RGB").save(buf, format="PNG")
    return buf.getvalue()


def user_turn(text: str, png: bytes | None) -> dict:
    parts = [{"type": "text", "text": text}]
    if png is not None:
        parts.insert(0, {"type": "image_url", "image_url": {"url": data_url(png)}})
    return {"role": "user", "content": parts}


def run_item(policy: Policy, item: EvalItem, max_turns: int = 3, blind: bool = False) -> ItemResult:
    """Play one item to its end and score it; never raises on model output."""
    figure = as_png(item.image)
    current = blank_like(figure) if blind else figure
    messages = [{"role": "system", "content": EVAL_PROMPT}, user_turn(item.question, current)]
    res = ItemResult(item.id, item.task, item.domain, item.difficulty, item.version, 0.0, None)
    edited: bytes | None = None
    for _ in range(max_turns):
        reply = policy.reply(messages)
        res.prompt_tokens += reply.prompt_tokens
        res.completion_tokens += reply.completion_tokens
        res.cost_usd += reply.cost_usd
        messages.append({"role": "assistant", "content": reply.text})
        m = _CODE.search(reply.text)
        if m is None:
            res.turns.append(Turn(reply.text))
            break
        code = m.group(1) if m.group(1) is not None else m.group(2)
        run = run_tool(code, current)
        res.turns.append(Turn(reply.text, code, run.ok, run.error, round(run.changed, 5)))
        if run.ok:
            current = edited = run.image_png
            messages.append(user_turn(f"<sandbox_output>{tool_note(run.changed)}; the edited figure:</sandbox_output>",
                                      current))
        else:
            messages.append(user_turn(f"<sandbox_output>error: {run.error}</sandbox_output>", None))
    text = "\n".join(t.text for t in res.turns)
    res.answer = final_answer(text)
    res.final_png = edited
    res.score = score_item(item, text, figure, edited)
    return res


def score_item(item: EvalItem, text: str, figure: bytes, edited: bytes | None) -> float:
    """Perception by `score_points` (the GRPO perception reward's scorer), instruction (and VTBench
    perception) by overlay F1 of the final edited figure, reasoning by the training reward's answer check."""
    if item.scored_by_overlay:
        return score_overlay(edited, figure, as_png(item.truth_image)) if edited is not None else 0.0
    if item.task == "perception":
        return score_points(final_answer(text) or "", item.answer)
    return float(answer_correct(text, item.answer))


def answer_correct(completion_text: str, reference: str) -> bool:
    """Symbolic answer equivalence of the final `<answer>`: the accuracy reward's check, called here
    and nowhere else in eval, so a change of the reward's checker (math-verify) changes eval with it."""
    return accuracy_reward([completion_text], answer=[reference])[0] == 1.0


class ApiPolicy:
    """Any OpenAI-compatible or litellm-reachable model through the shared client (cache, budget, retries)."""

    def __init__(self, client: LLMClient) -> None:
        self.client, self.name = client, client.cfg.model

    def reply(self, messages: list[dict]) -> Reply:
        resp = self.client.response(messages, temperature=0.0)  # a cached reply keeps its token counts
        return Reply(resp.text, resp.prompt_tokens, resp.completion_tokens, resp.cost_usd)


class LocalPolicy:
    """A checkpoint directory (`flywheel train` output) or built-in `local:` model, greedy, on this machine.

    The prompt lists the `python` tool as training did (`TOOL_SCHEMA`), and a reply's tool calls are
    read back as `<code>` blocks (`completion_text`), so a model trained on tool calls is scored on
    the code it calls. Text-only models see the question and notes; vision models see the figures too."""

    def __init__(self, model: str, max_new_tokens: int = 512) -> None:
        from flywheel.train.models import load

        self.name, self.loaded, self.max_new_tokens = model, load(model), max_new_tokens

    def reply(self, messages: list[dict]) -> Reply:
        import torch
        from PIL import Image
        from trl.chat_template_utils import parse_response

        lm, pc = self.loaded, self.loaded.processing_class
        tok = getattr(pc, "tokenizer", pc)
        chat, images = [], []
        for m in messages:
            content = m["content"]
            if isinstance(content, str):
                chat.append({"role": m["role"], "content": content})
                continue
            text = " ".join(p["text"] for p in content if p["type"] == "text")
            pics = [p["image_url"]["url"] for p in content if p["type"] == "image_url"] if lm.vision else []
            images += [Image.open(io.BytesIO(base64.b64decode(u.split(",", 1)[1]))).convert("RGB") for u in pics]
            chat.append({"role": m["role"], "content": [*({"type": "image"} for _ in pics), {"type": "text", "text": text}]
                         if lm.vision else text})
        prompt = pc.apply_chat_template(chat, tools=[TOOL_SCHEMA], add_generation_prompt=True, tokenize=False)
        enc = pc(text=[prompt], images=[images], return_tensors="pt") if lm.vision and images else tok([prompt], return_tensors="pt")
        enc = enc.to(lm.model.device)
        with torch.no_grad():
            out = lm.model.generate(**enc, max_new_tokens=self.max_new_tokens, do_sample=False,
                                    pad_token_id=tok.pad_token_id)
        prompt_ids = enc["input_ids"][0].tolist()
        new_ids = out[0][len(prompt_ids):].tolist()
        try:
            text = completion_text([parse_response(tok, new_ids, prefix=prompt_ids, tools=[TOOL_SCHEMA])])
        except Exception:  # noqa: BLE001 - unparseable output is still a reply (a wrong one)
            text = tok.decode(new_ids, skip_special_tokens=True)
        return Reply(text, len(prompt_ids), len(new_ids))
