"""Format verifier: the trace follows the V-Thinker format and ends on the sample's answer, which parses.

It needs no scene, so it judges every source the same way: a generated trace, a model's candidate and
an imported row's `CoT_with_code`. For generated samples the domain's answer verifier does the real
work (re-deriving the answer from the scene); for sources without a scene this is what can be checked
of the answer without a model (the LLM creator adds an independent solve).
Failure codes: format (the trace's shape), tag (its <answer> is not the answer), unparsable.
"""

from __future__ import annotations

import re

from flywheel.core.answers import answer_checkable, answers_equivalent
from flywheel.core.records import NOT_CHECKABLE
from flywheel.verify.registry import Check, VerifyContext, register_verifier

TRACE = re.compile(r"^<think>.*<code>\n```python\n.*\n```\n</code>\n<sandbox_output>.*</sandbox_output>.*</think>\s*"
                   r"<answer>(.*)</answer>\s*$", re.S)


@register_verifier("format", role="trace", kinds=["interaction"], needs_scene=False)
def verify_format(ctx: VerifyContext) -> Check:
    if ctx.submitted is not None and not ctx.cot:
        return Check(False, "not checkable: the source ships no trace (e.g. a VTBench reasoning item)", code=NOT_CHECKABLE)
    m = TRACE.match(ctx.cot or "")
    if not m:
        return Check(False, "the trace does not follow the <think> … <code> … <sandbox_output> … <answer> format",
                     code="format")
    answer = (ctx.answer or "").strip()
    if not answers_equivalent(m.group(1).strip(), answer):
        return Check(False, f"the trace's <answer> {m.group(1).strip()[:40]!r} differs from the answer {answer[:40]!r}",
                     code="tag")
    if not answer_checkable(answer):
        return Check(False, f"answer {answer[:60]!r} is not an answer we can check", code="unparsable")
    return Check(True, "trace well formed; its <answer> is the answer, which parses")
