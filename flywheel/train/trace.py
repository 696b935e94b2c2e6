"""The trace format of render/draft.py::trace as data: split a V-Thinker trace at its code blocks, and read
answers and code back out of model output (plain text or TRL's conversational messages).

A `<code>` block in a stored trace becomes a call of the `python` tool in training data, and the
`<sandbox_output>` after it becomes the tool's reply, so SFT teaches exactly what RL rollouts run.
"""

from __future__ import annotations

import json
import re
from dataclasses import dataclass

TOOL_NAME = "python"
SYSTEM_PROMPT = (
    "You solve visual math problems. Reason step by step inside <think>...</think>. When an auxiliary "
    "construction on the figure helps, call the `python` tool with code that opens `image_path` with PIL, "
    "draws on it, saves a PNG (into `temp_output_dir` when defined) and prints the saved path; the edited "
    "image comes back to you. End with the final answer inside <answer>...</answer>."
)
# The `python` tool's JSON schema exactly as transformers derives it from
# `SandboxEnvironment.python` (a test keeps the two equal). SFT rows carry it in a `tools` column so
# the system turn they are trained on lists the tool the way GRPO prompts list it.
TOOL_SCHEMA = {"type": "function", "function": {
    "name": TOOL_NAME,
    "description": "Run Python code on the current figure in a sandbox and return the edited figure.",
    "parameters": {"type": "object", "properties": {"code": {
        "type": "string",
        "description": "Python source. `image_path` holds the figure's path; save the edited PNG and print its path."}},
        "required": ["code"]}}}
CODE_BLOCK = re.compile(r"<code>\s*```python\n(.*?)\n```\s*</code>", re.S)
SANDBOX_OUT = re.compile(r"\s*<sandbox_output>.*?</sandbox_output>\s*", re.S)
ANSWER = re.compile(r"<answer>(.*?)</answer>", re.S)
FINAL = re.compile(r"<think>.*</think>\s*<answer>(.+?)</answer>\s*$", re.S)


@dataclass(frozen=True)
class Segment:
    """Reasoning text, then optionally the code the model runs before continuing."""

    text: str
    code: str | None


def split_trace(cot: str) -> list[Segment]:
    """Cut a stored trace at each code block; the sandbox output placeholders are dropped."""
    segments, pos = [], 0
    for m in CODE_BLOCK.finditer(cot):
        segments.append(Segment(cot[pos : m.start()].rstrip(), m.group(1)))
        pos = m.end()
    segments.append(Segment(cot[pos:], None))
    return [Segment(SANDBOX_OUT.sub("\n", s.text).strip(), s.code) for s in segments]


def tool_call(code: str) -> dict:
    return {"type": "function", "function": {"name": TOOL_NAME, "arguments": {"code": code}}}


def completion_text(completion: str | list[dict]) -> str:
    """One string for a completion: TRL gives plain text or a list of messages, where parsing may
    have moved `<think>` into `reasoning_content` and code into `tool_calls`; put both back."""
    if isinstance(completion, str):
        return completion
    parts = []
    for msg in completion or []:
        if not isinstance(msg, dict) or msg.get("role") != "assistant":
            continue
        if msg.get("reasoning_content"):
            parts.append(f"<think>{msg['reasoning_content']}</think>")
        if isinstance(msg.get("content"), str):
            parts.append(msg["content"])
        for code in _call_codes(msg.get("tool_calls")):
            parts.append(f"<code>\n```python\n{code}\n```\n</code>")
    return "\n".join(parts)


def _call_codes(calls) -> list[str]:
    codes = []
    for call in calls or []:
        args = (call.get("function") or {}).get("arguments") if isinstance(call, dict) else None
        if isinstance(args, str):  # some parsers keep arguments as a JSON string
            try:
                args = json.loads(args)
            except ValueError:
                args = None
        codes.append(args.get("code") if isinstance(args, dict) and isinstance(args.get("code"), str) else "")
    return codes


def code_blocks(completion: str | list[dict]) -> list[str]:
    """Code the completion asks to run: its tool calls and its `<code>` blocks, in order."""
    return [m.group(1) for m in CODE_BLOCK.finditer(completion_text(completion))]


def final_answer(completion: str | list[dict]) -> str | None:
    """The text of the last `<answer>` tag, or None."""
    found = ANSWER.findall(completion_text(completion))
    return found[-1].strip() if found else None
