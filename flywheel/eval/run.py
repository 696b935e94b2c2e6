"""Drive the loop over every item: bounded concurrency, transcripts, resume, the blind baseline.

Every finished item is one line of `DIR/transcripts.jsonl` (its turns, code, sandbox errors, score)
plus its final edited figure under `DIR/images/`; a rerun with the same DIR skips finished items,
and the model calls of unfinished ones come from the response cache (the catalog's `llm_cache`,
or `DIR/cache.duckdb` for `--bench`), so an interrupted or budget-stopped eval resumes at no cost.
"""

from __future__ import annotations

import json
import re
from collections.abc import Callable
from concurrent.futures import ThreadPoolExecutor, as_completed
from dataclasses import asdict, dataclass, field
from pathlib import Path

from flywheel.catalog import Catalog
from flywheel.core.errors import FlywheelError
from flywheel.eval.items import EvalItem, bench_items, catalog_items
from flywheel.eval.judge import JUDGE_MAX_TOKENS, judge_records
from flywheel.eval.protocol import ApiPolicy, ItemResult, LocalPolicy, Policy, run_item
from flywheel.llm.cache import ResponseCache
from flywheel.llm.client import LLMClient, LLMConfig, LLMError, Usage
from flywheel.train.data import Split


@dataclass(frozen=True)
class EvalConfig:
    model: str
    out: Path
    catalog: Path | None = None
    bench: Path | None = None
    api_base: str | None = None
    split: Split = Split.heldout
    tasks: tuple[str, ...] = ("perception", "instruction", "reasoning")
    versions: tuple[str, ...] = ()
    max_samples: int | None = None  # per task
    max_turns: int = 3
    max_concurrency: int = 4
    timeout_s: float = 120.0  # per model call; a CPU-served model wants more
    budget_usd: float | None = None
    max_tokens: int = 1024
    where: str | None = None  # SQL filter on the catalog's samples
    blind: bool = False  # also run every item on a blank figure
    heldout_fraction: float = 0.2
    seed: int = 0
    judge: str | None = None  # an LMM judge of free-form reasoning answers (eval/judge.py), reported apart
    judge_api_base: str | None = None


@dataclass
class EvalRun:
    cfg: EvalConfig
    results: list[dict] = field(default_factory=list)  # finished items, this run's and earlier ones
    failed: list[str] = field(default_factory=list)  # items whose model call failed (retried next run)
    usage: Usage = field(default_factory=Usage)
    judge_usage: Usage | None = None  # the judge's calls, when --judge
    resumed: int = 0


def load_items(cfg: EvalConfig) -> list[EvalItem]:
    if cfg.bench is not None:
        return bench_items(cfg.bench, list(cfg.tasks), cfg.max_samples)
    with Catalog(cfg.catalog, read_only=True) as cat:
        return catalog_items(cat, list(cfg.tasks), cfg.split, list(cfg.versions), cfg.max_samples,
                             cfg.heldout_fraction, cfg.seed, cfg.where)


def evaluate(cfg: EvalConfig, on_item: Callable[[int, int], None] | None = None) -> EvalRun:
    """Run (or resume) the eval; `on_item(done, total)` reports progress."""
    if cfg.max_turns < 1:
        raise FlywheelError("--max-turns must be at least 1")
    items = load_items(cfg)  # user errors (bad catalog, bad bench file, bad model) before anything is written
    local = is_local(cfg.model)
    policy = LocalPolicy(_local_path(cfg.model), cfg.max_tokens) if local else None
    jobs = [(it, blind) for blind in ((False, True) if cfg.blind else (False,)) for it in items]
    cfg.out.mkdir(parents=True, exist_ok=True)
    (cfg.out / "images").mkdir(exist_ok=True)
    log = cfg.out / "transcripts.jsonl"
    done = _finished(log, cfg.model)
    run = EvalRun(cfg)
    run.results = [done[_key(it.id, b)] for it, b in jobs if _key(it.id, b) in done]
    run.resumed = len(run.results)
    todo = [(it, b) for it, b in jobs if _key(it.id, b) not in done]
    if on_item:
        on_item(len(run.results), len(jobs))
    if policy is not None and todo:
        _play(policy, todo, 1, cfg, run, log, on_item, len(jobs))
        new = run.results[run.resumed:]  # a local model's generations, counted like API calls (never cached)
        run.usage = Usage(calls=sum(r["turns"] for r in new), prompt_tokens=sum(r["prompt_tokens"] for r in new),
                          completion_tokens=sum(r["completion_tokens"] for r in new))
    if (policy is not None or not todo) and cfg.judge is None:
        return run
    cache_db = cfg.catalog if cfg.bench is None else cfg.out / "cache.duckdb"
    with Catalog(cache_db) as cat:
        cache = ResponseCache(cat)
        try:
            if policy is None and todo:
                _play_api(cache, todo, cfg, run, log, on_item, len(jobs))
            if cfg.judge is not None:
                _judge(cache, items, cfg, run)
        finally:
            cache.close()
    return run


