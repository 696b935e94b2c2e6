"""The judge: a model answers each stored sample's question blind; agreement becomes a `judge` verdict.

The judge sees the question and the figure code, never the sample's answer (the same blind solve as
the creator's independent check, under its own prompt tag). Its verdict is recorded but never trusted
alone: acceptance changes only with `reject_on_disagreement`, and then only from accepted to
rejected — a judge can never let a sample in.
"""

from __future__ import annotations

from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass, field

from flywheel.catalog import Catalog
from flywheel.catalog.samples import replace_verdicts
from flywheel.core.answers import answers_equivalent
from flywheel.core.records import Verdict
from flywheel.llm import prompts
from flywheel.llm.cache import ResponseCache
from flywheel.llm.candidate import final_answer
from flywheel.llm.client import BudgetExceeded, LLMClient, LLMConfig, LLMError, Usage


@dataclass
class JudgeResult:
    judged: int = 0
    agree: int = 0
    disagree: int = 0
    no_answer: int = 0
    rejected: int = 0
    usage: Usage = field(default_factory=Usage)
    budget_message: str = ""


def judge_verdict(sid: str, model: str, answer: str, reply: str) -> Verdict:
    """Compare the judge's blind answer with the sample's."""
    got = final_answer(reply)
    if got is None:
        return Verdict(sid, "judge", False, 0.0, f"judge {model} gave no <answer>")
    agree = answers_equivalent(got, answer)
    word = "agrees" if agree else "disagrees"
    return Verdict(sid, "judge", agree, float(agree), f"judge {model} {word}: answered {got[:60]!r}, sample says {answer!r}")


def judge_samples(cat: Catalog, llm: LLMConfig, where: str | None = None,
                  reject_on_disagreement: bool = False) -> JudgeResult:
    """Judge the samples matching `where` (default: the accepted ones); verdicts replace earlier judge verdicts."""
    _, rows = cat.query(f"SELECT id, question, answer, image_code FROM samples WHERE {where or 'accepted'} ORDER BY id")
    res = JudgeResult()
    run_id = cat.start_run("verify", {"judge": llm.model, "where": where, "samples": len(rows),
                                      "reject_on_disagreement": reject_on_disagreement})
    cache = ResponseCache(cat)
    client = LLMClient(llm, cache)
    res.usage = client.usage

    def ask(row: tuple) -> Verdict | None:
        sid, question, answer, code = row
        try:
            reply = client.complete(prompts.judge(question or "", code or ""), temperature=0.0)
        except LLMError as exc:
            return Verdict(sid, "judge", False, 0.0, f"judge {llm.model} call failed: {exc}")
        except BudgetExceeded as exc:
            res.budget_message = str(exc)
            return None
        return judge_verdict(sid, llm.model, answer or "", reply)

    with ThreadPoolExecutor(llm.max_concurrency) as ex:
        verdicts = [v for v in ex.map(ask, rows) if v is not None]
    _record(cat, verdicts, reject_on_disagreement, res)
    status = "budget" if res.budget_message else "done"
    cat.finish_run(run_id, status, {"judged": res.judged, "agree": res.agree, "disagree": res.disagree,
                                    "rejected": res.rejected, "llm": client.usage.as_dict()})
    cache.close()
    return res


def _record(cat: Catalog, verdicts: list[Verdict], reject: bool, res: JudgeResult) -> None:
    for v in verdicts:
        res.judged += 1
        no_answer = v.reason.endswith("gave no <answer>") or "call failed" in v.reason
        res.no_answer += no_answer
        res.agree += v.passed
        res.disagree += not v.passed and not no_answer
    res.rejected = replace_verdicts(cat, verdicts, reject_failed=reject)
