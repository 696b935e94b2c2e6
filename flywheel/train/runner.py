"""The two training stages on TRL: `run_sft` (perception or interaction) and `run_rl` (GRPO with the
sandbox as a tool). Each writes the model, its processor, TRL's log (`trl_log.jsonl`) and a
`flywheel_stage.json` summary into its output directory; the curriculum resumes from that file.
"""

from __future__ import annotations

import copy
import json
import os
import time
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from flywheel.catalog import Catalog
from flywheel.core.errors import FlywheelError
from flywheel.train.chat import with_default_tools
from flywheel.train.config import GRPO_DEFAULTS, SFT_DEFAULTS, build_config
from flywheel.train.data import (
    STAGE_KINDS,
    EditedFigure,
    Split,
    grpo_row,
    load_samples,
    place_images,
    require_samples,
    sft_row,
)
from flywheel.train.models import load, require_train, tool_replies_with_images
from flywheel.train.trace import TOOL_SCHEMA

DONE_FILE = "flywheel_stage.json"


@dataclass
class StageSpec:
    """What one stage trains on and how; `config` holds TRL config keys (from YAML)."""

    catalog: Path
    model: str
    out: Path
    where: str | None = None
    config: dict[str, Any] = field(default_factory=dict)
    max_steps: int | None = None
    lora: bool = False
    heldout_fraction: float = 0.2
    seed: int = 0


def _samples(spec: StageSpec, kind: str):
    with Catalog(spec.catalog, read_only=True) as cat:
        found = load_samples(cat, kind, Split.train, spec.where, spec.heldout_fraction, spec.seed)
    where = f"matching --where {spec.where!r}" if spec.where else "in the training split"
    return require_samples(found, kind, f"{where} of {spec.catalog} (needed by this stage)")


def _dataset(rows: list[dict], vision: bool):
    from datasets import Dataset, Image, Sequence

    ds = Dataset.from_list(rows)
    return ds.cast_column("images", Sequence(Image())) if vision and "images" in ds.column_names else ds


def _edited_figure(loaded) -> EditedFigure:
    """SFT shows the edited figure where this model's GRPO rollouts will: in the tool's reply when TRL
    can feed tool images to it, nowhere otherwise (text-only models, Idefics3/SmolVLM)."""
    return EditedFigure.tool_turn if tool_replies_with_images(loaded) else EditedFigure.none


def _peft(lora: bool):
    if not lora:
        return None
    from peft import LoraConfig

    return LoraConfig(r=16, lora_alpha=32, lora_dropout=0.05, target_modules="all-linear", task_type="CAUSAL_LM")


def _load(model: str):
    loaded = load(model)
    # Trainers set truncation and padding state on the tokenizer, which save_pretrained would carry
    # into the next stage (a 160-token SFT limit then cuts GRPO prompts): save an untouched copy.
    loaded.pristine = copy.deepcopy(loaded.processing_class)
    return loaded


def _finish(trainer, loaded, spec: StageSpec, stage: str, rows: int, seconds: float) -> dict:
    model = trainer.model
    if spec.lora and hasattr(model, "merge_and_unload"):
        model = model.merge_and_unload()  # the next stage starts from plain weights
    model.save_pretrained(spec.out)
    loaded.pristine.save_pretrained(spec.out)
    history = trainer.state.log_history
    with open(spec.out / "trl_log.jsonl", "w") as fh:
        fh.writelines(json.dumps(h) + "\n" for h in history)
    steps = trainer.state.global_step
    summary = {"stage": stage, "model": spec.model, "steps": steps, "rows": rows, "seconds": round(seconds, 2),
               "seconds_per_step": round(seconds / max(steps, 1), 2),
               "train_loss": next((h["train_loss"] for h in reversed(history) if "train_loss" in h), None)}
    (spec.out / DONE_FILE).write_text(json.dumps(summary, indent=1))
    return summary


