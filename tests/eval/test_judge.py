"""`flywheel eval --judge`: an LMM judge (its own scripted server) grades free-form reasoning answers;
its accuracy is reported apart from the deterministic score, its failures are counted, a rerun
asks it nothing again."""

from __future__ import annotations

import json
import re

from PIL import Image

from flywheel.eval.judge import parse_verdict
from flywheel.eval.report import compare, summarize
from flywheel.eval.run import EvalConfig, evaluate
from tests.conftest import flywheel_cli

# (question, reference, the model's reply, the judge's reply or HTTP status)
CASES = [
    ("Square 0: what is half of one?", "\\frac{1}{2}", "<answer>0.5</answer>", "Both are one half.\nJudgement: 1"),
    ("Square 1: what is a quarter of one?", "\\frac{1}{4}", "<answer>1/3</answer>", "Judgement: 0"),
    ("Square 2: what is the area?", "12", "So the area is twelve square units.", "1"),  # free form: judge only
    ("Square 3: what is the side?", "7", "<answer>7</answer>", "I cannot tell from this."),  # no verdict
    ("Square 4: what is the perimeter?", "28", "<answer>30</answer>", 400),  # the judge call fails
]


def shown(reply: str) -> str:
    return re.sub(r"</?answer>", "", reply)


def write_bench(root):
    recs = []
    for k, (question, reference, _, _) in enumerate(CASES):
        Image.new("RGB", (64 + k, 48), "white").save(root / f"sq{k}.png")  # distinct figures
        recs.append({"id": k, "image": f"sq{k}.png", "interactive_reasoning_question": question,
                     "interactive_reasoning_answer": reference})
    (root / "vtbench.json").write_text(json.dumps(recs))
    return root / "vtbench.json"


def test_parse_verdict():
    assert parse_verdict("The values differ.\nJudgement: 0") == 0.0
    assert parse_verdict("Judgment: 0 ... on reflection, Judgement: **1**") == 1.0
    assert parse_verdict(" 1. ") == 1.0 and parse_verdict("10") is None and parse_verdict("agree") is None


def test_judge_is_reported_apart_counted_and_cached(serve, tmp_path):
    bench = write_bench(tmp_path)
    model = serve([{"match": q, "content": reply} for q, _, reply, _ in CASES])
    # the judge sees the question, the reference and the final answer (the whole reply when it has no tag)
    judge = serve([{"match": [f"[Question]: {q}", f"[Standard Answer]: {ref}", f"[Model Answer]: {shown(reply)}"],
                    **({"status": j} if isinstance(j, int) else {"content": j})} for q, ref, reply, j in CASES])
    base = ("eval", "--bench", str(bench), "--tasks", "reasoning", "--model", "openai/scripted", "--api-base",
            model.api_base, "--out", str(tmp_path / "out"))
    args = (*base, "--judge", "openai/judge", "--judge-api-base", judge.api_base, "--json", str(tmp_path / "r.json"))
    r = flywheel_cli(*args)
    assert r.returncode == 0, r.stderr
    rep = json.loads((tmp_path / "r.json").read_text())
    row = rep["tasks"]["reasoning"]
    assert row["score"] == 0.4  # items 0 and 3: the deterministic check, unchanged by the judge
    assert row["judge_n"] == 3 and row["judge_failures"] == 2 and row["judge_accuracy"] == round(2 / 3, 4)
    assert 0.0 <= row["judge_ci95"][0] < row["judge_accuracy"] < row["judge_ci95"][1] <= 1.0
    assert rep["judge_items"] == {"0:reasoning": 1.0, "1:reasoning": 0.0, "2:reasoning": 1.0,
                                  "3:reasoning": None, "4:reasoning": None}
    assert rep["items"]["2:reasoning"] == 0.0  # the judge's 1 never leaks into the score
    assert rep["judge"]["model"] == "openai/judge" and rep["judge"]["usage"]["failures"] == 1
    assert model.stats["requests"] == 5 and judge.stats["requests"] == 5
    assert "judge accuracy" in r.stdout and "0.667" in r.stdout and "0.400" in r.stdout
    # rerun: items come from the transcripts, verdicts from the cache; only the failed judge call is asked again
    again = flywheel_cli(*args)
    assert again.returncode == 0, again.stderr
    assert model.stats["requests"] == 5 and judge.stats["requests"] == 6
    assert json.loads((tmp_path / "r.json").read_text())["tasks"] == rep["tasks"]
    assert "judge openai/judge: 0 calls, 4 cached, 1 failed calls" in " ".join(again.stdout.split())
    # without --judge the report has no judge fields at all
    plain = evaluate(EvalConfig("openai/scripted", tmp_path / "out", bench=bench, api_base=model.api_base,
                                tasks=("reasoning",)))
    p = summarize(plain.results, "openai/scripted")
    assert "judge_n" not in p["tasks"]["reasoning"] and p["judge_items"] == {} and plain.judge_usage is None
    assert p["tasks"]["reasoning"]["score"] == 0.4 and model.stats["requests"] == 5
    c = compare(p, rep)  # a judged report against an unjudged one: the judge stays out of the deltas
    assert c["tasks"]["reasoning"] == {"a": 0.4, "b": 0.4, "delta": 0.0, "judge_a": None, "judge_b": round(2 / 3, 4)}
    assert compare(p, p)["tasks"]["reasoning"] == {"a": 0.4, "b": 0.4, "delta": 0.0}


def test_judge_api_base_needs_judge(tmp_path):
    r = flywheel_cli("eval", "--bench", str(tmp_path / "x.json"), "--model", "openai/x", "--judge-api-base", "http://h/v1")
    assert r.returncode == 1 and "--judge-api-base needs --judge" in r.stderr and "Traceback" not in r.stderr
