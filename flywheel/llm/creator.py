"""The LLM creator: one model call per task proposes a problem; flywheel checks it like any other.

A reply becomes a Sample (generator `llm:<model>`) with these verdicts:
- `parse`: the reply is a well-formed candidate (candidate.py);
- `image`: its figure code runs in the hardened sandbox, writes a PNG of sane size with ink, and
  no text constant of the code states the answer;
- `tool`: its tool code runs in the hardened sandbox on that PNG and makes a small, real edit;
- `answer`: an independent solve — a second call that sees the question and the figure code but
  never the creator's answer — agrees with the answer;
- `measure` (when the candidate gives a measure expression): the expression, evaluated in the
  sandbox over the figure code's own variables, re-measures the answer from the drawn numbers.
Nothing the model says is trusted: a sample is accepted only when all of these (and `duplicate`,
added when it is committed) pass. Failing candidates go through up to `repair_rounds` repair
prompts (flywheel/llm/repair.py) carrying the verifiers' reasons; the rounds are kept in params.
"""

from __future__ import annotations

import ast
import io
import re
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

import numpy as np
from PIL import Image

from flywheel.core.answers import answer_value, answers_equivalent, parse_answer
from flywheel.core.records import KnowledgeNode, Verdict, content_id
from flywheel.llm import prompts
from flywheel.llm.candidate import Candidate, CandidateError, final_answer, parse_candidate
from flywheel.llm.client import LLMClient, LLMError
from flywheel.run.build import Outcome, Png, assemble, store_images
from flywheel.sandbox.hardened import SandboxLimits, run_untrusted
from flywheel.verify.image import MIN_INK, ink_fraction
from flywheel.verify.tool import MAX_CHANGED, changed_mask

LIMITS = SandboxLimits(wall_s=30, cpu_s=20)
MIN_SIDE, MAX_SIDE = 64, 4096  # pixels: a figure a model could read and a trainer could store
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
        return all(v.passed for v in self.verdicts) and all(r in names for r in REQUIRED)

    def failing(self) -> list[Verdict]:
        """Verdicts a repair can act on: real failures, not the 'not checked' ones they caused."""
        return [v for v in self.verdicts if not v.passed and not v.reason.startswith(SKIPPED)]

    def fields(self) -> dict[str, Any]:
        """What a repair prompt shows: the candidate, or the raw reply when it did not parse."""
        return self.candidate.as_dict() if self.candidate else {"raw_reply": self.raw[:4000]}


def _pixels(png: bytes) -> np.ndarray:
    return np.asarray(Image.open(io.BytesIO(png)).convert("RGB"))


def _prints_answer(code: str, answer: str) -> str | None:
    """A string constant of the figure code that states the answer (a label, a title)."""
    target = answer_value(answer)
    try:
        tree = ast.parse(code)
    except SyntaxError:
        return None
    for node in ast.walk(tree):
        if isinstance(node, ast.Constant) and isinstance(node.value, str) and node.value.strip():
            text = node.value.strip().strip("$")
            if text == answer.strip("$") or (target is not None and re.search(r"\d", text)
                                             and answer_value(text) is not None
                                             and abs(answer_value(text) - target) < 1e-9 * max(1, abs(target))):
                return node.value
    return None


def check_image(sid: str, c: Candidate) -> tuple[Verdict, bytes | None]:
    fig = run_untrusted(c.figure_code, None, LIMITS, expect_file="image.png")
    if not fig.ok:
        return Verdict(sid, "image", False, 0.0, f"figure code failed in the sandbox: {fig.error}"), None
    rgb = _pixels(fig.image_png)
    h, w = rgb.shape[:2]
    if not (MIN_SIDE <= w <= MAX_SIDE and MIN_SIDE <= h <= MAX_SIDE):
        return Verdict(sid, "image", False, 0.0, f"figure is {w}x{h} px (allowed {MIN_SIDE}–{MAX_SIDE})"), fig.image_png
    ink = ink_fraction(rgb)
    if ink < MIN_INK:
        return Verdict(sid, "image", False, 0.0, f"figure is blank ({ink:.2%} ink)"), fig.image_png
    leak = _prints_answer(c.figure_code, c.answer)
    if leak is not None:
        return Verdict(sid, "image", False, 0.0, f"the figure prints the answer ({leak!r})"), fig.image_png
    return Verdict(sid, "image", True, 1.0, f"figure renders in the sandbox: {w}x{h} px, {ink:.1%} ink"), fig.image_png


def check_tool(sid: str, c: Candidate, figure: bytes | None) -> tuple[Verdict, bytes | None]:
    if figure is None:
        return Verdict(sid, "tool", False, 0.0, SKIPPED + "no figure to edit"), None
    tool = run_untrusted(c.tool_code, figure, LIMITS)
    if not tool.ok:
        return Verdict(sid, "tool", False, 0.0, f"tool code failed in the sandbox: {tool.error}"), None
    before, after = _pixels(figure), _pixels(tool.image_png)
    if before.shape != after.shape:
        return Verdict(sid, "tool", False, 0.0, "the edited image has another size than the figure"), tool.image_png
    share = float(changed_mask(before, after).mean())
    if share == 0:
        return Verdict(sid, "tool", False, 0.0, "tool code left the figure unchanged"), tool.image_png
    if share > MAX_CHANGED:
        return Verdict(sid, "tool", False, 0.0, f"tool code changed {share:.1%} of the figure (expected a small edit)"), tool.image_png
    return Verdict(sid, "tool", True, 1.0, f"tool code edits {share:.2%} of the figure"), tool.image_png


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


def check_reply(client: LLMClient, sid: str, reply: str | Candidate) -> Checked:
    """Every check on one reply (text, or an already parsed candidate)."""
    try:
        c = reply if isinstance(reply, Candidate) else parse_candidate(reply)
    except CandidateError as exc:
        return Checked(sid, exc.raw, None, [Verdict(sid, "parse", False, 0.0, str(exc))])
    raw = reply if isinstance(reply, str) else ""
    parsed = Verdict(sid, "parse", True, 1.0, "well-formed JSON candidate; trace format holds")
    image, figure = check_image(sid, c)
    tool, edited = check_tool(sid, c, figure)
    verdicts = [parsed, image, tool, check_answer(sid, c, client, figure is not None)]
    measured = check_measure(sid, c)
    if measured:
        verdicts.append(measured)
    return Checked(sid, raw, c, verdicts, figure, edited)


def check_made(client: LLMClient, sid: str, make: Callable[[LLMClient], Candidate]) -> Checked:
    """Check the candidate `make` asks the model for (repair, harder_variant …); a reply that does
    not parse becomes a failed `parse` verdict, as in `check_reply`."""
    try:
        c = make(client)
    except CandidateError as exc:
        return Checked(sid, exc.raw, None, [Verdict(sid, "parse", False, 0.0, str(exc))])
    return check_reply(client, sid, c)


def create(client: LLMClient, node: KnowledgeNode, sid: str, variant: int, repair_rounds: int = 1,
           series: int = 0) -> Checked:
    """Ask for a problem on `node`, check it, and repair it up to `repair_rounds` times."""
    from flywheel.llm.repair import repair_reply

    checked = check_reply(client, sid, client.complete(prompts.creator(node, variant, series)))
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
        checked = check_reply(client, sid, reply)
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
