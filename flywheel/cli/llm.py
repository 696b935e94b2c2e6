"""CLI glue for the LLM path: `synthesize --creator llm` reporting and the `verify --judge` command.

Kept out of cli.py so the LLM options live in one place; nothing heavy is imported at module load
(litellm takes seconds to import), so `flywheel --help` stays fast.
"""

from __future__ import annotations

from pathlib import Path
from typing import Annotated

import typer

from flywheel.cli.console import (
    DEFAULT_CATALOG,
    CatalogOpt,
    err,
    out,
    progress,
    stopped,
    user_errors,
)
from flywheel.core.errors import FlywheelError

BUDGET_EXIT = 3  # distinct from 1 (user error): the run was fine, the money ran out

ApiBaseOpt = Annotated[str | None, typer.Option(
    "--api-base", help="OpenAI-compatible endpoint, e.g. http://localhost:8000/v1 (vLLM, llama.cpp, "
                       "`python tools/llm_server.py`). API keys come only from the environment.")]
ConcurrencyOpt = Annotated[int, typer.Option("--max-concurrency", help="Model calls in flight at once.", min=1)]
TimeoutOpt = Annotated[float, typer.Option(
    "--request-timeout", help="Seconds one model call may take before it is retried (raise it for slow local models).",
    min=1)]
# evolve's copies default to None, so that giving them without --creator llm can be refused.
EvolveConcurrencyOpt = Annotated[int | None, typer.Option(
    "--max-concurrency", help="--creator llm: model calls in flight at once (default 8).", min=1)]
EvolveTimeoutOpt = Annotated[float | None, typer.Option(
    "--request-timeout", help="--creator llm: seconds one model call may take before it is retried (default 120).",
    min=1)]
BudgetOpt = Annotated[float | None, typer.Option(
    "--budget-usd", help=f"Stop cleanly (exit code {BUDGET_EXIT}) once this run's new calls cost this many dollars "
                         "(litellm's prices; cached calls are free; models without a price count as $0).")]


def llm_config(model: str | None, api_base: str | None, max_concurrency: int, budget_usd: float | None,
               timeout_s: float = 120.0):
    from flywheel.llm.client import LLMConfig

    if not model:
        raise FlywheelError("--creator llm needs --model (a litellm model string such as openai/gpt-4o)")
    if budget_usd is not None and budget_usd <= 0:
        raise FlywheelError("--budget-usd must be positive")
    return LLMConfig(model=model, api_base=api_base, max_concurrency=max_concurrency, budget_usd=budget_usd,
                     timeout_s=timeout_s)


def first_line(text: str) -> str:
    return (text.strip().splitlines() or ["(no reason given)"])[0]


def usage_line(usage) -> str:
    u = usage
    return (f"model calls: {u.calls} new, {u.cache_hits} from cache, {u.retries} retries, {u.failures} failed; "
            f"tokens: {u.prompt_tokens} prompt + {u.completion_tokens} completion; cost ${u.cost_usd:.4f}")


def run_llm_synthesis(cfg, llm, repair_rounds: int) -> None:
    """`synthesize --creator llm`: run, print the summary, exit non-zero on budget or exhaustion."""
    from flywheel.llm.synthesize import check_llm_config, synthesize_llm

    check_llm_config(cfg, llm, repair_rounds)
    with progress("synthesize (llm)") as bar:
        run = synthesize_llm(cfg, llm, repair_rounds, on_progress=lambda a, g: bar.update(a, cfg.n, f"accepted · {g} generated"))
    s = run.stats
    if run.status == "failed":  # nothing was made, so there is no summary worth printing
        raise FlywheelError(f"no sample made: every task's model call failed, the first with {first_line(run.message)} "
                            f"(the run is recorded failed; rerun to retry)")
    if run.status == "nothing-to-do":
        out.print(f"{cfg.catalog}: already {s.accepted} accepted samples in this stream; nothing to do")
        return
    rates = ", ".join(f"{k} {v:.0%}" for k, v in sorted(s.as_dict()["verifier_pass_rate"].items()))
    out.print(f"{s.accepted} accepted ({s.accepted - s.accepted_before} new), {s.generated - (s.accepted - s.accepted_before)} "
              f"rejected, from {s.generated} generated in {s.seconds:.1f}s → {cfg.catalog}")
    out.print(f"verifier pass rates: {rates or 'none'}")
    out.print(usage_line(run.usage))
    for e in sorted(s.failures)[:3]:
        err.print(f"a creator call failed: {e}")
    if run.status == "budget":
        stopped(run.message)
        raise typer.Exit(BUDGET_EXIT)
    if s.accepted < cfg.n:
        raise FlywheelError(f"stopped at {s.accepted}/{cfg.n} accepted after {s.generated} tasks; "
                            "see the verdicts: flywheel query \"SELECT verifier, reason FROM verdicts WHERE NOT passed\"")


