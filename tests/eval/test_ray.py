"""`flywheel eval --executor ray`: whole items (model calls and sandbox runs) on the actors of a local
Ray with two CPUs, against the scripted server: the same report, transcripts in item order, the
calls cached on the driver, and an interrupted eval resumed without a repeated call."""

from __future__ import annotations

import json
import os
from pathlib import Path

import pytest

from flywheel.eval.report import summarize
from flywheel.eval.run import EvalConfig, evaluate, load_items
from tests.conftest import flywheel_cli
from tests.eval.test_bench import line_code, write_bench

ray = pytest.importorskip("ray", reason="the [ray] extra is not installed")

ROOT = Path(__file__).resolve().parents[2]
RULES = [  # per figure: a correct drawing after a tool turn, the other diagonal, points without a mark, answers
    {"match": ["diagonal of rectangle 0", "sandbox_output"], "content": "<answer>done</answer>"},
    {"match": "diagonal of rectangle 0", "content": line_code((20, 20, 140, 100))},
    {"match": ["diagonal of rectangle 1", "sandbox_output"], "content": "<answer>done</answer>"},
    {"match": "diagonal of rectangle 1", "content": line_code((20, 100, 140, 20))},
    {"match": "top-right corner", "content": "<answer>(140, 20)</answer>"},
    {"match": "Rectangle 0", "content": "<answer>0.5</answer>"},
    {"match": "Rectangle 1", "content": "<answer>1/3</answer>"},
]


@pytest.fixture(scope="module")
def local_ray():
    old = os.environ.get("PYTHONPATH")
    os.environ["PYTHONPATH"] = os.pathsep.join(p for p in (str(ROOT), old) if p)  # the actors import this flywheel
    ray.init(address="local", num_cpus=2, include_dashboard=False, log_to_driver=False)  # never a running cluster
    try:
        yield
    finally:
        ray.shutdown()
        if old is None:
            os.environ.pop("PYTHONPATH", None)
        else:
            os.environ["PYTHONPATH"] = old


def _ids(out: Path) -> list[str]:
    return [json.loads(line)["id"] for line in (out / "transcripts.jsonl").read_text().splitlines()]


@pytest.mark.slow  # a Ray start-up and three evals
def test_ray_gives_the_local_report_and_resumes_without_a_call(local_ray, serve, tmp_path):
    bench = write_bench(tmp_path)
    srv = serve(RULES)
    cfg = dict(model="openai/scripted", bench=bench, api_base=srv.api_base, max_concurrency=2)
    here = evaluate(EvalConfig(out=tmp_path / "local", **cfg))
    assert srv.stats["requests"] == 8 and not here.failed
    there = evaluate(EvalConfig(out=tmp_path / "ray", executor="ray", **cfg))
    assert srv.stats["requests"] == 16 and not there.failed  # its own DIR/cache.duckdb: every call made again
    a, b = summarize(here.results, "m"), summarize(there.results, "m")
    assert b["tasks"] == a["tasks"] and b["items"] == a["items"] and b["tasks"]["reasoning"]["score"] == 0.5
    assert b["tasks"]["instruction"]["tool_use_rate"] == 1.0 and b["items"]["0:instruction"] == 1.0
    order = [it.id for it in load_items(EvalConfig(out=tmp_path, **cfg))]
    assert _ids(tmp_path / "ray") == _ids(tmp_path / "local") == order  # committed in item order
    assert there.usage.calls == 8 and there.usage.prompt_tokens == here.usage.prompt_tokens
    assert there.executor["executor"] == "ray" and there.executor["workers"] == 2

    # interrupted: the last three items never logged; their calls (two turns of a drawing among them)
    # were cached on the driver as they came back, so the rerun on Ray asks the server nothing
    log = tmp_path / "ray" / "transcripts.jsonl"
    lines = log.read_text().splitlines()
    log.write_text("\n".join(lines[:-3]) + "\n")
    again = evaluate(EvalConfig(out=tmp_path / "ray", executor="ray", **cfg))
    assert srv.stats["requests"] == 16 and again.resumed == 3 and again.usage.calls == 0
    assert again.usage.cache_hits == 4 and summarize(again.results, "m")["tasks"] == a["tasks"]
    assert _ids(tmp_path / "ray") == order


def test_executor_user_errors_are_one_line(tmp_path):
    bench = write_bench(tmp_path)
    r = flywheel_cli("eval", "--bench", str(bench), "--model", "openai/x", "--ray-address", "auto", "--out", str(tmp_path / "o"))
    assert r.returncode == 1 and r.stderr.strip().splitlines()[-1] == "error: --ray-address needs --executor ray"
    r = flywheel_cli("eval", "--bench", str(bench), "--model", "local:smollm2-135m", "--executor", "ray")
    assert r.returncode == 1 and "a local: checkpoint runs on this machine" in r.stderr and "Traceback" not in r.stderr
    assert not (tmp_path / "o").exists()
