"""The LLM creator: one model call per task proposes a problem; flywheel checks it like any other.

A reply becomes a Sample (generator `llm:<model>`) with these verdicts:
- `parse`: the reply is a well-formed candidate (candidate.py);
- the registered verifiers, as for every sample (`run.build.execute_untrusted` runs the code in the
  hardened sandbox): `image` (a PNG of sane size with ink, no text constant of the code stating the
  answer), `tool` (a small, real edit of that PNG), `format` (the trace's format and answer tag);
  those that need a scene (`figure`, the domain's own) record `not_checkable`;
- `answer`: an independent solve — a second call that sees the question and the figure code but
  never the creator's answer — agrees with the answer;
- `measure` (when the candidate gives a measure expression): the expression, evaluated in the
  sandbox over the figure code's own variables, re-measures the answer from the drawn numbers.
Nothing the model says is trusted: a sample is accepted only when all of these (and `duplicate`,
added when it is committed) pass. Failing candidates go through up to `repair_rounds` repair
prompts (flywheel/llm/repair.py) carrying the verifiers' reasons; the rounds are kept in params.
"""

from __future__ import annotations

import re
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

from flywheel.core.answers import answer_value, answers_equivalent, parse_answer
from flywheel.core.records import KnowledgeNode, Verdict, accepts, content_id
from flywheel.llm import prompts
from flywheel.llm.candidate import Candidate, CandidateError, final_answer, parse_candidate
from flywheel.llm.client import LLMClient, LLMError
from flywheel.run.build import Outcome, Png, assemble, execute_untrusted, store_images
from flywheel.sandbox.hardened import SandboxLimits, run_untrusted
from flywheel.verify.registry import Submitted, run_verifiers

LIMITS = SandboxLimits(wall_s=30, cpu_s=20)
MEASURE_TOL = 1e-6
MEASURE_TAG = "FLYWHEEL_MEASURE"
REQUIRED = ("parse", "image", "tool", "answer")
SKIPPED = "not checked: "  # verdicts that only say an earlier check failed; not repair material


@dataclass
class Checked:
    """A reply after every check: the candidate (None if it did not parse), verdicts, PNGs."""

    sid: str
    raw: str
    candidate: Candidate | None
    verdicts: list[Verdict]
    figure_png: bytes | None = None
    edited_png: bytes | None = None
    repairs: list[dict[str, Any]] = field(default_factory=list)

    @property
    def passed(self) -> bool:
        names = {v.verifier for v in self.verdicts}
        return accepts(self.verdicts) and all(r in names for r in REQUIRED)

    def failing(self) -> list[Verdict]:
        """Verdicts a repair can act on: real failures, not the 'not checked' ones they caused (a tool
        with no figure to edit) nor the `not_checkable` ones no candidate can change."""
        return [v for v in self.verdicts
                if v.failed and not v.reason.startswith(SKIPPED) and not (v.verifier == "tool" and v.code == "render")]

    def fields(self) -> dict[str, Any]:
        """What a repair prompt shows: the candidate, or the raw reply when it did not parse."""
        return self.candidate.as_dict() if self.candidate else {"raw_reply": self.raw[:4000]}


def check_figure_and_tool(sid: str, c: Candidate, domain: str) -> tuple[list[Verdict], bytes | None, bytes | None]:
    """Run the candidate's figure and tool code in the hardened sandbox and judge them with the
    registered verifiers, as every sample is judged: the verdicts, the figure and the edited PNGs."""
    ctx = execute_untrusted(sid, Submitted(c.question, c.answer, c.cot, c.figure_code, c.tool_code), domain, "llm",
                            LIMITS)
    edited = ctx.tool.png if ctx.tool is not None else None
    return run_verifiers(ctx), ctx.render.png if ctx.render is not None else None, edited


def check_answer(sid: str, c: Candidate, client: LLMClient, figure_ok: bool) -> Verdict:
    """The independent solve: the solver never sees the creator's answer."""
    if answer_value(c.answer) is None:
        return Verdict(sid, "answer", False, 0.0, f"answer {c.answer!r} is not a number we can check")
    if not figure_ok:
        return Verdict(sid, "answer", False, 0.0, SKIPPED + "the figure did not render")
    try:
        reply = client.complete(prompts.solver(c.question, c.figure_code), temperature=0.0)
    except LLMError as exc:
        return Verdict(sid, "answer", False, 0.0, SKIPPED + f"the independent solve failed: {exc}")
    got = final_answer(reply)
    if got is None:
        return Verdict(sid, "answer", False, 0.0, "the independent solve gave no <answer>")
    if not answers_equivalent(got, c.answer):
        return Verdict(sid, "answer", False, 0.0, f"an independent solve got {got[:60]!r}, the creator says {c.answer!r}")
    return Verdict(sid, "answer", True, 1.0, f"an independent solve agrees: {got[:60]}")


