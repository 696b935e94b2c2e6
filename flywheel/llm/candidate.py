"""Strict parsing of a model's reply into a Candidate problem; every defect is a one-line reason.

A reply must be exactly one JSON object (a single ```json fence around it is tolerated) with the
keys of `prompts.CREATOR_FIELDS`, string values, and a `cot` in the V-Thinker trace format whose
code block is the `tool_code` and whose <answer> is the `answer`. Anything else is a
CandidateError, which the creator records as a failed `parse` verdict, never a crash.
"""

from __future__ import annotations

import json
import re
from dataclasses import asdict, dataclass
from typing import Any

from flywheel.llm.prompts import CREATOR_FIELDS

REQUIRED = ("question", "answer", "figure_code", "tool_code", "cot")
TRACE = re.compile(r"^<think>(?P<before>.*?)<code>\n```python\n(?P<code>.*?)\n```\n</code>\n"
                   r"<sandbox_output>.*?</sandbox_output>(?P<after>.*)</think>\s*<answer>(?P<answer>.*?)</answer>\s*$", re.S)
_FENCE = re.compile(r"^```(?:json)?[ \t]*\n(.*)\n```$", re.S)


class CandidateError(ValueError):
    """A reply that is not a well-formed candidate; `raw` keeps the reply for the repair prompt."""

    def __init__(self, reason: str, raw: str) -> None:
        super().__init__(reason)
        self.raw = raw


@dataclass(frozen=True)
class Candidate:
    question: str
    answer: str
    figure_code: str
    tool_code: str
    cot: str
    measure: str | None = None

    def as_dict(self) -> dict[str, Any]:
        return asdict(self)


def reply_json(text: str) -> Any:
    """The JSON value of a reply (one ```json fence tolerated); CandidateError if it is not JSON."""
    s = text.strip()
    fenced = _FENCE.match(s)
    if fenced:
        s = fenced.group(1)
    try:
        return json.loads(s)
    except json.JSONDecodeError as exc:
        raise CandidateError(f"reply is not valid JSON: {exc.msg} at line {exc.lineno} column {exc.colno}", text) from None


def parse_candidate(text: str) -> Candidate:
    """The candidate a reply describes; raises CandidateError naming the first defect."""
    data = reply_json(text)
    if not isinstance(data, dict):
        raise CandidateError(f"reply is a JSON {type(data).__name__}, expected an object", text)
    missing = [k for k in REQUIRED if k not in data]
    if missing:
        raise CandidateError(f"reply lacks keys {missing}", text)
    extra = sorted(set(data) - set(CREATOR_FIELDS))
    if extra:
        raise CandidateError(f"reply has unexpected keys {extra}", text)
    for k in REQUIRED:
        if not isinstance(data[k], str) or not data[k].strip():
            raise CandidateError(f"{k!r} must be a non-empty string", text)
    measure = data.get("measure")
    if measure is not None and not isinstance(measure, str):
        raise CandidateError("'measure' must be a string expression or null", text)
    cand = Candidate(*(data[k].strip() for k in REQUIRED), measure=(measure or "").strip() or None)
    _check_trace(cand, text)
    return cand


def _check_trace(c: Candidate, raw: str) -> None:
    m = TRACE.match(c.cot)
    if not m:
        raise CandidateError("'cot' does not follow the trace format <think>…<code>```python…```</code>"
                             "<sandbox_output>…</sandbox_output>…</think><answer>…</answer>", raw)
    if m.group("code").strip() != c.tool_code:
        raise CandidateError("the code in 'cot' differs from 'tool_code'", raw)
    if m.group("answer").strip() != c.answer:
        raise CandidateError(f"the trace's <answer>{m.group('answer').strip()[:40]}</answer> differs from 'answer'", raw)


def final_answer(text: str) -> str | None:
    """The last <answer>…</answer> of a solver's reply, or None."""
    found = re.findall(r"<answer>(.*?)</answer>", text, re.S)
    return found[-1].strip() if found else None
