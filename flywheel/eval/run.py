"""Drive the loop over every item: bounded concurrency, transcripts, resume, the blind baseline.

Every finished item is one line of `DIR/transcripts.jsonl` (its turns, code, sandbox errors, score)
plus its final edited figure under `DIR/images/`; a rerun with the same DIR skips finished items,
and the model calls of unfinished ones come from the response cache (the catalog's `llm_cache`,
or `DIR/cache.duckdb` for `--bench`), so an interrupted or budget-stopped eval resumes at no cost.

Items run on an executor of run/stream.py, their results committed in item order: `local` is
threads here (all sharing one client, its cache and budget); `ray` sends whole items (model calls
and sandbox runs) to warm Ray actors (run/pool.py::make_pool), each with a client whose cache is
the item's cached turns, found here; the new replies come back with the result and are stored here.
"""

from __future__ import annotations

import contextlib
import json
import re
from collections.abc import Callable, Iterable
from dataclasses import asdict, dataclass, field
from pathlib import Path

from flywheel.catalog import Catalog
from flywheel.core.errors import FlywheelError
from flywheel.eval.items import EvalItem, bench_items, catalog_items
from flywheel.eval.judge import JUDGE_MAX_TOKENS, judge_records
from flywheel.eval.protocol import ApiPolicy, ItemResult, LocalPolicy, Policy, Reply, run_item
from flywheel.llm.cache import CachedResponse, MemoryCache, ResponseCache
from flywheel.llm.client import BudgetExceeded, LLMClient, LLMConfig, LLMError, Usage
from flywheel.run.pool import TaskFailure, make_pool
from flywheel.run.stream import Executor, in_processes, in_threads
from flywheel.train.data import Split
from flywheel.train.environment import TOOL_LIMITS


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
    executor: str = "local"  # local: threads here; ray: whole items on Ray actors (run/pool.py::make_pool)
    ray_address: str | None = None  # --executor ray: none starts a local Ray, `auto` joins a running cluster


@dataclass
class EvalRun:
    cfg: EvalConfig
    results: list[dict] = field(default_factory=list)  # finished items, this run's and earlier ones
    failed: list[str] = field(default_factory=list)  # items whose model call failed (retried next run)
    usage: Usage = field(default_factory=Usage)
    judge_usage: Usage | None = None  # the judge's calls, when --judge
    resumed: int = 0
    executor: dict = field(default_factory=lambda: {"executor": "local"})  # the Ray pool's stats, for the report


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
    local = is_local(cfg.model)
    _check_executor(cfg, local)
    items = load_items(cfg)  # user errors (bad catalog, bad bench file, bad model) before anything is written
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
    progress = _Progress(on_item, len(jobs))
    progress(run)
    if policy is not None and todo:
        _play(in_threads(1), [_on_this_machine(policy, it, b, cfg) for it, b in todo], todo, cfg, run, log, progress)
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
                _play_api(cache, todo, cfg, run, log, progress)
            if cfg.judge is not None:
                _judge(cache, items, cfg, run)
        finally:
            cache.close()
    return run


def _check_executor(cfg: EvalConfig, local: bool) -> None:
    """Refuse an executor setting that cannot work before anything is written: one line saying why."""
    if cfg.executor not in ("local", "ray"):
        raise FlywheelError(f"unknown executor {cfg.executor!r}; choose local or ray")
    if cfg.executor == "local":
        if cfg.ray_address:
            raise FlywheelError("--ray-address needs --executor ray")
        return
    if local:
        raise FlywheelError("--executor ray plays models served over an API; a local: checkpoint runs on this machine")
    from flywheel.run.ray_pool import import_ray

    import_ray()


def _play_api(cache: ResponseCache, todo: list[tuple[EvalItem, bool]], cfg: EvalConfig, run: EvalRun, log: Path,
              progress: _Progress) -> None:
    client = LLMClient(LLMConfig(cfg.model, cfg.api_base, cfg.max_concurrency, cfg.budget_usd,
                                 temperature=0.0, max_tokens=cfg.max_tokens, timeout_s=cfg.timeout_s), cache)
    if cfg.executor == "local":
        policy = ApiPolicy(client)
        try:
            _play(in_threads(cfg.max_concurrency, (LLMError,)), [_on_this_machine(policy, it, b, cfg) for it, b in todo],
                  todo, cfg, run, log, progress)
        finally:
            run.usage = client.usage
        return
    # Ray: each actor plays whole items with its own client; the cache and the log stay here.
    # a turn is a model call (a slow one may be retried once) and a sandbox run; past that the item failed
    task_timeout = cfg.max_turns * (2 * cfg.timeout_s + TOOL_LIMITS.wall_s)
    with make_pool("ray", cfg.max_concurrency, task_timeout, cfg.ray_address) as pool:
        try:
            _play(in_processes(pool, "flywheel.eval.run:play_remote"), (_remote(client, it, b, cfg) for it, b in todo),
                  todo, cfg, run, log, progress, cache)
        finally:
            run.executor = pool.stats()


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


