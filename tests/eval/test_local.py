"""`flywheel eval --model local:PATH` on a checkpoint directory (the random tiny LLaVA of
tools/tiny_models.py, saved the way `flywheel train` saves): the same loop, generation on this machine."""

from __future__ import annotations

import json

import pytest

from tests.conftest import flywheel_cli
from tests.train.conftest import make_catalog

pytest.importorskip("trl")
pytestmark = [pytest.mark.train, pytest.mark.slow]


def test_local_checkpoint_is_scored_by_the_same_loop_and_resumes(tiny_vlm, tmp_path):
    db = make_catalog(tmp_path / "fw.duckdb", n=6)  # interaction samples only: reasoning is the task here
    args = ("eval", "-c", str(db), "--model", f"local:{tiny_vlm}", "--split", "all", "--tasks", "reasoning",
            "--max-samples", "2", "--max-tokens", "8", "--out", str(tmp_path / "out"), "--json", str(tmp_path / "r.json"))
    r = flywheel_cli(*args)
    assert r.returncode == 0, r.stderr
    rep = json.loads((tmp_path / "r.json").read_text())
    row = rep["tasks"]["reasoning"]
    assert row["n"] == 2 and row["score"] == 0.0 and row["tokens"] > 0  # a random model answers nothing right
    log = [json.loads(line) for line in (tmp_path / "out" / "transcripts.jsonl").read_text().splitlines()]
    assert len(log) == 2 and all(rec["prompt_tokens"] > 100 and rec["completion_tokens"] > 0 for rec in log)
    again = flywheel_cli(*args)
    assert again.returncode == 0 and "2 items (2 from an earlier run)" in again.stdout
