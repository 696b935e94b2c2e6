"""The LLM creator end to end against scripted replies: what gets in, what is rejected and why."""

from __future__ import annotations

import json

import pytest
import yaml

from flywheel.catalog import Catalog
from flywheel.llm.client import LLMConfig
from flywheel.llm.synthesize import synthesize_llm
from flywheel.run.synthesize import SynthesisConfig
from tests.llm.scripts import HOSTILE_TOOL, candidate, rule, solve

SECRET = "sk-flywheel-test-SECRET-7f3a9"
NODES = ["t.malformed", "t.wrong", "t.hostile", "t.valid"]


@pytest.fixture
def seeds(tmp_path):
    path = tmp_path / "seeds.yaml"
    path.write_text(yaml.safe_dump({"nodes": [{"id": i, "domain": "plane_geometry", "name": i.split(".")[1]} for i in NODES]}))
    return path


def script() -> list[dict]:
    hostile = candidate(6, 8, tool=HOSTILE_TOOL)
    return [
        rule(["TASK: solve", "AB = 3"], content=solve("5")),
        rule(["TASK: solve", "AB = 5"], content=solve("13")),
        rule(["TASK: solve"], content="I am not sure."),
        rule(["TASK: create", "(t.malformed,"], content='{"question": "unterminated'),
        rule(["TASK: repair", "not valid JSON"], content="still not json"),
        rule(["TASK: create", "(t.wrong,"], candidate(5, 12, answer="14", measure=None)),
        rule(["TASK: create", "(t.hostile,"], hostile),
        rule(["TASK: create", "(t.valid,"], candidate(3, 4)),
    ]


def run(srv, catalog, seeds, **kw):
    cfg = SynthesisConfig(n=1, catalog=catalog, seeds=seeds, knowledge=NODES)
    return synthesize_llm(cfg, LLMConfig("openai/gpt-4o", api_base=srv.api_base, max_concurrency=1, **kw),
                          repair_rounds=kw.pop("repair_rounds", 1))


def verdicts(db) -> dict[tuple[str, str], tuple[bool, str]]:
    with Catalog(db, read_only=True) as cat:
        rows = cat.query("SELECT s.knowledge_id, v.verifier, v.passed, v.reason FROM verdicts v "
                         "JOIN samples s ON s.id = v.sample_id")[1]
    return {(k, name): (p, r) for k, name, p, r in rows}


def test_valid_accepted_bad_rejected_with_reasons_and_reruns_are_free(serve, tmp_path, seeds, monkeypatch):
    monkeypatch.setenv("OPENAI_API_KEY", SECRET)
    srv = serve(script())
    db = tmp_path / "c.duckdb"
    first = run(srv, db, seeds)
    assert first.status == "done" and first.stats.accepted == 1 and first.stats.generated == 4
    v = verdicts(db)
    assert v[("t.valid", "answer")] == (True, "an independent solve agrees: 5")
    assert v[("t.valid", "measure")][0] and all(v[("t.valid", n)][0] for n in ("parse", "image", "tool", "duplicate"))
    assert v[("t.malformed", "parse")][0] is False and "not valid JSON" in v[("t.malformed", "parse")][1]
    assert v[("t.wrong", "answer")] == (False, "an independent solve got '13', the creator says '14'")
    assert v[("t.wrong", "image")][0] and v[("t.wrong", "tool")][0]  # only the answer is wrong
    assert v[("t.hostile", "image")][0]
    passed, reason = v[("t.hostile", "tool")]
    assert not passed and reason.startswith("tool code failed in the sandbox: rejected before running: line 1: "
                                            "import of 'socket' is not allowed")
    assert v[("t.hostile", "answer")] == (False, "the independent solve gave no <answer>")
    with Catalog(db, read_only=True) as cat:
        rows = dict(cat.query("SELECT knowledge_id, accepted FROM samples")[1])
        params = json.loads(cat.query("SELECT params FROM samples WHERE knowledge_id = 't.malformed'")[1][0][0])
        gen = cat.query("SELECT DISTINCT generator FROM samples")[1]
        stats = json.loads(cat.query("SELECT stats FROM runs WHERE command = 'synthesize'")[1][0][0])
    assert rows == {"t.malformed": False, "t.wrong": False, "t.hostile": False, "t.valid": True}
    assert gen == [("llm:openai/gpt-4o",)]
    assert params["repairs"][0]["fixing"]["parse"].startswith("reply is not valid JSON") and not params["repairs"][0]["passed"]
    assert params["raw_reply"] == "still not json"
    # malformed: create + repair; wrong and hostile: create + solve + repair (no rule: 404, the
    # repair round records the error); valid: create + solve.
    calls = srv.stats["status_200"]
    assert stats["llm"]["calls"] == calls == 8 and stats["llm"]["cache_hits"] == 0
    assert stats["llm"]["failures"] == srv.stats["status_404"] == 2
    assert stats["llm"]["prompt_tokens"] > 0 and stats["llm"]["cost_usd"] > 0

    # Same command again: the stream is complete, no call at all.
    again = run(srv, db, seeds)
    assert again.status == "nothing-to-do" and srv.stats["status_200"] == calls
    # Lose the committed rows (as a crash before commit would): the rerun replays from the cache.
    with Catalog(db) as cat:
        cat.con.execute("DELETE FROM verdicts")
        cat.con.execute("DELETE FROM samples")
    replay = run(srv, db, seeds)
    assert replay.status == "done" and replay.stats.accepted == 1
    # Failed calls are not cached: the two 404 repairs are asked again, nothing else.
    assert replay.usage.calls == 0 and replay.usage.cache_hits == 8 and srv.stats["status_200"] == calls

    # The API key reached the server through the environment and nowhere else.
    blob = db.read_bytes() + (db.with_suffix(".duckdb.wal").read_bytes() if db.with_suffix(".duckdb.wal").exists() else b"")
    assert SECRET.encode() not in blob
    with Catalog(db, read_only=True) as cat:
        for table in ("samples", "verdicts", "runs", "llm_cache", "knowledge"):
            assert SECRET not in str(cat.query(f"SELECT * FROM {table}")[1])


def test_repair_fixes_a_wrong_answer_with_the_verifier_reason(serve, tmp_path, seeds):
    srv = serve([
        rule(["TASK: solve", "AB = 5"], content=solve("13")),
        rule(["TASK: repair", "an independent solve got '13'"], candidate(5, 12, answer="13")),
        rule(["TASK: create", "(t.wrong,"], candidate(5, 12, answer="14")),
    ])
    cfg = SynthesisConfig(n=1, catalog=tmp_path / "c.duckdb", seeds=seeds, knowledge=["t.wrong"])
    res = synthesize_llm(cfg, LLMConfig("openai/gpt-4o", api_base=srv.api_base, max_concurrency=1), repair_rounds=1)
    assert res.stats.accepted == 1
    with Catalog(cfg.catalog, read_only=True) as cat:
        answer, params = cat.query("SELECT answer, params FROM samples")[1][0]
    repairs = json.loads(params)["repairs"]
    assert answer == "13" and repairs[0]["passed"] is True
    assert set(repairs[0]["fixing"]) == {"answer", "measure"}  # measure: math.dist gives 13, not 14
