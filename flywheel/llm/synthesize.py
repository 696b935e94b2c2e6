"""`flywheel synthesize --creator llm`: tasks of a stream through the LLM creator, committed in order.

Same contract as the symbolic run (flywheel/run/synthesize.py): task i of a stream always sends the same
prompts, outcomes are committed strictly in task order with the duplicate check, and a rerun
resumes where the last one stopped. Tasks run on `max_concurrency` threads (the model calls and the
sandbox processes are where the time goes). Every response is cached in the catalog as it arrives,
so a rerun after a crash or a budget stop replays paid-for calls for free. The run's row in `runs`
carries the call, cache-hit, retry, token and cost counts.
"""

from __future__ import annotations

import time
from collections import deque
from collections.abc import Callable, Iterable
from concurrent.futures import Future, ThreadPoolExecutor
from dataclasses import dataclass, field

from flywheel.catalog import Catalog
from flywheel.catalog.store import check_path
from flywheel.core.errors import FlywheelError
from flywheel.core.records import KnowledgeNode, content_id
from flywheel.knowledge.seeds import load_seeds
from flywheel.llm.cache import ResponseCache
from flywheel.llm.client import BudgetExceeded, LLMClient, LLMConfig, LLMError, Usage
from flywheel.llm.creator import create, sample_id, to_outcome
from flywheel.run.build import Outcome
from flywheel.run.commit import BatchWriter, RunStats, absorb, load_duplicates
from flywheel.run.synthesize import SynthesisConfig, SynthesisStats
from flywheel.verify.duplicate import DuplicateIndex

TASKS_PER_SAMPLE = 5  # model calls cost money: give up sooner than the symbolic creator does


@dataclass
class LLMRun:
    stats: SynthesisStats
    usage: Usage
    status: str = "done"  # done | exhausted | budget | nothing-to-do
    message: str = ""
    extra: dict = field(default_factory=dict)


def llm_nodes(cfg: SynthesisConfig) -> tuple[list[KnowledgeNode], list[KnowledgeNode]]:
    """(every seed node, the knowledge points to write about): any point works, mapped or not."""
    seeds = load_seeds(cfg.seeds)
    by_id = {n.id: n for n in seeds}
    if cfg.knowledge:
        unknown = [i for i in cfg.knowledge if i not in by_id]
        if unknown:
            raise FlywheelError(f"unknown knowledge id(s): {', '.join(unknown)}")
        return seeds, [by_id[i] for i in cfg.knowledge]
    points = [n for n in seeds if n.level == "point"]
    if not points:
        raise FlywheelError("the seeds hold no knowledge point to write problems about")
    return seeds, points


def check_llm_config(cfg: SynthesisConfig, llm: LLMConfig, repair_rounds: int) -> tuple[list, list]:
    """Everything the user gave, checked before any call is paid for."""
    if cfg.n < 1:
        raise FlywheelError("--n must be at least 1")
    if llm.budget_usd is not None and llm.budget_usd <= 0:
        raise FlywheelError("--budget-usd must be positive")
    if repair_rounds < 0:
        raise FlywheelError("--repair-rounds must be 0 or more")
    check_path(cfg.catalog, must_exist=False)
    return llm_nodes(cfg)


