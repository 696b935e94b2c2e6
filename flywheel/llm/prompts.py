"""Every prompt flywheel sends, in one place. Each starts with a `TASK: <kind>` line so logs,
caches and scripted test servers can tell them apart.

The creator is asked for one JSON object (CREATOR_FIELDS) whose code follows the sandbox contract
of render/execute.py and whose `cot` follows the V-Thinker trace format; the solver and the judge never see
the creator's answer.
"""

from __future__ import annotations

import json
from typing import Any

from flywheel.core.records import KnowledgeNode

CREATOR_FIELDS = {
    "question": "the problem text; states every given number the solver needs",
    "answer": "the exact final answer as a number or LaTeX (e.g. 5, \\frac{3}{2}, 2\\sqrt{3}), no units",
    "figure_code": "standalone Python using matplotlib only (plus math/numpy) that draws the figure and "
                   "saves it with plt.savefig('image.png'); points as numeric coordinates; never print the answer",
    "tool_code": "Python using PIL that opens the image at the variable `image_path`, draws the auxiliary "
                 "construction (a line, a mark) on it, saves it as 'edited.png' and prints 'edited.png'",
    "cot": "the reasoning in this exact format: <think>why the construction helps\\n<code>\\n```python\\n"
           "TOOL_CODE\\n```\\n</code>\\n<sandbox_output><image></sandbox_output>\\nthe solution using the "
           "edited figure</think>\\n<answer>ANSWER</answer> (TOOL_CODE and ANSWER exactly as in the other fields)",
    "measure": "optional: one Python expression over the variables of figure_code that recomputes the answer "
               "numerically from the drawn coordinates (e.g. math.dist(A, B)); null if none",
}

_SCHEMA = json.dumps(CREATOR_FIELDS, indent=1)
_REPLY_RULE = "Reply with the JSON object only: no prose, no markdown fence."

CREATOR_SYSTEM = ("You write visual geometry and math problems with exact answers, the Python that draws "
                  "their figure, and a visual tool step that edits the figure to help solve them.")

SOLVER_SYSTEM = "You solve math problems carefully and give the final answer exactly."


def _msgs(system: str, user: str) -> list[dict[str, Any]]:
    return [{"role": "system", "content": system}, {"role": "user", "content": user}]


def creator(node: KnowledgeNode, variant: int, series: int = 0) -> list[dict[str, Any]]:
    """Ask for one new problem on a knowledge node; `variant` and `series` (the stream's seed) make
    each task's prompt distinct, so the cache never hands one reply to two tasks."""
    tag = f"Variant #{variant}" + (f" of series {series}" if series else "")
    return _msgs(CREATOR_SYSTEM, (
        f"TASK: create\nKnowledge point: {node.name} ({node.id}, domain {node.domain})\n"
        f"{node.description}\n{tag}: choose numbers and a configuration different from other variants.\n\n"
        f"Write one problem that needs this knowledge point and one auxiliary construction. "
        f"Return a JSON object with exactly these keys:\n{_SCHEMA}\n{_REPLY_RULE}"))


def solver(question: str, figure_code: str) -> list[dict[str, Any]]:
    """The independent solve: the question and the code that draws the figure, never the answer."""
    return _msgs(SOLVER_SYSTEM, (
        f"TASK: solve\nProblem: {question}\n\nThe figure is drawn by this Python code:\n```python\n{figure_code}\n```\n"
        "Solve the problem. End your reply with the exact final answer as <answer>…</answer>."))


def judge(question: str, figure_code: str) -> list[dict[str, Any]]:
    """The judge answers blind, like the solver, under its own task tag."""
    msgs = solver(question, figure_code)
    msgs[1]["content"] = msgs[1]["content"].replace("TASK: solve", "TASK: judge", 1)
    return msgs


def _show(sample: dict[str, Any]) -> str:
    if "raw_reply" in sample:  # it did not parse: show what the model said
        return str(sample["raw_reply"])
    keep = {k: sample.get(k) for k in ("question", "answer", "figure_code", "tool_code", "cot", "measure")}
    return json.dumps(keep, indent=1)


def repair(sample: dict[str, Any], problems: list[tuple[str, str]]) -> list[dict[str, Any]]:
    """Ask to fix a candidate, naming each failing check (dimension, verifier's reason)."""
    listed = "\n".join(f"- {dim}: {reason}" for dim, reason in problems)
    return _msgs(CREATOR_SYSTEM, (
        f"TASK: repair\nThis problem failed verification:\n{listed}\n\nThe problem:\n{_show(sample)}\n\n"
        f"Fix what failed and keep the rest. Return the corrected JSON object with exactly these keys:\n"
        f"{_SCHEMA}\n{_REPLY_RULE}"))


def harder(sample: dict[str, Any]) -> list[dict[str, Any]]:
    """Ask for a harder variant: one more reasoning step or construction, same knowledge."""
    return _msgs(CREATOR_SYSTEM, (
        f"TASK: harder\nHere is a verified problem:\n{_show(sample)}\n\n"
        "Write a harder variant: same knowledge, one more reasoning step or auxiliary construction, new numbers. "
        f"Return a JSON object with exactly these keys:\n{_SCHEMA}\n{_REPLY_RULE}"))


def expand(nodes: list[KnowledgeNode], n: int) -> list[dict[str, Any]]:
    """Ask for n new knowledge points that build on the given ones."""
    listed = "\n".join(f"- {k.id}: {k.name} — {k.description}".rstrip(" —") for k in nodes)
    return _msgs("You design curricula of mathematics knowledge points for visual reasoning problems.", (
        f"TASK: expand\nExisting knowledge points:\n{listed}\n\nPropose {n} NEW knowledge points that combine or "
        "extend these (not restatements of them). Return a JSON list of objects with keys "
        '"name", "description", "domain" and "parents" (ids of the existing points each builds on). '
        "Reply with the JSON list only."))
