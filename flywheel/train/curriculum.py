"""V-Thinker's progressive curriculum as one command: perception SFT → interaction SFT → GRPO, each
stage starting from the checkpoint of the one before, all from one YAML:

    model: local:smollm2-135m      # optional; --model wins
    where: "domain = 'plane_geometry'"
    lora: false
    stages:
      perception:  {max_steps: 100, config: {learning_rate: 1.0e-5}}   # SFTConfig keys
      interaction: {max_steps: 200, config: {max_length: 4096}}
      rl:          {max_steps: 100, rewards: [accuracy, format, tool], config: {num_generations: 8}}  # GRPOConfig

A stage whose output directory holds `flywheel_stage.json` is finished and skipped, so a rerun
resumes after the last finished stage. A stage left out of `stages` is skipped too (perception
is skipped when the catalog has no perception samples and `stages.perception` is absent).
"""

from __future__ import annotations

import json
from collections.abc import Callable
from pathlib import Path
from typing import Any

from flywheel.core.errors import FlywheelError
from flywheel.train.config import read_yaml
from flywheel.train.runner import DONE_FILE, StageSpec, run_rl, run_sft

ORDER = ("perception", "interaction", "rl")
TOP_KEYS = {"model", "where", "lora", "heldout_fraction", "seed", "stages"}
STAGE_KEYS = {"max_steps", "config", "rewards", "where"}


def read_curriculum(path: Path | None) -> dict[str, Any]:
    data = read_yaml(path)
    unknown = sorted(set(data) - TOP_KEYS)
    if unknown:
        raise FlywheelError(f"unknown curriculum key(s) in {path}: {', '.join(unknown)} (known: {', '.join(sorted(TOP_KEYS))})")
    data["explicit"] = "stages" in data  # the default plan skips perception on a catalog without any
    stages = data.get("stages") or {name: {} for name in ORDER}
    if not isinstance(stages, dict):
        raise FlywheelError(f"`stages` in {path} must map stage names to settings")
    for name, body in stages.items():
        if name not in ORDER:
            raise FlywheelError(f"unknown stage {name!r} in {path} (stages: {', '.join(ORDER)})")
        bad = sorted(set(body or {}) - STAGE_KEYS)
        if bad:
            raise FlywheelError(f"unknown key(s) for stage {name} in {path}: {', '.join(bad)}")
    data["stages"] = {k: dict(v or {}) for k, v in stages.items()}
    return data


def run_curriculum(catalog: Path, model: str | None, out: Path, cfg: dict[str, Any],
                   on_stage: Callable[[str, str, dict | None], None] = lambda *a: None) -> list[dict]:
    """Run the stages in order; returns each stage's summary (finished ones read back from disk)."""
    current = model or cfg.get("model")
    if not current:
        raise FlywheelError("give --model or `model:` in the curriculum YAML")
    summaries = []
    for name in ORDER:
        if name not in cfg["stages"]:
            continue
        body = cfg["stages"][name]
        stage_out = out / name
        done = stage_out / DONE_FILE
        if name == "perception" and not cfg.get("explicit") and not _has_perception(catalog):
            on_stage(name, "skipped (the catalog has no perception samples: flywheel synthesize --kinds "
                     "interaction,perception makes them)", None)
            continue
        if done.exists():
            summary = json.loads(done.read_text())
            on_stage(name, "skipped (finished before)", summary)
        else:
            on_stage(name, "running", None)
            spec = StageSpec(catalog, current, stage_out, body.get("where", cfg.get("where")), body.get("config") or {},
                             body.get("max_steps"), bool(cfg.get("lora", False)), float(cfg.get("heldout_fraction", 0.2)),
                             int(cfg.get("seed", 0)))
            summary = run_rl(spec, body.get("rewards") or ["accuracy", "format", "tool"]) if name == "rl" \
                else run_sft(spec, name)
            on_stage(name, "done", summary)
        summaries.append(summary)
        current = str(stage_out)
    return summaries


def _has_perception(catalog: Path) -> bool:
    from flywheel.catalog import Catalog
    from flywheel.catalog.samples import count_accepted

    with Catalog(catalog, read_only=True) as cat:
        return count_accepted(cat, "perception") > 0
