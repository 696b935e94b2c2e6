"""Round 0 of the flywheel: run tasks of a stream through the worker pool and commit them in order.

A *stream* is (seed, knowledge nodes): task i of a stream always draws the same problem, and
outcomes are committed strictly in task order, so an interrupted run resumed later ends with
exactly the accepted ids of an uninterrupted one, and rerunning a finished command adds nothing.
"""

from __future__ import annotations

from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from pathlib import Path

from flywheel.catalog import Catalog
from flywheel.catalog.images import store_root
from flywheel.catalog.knowledge import taxonomy_nodes
from flywheel.catalog.store import check_path
from flywheel.core.errors import FlywheelError
from flywheel.core.records import KnowledgeNode, content_id
from flywheel.kinds import slot_of_task
from flywheel.kinds.selection import select_domains
from flywheel.knowledge.seeds import load_seeds, select, split_ids
from flywheel.render.choices import MAX_CHOICES, MIN_CHOICES
from flywheel.render.question import DEFAULT_VERSION, DEFAULT_VERSIONS
from flywheel.run.build import Task, task_seed
from flywheel.run.pool import Workers, make_pool
from flywheel.run.stream import NewRun, RunStats, in_processes, run_stream

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
    versions: list[str] = field(default_factory=lambda: list(DEFAULT_VERSIONS))  # render/question.py
    executor: str = "local"  # local (this machine's processes) | ray (run/ray_pool.py)
    ray_address: str | None = None  # --executor ray: none starts a local Ray, `auto` joins a running cluster
    choices: int = 0  # multiple-choice interaction samples with this many options (0: open answers)
    images: str | None = None  # --images: the PNG store (a directory or an fsspec URL); None: the catalog's
    keep_rejected_images: bool = False  # rejected samples keep their PNGs too (else only rows and verdicts)


SynthesisStats = RunStats  # round 0's figures; the name is kept for callers


def stream_key(seed: int, node_ids: list[str], kinds: list[str] | None = None,
               versions: list[str] | None = None, choices: int = 0) -> str:
    # open-answer streams keep their original key (multiple choice is another stream of other samples)
    extra = [choices] if choices else []
    if versions and versions != DEFAULT_VERSIONS:  # streams of the default version keep their original key
        return content_id("synthesize", seed, sorted(node_ids), kinds or ["interaction"], versions, *extra)
    if kinds and kinds != ["interaction"]:  # interaction-only streams keep their original key
        return content_id("synthesize", seed, sorted(node_ids), kinds, *extra)
    return content_id("synthesize", seed, sorted(node_ids), *extra)


@dataclass(frozen=True)
class Plan:
    seeds: list[KnowledgeNode]  # every node of the seeds file (stored in the catalog)
    nodes: list[KnowledgeNode]  # the ones this stream draws from
    stream: str


def plan(cfg: SynthesisConfig) -> Plan:
    """Check everything the user gave before any work starts: the nodes to draw from and the stream.

    `--knowledge` and `--domains` may name nodes of a taxonomy imported into the catalog (`flywheel
    knowledge import`) as well as the seeds' nodes; an inner node stands for the mapped points below it.
    """
    if cfg.n < 1:
        raise FlywheelError("--n must be at least 1")
    check_path(Path(cfg.catalog), must_exist=False)
    if cfg.images:
        store_root(cfg.images)  # an unknown protocol or a missing package: said before anything starts
    seeds = load_seeds(cfg.seeds)
    pool = _with_imported(seeds, cfg)
    pool_ids = {n.id for n in pool}
    subtrees = [d for d in cfg.domains or [] if d in pool_ids]
    names = [d for d in cfg.domains or [] if d not in pool_ids]
    nodes = select(pool, cfg.knowledge) if cfg.knowledge else (select(pool, subtrees) if subtrees else select(pool, None))
    if cfg.knowledge and subtrees:
        keep = {n.id for n in select(pool, subtrees)}
        nodes = [n for n in nodes if n.id in keep]
        if not nodes:
            raise FlywheelError("no knowledge node of --knowledge lies below the nodes named in --domains")
    if names:
        nodes = select_domains(nodes, pool, names)
    if cfg.choices and not MIN_CHOICES <= cfg.choices <= MAX_CHOICES:
        raise FlywheelError(f"--choices takes {MIN_CHOICES} to {MAX_CHOICES} options (or 0 for open answers), not {cfg.choices}")
    return Plan(seeds, nodes, stream_key(cfg.seed, [n.id for n in nodes], cfg.kinds, cfg.versions, cfg.choices))


