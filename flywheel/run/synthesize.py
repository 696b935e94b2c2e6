"""Round 0 of the flywheel: run tasks of a stream through the worker pool and commit them in order.

A *stream* is (seed, knowledge nodes): task i of a stream always draws the same problem, and
outcomes are committed strictly in task order, so an interrupted run resumed later ends with
exactly the accepted ids of an uninterrupted one, and rerunning a finished command adds nothing.
"""

from __future__ import annotations

import time
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path

from flywheel.catalog import Catalog
from flywheel.catalog.store import check_path
from flywheel.core.errors import FlywheelError
from flywheel.core.records import KnowledgeNode, content_id
from flywheel.kinds import kind_of_task
from flywheel.kinds.selection import select_domains
from flywheel.knowledge.seeds import load_seeds, select
from flywheel.run.build import Task, task_seed
from flywheel.run.commit import BatchWriter, RunStats, absorb, in_order, load_duplicates
from flywheel.run.pool import WorkerPool

MAX_TASKS_PER_SAMPLE = 20  # give up when generators reject far more than they accept


@dataclass
class SynthesisConfig:
    n: int
    seed: int = 0
    catalog: Path = Path("flywheel.duckdb")
    seeds: Path | None = None
    knowledge: list[str] | None = None
    workers: int | None = None
    batch_size: int = 32
    task_timeout: float = 60.0
    kinds: list[str] = field(default_factory=lambda: ["interaction"])  # see flywheel/kinds
    domains: list[str] | None = None  # only knowledge nodes of these domains (default: all)


SynthesisStats = RunStats  # round 0's figures; the name is kept for callers


def stream_key(seed: int, node_ids: list[str], kinds: list[str] | None = None) -> str:
    if kinds and kinds != ["interaction"]:  # interaction-only streams keep their original key
        return content_id("synthesize", seed, sorted(node_ids), kinds)
    return content_id("synthesize", seed, sorted(node_ids))


@dataclass(frozen=True)
class Plan:
    seeds: list[KnowledgeNode]  # every node of the seeds file (stored in the catalog)
    nodes: list[KnowledgeNode]  # the ones this stream draws from
    stream: str


def plan(cfg: SynthesisConfig) -> Plan:
    """Check everything the user gave before any work starts: the nodes to draw from and the stream."""
    if cfg.n < 1:
        raise FlywheelError("--n must be at least 1")
    check_path(Path(cfg.catalog), must_exist=False)
    seeds = load_seeds(cfg.seeds)
    nodes = select(seeds, cfg.knowledge)
    if cfg.domains:
        nodes = select_domains(nodes, seeds, cfg.domains)
    return Plan(seeds, nodes, stream_key(cfg.seed, [n.id for n in nodes], cfg.kinds))


def synthesize(
    cfg: SynthesisConfig,
    on_progress: Callable[[int, int], None] | None = None,
    pool: WorkerPool | None = None,
) -> SynthesisStats:
    """Reach `cfg.n` accepted samples in the stream; `pool` lets benchmarks reuse warm workers."""
    p = plan(cfg)
    own = pool is None
    # Fork the workers before DuckDB starts its threads.
    pool = pool or WorkerPool(cfg.workers, cfg.task_timeout, warmup="flywheel.run.build:warm")
    try:
        return _run(cfg, p, pool, on_progress)
    finally:
        if own:
            pool.close()


def _run(cfg: SynthesisConfig, p: Plan, pool: WorkerPool, on_progress: Callable[[int, int], None] | None) -> SynthesisStats:
    nodes, stream = p.nodes, p.stream
    stats = SynthesisStats()
    t0 = time.perf_counter()
    with Catalog(cfg.catalog) as cat:
        cat.upsert_knowledge(p.seeds)
        stats.accepted_before, start = cat.stream_state(stream)
        stats.accepted = stats.accepted_before
        if stats.accepted >= cfg.n:
            return stats
        run_id = cat.start_run("synthesize", {"n": cfg.n, "seed": cfg.seed, "stream": stream,
                                              "knowledge": [n.id for n in nodes], "workers": pool.size})
        dups = load_duplicates(cat)
        limit = start + (cfg.n - stats.accepted) * MAX_TASKS_PER_SAMPLE + 50
        root = str(cat.images.root)
        tasks = (_task(i, nodes, stream, root, cfg.kinds) for i in range(start, limit))
        writer = BatchWriter(cat, run_id, cfg.batch_size)
        status = "interrupted"
        try:
            for out in in_order(pool.imap("flywheel.run.build:build", tasks), start):
                if absorb(out, dups, stats, writer) and stats.accepted >= cfg.n:
                    break
                if on_progress:
                    on_progress(stats.accepted, stats.generated)
            writer.flush()
            status = "done" if stats.accepted >= cfg.n else "exhausted"
        finally:
            stats.seconds = time.perf_counter() - t0
            cat.finish_run(run_id, status, stats.as_dict())
    if on_progress:
        on_progress(stats.accepted, stats.generated)
    return stats


def _task(i: int, nodes: list[KnowledgeNode], stream: str, root: str, kinds: list[str]) -> Task:
    """Task i: with several kinds, consecutive tasks are the kinds of one figure (same node and seed)."""
    kind, fig = kind_of_task(kinds, i)
    return Task(i, nodes[fig % len(nodes)], task_seed(stream, fig), stream, image_root=root, kind=kind)