@user_errors
def verify_command(
    judge: Annotated[str, typer.Option("--judge", help="litellm model string of the judge, e.g. openai/gpt-4o.")],
    catalog: CatalogOpt = DEFAULT_CATALOG,
    where: Annotated[str | None, typer.Option(help="SQL filter on samples (default: every accepted sample), "
                                                   "e.g. \"knowledge_id = 'plane.pythagoras'\".")] = None,
    api_base: ApiBaseOpt = None,
    max_concurrency: ConcurrencyOpt = 8,
    budget_usd: BudgetOpt = None,
    request_timeout: TimeoutOpt = 120.0,
    reject_on_disagreement: Annotated[bool, typer.Option(
        "--reject-on-disagreement", help="Also mark samples the judge disagrees with as rejected. Off by default: "
                                         "the judge's verdict is recorded but never changes acceptance alone.")] = False,
) -> None:
    """Add `judge` verdicts: a model answers each sample's question blind; agreement is recorded."""
    from flywheel.catalog import Catalog
    from flywheel.catalog.store import check_path
    from flywheel.llm.judge import judge_samples

    llm = llm_config(judge, api_base, max_concurrency, budget_usd, request_timeout)
    check_path(Path(catalog), must_exist=True)
    with Catalog(Path(catalog)) as cat, progress("verify (judge)"):
        res = judge_samples(cat, llm, where, reject_on_disagreement)
    out.print(f"judged {res.judged} samples with {judge}: {res.agree} agree, {res.disagree} disagree, "
              f"{res.no_answer} without an answer" + (f", {res.rejected} newly rejected" if reject_on_disagreement else ""))
    out.print(usage_line(res.usage))
    if res.budget_message:
        stopped(res.budget_message)
        raise typer.Exit(BUDGET_EXIT)


def refuse_llm_options(given: dict[str, object]) -> None:
    """`evolve` without --creator llm: model options would be silently ignored, so say so."""
    named = [name for name, value in given.items() if value is not None]
    if named:
        raise FlywheelError(f"{', '.join(named)} only {'apply' if len(named) > 1 else 'applies'} with --creator llm")


def llm_evolve(cfg, per_round: int | None, workers: int | None, model: str | None, api_base: str | None,
               max_concurrency: int | None, budget_usd: float | None, request_timeout: float | None):
    """(the runner, its config) of `evolve --creator llm`, everything checked before any call."""
    from dataclasses import replace
    from functools import partial

    from flywheel.evolve.llm_rounds import DEFAULT_PER_ROUND, evolve_llm

    if workers is not None:
        raise FlywheelError("--workers applies to --creator symbolic; an LLM round runs --max-concurrency calls at once")
    llm = llm_config(model, api_base, max_concurrency or 8, budget_usd, request_timeout or 120.0)
    cfg = replace(cfg, per_round=per_round or DEFAULT_PER_ROUND)
    return partial(evolve_llm, cfg, llm), cfg


def round_lines(stats: dict) -> list[str]:
    """What an LLM round did beyond the round table: knowledge proposals, phases, model usage."""
    if "llm" not in stats:
        return []
    k = stats.get("knowledge_proposals") or {}
    phases = stats.get("llm_streams") or {}
    lines = [f"knowledge: {k.get('proposed', 0)} proposed, {k.get('new', 0)} new "
             f"({k.get('mapped', 0)} mapped to a symbolic generator)"]
    lines += [f"  skipped {why}" for why in k.get("skipped", [])[:5]]
    lines.append("; ".join(f"{name}: {v['accepted']} accepted / {v['generated'] - v['accepted']} rejected"
                           for name, v in phases.items()) or "no samples")
    from flywheel.llm.client import Usage

    lines.append(usage_line(Usage(**stats["llm"])))
    if stats.get("errors"):
        lines.append(f"{len(stats['errors'])} model calls failed for good, e.g. {stats['errors'][0]}")
    return lines


def end_llm_evolve(result) -> None:
    """Totals of `evolve --creator llm`; exit code 3 when the budget stopped it."""
    out.print(f"this run: {usage_line(result.usage)}")
    if result.status == "budget":
        stopped(result.message)
        raise typer.Exit(BUDGET_EXIT)