@dataclass
class Played:
    """One finished item, as an executor hands it back."""

    result: ItemResult
    blind: bool
    calls: list = field(default_factory=list)  # a Ray worker's new cache entries (key, messages, params, reply)
    usage: Usage | None = None  # a Ray worker's model usage (threads here share one client and its count)


@dataclass(frozen=True)
class RemoteItem:
    """What a Ray worker needs to play one item away from the catalog."""

    item: EvalItem
    blind: bool
    model: str
    api_base: str | None
    max_turns: int
    max_tokens: int
    timeout_s: float
    cached: dict[str, CachedResponse]  # this item's calls the cache already holds (found by `_remote`)


def play_remote(task: RemoteItem) -> Played:
    """The Ray task: play the item with a client whose cache is the entries sent along; new replies go back."""
    cache = MemoryCache(task.cached)
    client = LLMClient(LLMConfig(task.model, task.api_base, 1, None, temperature=0.0, max_tokens=task.max_tokens,
                                 timeout_s=task.timeout_s), cache)
    res = run_item(ApiPolicy(client), task.item, task.max_turns, task.blind)
    return Played(res, task.blind, cache.new, client.usage)


class _CacheMiss(Exception):
    pass


class _CachedOnly:
    """A policy that answers from the cache only: the turns of an item a worker will not have to ask for."""

    def __init__(self, client: LLMClient) -> None:
        self.client, self.name, self.found = client, client.cfg.model, {}

    def reply(self, messages: list[dict]) -> Reply:
        key, hit = self.client.lookup(messages, temperature=0.0)  # ApiPolicy's call, to the parameter
        if hit is None:
            raise _CacheMiss
        self.found[key] = hit
        return Reply(hit.text, hit.prompt_tokens, hit.completion_tokens, hit.cost_usd)


def _remote(client: LLMClient, item: EvalItem, blind: bool, cfg: EvalConfig) -> RemoteItem:
    """The item for a worker, with its cached turns: replayed here until the first uncached one (each cached
    reply's code runs in the sandbox to know the next turn), so resuming on Ray repeats no call either."""
    replay = _CachedOnly(client)
    with contextlib.suppress(_CacheMiss):
        run_item(replay, item, cfg.max_turns, blind)
    return RemoteItem(item, blind, cfg.model, cfg.api_base, cfg.max_turns, cfg.max_tokens, cfg.timeout_s, replay.found)


def _on_this_machine(policy: Policy, item: EvalItem, blind: bool, cfg: EvalConfig) -> Callable[[], Played]:
    return lambda: Played(run_item(policy, item, cfg.max_turns, blind), blind)


class _Progress:
    def __init__(self, on_item: Callable[[int, int], None] | None, total: int) -> None:
        self.on_item, self.total = on_item, total

    def __call__(self, run: EvalRun) -> None:
        if self.on_item:
            self.on_item(len(run.results), self.total)


def _play(execute: Executor, payloads: Iterable, todo: list[tuple[EvalItem, bool]], cfg: EvalConfig, run: EvalRun,
          log: Path, progress: _Progress, cache: ResponseCache | None = None) -> None:
    """Commit the executor's results in item order: a Ray worker's calls into the cache, every item to the log."""

    def commit(p: Played) -> None:
        for key, messages, params, reply in p.calls:  # only a Ray worker's result has calls (and a cache here)
            cache.put(key, cfg.model, messages, params, reply)
        if p.usage is not None:
            run.usage.add(p.usage)
        run.results.append(_record(p.result, p.blind, cfg, log))
        progress(run)

    def finished_late(res) -> None:  # done while the run stopped (budget, Ctrl-C): kept, so it is never asked again
        if isinstance(res, Played):
            commit(res)

    results = execute(payloads, finished_late)
    try:
        for (it, _), res in zip(todo, results, strict=False):
            if isinstance(res, TaskFailure):  # a model call that failed for good, a lost worker: retried next run
                run.failed.append(it.id)
                continue
            commit(res)
            if res.usage is not None and cfg.budget_usd is not None and run.usage.cost_usd >= cfg.budget_usd:
                raise BudgetExceeded(f"budget of ${cfg.budget_usd:g} spent (${run.usage.cost_usd:.4f} in "
                                     f"{run.usage.calls} calls); rerun the same command with a larger --budget-usd "
                                     "to go on (answers so far are cached)")
    finally:
        results.close()


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
