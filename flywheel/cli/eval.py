"""`flywheel eval`: score a model on VTBench's three tasks with the sandbox in the loop, and
`flywheel eval compare A.json B.json` (base vs trained, normal vs blind)."""

from __future__ import annotations

import json
from enum import StrEnum
from pathlib import Path
from typing import Annotated

import typer

from flywheel.cli.console import Executor, Group, out, progress, stopped, table, user_errors
from flywheel.core.errors import FlywheelError

eval_app = typer.Typer(cls=Group, help="Benchmark a model on perception, instruction and reasoning tasks.")


class EvalSplit(StrEnum):
    heldout = "heldout"
    train = "train"
    all = "all"


@eval_app.callback(invoke_without_command=True)
@user_errors
def eval_(
    ctx: typer.Context,
    catalog: Annotated[Path | None, typer.Option("--catalog", "-c", envvar="FLYWHEEL_CATALOG",
                                                 help="Catalog whose accepted samples are the tasks (and whose llm_cache caches the calls).")] = None,
    model: Annotated[str | None, typer.Option("--model", "-m", help="litellm model string (openai/NAME for an OpenAI-compatible "
                                                                    "server such as vLLM, SGLang, llama.cpp), or local:PATH for a checkpoint "
                                                                    "of `flywheel train` (local:smollm2-135m: the built-in model).")] = None,
    api_base: Annotated[str | None, typer.Option(help="Base URL of an OpenAI-compatible server, e.g. http://127.0.0.1:8000/v1.")] = None,
    bench: Annotated[Path | None, typer.Option(help="Score V-Thinker's VTBench instead: its JSON file (images beside it) instead of -c.")] = None,
    split: Annotated[EvalSplit, typer.Option(help="Side of the training split (by knowledge node and lineage) to score.")] = EvalSplit.heldout,
    tasks: Annotated[str, typer.Option(help="Comma-separated tasks: perception, instruction, reasoning.")] = "perception,instruction,reasoning",
    versions: Annotated[str | None, typer.Option(help="Only samples of these versions (comma-separated), where the catalog has a version column.")] = None,
    max_samples: Annotated[int | None, typer.Option(help="At most N items per task.", min=1)] = None,
    max_turns: Annotated[int, typer.Option(help="Model turns per item; each code block runs in the sandbox and its figure comes back.", min=1)] = 3,
    max_concurrency: Annotated[int, typer.Option(help="Items (and model calls) in flight at once (with --executor ray: "
                                                      "Ray actors).", min=1)] = 4,
    max_tokens: Annotated[int, typer.Option(help="Tokens per model turn.", min=1)] = 1024,
    timeout: Annotated[float, typer.Option(help="Seconds a model call may take before it is retried (a model served on a CPU wants more).", min=1)] = 120.0,
    budget_usd: Annotated[float | None, typer.Option(help="Start no model call once this many dollars were spent; rerun to resume.", min=0)] = None,
    blind: Annotated[bool, typer.Option("--blind", help="Also run every item on a blank figure; report the gap as the task's reliance on vision.")] = False,
    judge: Annotated[str | None, typer.Option(help="Also grade free-form reasoning answers with this LMM judge (a litellm model "
                                                   "string); reported as judge_accuracy beside the deterministic score, never in it.")] = None,
    judge_api_base: Annotated[str | None, typer.Option(help="Base URL of the judge's OpenAI-compatible server (default: the "
                                                            "provider's own endpoint, not --api-base).")] = None,
    executor: Annotated[Executor, typer.Option(help="Where items run: local (threads on this machine) or ray (whole items, model "
                                                    "calls and sandbox runs, on warm Ray actors of a local Ray or a cluster; needs "
                                                    "`pip install 'flywheel[ray]'`). The cache, the log and the report stay here.")] = Executor.local,
    ray_address: Annotated[str | None, typer.Option(help="--executor ray: the cluster to join, e.g. auto (default: start a local Ray "
                                                         "with --max-concurrency CPUs).")] = None,
    heldout_fraction: Annotated[float, typer.Option(help="Share of knowledge groups held out (as in `train`).", min=0, max=1)] = 0.2,
    json_out: Annotated[Path | None, typer.Option("--json", help="Also write the report as JSON to this file.")] = None,
    out_dir: Annotated[Path | None, typer.Option("--out", "-o", help="Directory for transcripts.jsonl, final figures, report.json "
                                                                    "and chart.png; rerunning with it resumes (default eval-MODEL).")] = None,
) -> None:
    """Score MODEL on perception (points), instruction (drawing) and interactive reasoning (answers), the
    model's code running in the hardened sandbox on the figure. Deterministic scores; resumable."""
    if ctx.invoked_subcommand is not None:
        return
    from flywheel.eval.report import chart, summarize
    from flywheel.eval.run import EvalConfig, evaluate
    from flywheel.llm.client import BudgetExceeded
    from flywheel.train.data import Split

    if not model:
        raise FlywheelError("--model is required (e.g. openai/NAME with --api-base, or local:PATH)")
    if judge_api_base and not judge:
        raise FlywheelError("--judge-api-base needs --judge MODEL")
    if (catalog is None) == (bench is None):
        raise FlywheelError("give either --catalog/-c (or FLYWHEEL_CATALOG) or --bench, not both or neither")
    slug = "".join(c if c.isalnum() or c in "-_." else "_" for c in model)
    cfg = EvalConfig(model=model, out=out_dir or Path(f"eval-{slug}"), catalog=catalog, bench=bench, api_base=api_base,
                     split=Split(split.value), tasks=tuple(_tasks(tasks)),
                     versions=tuple(v.strip() for v in (versions or "").split(",") if v.strip()),
                     max_samples=max_samples, max_turns=max_turns, max_concurrency=max_concurrency,
                     budget_usd=budget_usd, max_tokens=max_tokens, timeout_s=timeout, blind=blind, heldout_fraction=heldout_fraction,
                     judge=judge, judge_api_base=judge_api_base, executor=executor.value, ray_address=ray_address)
    with progress("eval") as p:
        try:
            run = evaluate(cfg, lambda done, total: p.update(done, total, phase="items"))
        except BudgetExceeded as exc:
            stopped(str(exc))
            raise typer.Exit(2) from None
    rep = summarize(run.results, model, run.usage.as_dict(), str(bench or catalog))
    if run.judge_usage is not None:
        rep["judge"] = {"model": judge, "usage": run.judge_usage.as_dict()}
    rep["failed"] = run.failed
    rep["executor"] = run.executor
    (cfg.out / "report.json").write_text(json.dumps(rep, indent=1))
    if json_out is not None:
        json_out.write_text(json.dumps(rep, indent=1))
    chart(rep, cfg.out / "chart.png")
    print_report(rep)
    u = run.usage
    out.print(f"{len(run.results)} items ({run.resumed} from an earlier run), {u.calls} model calls, {u.cache_hits} cached, "
              f"{u.prompt_tokens + u.completion_tokens} tokens, ${u.cost_usd:.4f}; transcripts, report.json, chart.png → {cfg.out}")
    if run.judge_usage is not None:
        j = run.judge_usage
        out.print(f"judge {judge}: {j.calls} calls, {j.cache_hits} cached, {j.failures} failed calls, ${j.cost_usd:.4f}")
    if run.failed:
        out.print(f"{len(run.failed)} item(s) failed at the model call; rerun the same command to retry them")
        raise typer.Exit(1)