def _with_imported(seeds: list[KnowledgeNode], cfg: SynthesisConfig) -> list[KnowledgeNode]:
    """The seeds, plus the catalog's imported taxonomy nodes where --knowledge/--domains name ids the
    seeds lack (read only then: a plain run does not open the catalog before it starts)."""
    wanted = split_ids(cfg.knowledge or [], {n.id for n in seeds}) + list(cfg.domains or [])
    have = {n.id for n in seeds} | {n.domain for n in seeds}
    if all(w in have for w in wanted) or not Path(cfg.catalog).exists():
        return seeds
    with Catalog(cfg.catalog, read_only=True) as cat:
        imported = taxonomy_nodes(cat)
    ids = {n.id for n in seeds}
    return [*seeds, *(n for n in imported if n.id not in ids)]


def synthesize(
    cfg: SynthesisConfig,
    on_progress: Callable[[int, int], None] | None = None,
    pool: Workers | None = None,
) -> SynthesisStats:
    """Reach `cfg.n` accepted samples in the stream; `pool` lets benchmarks reuse warm workers."""
    p = plan(cfg)
    own = pool is None
    # Fork the workers before DuckDB starts its threads.
    pool = pool or make_pool(cfg.executor, cfg.workers, cfg.task_timeout, cfg.ray_address)
    try:
        return _run(cfg, p, pool, on_progress)
    finally:
        if own:
            pool.close()


def _run(cfg: SynthesisConfig, p: Plan, pool: Workers, on_progress: Callable[[int, int], None] | None) -> SynthesisStats:
    with Catalog(cfg.catalog) as cat:
        cat.upsert_knowledge(p.seeds)
        cat.use_images(cfg.images)
        root = cat.images.worker_root

        def tasks(start: int, accepted: int) -> Iterator[Task]:
            limit = start + (cfg.n - accepted) * MAX_TASKS_PER_SAMPLE + 50
            return (_task(i, p.nodes, p.stream, root, cfg.kinds, cfg.versions, cfg.choices) for i in range(start, limit))

        run = NewRun("synthesize", {"n": cfg.n, "seed": cfg.seed, "stream": p.stream, "versions": cfg.versions,
                                    "knowledge": [n.id for n in p.nodes], "workers": pool.size, "choices": cfg.choices},
                     extra=lambda: {"executor": pool.stats()})
        progress = (lambda s: on_progress(s.accepted, s.generated)) if on_progress else None
        return run_stream(cat, p.stream, tasks, in_processes(pool), run=run, batch_size=cfg.batch_size, stop_at=cfg.n,
                          progress=progress, keep_rejected_images=cfg.keep_rejected_images)


def _task(i: int, nodes: list[KnowledgeNode], stream: str, root: str, kinds: list[str],
          versions: list[str] = DEFAULT_VERSIONS, choices: int = 0) -> Task:
    """Task i: consecutive tasks are the kinds of one figure (same node and seed), the interaction
    kind once per version: siblings share the problem, and each later one links to the first."""
    kind, version, fig = slot_of_task(kinds, versions, i)
    return Task(i, nodes[fig % len(nodes)], task_seed(stream, fig), stream, image_root=root, kind=kind,
                version=version or DEFAULT_VERSION, head_version=versions[0], choices=choices)