def _play_api(cache: ResponseCache, todo: list[tuple[EvalItem, bool]], cfg: EvalConfig, run: EvalRun, log: Path,
              on_item, total: int) -> None:
    client = LLMClient(LLMConfig(cfg.model, cfg.api_base, cfg.max_concurrency, cfg.budget_usd,
                                 temperature=0.0, max_tokens=cfg.max_tokens, timeout_s=cfg.timeout_s), cache)
    try:
        _play(ApiPolicy(client), todo, cfg.max_concurrency, cfg, run, log, on_item, total)
    finally:
        run.usage = client.usage


def _judge(cache: ResponseCache, items: list[EvalItem], cfg: EvalConfig, run: EvalRun) -> None:
    """Judge every finished reasoning item (this run's and resumed ones: cached verdicts cost nothing)."""
    left = None if cfg.budget_usd is None else max(0.0, cfg.budget_usd - run.usage.cost_usd)
    client = LLMClient(LLMConfig(cfg.judge, cfg.judge_api_base, cfg.max_concurrency, left, temperature=0.0,
                                 max_tokens=JUDGE_MAX_TOKENS, timeout_s=cfg.timeout_s), cache)
    try:
        judge_records(client, {it.id: it for it in items}, run.results, cfg.max_concurrency)
    finally:
        run.judge_usage = client.usage


def is_local(model: str) -> bool:
    return model.startswith("local:") or Path(model).is_dir()


def _local_path(model: str) -> str:
    """`local:PATH` names a checkpoint directory (or a hub id); `local:smollm2-135m` stays a built-in name."""
    from flywheel.train.models import BUILTIN

    return model if model in BUILTIN else model.removeprefix("local:")


def _play(policy: Policy, todo: list[tuple[EvalItem, bool]], workers: int, cfg: EvalConfig, run: EvalRun,
          log: Path, on_item, total: int) -> None:
    with ThreadPoolExecutor(max(1, workers)) as pool:
        futures = {pool.submit(run_item, policy, it, cfg.max_turns, b): (it, b) for it, b in todo}
        try:
            for fut in as_completed(futures):
                it, blind = futures[fut]
                try:
                    res = fut.result()
                except LLMError:
                    run.failed.append(it.id)
                    continue
                run.results.append(_record(res, blind, cfg, log))
                if on_item:
                    on_item(len(run.results), total)
        except BaseException:
            for f in futures:  # a budget stop or Ctrl-C: finished items are logged, the rest resume
                f.cancel()
            raise


def _key(item_id: str, blind: bool) -> str:
    return f"{item_id}|{'blind' if blind else 'figure'}"


def _finished(log: Path, model: str) -> dict[str, dict]:
    out = {}
    if log.exists():
        for line in log.read_text().splitlines():
            try:
                rec = json.loads(line)
            except ValueError:  # a line cut short by a crash: that item runs again (from the cache)
                continue
            if rec.get("model") == model:
                out[_key(rec["id"], rec["blind"])] = rec
    return out


def _record(res: ItemResult, blind: bool, cfg: EvalConfig, log: Path) -> dict:
    image = None
    if res.final_png is not None:
        image = f"images/{_safe(res.id)}{'-blind' if blind else ''}.png"
        (cfg.out / image).write_bytes(res.final_png)
    rec = {"model": cfg.model, "id": res.id, "task": res.task, "domain": res.domain, "difficulty": res.difficulty,
           "version": res.version, "blind": blind, "score": round(res.score, 6), "answer": res.answer,
           "turns": len(res.turns), "tool_calls": res.tool_calls, "sandbox_errors": res.sandbox_errors,
           "prompt_tokens": res.prompt_tokens, "completion_tokens": res.completion_tokens,
           "cost_usd": round(res.cost_usd, 6), "final_image": image,
           "transcript": [asdict(t) for t in res.turns]}
    with open(log, "a") as fh:  # one writer: results arrive on the main thread
        fh.write(json.dumps(rec) + "\n")
    return rec


def _safe(item_id: str) -> str:
    return re.sub(r"[^A-Za-z0-9_.-]", "_", item_id)