def run_sft(spec: StageSpec, stage: str) -> dict:
    """Supervised fine-tuning on perception samples (point-level answers) or interaction traces."""
    if stage not in STAGE_KINDS:
        raise FlywheelError(f"unknown SFT stage {stage!r}: perception or interaction")
    require_train()
    samples = _samples(spec, STAGE_KINDS[stage])
    os.environ.setdefault("TRL_EXPERIMENTAL_SILENCE", "1")
    from trl import SFTConfig, SFTTrainer

    spec.out.mkdir(parents=True, exist_ok=True)
    cfg = build_config(SFTConfig, SFT_DEFAULTS, spec.config, {"output_dir": str(spec.out), "max_steps": spec.max_steps},
                       "the sft config")
    loaded = _load(spec.model)
    edited = _edited_figure(loaded)
    rows = [sft_row(s, loaded.vision, edited) for s in samples]
    if loaded.vision:  # its collator drops the `tools` column (see chat.with_default_tools)
        pc = loaded.processing_class
        pc.chat_template = with_default_tools(pc.chat_template, [TOOL_SCHEMA])
    trainer = SFTTrainer(model=loaded.model, args=cfg, train_dataset=_dataset(rows, loaded.vision),
                         processing_class=loaded.processing_class, peft_config=_peft(spec.lora))
    if edited == EditedFigure.tool_turn:
        collate = trainer.data_collator
        trainer.data_collator = lambda examples: collate([place_images(e) for e in examples])
    t0 = time.perf_counter()
    trainer.train()
    return _finish(trainer, loaded, spec, f"sft-{stage}", len(rows), time.perf_counter() - t0)


def run_rl(spec: StageSpec, rewards: list[str], num_generations: int | None = None) -> dict:
    """GRPO on interaction prompts; the model's `python` tool calls run in the hardened sandbox."""
    require_train()
    from flywheel.train.environment import environment_factory
    from flywheel.train.rewards import get_rewards

    reward_funcs = get_rewards(rewards)
    samples = _samples(spec, "interaction")
    os.environ.setdefault("TRL_EXPERIMENTAL_SILENCE", "1")
    from trl import GRPOConfig

    spec.out.mkdir(parents=True, exist_ok=True)
    values = dict(spec.config)
    if num_generations is not None:
        values["num_generations"] = num_generations
    if "num_generations" in values and "per_device_train_batch_size" not in values:
        values["per_device_train_batch_size"] = values["num_generations"]  # one prompt per step by default
    cfg = build_config(GRPOConfig, GRPO_DEFAULTS, values, {"output_dir": str(spec.out), "max_steps": spec.max_steps},
                       "the rl config")
    loaded = _load(spec.model)
    rows = [grpo_row(s, loaded.vision) for s in samples]
    log = spec.out / "rollouts.jsonl"
    image_replies = tool_replies_with_images(loaded)
    trainer = _grpo_trainer()(model=loaded.model, reward_funcs=reward_funcs, args=cfg,
                                train_dataset=_dataset(rows, loaded.vision), processing_class=loaded.processing_class,
                                peft_config=_peft(spec.lora), environment_factory=environment_factory(image_replies, log))
    t0 = time.perf_counter()
    trainer.train()
    return _finish(trainer, loaded, spec, "rl", len(rows), time.perf_counter() - t0)


def _text_content(message: dict) -> dict:
    """`message` with its content parts joined into one string, an image part as `<image>`."""
    content = message.get("content")
    if not isinstance(content, list):
        return message
    text = "".join("<image>" if part.get("type") == "image" else part.get("text") or "" for part in content)
    return {**message, "content": text}


def _grpo_trainer():
    """TRL's GRPOTrainer whose completion log (`OUT/completions/*.parquet`) takes tool turns that carry
    images: TRL 1.16 writes a rollout's messages as they are, and a tool reply's list of parts next to
    the assistant's plain-string content makes pyarrow refuse the whole table."""
    from trl import GRPOTrainer

    class Trainer(GRPOTrainer):
        def log(self, logs: dict[str, float], start_time: float | None = None) -> None:
            completions = [[_text_content(m) for m in messages] if isinstance(messages, list) else messages
                           for messages in self._logs["completion"]]
            self._logs["completion"].clear()
            self._logs["completion"].extend(completions)
            super().log(logs, start_time)

    return Trainer