def check_measure(sid: str, c: Candidate) -> Verdict | None:
    """Re-measure the answer from the figure code's own numbers, when the candidate says how."""
    if not c.measure:
        return None
    code = f"{c.figure_code}\nprint({MEASURE_TAG!r}, repr(float({c.measure})))\n"
    run = run_untrusted(code, None, LIMITS, expect_file="image.png")
    found = re.findall(rf"{MEASURE_TAG} (\S+)", run.stdout or "")
    if not run.ok or not found:
        return Verdict(sid, "measure", False, 0.0, f"measure {c.measure[:60]!r} failed: {run.error or 'printed nothing'}")
    got, want = float(found[-1]), answer_value(c.answer)
    if want is None or abs(got - want) > MEASURE_TOL * max(1.0, abs(want)):
        return Verdict(sid, "measure", False, 0.0, f"the figure's numbers give {c.measure[:60]} = {got:.6g}, "
                                                   f"the answer is {c.answer!r}")
    return Verdict(sid, "measure", True, 1.0, f"re-measured from the figure's numbers: {got:.6g}")


def check_reply(client: LLMClient, sid: str, reply: str | Candidate, domain: str = "") -> Checked:
    """Every check on one reply (text, or an already parsed candidate) of a problem in `domain`."""
    try:
        c = reply if isinstance(reply, Candidate) else parse_candidate(reply)
    except CandidateError as exc:
        return Checked(sid, exc.raw, None, [Verdict(sid, "parse", False, 0.0, str(exc))])
    raw = reply if isinstance(reply, str) else ""
    parsed = Verdict(sid, "parse", True, 1.0, "well-formed JSON candidate; trace format holds")
    judged, figure, edited = check_figure_and_tool(sid, c, domain)
    verdicts = [parsed, *judged, check_answer(sid, c, client, figure is not None)]
    measured = check_measure(sid, c)
    if measured:
        verdicts.append(measured)
    return Checked(sid, raw, c, verdicts, figure, edited)


def check_made(client: LLMClient, sid: str, make: Callable[[LLMClient], Candidate], domain: str = "") -> Checked:
    """Check the candidate `make` asks the model for (repair, harder_variant …); a reply that does
    not parse becomes a failed `parse` verdict, as in `check_reply`."""
    try:
        c = make(client)
    except CandidateError as exc:
        return Checked(sid, exc.raw, None, [Verdict(sid, "parse", False, 0.0, str(exc))])
    return check_reply(client, sid, c, domain)


def create(client: LLMClient, node: KnowledgeNode, sid: str, variant: int, repair_rounds: int = 1,
           series: int = 0) -> Checked:
    """Ask for a problem on `node`, check it, and repair it up to `repair_rounds` times."""
    from flywheel.llm.repair import repair_reply

    checked = check_reply(client, sid, client.complete(prompts.creator(node, variant, series)), node.domain)
    history: list[dict[str, Any]] = []
    for round_ in range(1, repair_rounds + 1):
        failing = checked.failing()
        if not failing:
            break
        fixing = {v.verifier: v.reason for v in failing}
        try:
            reply = repair_reply(client, checked.fields(), failing)
        except LLMError as exc:  # keep the last checked version; the failed call is on record
            history.append({"round": round_, "fixing": fixing, "error": str(exc)})
            break
        checked = check_reply(client, sid, reply, node.domain)
        history.append({"round": round_, "fixing": fixing, "passed": checked.passed})
    checked.repairs = history
    return checked


def to_outcome(checked: Checked, node: KnowledgeNode, generator: str, seed: int, variant: int,
               stream: str, index: int, round_: int = 0, parent_id: str | None = None,
               difficulty: tuple[int, float] = (1, 1.0), relation: str = "", meta: dict | None = None) -> Outcome:
    """The Sample record and images of a checked reply, as the batch writer takes them.

    `difficulty` is what the task claims (a harder variant: one step more than its parent).
    """
    c = checked.candidate
    figure = Png(checked.figure_png) if checked.figure_png else None
    edited = Png(checked.edited_png) if checked.edited_png else None
    expr = parse_answer(c.answer) if c else None
    params: dict[str, Any] = {"variant": variant, "repairs": checked.repairs}
    if c and c.measure:
        params["measure"] = c.measure
    if c is None:
        params["raw_reply"] = checked.raw[:4000]  # what the model said, for whoever debugs the prompt
    sample = assemble(
        sid=checked.sid, kind="interaction", domain=node.domain, knowledge_id=node.id, generator=generator, seed=seed,
        params=params, question=c.question if c else "", answer=c.answer if c else "",
        answer_expr=None if expr is None else str(expr), image_code=c.figure_code if c else "",
        tool_code=c.tool_code if c else "", cot=c.cot if c else "", difficulty=difficulty[0],
        difficulty_score=difficulty[1], figure=figure, edited=edited, key=c.question if c else None,
        verdicts=checked.verdicts, stream=stream, index=index, round_=round_, parent_id=parent_id,
        version="text_dominant",  # a model's problem states everything in its one text
    )
    return Outcome(index, sample, list(checked.verdicts), store_images([figure, edited]), relation=relation,
                   meta=meta or {})


def sample_id(generator: str, node: KnowledgeNode, seed: int, variant: int) -> str:
    return content_id(generator, node.id, {"variant": variant}, seed)
