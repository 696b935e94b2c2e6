"""`flywheel evolve`: rounds of plan → generate → execute → verify → repair → store.

Round r plans its jobs from rounds < r only (evolvers/state.py), runs them as an ordered stream,
then repairs rejects in two passes, each its own stream. Every stream commits in task order, so a
round killed at any point and started again resumes at the next task of the stream it was in and
ends with the rows of an uninterrupted round. A round is finished when its `runs` row says done.
"""

from __future__ import annotations

import random
import time
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path

from flywheel.catalog import Catalog
from flywheel.catalog.images import store_root
from flywheel.catalog.runs import (
    accepted_count,
    finished_rounds,
    mark_interrupted,
    round_config_row,
)
from flywheel.catalog.store import check_path
from flywheel.core.errors import FlywheelError
from flywheel.core.records import content_id
from flywheel.evolve import difficulty, diversity, quality
from flywheel.evolve.report import axis_stats, round_stats
from flywheel.evolve.state import SYMBOLIC, CatalogView, Job, _nodes
from flywheel.render.question import DEFAULT_VERSIONS
from flywheel.run.build import Task
from flywheel.run.pool import Workers, make_pool
from flywheel.run.stream import RunStats, in_processes, listed, run_stream

AXES = ("diversity", "quality", "difficulty")
# Share of a round's budget per planner; renormalised over the axes a user selects.
SHARES = {
    ("difficulty", "sequential"): 0.35, ("difficulty", "parallel"): 0.15,
    ("diversity", "compose"): 0.20, ("diversity", "coverage"): 0.30,
}
PLANNERS = {
    "sequential": difficulty.sequential, "parallel": difficulty.parallel,
    "compose": diversity.compose,
}
REPAIR_PASSES = 2

Progress = Callable[[str, int, int], None]  # (phase, done, total)


@dataclass
class EvolveConfig:
    rounds: int
    catalog: Path = Path("flywheel.duckdb")
    axes: tuple[str, ...] = AXES
    per_round: int = 300
    seed: int = 1
    workers: int | None = None
    batch_size: int = 32
    task_timeout: float = 60.0
    versions: list[str] = field(default_factory=lambda: list(DEFAULT_VERSIONS))  # of each grown problem
    executor: str = "local"  # local | ray (run/pool.py::make_pool)
    ray_address: str | None = None  # --executor ray: none starts a local Ray, `auto` joins a running cluster
    images: str | None = None  # --images: the PNG store (a directory or an fsspec URL); None: the catalog's
    keep_rejected_images: bool = False  # rejected samples keep their PNGs too (else only rows and verdicts)


@dataclass
class EvolveResult:
    done_before: int  # rounds finished before this call
    rounds: list[dict] = field(default_factory=list)  # stats of the rounds this call ran
    compacted: tuple[int, int] | None = None  # catalog bytes before and after the rewrite that ended the call


def validate(cfg: EvolveConfig) -> None:
    if cfg.rounds < 1:
        raise FlywheelError("--rounds must be at least 1")
    if cfg.per_round < 1:
        raise FlywheelError("--per-round must be at least 1")
    bad = [a for a in cfg.axes if a not in AXES]
    if bad or not cfg.axes:
        raise FlywheelError(f"unknown axis {', '.join(bad) or '(none given)'}; choose from {', '.join(AXES)}")
    check_path(Path(cfg.catalog), must_exist=True)
    if cfg.images:
        store_root(cfg.images)
    with Catalog(cfg.catalog, read_only=True) as cat:
        n = accepted_count(cat)
    if not n:
        raise FlywheelError(f"no accepted samples in {cfg.catalog}: run `flywheel synthesize --catalog {cfg.catalog}` first")


def evolve(cfg: EvolveConfig, progress: Progress | None = None, on_round: Callable[[dict], None] | None = None) -> EvolveResult:
    """Run rounds until the catalog has `cfg.rounds` finished evolution rounds."""
    validate(cfg)
    pool = make_pool(cfg.executor, cfg.workers, cfg.task_timeout, cfg.ray_address)  # fork before DuckDB
    try:
        with Catalog(cfg.catalog) as cat:
            cat.use_images(cfg.images)
            result = EvolveResult(finished_rounds(cat))
            for r in range(result.done_before + 1, cfg.rounds + 1):
                stats = run_round(cat, pool, cfg, r, progress)
                result.rounds.append(stats)
                if on_round:
                    on_round(stats)
            if result.rounds:
                # A round writes hundreds of small batches: their checkpoints leave free blocks that
                # DuckDB never returns (a 20K catalog doubled in one round); rewrite it once here.
                result.compacted = cat.compact()
            return result
    finally:
        pool.close()


def round_config(cat: Catalog, cfg: EvolveConfig, r: int, creator: dict | None = None) -> dict:
    """A resumed round keeps the settings it started with, so it re-plans the same jobs.

    `creator` ({"creator": "llm", "model": …}) marks a round made by a model; symbolic rounds carry
    no such key, so their config (and stream names) stay what they always were.
    """
    conf = round_config_row(cat, r)
    if conf is not None:
        started, asked = conf.get("creator", "symbolic"), (creator or {}).get("creator", "symbolic")
        if started != asked:
            raise FlywheelError(f"round {r} was started with --creator {started}; finish it with --creator {started} "
                                f"(and the same --model) before running --creator {asked} rounds")
        return conf
    return {"seed": cfg.seed, "per_round": cfg.per_round, "axes": sorted(cfg.axes), **(creator or {})}