def synthesize_llm(cfg: SynthesisConfig, llm: LLMConfig, repair_rounds: int = 1,
                   on_progress: Callable[[int, int], None] | None = None, max_tasks: int | None = None) -> LLMRun:
    """Reach `cfg.n` accepted LLM-made samples in the stream of (model, seed, knowledge points).

    At most `max_tasks` new tasks run (default: TASKS_PER_SAMPLE per missing sample, plus 2).
    """
    seeds, nodes = check_llm_config(cfg, llm, repair_rounds)
    generator = f"llm:{llm.model}"
    stream = content_id("llm", llm.model, cfg.seed, sorted(n.id for n in nodes))
    run = LLMRun(SynthesisStats(), Usage())
    t0 = time.perf_counter()
    with Catalog(cfg.catalog) as cat:
        cat.upsert_knowledge(seeds)
        run.stats.accepted_before, start = cat.stream_state(stream)
        run.stats.accepted = run.stats.accepted_before
        if run.stats.accepted >= cfg.n:
            run.status = "nothing-to-do"
            return run
        # The config row names the model and limits, never the endpoint's key.
        run_id = cat.start_run("synthesize", {"creator": "llm", "model": llm.model, "n": cfg.n, "seed": cfg.seed,
                                              "stream": stream, "knowledge": [n.id for n in nodes],
                                              "max_concurrency": llm.max_concurrency, "budget_usd": llm.budget_usd,
                                              "repair_rounds": repair_rounds})
        cache = ResponseCache(cat)
        client = LLMClient(llm, cache)
        run.usage = client.usage
        dups = load_duplicates(cat)
        writer = BatchWriter(cat, run_id, cfg.batch_size)

        def task(i: int) -> Outcome:
            node = nodes[i % len(nodes)]
            variant = i // len(nodes)
            sid = sample_id(generator, node, cfg.seed, variant)
            checked = create(client, node, sid, variant, repair_rounds, cfg.seed)
            return to_outcome(checked, node, generator, cfg.seed, variant, stream, i)

        limit = start + (max_tasks if max_tasks is not None else (cfg.n - run.stats.accepted) * TASKS_PER_SAMPLE + 2)
        run.status = "interrupted"
        try:
            run.status = _drive(task, range(start, limit), llm.max_concurrency, cfg.n, run, dups, writer, on_progress)
        except BudgetExceeded as exc:
            run.status, run.message = "budget", str(exc)
        finally:
            writer.flush()
            run.stats.seconds = time.perf_counter() - t0
            cat.finish_run(run_id, run.status, {**run.stats.as_dict(), "llm": client.usage.as_dict()})
            cache.close()
    return run


def _drive(task: Callable[[int], Outcome], indices: range, width: int, n: int, run: LLMRun,
           dups: DuplicateIndex, writer: BatchWriter, on_progress: Callable[[int, int], None] | None) -> str:
    """Run tasks `width` at a time, absorbing results in index order; returns the run status."""
    stop = drive(task, indices, width, lambda fut: _take(fut, run, dups, writer, n, on_progress))
    return "done" if stop else "exhausted"


def drive(task: Callable[[int], Outcome], indices: Iterable[int], width: int,
          take: Callable[[Future[Outcome]], bool]) -> bool:
    """Run tasks on `width` threads and hand their futures to `take` strictly in index order.

    Stops early (True) when `take` returns True. An exception of a task (BudgetExceeded) reaches the
    caller through `take`; the tasks still in flight are finished or cancelled first.
    """
    todo = iter(indices)
    window: deque[Future[Outcome]] = deque()
    ex = ThreadPoolExecutor(max(1, width), thread_name_prefix="llm-task")
    try:
        for i in todo:
            window.append(ex.submit(task, i))
            # Keep the threads busy, but commit strictly in order.
            if len(window) >= width and take(window.popleft()):
                return True
        while window:
            if take(window.popleft()):
                return True
        return False
    finally:
        ex.shutdown(wait=True, cancel_futures=True)


def _take(fut: Future[Outcome], run: LLMRun, dups: DuplicateIndex, writer: BatchWriter, n: int,
          on_progress: Callable[[int, int], None] | None) -> bool:
    if take_outcome(fut, run.stats, run.extra, dups, writer) and on_progress:
        on_progress(run.stats.accepted, run.stats.generated)
    return run.stats.accepted >= n


def take_outcome(fut: Future[Outcome], stats: RunStats, extra: dict, dups: DuplicateIndex, writer: BatchWriter) -> bool:
    """Absorb one task's outcome (False when its creator call failed for good: counted, not fatal)."""
    try:
        out = fut.result()
    except LLMError as exc:
        stats.failed_tasks += 1
        extra.setdefault("errors", []).append(str(exc))
        return False
    absorb(out, dups, stats, writer)
    return True
