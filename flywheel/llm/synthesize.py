"""`flywheel synthesize --creator llm`: tasks of a stream through the LLM creator, committed in order.

Same contract as the symbolic run (flywheel/run/synthesize.py): task i of a stream always sends the same
prompts, outcomes are committed strictly in task order with the duplicate check, and a rerun
resumes where the last one stopped. Tasks run on `max_concurrency` threads (the model calls and the
sandbox processes are where the time goes). Every response is cached in the catalog as it arrives,
so a rerun after a crash or a budget stop replays paid-for calls for free. The run's row in `runs`
carries the call, cache-hit, retry, token and cost counts.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Iterator
from dataclasses import dataclass
from functools import partial

from flywheel.catalog import Catalog
from flywheel.catalog.store import check_path
from flywheel.core.errors import FlywheelError
from flywheel.core.records import KnowledgeNode, content_id
from flywheel.knowledge.seeds import load_seeds, split_ids
from flywheel.llm.cache import ResponseCache
from flywheel.llm.client import BudgetExceeded, LLMClient, LLMConfig, LLMError, Usage
from flywheel.llm.creator import create, sample_id, to_outcome
from flywheel.run.build import Outcome
from flywheel.run.pool import TaskFailure
from flywheel.run.stream import Discard, Executor, NewRun, Result, in_threads, run_stream
from flywheel.run.synthesize import SynthesisConfig, SynthesisStats

TASKS_PER_SAMPLE = 5  # model calls cost money: give up sooner than the symbolic creator does


@dataclass
class LLMRun:
    stats: SynthesisStats  # stats.failures: the creator calls that failed for good, by reason
    usage: Usage
    status: str = "done"  # done | exhausted | budget | failed | nothing-to-do
    message: str = ""


class NothingMade(Exception):
    """Every task of a run failed on a model call and none made a sample: the endpoint is at fault
    (a wrong URL or model, a dead server), not the problems, so the run is `failed`, not done."""


def model_calls(width: int) -> Executor:
    """The LLM paths' executor: tasks on `width` threads, a call that failed for good is that task's
    failure, and a run in which every task failed so ends with NothingMade (the first reason).

    Raised after the last result, so whatever the stream queued is still committed; as a `halts`
    entry it closes the run's row `failed` instead of `exhausted` or `done`.
    """
    threads = in_threads(width, failures=(LLMError,))

    def run(payloads: Iterable[Callable[[], Outcome]], discard: Discard) -> Iterator[Result]:
        made, first = 0, ""
        for res in threads(payloads, discard):
            if isinstance(res, TaskFailure):
                first = first or res.reason
            elif res.sample is not None:
                made += 1
            yield res
        if first and not made:
            raise NothingMade(first)

    return run


def llm_nodes(cfg: SynthesisConfig) -> tuple[list[KnowledgeNode], list[KnowledgeNode]]:
    """(every seed node, the knowledge points to write about): any point works, mapped or not."""
    seeds = load_seeds(cfg.seeds)
    by_id = {n.id: n for n in seeds}
    if cfg.knowledge:
        ids = split_ids(cfg.knowledge, by_id)
        unknown = [i for i in ids if i not in by_id]
        if unknown:
            raise FlywheelError(f"unknown knowledge id(s): {', '.join(unknown)}")
        return seeds, [by_id[i] for i in ids]
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
    with Catalog(cfg.catalog) as cat:
        cat.upsert_knowledge(seeds)
        cache = ResponseCache(cat)
        client = LLMClient(llm, cache)

        def task(i: int) -> Outcome:
            node = nodes[i % len(nodes)]
            variant = i // len(nodes)
            sid = sample_id(generator, node, cfg.seed, variant)
            checked = create(client, node, sid, variant, repair_rounds, cfg.seed)
            return to_outcome(checked, node, generator, cfg.seed, variant, stream, i)

        def tasks(start: int, accepted: int) -> Iterator[Callable[[], Outcome]]:
            limit = start + (max_tasks if max_tasks is not None else (cfg.n - accepted) * TASKS_PER_SAMPLE + 2)
            return (partial(task, i) for i in range(start, limit))

        # The config row names the model and limits, never the endpoint's key.
        run = NewRun("synthesize", {"creator": "llm", "model": llm.model, "n": cfg.n, "seed": cfg.seed,
                                    "stream": stream, "knowledge": [n.id for n in nodes],
                                    "max_concurrency": llm.max_concurrency, "budget_usd": llm.budget_usd,
                                    "repair_rounds": repair_rounds},
                     extra=lambda: {"llm": client.usage.as_dict()})
        progress = (lambda s: on_progress(s.accepted, s.generated)) if on_progress else None
        try:
            stats = run_stream(cat, stream, tasks, model_calls(llm.max_concurrency), run=run,
                               batch_size=cfg.batch_size, stop_at=cfg.n, progress=progress,
                               halts={BudgetExceeded: "budget", NothingMade: "failed"},
                               keep_rejected_images=cfg.keep_rejected_images)
        finally:
            cache.close()
    return LLMRun(stats, client.usage, stats.status, stats.message)
