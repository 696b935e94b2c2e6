"""What every domain's answer verifier shares: float re-measurement of scene quantities, a tolerance,
and the check that the answer string and the trace's <answer> say the same value.

There is no generic answer verifier: only a domain knows how to re-derive its answer, so each
registers its own (a domain without one is refused, flywheel/domains/registry.py).
"""

from __future__ import annotations

import math
import re

from flywheel.core.answers import answer_value
from flywheel.render.draft import Choices
from flywheel.render.scene.model import Measure
from flywheel.verify.registry import VerifyContext

REL_TOL = 1e-7


def measure(points: dict[str, tuple[float, float]], m: Measure) -> float:
    p = [points[n] for n in m.points]
    if m.kind == "length":
        return math.dist(p[0], p[1])
    if m.kind == "angle":
        a = math.atan2(p[0][1] - p[1][1], p[0][0] - p[1][0])
        b = math.atan2(p[2][1] - p[1][1], p[2][0] - p[1][0])
        d = abs(a - b) % (2 * math.pi)
        return math.degrees(min(d, 2 * math.pi - d))
    if m.kind == "area":
        s = sum(x1 * y2 - x2 * y1 for (x1, y1), (x2, y2) in zip(p, p[1:] + p[:1], strict=True))
        return abs(s) / 2
    if m.kind == "perimeter":
        return sum(math.dist(a, b) for a, b in zip(p, p[1:] + p[:1], strict=True))
    raise ValueError(f"unknown measure kind {m.kind!r}")


def close(a: float, b: float) -> bool:
    return abs(a - b) <= REL_TOL * max(1.0, abs(a), abs(b))


def answer_text_problem(ctx: VerifyContext, value: float) -> str | None:
    """The answer string parses back to `value`, and the trace ends on exactly that answer (for a
    multiple-choice draft: its letter, whose option is the only one worth `value`)."""
    d = ctx.rendered.draft
    parsed = answer_value(d.answer_latex)
    if parsed is None or not close(parsed, value):
        return f"answer string {d.answer_latex!r} does not parse back to {value:.6g}"
    if d.choices is not None:
        problem = choices_problem(d.choices, ctx.question or d.question, value)  # the options as shipped
        if problem:
            return problem
    tail = re.search(r"<answer>(.*?)</answer>\s*$", ctx.rendered.cot, re.S)
    if not tail or tail.group(1).strip() != d.final_answer:
        return "the trace's <answer> differs from the answer"
    return None


def choices_problem(choices: Choices, question: str, value: float) -> str | None:
    """Every option is listed in the question in order, and the lettered one is the only one worth `value`."""
    values = [answer_value(o) for o in choices.options]
    if any(v is None for v in values):
        return f"an option does not parse: {choices.options}"
    right = [chr(ord("A") + i) for i, v in enumerate(values) if close(v, value)]
    if right != [choices.letter]:
        return f"options worth the answer {value:.6g}: {right or 'none'}, but the answer is ({choices.letter})"
    if len({round(v, 9) for v in values}) < len(values):
        return "two options have the same value"
    listed = " ".join(f"({chr(ord('A') + i)}) {o}" for i, o in enumerate(choices.options))
    if listed not in question:
        return "the question does not list the options"
    return None