def begin_round(cat: Catalog, conf: dict, r: int) -> tuple[str, str]:
    """(run id of the round's row, the round's key); earlier unfinished rows of the round are marked.

    The key hashes the round's config: its streams are `evolve:<r>:<key>…`, its plans seeded by it.
    """
    mark_interrupted(cat, r)
    return cat.start_run("evolve", conf, axis="round", round_=r), content_id("evolve", r, conf)


def end_round(cat: Catalog, conf: dict, r: int, run_id: str, t0: float, extra: dict[str, dict] | None = None) -> dict:
    """Measure the round from the catalog, write one `runs` row per axis, mark the round done.

    `extra` adds figures the catalog cannot tell (an LLM round's usage) to the row of each axis
    named in it, and `extra["round"]` to the round's row.
    """
    extra = extra or {}
    stats = round_stats(cat, r)
    stats["seconds"] = round(time.perf_counter() - t0, 1)
    stats.update(extra.get("round", {}))
    for axis in conf["axes"]:
        rid = cat.start_run("evolve", conf, axis=axis, round_=r)
        cat.finish_run(rid, "done", {**axis_stats(stats, axis), **extra.get(axis, {})})
    cat.finish_run(run_id, "done", stats)
    return stats


def run_round(cat: Catalog, pool: Workers, cfg: EvolveConfig, r: int, progress: Progress | None) -> dict:
    t0, workers_before = time.perf_counter(), pool.stats()
    conf = round_config(cat, cfg, r)
    run_id, key = begin_round(cat, conf, r)
    stream = f"evolve:{r}:{key}"
    view = CatalogView(cat, r)
    jobs = plan(view, conf, random.Random(content_id(key, "plan")))
    new_nodes = {j.node.id: j.node for j in jobs if j.node.id not in view.nodes}
    cat.upsert_knowledge(new_nodes.values())
    run_jobs(cat, pool, cfg, jobs, stream, r, run_id, _phase(progress, "grow"), cfg.versions)
    if "quality" in conf["axes"]:
        repair(cat, pool, cfg, conf, stream, r, run_id, progress)
    return end_round(cat, conf, r, run_id, t0, {"round": {"executor": pool.stats(since=workers_before)}})


def plan(view: CatalogView, conf: dict, rng: random.Random) -> list[Job]:
    shares = {k: v for k, v in SHARES.items() if k[0] in conf["axes"]}
    total = sum(shares.values())
    jobs: list[Job] = []
    for (_, planner), share in shares.items():  # coverage last: it also serves nodes composed just before
        n = round(conf["per_round"] * share / total)
        jobs += diversity.coverage(view, n, rng, jobs) if planner == "coverage" else PLANNERS[planner](view, n, rng)
    return jobs


def repair(cat: Catalog, pool: Workers, cfg: EvolveConfig, conf: dict, stream: str, r: int, run_id: str,
           progress: Progress | None) -> None:
    """Two passes: this round's and older unrepaired rejects, then the repairs that failed again."""
    source = (f"(s.round < ? OR s.stream = ?) AND s.{SYMBOLIC}", [r, stream])
    for p in range(1, REPAIR_PASSES + 1):
        nodes = {n.id: n for n in _nodes(cat, r + 1)}
        todo = quality.rejects(cat, nodes, r, *source)[: conf["per_round"]]
        rng = random.Random(content_id(stream, "repair", p))
        jobs = [j for j in (quality.repair_job(x, r, rng) for x in todo) if j]
        sub = f"{stream}:repair{p}"
        run_jobs(cat, pool, cfg, jobs, sub, r, run_id, _phase(progress, f"repair {p}"))
        source = ("s.stream = ?", [sub])


def run_jobs(cat: Catalog, pool: Workers, cfg: EvolveConfig, jobs: list[Job], stream: str, r: int, run_id: str,
             progress: Callable[[int, int], None] | None, versions: list[str] = DEFAULT_VERSIONS) -> RunStats:
    """Run a stream of jobs from where it stopped; outcomes are committed in job order. Each job is
    one task per version (consecutive siblings of one problem, each linked to the job's parent).
    Repairs run in the default version only: one repair record per attempt."""
    root = cat.images.worker_root
    items = [(j, v) for j in jobs for v in versions]

    def task(i: int, item: tuple[Job, str]) -> Task:
        j, version = item
        return Task(i, j.node, j.seed, stream, round=r, image_root=root, ops=j.ops, parent_id=j.parent_id,
                    relation=j.relation, meta=j.meta, version=version, head_version=versions[0])

    return run_stream(cat, stream, listed(items, task), in_processes(pool), run=run_id, batch_size=cfg.batch_size,
                      progress=_done_of(progress, len(items)), keep_rejected_images=cfg.keep_rejected_images)


def _done_of(progress: Callable[[int, int], None] | None, total: int) -> Callable[[RunStats], None] | None:
    """Report a stream's progress as (tasks done, tasks planned)."""
    return (lambda s: progress(s.next_task, total)) if progress else None


def _phase(progress: Progress | None, name: str) -> Callable[[int, int], None] | None:
    return (lambda done, total: progress(name, done, total)) if progress else None
