"""`flywheel evolve --creator llm` against the scripted local server: knowledge, harder variants, repairs, budget."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from flywheel.catalog import Catalog
from flywheel.evolve.llm_rounds import evolve_llm
from flywheel.evolve.rounds import EvolveConfig, evolve
from flywheel.llm.client import LLMConfig
from flywheel.run.synthesize import SynthesisConfig, synthesize
from tests.conftest import catalog_rows, clone_catalog, flywheel_cli
from tests.llm.scripts import BIG, candidate, rule, solve
from tools.llm_server import ChatServer, Scripted

PROPOSALS = [
    {"name": "Pythagorean Theorem", "description": "restated", "parents": ["plane.pythagoras"]},
    {"name": "Chord length from the distance to the centre", "description": "A chord of a circle and its distance.",
     "parents": ["plane.pythagoras"]},
    {"name": "Spiral similarity", "description": "Two figures related by a rotation and a scaling.",
     "parents": ["plane.pythagoras", "plane.law_of_cosines"]},
]
CHORD, SPIRAL = "plane_geometry.llm.chord_length_from_the_distance_to_the_centre", "plane_geometry.llm.spiral_similarity"


def script(usage: dict | None = None) -> list[dict]:
    kw = {"usage": usage} if usage else {}
    return [
        rule("TASK: expand", content=json.dumps(PROPOSALS), **kw),
        rule(["TASK: solve", "AB = 5"], content=solve("13"), **kw),
        rule(["TASK: solve", "AB = 8"], content=solve("17"), **kw),
        rule(["TASK: solve", "AB = 7"], content=solve("25"), **kw),
        # The chord problem comes with a wrong answer, its repair (which sees the solver's reason) fixes it.
        rule(["TASK: create", f"({CHORD},"], candidate(5, 12, answer="14", measure=None), **kw),
        rule(["TASK: repair", "- answer: an independent solve got '13', the creator says '14'"],
             candidate(5, 12, answer="13"), **kw),
        # The spiral similarity problem never parses, nor do its repairs: two attempts, then it stays rejected.
        rule(["TASK: create", f"({SPIRAL},"], content='{"question": "unterminated', **kw),
        rule(["TASK: repair", "- parse: reply is not valid JSON"], content="still not json", **kw),
        rule("TASK: harder", candidate(8, 15), times=1, **kw),
        rule("TASK: harder", candidate(7, 24), times=1, **kw),
    ]


@pytest.fixture(scope="module")
def base(tmp_path_factory) -> Path:
    """Round 0: two symbolic Pythagoras samples."""
    db = tmp_path_factory.mktemp("base") / "c.duckdb"
    synthesize(SynthesisConfig(n=2, seed=3, catalog=db, knowledge=["plane.pythagoras"], workers=1))
    return db


def run(srv, db: Path, rounds: int = 1, **llm):
    cfg = EvolveConfig(rounds=rounds, catalog=db, per_round=4)
    return evolve_llm(cfg, LLMConfig("openai/gpt-4o", api_base=srv.api_base, max_concurrency=1, **llm))


@pytest.fixture(scope="module")
def evolved(base, tmp_path_factory):
    """One LLM round over `base` (the test that deletes and replays it restores the same rows)."""
    srv = ChatServer(Scripted(script())).start()
    db = clone_catalog(base, tmp_path_factory.mktemp("evolved"))
    res = run(srv, db)
    assert res.status == "done" and [s["round"] for s in res.rounds] == [1]
    yield srv, db, res
    srv.stop()


def test_round_adds_proposed_nodes_with_parents_and_samples_for_them(evolved):
    _, db, res = evolved
    nodes = catalog_rows(db, "SELECT id, parents, round, generator, source FROM knowledge WHERE round > 0 ORDER BY id")
    assert nodes == [(CHORD, ["plane.pythagoras"], 1, "plane.chord_distance", "llm"),
                     (SPIRAL, ["plane.pythagoras", "plane.law_of_cosines"], 1, None, "llm")]
    k = res.rounds[0]["knowledge_proposals"]
    assert (k["proposed"], k["new"], k["mapped"]) == (3, 2, 1)
    assert k["skipped"] == ["Pythagorean Theorem: same name as plane.pythagoras"]
    made = catalog_rows(db, "SELECT knowledge_id, accepted, generator FROM samples WHERE round = 1 AND parent_id IS NULL ORDER BY 1")
    assert made == [(CHORD, False, "llm:openai/gpt-4o"), (SPIRAL, False, "llm:openai/gpt-4o")]


def test_harder_variants_of_symbolic_samples_are_linked_by_lineage(evolved):
    _, db, _ = evolved
    got = catalog_rows(db, """SELECT c.answer, c.accepted, c.difficulty, p.difficulty, p.generator, c.knowledge_id
                      FROM lineage l JOIN samples c ON c.id = l.child_id JOIN samples p ON p.id = l.parent_id
                      WHERE l.relation = 'harder' ORDER BY c.answer""")
    assert [(a, ok) for a, ok, *_ in got] == [("17", True), ("25", True)]
    assert all(cd == pd + 1 and gen == "plane.pythagoras" and kid == "plane.pythagoras" for _, _, cd, pd, gen, kid in got)
    verdicts = catalog_rows(db, """SELECT DISTINCT v.verifier, v.code = 'not_checkable' FROM verdicts v
                           JOIN lineage l ON l.child_id = v.sample_id WHERE l.relation = 'harder' ORDER BY 1""")
    # The registered verifiers judge model-written samples too; those that need a scene cannot.
    assert verdicts == [("answer", False), ("answer.plane_geometry", True), ("duplicate", False), ("figure", True),
                        ("format", False), ("image", False), ("image.labels", True), ("measure", False),
                        ("modality", True), ("parse", False), ("question", True), ("tool", False), ("trace", True)]


def test_bad_replies_are_repaired_at_most_twice_and_recorded(evolved):
    _, db, _ = evolved
    repairs = catalog_rows(db, """SELECT s.knowledge_id, r.attempt, r.verifier, r.action, r.success, r.round FROM repairs r
                          JOIN samples s ON s.id = r.sample_id ORDER BY 1, 2""")
    assert repairs == [(CHORD, 1, "answer", "llm-repair", True, 1), (SPIRAL, 1, "parse", "llm-repair", False, 1),
                       (SPIRAL, 2, "parse", "llm-repair", False, 1)]
    fixed = catalog_rows(db, """SELECT s.answer, s.accepted, p.answer FROM repairs r JOIN samples s ON s.id = r.repaired_id
                        JOIN lineage l ON l.child_id = s.id AND l.parent_id = r.sample_id AND l.relation = 'repair'
                        JOIN samples p ON p.id = r.sample_id WHERE r.success""")
    assert fixed == [("13", True, "14")]
    # The second attempt repaired the first repair, not the original reject.
    chain = catalog_rows(db, f"""SELECT count(*) FROM repairs a JOIN repairs b ON b.sample_id = a.repaired_id
                         WHERE a.attempt = 1 AND b.attempt = 2 AND a.sample_id IN
                         (SELECT id FROM samples WHERE knowledge_id = '{SPIRAL}' AND parent_id IS NULL)""")
    assert chain == [(1,)]


def test_runs_rows_per_axis_count_calls_and_a_rerun_makes_none(evolved):
    srv, db, res = evolved
    calls = srv.stats["status_200"]
    # expand 1; create 2 + 1 solve (the unparsable one is not solved); harder 2 + 2 solves;
    # repairs: chord 1 + its solve, altitude 2 (first attempt and the repair of that repair).
    assert calls == 12 and res.usage.calls == 12 and res.usage.cache_hits == 0
    axes = dict(catalog_rows(db, "SELECT axis, stats FROM runs WHERE command = 'evolve' AND round = 1 AND status = 'done'"))
    assert sorted(axes) == ["difficulty", "diversity", "quality", "round"]
    by_axis = {a: json.loads(s)["llm"]["calls"] for a, s in axes.items()}
    assert by_axis == {"diversity": 4, "difficulty": 4, "quality": 4, "round": 12}
    round_row = json.loads(axes["round"])
    assert round_row["llm_streams"] == {"difficulty": {"generated": 2, "accepted": 2},
                                        "diversity": {"generated": 2, "accepted": 0},
                                        "repair1": {"generated": 2, "accepted": 1},
                                        "repair2": {"generated": 1, "accepted": 0}}
    assert round_row["repair_attempts"] == 3 and round_row["repaired_rejects"] == 1

    before = catalog_rows(db, "SELECT count(*) FROM samples")
    again = run(srv, db)
    assert again.rounds == [] and again.usage.calls == 0 and srv.stats["status_200"] == calls
    assert catalog_rows(db, "SELECT count(*) FROM samples") == before
    # A lost round (rows gone, cache kept) is rebuilt from the cache alone, row for row.
    snapshot = catalog_rows(db, "SELECT id, accepted FROM samples WHERE round = 1 ORDER BY id")
    with Catalog(db) as cat:
        for sql in ("DELETE FROM repairs", "DELETE FROM lineage WHERE child_id IN (SELECT id FROM samples WHERE round = 1)",
                    "DELETE FROM verdicts WHERE sample_id IN (SELECT id FROM samples WHERE round = 1)",
                    "DELETE FROM samples WHERE round = 1", "DELETE FROM runs WHERE command = 'evolve'"):
            cat.con.execute(sql)
    replay = run(srv, db)
    assert replay.usage.calls == 0 and replay.usage.cache_hits == 12 and srv.stats["status_200"] == calls
    assert catalog_rows(db, "SELECT id, accepted FROM samples WHERE round = 1 ORDER BY id") == snapshot


@pytest.mark.slow
def test_budget_stops_cleanly_and_a_larger_budget_resumes_without_paying_twice(base, serve, tmp_path):
    srv = serve(script(BIG))
    db = clone_catalog(base, tmp_path)
    args = ["evolve", "--creator", "llm", "--model", "openai/gpt-4o", "--api-base", srv.api_base, "--per-round", "4",
            "--max-concurrency", "1", "--catalog", str(db)]
    # $0.06 pays for 5 calls ($0.0625): expand, create, solve, create, harder; then no call may start.
    r = flywheel_cli(*args, "--budget-usd", "0.06")
    assert r.returncode == 3, r.stderr
    assert "stopped: budget of $0.06 spent ($0.0625 in 5 calls)" in r.stderr and "Traceback" not in r.stderr
    assert srv.stats["status_200"] == 5
    status, stats = catalog_rows(db, "SELECT status, stats FROM runs WHERE command = 'evolve' AND axis = 'round'")[0]
    assert status == "budget" and json.loads(stats)["llm"]["calls"] == 5
    assert catalog_rows(db, "SELECT count(*) FROM knowledge WHERE round = 1") == [(2,)]

    r = flywheel_cli("evolve", "--catalog", str(db), "--workers", "1")  # the symbolic creator may not finish it
    assert r.returncode == 1 and r.stderr.strip().splitlines()[-1] == (
        "error: round 1 was started with --creator llm; finish it with --creator llm (and the same --model) "
        "before running --creator symbolic rounds")

    r = flywheel_cli(*args, "--budget-usd", "1", "--report", str(tmp_path / "report"))
    assert r.returncode == 0, r.stderr
    assert "knowledge: 3 proposed, 2 new (1 mapped to a symbolic generator)" in r.stderr  # under the round table
    # Committed samples are not asked again; of the rest, the expansion and the first harder reply were paid for.
    assert "this run: model calls: 7 new, 2 from cache" in r.stdout
    assert srv.stats["status_200"] == 12
    assert "| 1 |" in (tmp_path / "report" / "summary.md").read_text()


def test_llm_only_options_need_creator_llm(base):
    r = flywheel_cli("evolve", "--catalog", str(base), "--model", "openai/gpt-4o", "--budget-usd", "1")
    assert r.returncode == 1 and r.stderr.strip() == "error: --model, --budget-usd only apply with --creator llm"
    r = flywheel_cli("evolve", "--catalog", str(base), "--creator", "llm")
    assert r.returncode == 1 and r.stderr.strip() == (
        "error: --creator llm needs --model (a litellm model string such as openai/gpt-4o)")


def test_a_symbolic_round_after_an_llm_round_leaves_model_samples_alone(evolved, tmp_path):
    _, db, _ = evolved
    db = clone_catalog(db, tmp_path)
    res = evolve(EvolveConfig(rounds=2, catalog=db, per_round=6, workers=1))
    assert [s["round"] for s in res.rounds] == [2]
    made = catalog_rows(db, "SELECT DISTINCT generator FROM samples WHERE round = 2")
    assert made and all(not g.startswith("llm:") for (g,) in made)
    parents = catalog_rows(db, """SELECT count(*) FROM samples c JOIN samples p ON p.id = c.parent_id
                          WHERE c.round = 2 AND p.generator LIKE 'llm:%'""")
    assert parents == [(0,)]
