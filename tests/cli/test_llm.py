"""The CLI as a user runs it: `synthesize --creator llm` against a local server, budget stop, judge."""

from __future__ import annotations

import json

import duckdb
import pytest

from tests.conftest import flywheel_cli
from tests.llm.scripts import BIG, candidate, rule, solve


@pytest.mark.slow
def test_synthesize_llm_budget_stops_cleanly_then_resumes_and_judge_adds_verdicts(serve, tmp_path):
    srv = serve([
        rule(["TASK: solve", "AB = 3"], content=solve("5"), usage=BIG),
        rule(["TASK: solve", "AB = 6"], content=solve("10"), usage=BIG),
        rule(["TASK: judge", "AB = 3"], content="<answer>5</answer>"),
        rule(["TASK: judge", "AB = 6"], content="<answer>11</answer>"),
        rule(["TASK: create", "Variant #0"], candidate(3, 4), usage=BIG),
        rule(["TASK: create", "Variant #1"], candidate(6, 8), usage=BIG),
    ])
    db = tmp_path / "c.duckdb"
    args = ["synthesize", "--creator", "llm", "--model", "openai/gpt-4o", "--api-base", srv.api_base, "--n", "2",
            "--knowledge", "plane.pythagoras", "--max-concurrency", "1", "--catalog", str(db)]
    # $0.02 covers create + solve of the first sample ($0.025 spent), then no new call may start.
    r = flywheel_cli(*args, "--budget-usd", "0.02")
    assert r.returncode == 3, r.stderr
    assert "stopped: budget of $0.02 spent ($0.0250 in 2 calls)" in r.stderr and "Traceback" not in r.stderr
    assert "1 accepted (1 new), 0 rejected, from 1 generated" in r.stdout
    assert "model calls: 2 new, 0 from cache" in r.stdout
    con = duckdb.connect(str(db), read_only=True)
    status, stats = con.execute("SELECT status, stats FROM runs").fetchone()
    con.close()
    assert status == "budget" and json.loads(stats)["llm"]["calls"] == 2

    r = flywheel_cli(*args, "--budget-usd", "1")
    assert r.returncode == 0, r.stderr
    assert "2 accepted (1 new), 0 rejected, from 1 generated" in r.stdout
    r = flywheel_cli(*args)
    assert r.returncode == 0 and "already 2 accepted samples in this stream; nothing to do" in r.stdout
    assert srv.stats["requests"] == 4

    r = flywheel_cli("verify", "--judge", "openai/gpt-4o", "--api-base", srv.api_base, "--catalog", str(db))
    assert r.returncode == 0, r.stderr
    assert "judged 2 samples with openai/gpt-4o: 1 agree, 1 disagree" in r.stdout
    con = duckdb.connect(str(db), read_only=True)
    rows = con.execute("SELECT s.answer, v.passed, v.reason, s.accepted FROM verdicts v JOIN samples s ON s.id = v.sample_id "
                       "WHERE v.verifier = 'judge' ORDER BY s.answer").fetchall()
    con.close()
    assert rows == [("10", False, "judge openai/gpt-4o disagrees: answered '11', sample says '10'", True),
                    ("5", True, "judge openai/gpt-4o agrees: answered '5', sample says '5'", True)]
    r = flywheel_cli("verify", "--judge", "openai/gpt-4o", "--api-base", srv.api_base, "--catalog", str(db),
                     "--reject-on-disagreement", "--where", "answer = '10'")
    assert r.returncode == 0 and "1 disagree, 0 without an answer, 1 newly rejected" in r.stdout
    assert "model calls: 0 new, 1 from cache" in r.stdout
    con = duckdb.connect(str(db), read_only=True)
    assert con.execute("SELECT answer FROM samples WHERE accepted").fetchall() == [("5",)]


def test_llm_creator_user_errors_are_one_line(tmp_path):
    r = flywheel_cli("synthesize", "--creator", "llm", "--catalog", str(tmp_path / "c.duckdb"))
    assert r.returncode == 1 and r.stderr.strip() == (
        "error: --creator llm needs --model (a litellm model string such as openai/gpt-4o)")
    r = flywheel_cli("synthesize", "--creator", "llm", "--model", "openai/x", "--budget-usd", "0",
                     "--catalog", str(tmp_path / "c.duckdb"))
    assert r.returncode == 1 and r.stderr.strip() == "error: --budget-usd must be positive"
    r = flywheel_cli("verify", "--judge", "openai/x", "--where", "DROP TABLE samples", "--catalog", str(tmp_path / "c.duckdb"))
    assert r.returncode == 1 and "error:" in r.stderr and "Traceback" not in r.stderr