def _tasks(text: str) -> list[str]:
    from flywheel.eval.items import parse_tasks

    return parse_tasks(text)


def print_report(rep: dict) -> None:
    t = table("task", "n", "score", "95% CI", "tool use", "sandbox errors", "turns", "tokens", "cost",
              title=f"{rep['model']} on {rep['source']}")
    for task, r in rep["tasks"].items():
        t.add_row(task, str(r["n"]), f"{r['score']:.3f}", f"{r['ci95'][0]:.3f}–{r['ci95'][1]:.3f}",
                  f"{r['tool_use_rate']:.0%}", f"{r['sandbox_error_rate']:.0%}", f"{r['mean_turns']:.2f}", str(r["tokens"]),
                  f"${r['cost_usd']:.4f}")
    out.print(t)
    judged = {task: r for task, r in rep["tasks"].items() if "judge_n" in r}
    if judged:
        j = table("task", "judged", "judge accuracy", "95% CI", "judge failures", "deterministic score",
                  title=f"LMM judge {rep.get('judge', {}).get('model', '')} (free-form answers; not part of the score)")
        for task, r in judged.items():
            acc = "-" if r["judge_accuracy"] is None else f"{r['judge_accuracy']:.3f}"
            j.add_row(task, str(r["judge_n"]), acc, f"{r['judge_ci95'][0]:.3f}–{r['judge_ci95'][1]:.3f}",
                      str(r["judge_failures"]), f"{r['score']:.3f}")
        out.print(j)
    for group, values in rep["by"].items():
        g = table(group, *rep["tasks"], title=f"score by {group}")
        for value, per_task in values.items():
            g.add_row(value, *(f"{per_task[k]['score']:.3f} (n={per_task[k]['n']})" if k in per_task else "-"
                               for k in rep["tasks"]))
        out.print(g)
    if rep["blind"]:
        b = table("task", "figure", "blank figure", "reliance on vision", title="blind baseline")
        for task, gap in rep["vision_reliance"].items():
            b.add_row(task, f"{rep['tasks'][task]['score']:.3f}", f"{rep['blind'][task]['score']:.3f}", f"{gap:+.3f}")
        out.print(b)


@eval_app.command("compare")
@user_errors
def compare_(a: Annotated[Path, typer.Argument(help="Report JSON of the first run (e.g. the base model).")],
             b: Annotated[Path, typer.Argument(help="Report JSON of the second run (e.g. the trained model).")],
             json_out: Annotated[Path | None, typer.Option("--json", help="Also write the comparison as JSON.")] = None) -> None:
    """Two eval reports side by side: scores per task and every item whose score changed."""
    from flywheel.eval.report import compare, read_report

    c = compare(read_report(a), read_report(b))
    t = table("task", f"A: {c['a']}", f"B: {c['b']}", "B − A")
    for task, r in c["tasks"].items():
        t.add_row(task, *("-" if r[k] is None else f"{r[k]:.3f}" for k in ("a", "b")),
                  "-" if r["delta"] is None else f"{r['delta']:+.3f}")
    out.print(t)
    judged = {task: r for task, r in c["tasks"].items() if "judge_a" in r}
    if judged:
        j = table("task", "A", "B", title="LMM judge accuracy (not part of the score)")
        for task, r in judged.items():
            j.add_row(task, *("-" if r[k] is None else f"{r[k]:.3f}" for k in ("judge_a", "judge_b")))
        out.print(j)
    items = table("item", "A", "B", "B − A", title="items whose score changed")
    for row in c["changed"]:
        items.add_row(row["id"], f"{row['a']:.3f}", f"{row['b']:.3f}", f"{row['delta']:+.3f}")
    out.print(items)
    out.print(f"{c['common_items']} items in both runs: {c['better']} better, {c['worse']} worse")
    if json_out is not None:
        json_out.write_text(json.dumps(c, indent=1))
