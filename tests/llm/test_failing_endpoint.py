"""An endpoint that fails every call (a wrong URL or model: 404) makes nothing, and says so: the run
or round is recorded failed, the command exits 1 with one line, and a rerun retries it."""

from __future__ import annotations

import json

import pytest

from flywheel.run.synthesize import SynthesisConfig, synthesize
from tests.conftest import catalog_rows, flywheel_cli
from tests.llm.scripts import candidate, rule, solve

NOT_FOUND = [rule([], status=404, content="The model `gpt-4o` does not exist")]
LLM = ["--creator", "llm", "--model", "openai/gpt-4o"]


@pytest.fixture
def base(tmp_path):
    """Round 0: two symbolic Pythagoras samples, which a round's difficulty axis makes harder."""
    db = tmp_path / "c.duckdb"
    synthesize(SynthesisConfig(n=2, seed=3, catalog=db, knowledge=["plane.pythagoras"], workers=1))
    return db


def error_lines(stderr: str) -> list[str]:
    """The `error:` lines (progress lines on stderr come before them)."""
    return [line for line in stderr.splitlines() if line.startswith("error:")]


def test_an_evolve_round_in_which_every_call_failed_is_not_done_and_a_rerun_retries_it(base, serve):
    dead = serve(NOT_FOUND)
    args = ["evolve", *LLM, "--per-round", "2", "--catalog", str(base)]
    r = flywheel_cli(*args, "--api-base", dead.api_base, "--rounds", "2")
    assert r.returncode == 1 and "Traceback" not in r.stderr
    assert error_lines(r.stderr) == [
        "error: round 1 made no sample: 2 model calls failed, the first with expand: NotFoundError: litellm.NotFoundError: "
        "NotFoundError: OpenAIException - The model `gpt-4o` does not exist (the round is recorded failed; rerun to retry "
        "it)"], r.stderr
    rounds = catalog_rows(base, "SELECT round, status, stats FROM runs WHERE command = 'evolve'")
    assert [(n, status) for n, status, _ in rounds] == [(1, "failed")]  # round 2 never started
    assert json.loads(rounds[0][2])["llm"]["failures"] == 2

    alive = serve([rule("TASK: expand", content="[]"), rule("TASK: harder", candidate(8, 15)),
                   rule(["TASK: solve", "AB = 8"], content=solve("17"))])
    r = flywheel_cli(*args, "--api-base", alive.api_base, "--rounds", "1")
    assert r.returncode == 0, r.stderr
    done = catalog_rows(base, "SELECT round, status FROM runs WHERE command = 'evolve' AND axis = 'round' ORDER BY started_at")
    assert done == [(1, "failed"), (1, "done")]
    assert catalog_rows(base, "SELECT count(*) FROM samples WHERE round = 1 AND accepted") == [(1,)]


def test_synthesize_llm_against_a_dead_endpoint_fails_with_the_error(serve, tmp_path):
    dead = serve(NOT_FOUND)
    db = tmp_path / "c.duckdb"
    r = flywheel_cli("synthesize", *LLM, "--api-base", dead.api_base, "--n", "1", "--knowledge", "plane.pythagoras",
                     "--catalog", str(db))
    assert r.returncode == 1 and "Traceback" not in r.stderr
    assert error_lines(r.stderr)[-1] == (
        "error: no sample made: every task's model call failed, the first with NotFoundError: litellm.NotFoundError: "
        "NotFoundError: OpenAIException - The model `gpt-4o` does not exist (the run is recorded failed; rerun to retry)")
    ((status, stats),) = catalog_rows(db, "SELECT status, stats FROM runs")
    assert status == "failed" and json.loads(stats)["failed_tasks"] == 7  # n × 5 + 2 tasks
