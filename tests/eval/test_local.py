"""`flywheel eval --model local:PATH` on a checkpoint directory: the random tiny LLaVA of
tools/tiny_models.py, and a checkpoint that `flywheel train sft` itself wrote from it, scored on the
three tasks by the same loop, generation on this machine."""

from __future__ import annotations

import json

import pytest

from flywheel.catalog import Catalog
from flywheel.eval.items import catalog_items
from flywheel.eval.protocol import score_item
from flywheel.train.data import Split
from tests.conftest import FAST_NODES, flywheel_cli
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


def test_a_checkpoint_written_by_train_sft_is_scored_on_the_three_tasks(tiny_vlm, tmp_path):
    from flywheel.run.synthesize import SynthesisConfig, synthesize

    db = tmp_path / "fw.duckdb"
    synthesize(SynthesisConfig(n=9, seed=3, catalog=db, knowledge=FAST_NODES, workers=1,
                               kinds=["interaction", "perception", "instruction"]))
    (tmp_path / "sft.yaml").write_text("max_length: 4096\nper_device_train_batch_size: 1\n")  # whole rows: images stay
    ck = tmp_path / "ck"
    r = flywheel_cli("train", "sft", "-c", str(db), "--model", tiny_vlm, "--stage", "interaction", "--out", str(ck),
                     "--max-steps", "1", "--config", str(tmp_path / "sft.yaml"), "--heldout-fraction", "0")
    assert r.returncode == 0, r.stderr
    assert json.loads((ck / "flywheel_stage.json").read_text())["steps"] == 1

    r = flywheel_cli("eval", "-c", str(db), "--model", f"local:{ck}", "--split", "all", "--max-samples", "1",
                     "--max-tokens", "8", "--max-turns", "2", "--out", str(tmp_path / "out"), "--json", str(tmp_path / "r.json"))
    assert r.returncode == 0, r.stderr
    rep = json.loads((tmp_path / "r.json").read_text())
    assert rep["model"] == f"local:{ck}" and set(rep["tasks"]) == {"perception", "instruction", "reasoning"}
    log = [json.loads(line) for line in (tmp_path / "out" / "transcripts.jsonl").read_text().splitlines()]
    assert sorted(rec["task"] for rec in log) == ["instruction", "perception", "reasoning"]
    with Catalog(db, read_only=True) as cat:
        items = {it.id: it for it in catalog_items(cat, ["perception", "instruction", "reasoning"], Split.all,
                                                   max_samples=1)}
    for rec in log:
        row = rep["tasks"][rec["task"]]
        assert row["n"] == 1 and 1 <= row["mean_turns"] == rec["turns"] <= 2 and row["tokens"] > 100
        assert rec["prompt_tokens"] > 100 and 0 < rec["completion_tokens"] <= 8 * rec["turns"]
        # the score is the scorer's verdict on these very replies (and the final edited figure, if any)
        it = items[rec["id"]]
        edited = (tmp_path / "out" / rec["final_image"]).read_bytes() if rec["final_image"] else None
        text = "\n".join(t["text"] for t in rec["transcript"])
        assert isinstance(rec["score"], float) and 0.0 <= rec["score"] <= 1.0
        assert rec["score"] == round(score_item(it, text, it.image, edited), 6) == row["score"]
    turns = sum(rec["turns"] for rec in log)
    assert f"3 items (0 from an earlier run), {turns} model calls" in " ".join(r.stdout.split())
