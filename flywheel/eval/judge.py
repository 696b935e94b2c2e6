"""`flywheel eval --judge MODEL`: an LMM judge of free-form reasoning answers, kept apart from the score.

The deterministic scorer (`protocol.answer_correct`) only credits an `<answer>` that is symbolically
equal to the reference; a model that writes "so the area is twelve" without the tag scores 0. The
judge reads the question, the reference and the model's answer and says 1 or 0, in the format of
V-Thinker's VTBench reasoning judge (a strict consistency check that ends in `Judgement: 0|1`).
Its verdicts go to their own fields (`judge`, and `judge_accuracy` in the report), never into
`score`. Calls go through the shared client and response cache, so a rerun asks nothing again; a
call that fails or a reply with no readable verdict is counted as a judge failure, never a crash
and never a 0.
"""

from __future__ import annotations

import re
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass

from flywheel.eval.items import EvalItem
from flywheel.llm.client import LLMClient, LLMError

JUDGED_TASKS = ("reasoning",)  # perception and instruction are scored on points and pixels only
JUDGE_SYSTEM = "You are a strict grader of answers to math problems. You never solve the problem yourself."
JUDGE_PROMPT = """\
Decide whether a model's answer to a math question agrees with the standard answer.
[Question] is the question, [Standard Answer] is the correct answer and [Model Answer] is what the model answered.
They agree only if the model's answer means the same thing as the standard answer: the same value in another form
(0.5 and 1/2, 50 cm and 0.5 m) agrees; a different value, a partial answer, or an answer with no clear final
value does not. For multiple choice, the chosen option (its letter or its content) must be the right one.
Answer with the line `Judgement: 1` if they agree and `Judgement: 0` if they do not. Be strict.

[Question]: What is the length of the hypotenuse of a right triangle with legs 6 and 8?
[Standard Answer]: 10
[Model Answer]: The hypotenuse is ten units long.
Judgement: 1

[Question]: Find the interval on which f is increasing.
[Standard Answer]: (-1, 3]
[Model Answer]: [-1, 3]
Judgement: 0

[Question]: {question}
[Standard Answer]: {reference}
[Model Answer]: {answer}
Judgement:"""
_VERDICT = re.compile(r"judge?ment\s*[:：]\s*\**\s*([01])\b", re.I)
MAX_ANSWER_CHARS = 1500  # a free-form answer is the end of the last reply; a runaway one is cut
JUDGE_MAX_TOKENS = 512  # room for a short reason before the verdict line


@dataclass(frozen=True)
class Judgement:
    verdict: float | None  # 1.0 agrees, 0.0 does not, None: the judge failed (see error)
    error: str | None = None


def judge_messages(question: str, reference: str, answer: str) -> list[dict]:
    return [{"role": "system", "content": JUDGE_SYSTEM},
            {"role": "user", "content": JUDGE_PROMPT.format(question=question, reference=reference, answer=answer)}]


def parse_verdict(reply: str) -> float | None:
    """`Judgement: 1` (the last one, as a judge may reason first), or a reply that is just 0 or 1."""
    found = _VERDICT.findall(reply)
    if found:
        return float(found[-1])
    bare = reply.strip().strip("*.` ")
    return float(bare) if bare in ("0", "1") else None


def model_answer(rec: dict) -> str:
    """What the judge grades: the final `<answer>`, else the end of the model's last reply (free form)."""
    if rec.get("answer"):
        return rec["answer"]
    turns = rec.get("transcript") or []
    text = turns[-1]["text"].strip() if turns else ""
    return text[-MAX_ANSWER_CHARS:] or "(no answer)"


def judge_one(client: LLMClient, item: EvalItem, rec: dict) -> Judgement:
    try:
        reply = client.complete(judge_messages(item.question, item.answer, model_answer(rec)), temperature=0.0)
    except LLMError as exc:
        return Judgement(None, f"judge call failed: {exc}")
    verdict = parse_verdict(reply)
    if verdict is None:
        return Judgement(None, f"no verdict in the judge's reply: {reply.strip()[:120]!r}")
    return Judgement(verdict)


def judge_records(client: LLMClient, items: dict[str, EvalItem], records: list[dict], workers: int) -> None:
    """Set `judge` (1.0, 0.0 or None) and `judge_error` on every record of a judged task, in place."""
    todo = [r for r in records if r["task"] in JUDGED_TASKS and r["id"] in items]
    with ThreadPoolExecutor(max(1, workers)) as pool:
        verdicts = list(pool.map(lambda r: judge_one(client, items[r["id"]], r), todo))
    for rec, j in zip(todo, verdicts, strict=True):
        rec["judge"], rec["judge_error"] = j.verdict, j.error
