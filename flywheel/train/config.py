"""TRL's own config classes (`SFTConfig`, `GRPOConfig`) filled from YAML and flags.

Unknown keys are an error naming them, never silently dropped. Flywheel only sets defaults a CPU
smoke run and the trace data need; a YAML value or a flag overrides any of them.
"""

from __future__ import annotations

import dataclasses
from pathlib import Path
from typing import Any

import yaml

from flywheel.core.errors import FlywheelError

SFT_DEFAULTS: dict[str, Any] = {"per_device_train_batch_size": 2, "gradient_accumulation_steps": 1,
                                "learning_rate": 2e-5, "max_length": 2048, "logging_steps": 1, "save_strategy": "no",
                                "report_to": "none", "num_train_epochs": 1, "dataloader_num_workers": 0}
GRPO_DEFAULTS: dict[str, Any] = {"num_generations": 8, "per_device_train_batch_size": 8, "max_completion_length": 512,
                                 "learning_rate": 1e-6, "logging_steps": 1, "save_strategy": "no", "report_to": "none",
                                 "log_completions": True, "max_tool_calling_iterations": 2, "num_train_epochs": 1,
                                 "dataloader_num_workers": 0}


def read_yaml(path: Path | None) -> dict[str, Any]:
    if path is None:
        return {}
    if not Path(path).is_file():
        raise FlywheelError(f"config file {path} does not exist")
    try:
        data = yaml.safe_load(Path(path).read_text()) or {}
    except yaml.YAMLError as exc:
        raise FlywheelError(f"config file {path} is not valid YAML: {str(exc).splitlines()[0]}") from None
    if not isinstance(data, dict):
        raise FlywheelError(f"config file {path} must be a mapping of option: value")
    return data


def build_config(cls: type, defaults: dict[str, Any], values: dict[str, Any], overrides: dict[str, Any], where: str):
    """`cls(**defaults | values | overrides)`, with unknown keys and bad values as one-line user errors."""
    known = {f.name for f in dataclasses.fields(cls) if f.init}
    unknown = sorted(set(values) - known)
    if unknown:
        raise FlywheelError(f"unknown {cls.__name__} option(s) in {where}: {', '.join(unknown)}")
    merged = {**defaults, **_hardware(), **values, **{k: v for k, v in overrides.items() if v is not None}}
    merged = {k: v for k, v in merged.items() if k in known}
    try:
        return cls(**merged)
    except (TypeError, ValueError) as exc:
        raise FlywheelError(f"bad {cls.__name__} in {where}: {str(exc).splitlines()[0]}") from None


def _hardware() -> dict[str, Any]:
    """TRL defaults to bf16, which a CPU-only machine refuses; there, train in float32 on the CPU,
    without gradient checkpointing (TRL's default): memory is plentiful there and recomputing the
    forward pass costs about a third more time per step."""
    import torch

    return {} if torch.cuda.is_available() else {"bf16": False, "use_cpu": True, "gradient_checkpointing": False}
