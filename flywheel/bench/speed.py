"""`flywheel bench speed`: full-path throughput on 1 worker and on all cores, against a Pillow floor.

The full path is what `synthesize` does per accepted sample (generate, render, tool, verify,
hash, catalog write). The floor draws the same figures with bare Pillow calls and encodes them:
the least any renderer could spend, so `ratio` says how close the full path gets to it.

Figures that hold on a shared machine: every repeat runs the floor, 1 worker and all cores one
after the other on the same workload (the same stream and the same number of accepted samples),
each figure is the median of the repeats with its spread, and besides wall-clock rates the bench
reports CPU time per sample (the workers' task CPU + the parent's), which neighbours barely move.
With `catalog`, each repeat also extends a copy of that catalog by the same workload: the CPU per
accepted sample there against a fresh catalog is what a growing catalog costs.
"""

from __future__ import annotations

import io
import os
import platform
import shutil
import statistics
import tempfile
import time
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path

from PIL import Image, ImageDraw, ImageFont

from flywheel.domains import get_generator
from flywheel.knowledge.seeds import load_seeds, select
from flywheel.render.draft import Rendered, draw, render
from flywheel.run.build import CPU_TIMING, task_seed
from flywheel.run.pool import WorkerPool
from flywheel.run.synthesize import SynthesisConfig, stream_key, synthesize

BENCH_SEED = 20251106
DOCS_BEGIN, DOCS_END = "<!-- bench-speed:begin -->", "<!-- bench-speed:end -->"


@dataclass
class Run:
    """One measurement: `accepted` of `generated` samples on `workers` workers."""

    workers: int
    accepted: int
    generated: int
    wall_s: float
    cpu_s: float  # the workers' task CPU + the parent's CPU during the run
    stage_s: dict[str, float]

    @property
    def per_core(self) -> float:
        return self.accepted / self.wall_s / self.workers


def _median_spread(xs: list[float]) -> tuple[float, float]:
    """Median and the spread of the repeats around it: (max - min) / median."""
    med = statistics.median(xs)
    return med, (max(xs) - min(xs)) / med if med else 0.0


@dataclass
class SpeedResult:
    runs: dict[str, list[Run]]  # "1", str(cores), "extend" -> the repeats
    floor: list[float]  # floor figures/s, per repeat
    cores: int
    load: tuple[float, float]  # 1-minute load average before and after
    catalog_rows: int = 0
    stage_ms: dict[str, float] = field(default_factory=dict)

    def summary(self) -> dict[str, float | int | str]:
        one, many = self.runs["1"], self.runs[str(self.cores)]
        speed, spread = _median_spread([r.per_core for r in one])
        speed_all, spread_all = _median_spread([r.per_core for r in many])
        floor, floor_spread = _median_spread(self.floor)
        total_one = statistics.median(r.accepted / r.wall_s for r in one)
        total_all = statistics.median(r.accepted / r.wall_s for r in many)
        cpu_gen = statistics.median(1000 * r.cpu_s / max(1, r.generated) for r in one)
        cpu_acc = statistics.median(1000 * r.cpu_s / max(1, r.accepted) for r in one)
        out: dict[str, float | int | str] = {
            "samples_per_s_per_core": round(speed, 2), "spread": round(spread, 3),
            "samples_per_s_per_core_all_cores": round(speed_all, 2), "spread_all_cores": round(spread_all, 3),
            "floor_per_s_per_core": round(floor, 2), "floor_spread": round(floor_spread, 3),
            "ratio": round(speed / floor, 4) if floor else 0.0,
            f"scaling_{self.cores}_cores": round(total_all / total_one, 3),
            "cpu_ms_per_generated": round(cpu_gen, 1), "cpu_ms_per_accepted": round(cpu_acc, 1),
            "accepted_per_cpu_s": round(1000 / cpu_acc, 2) if cpu_acc else 0.0,
            "accepted_per_run": one[0].accepted, "repeats": len(one), "cores": self.cores,
            "load_avg_before": round(self.load[0], 2), "load_avg_after": round(self.load[1], 2),
            "machine": f"{platform.machine()} {platform.processor() or platform.system()}, {self.cores} cores",
        }
        if "extend" in self.runs:
            ext = statistics.median(1000 * r.cpu_s / max(1, r.accepted) for r in self.runs["extend"])
            out |= {"catalog_rows": self.catalog_rows, "cpu_ms_per_accepted_extending": round(ext, 1),
                    "extend_cost_ratio": round(ext / cpu_acc, 3) if cpu_acc else 0.0}
        return out


def _measure(workers: int, n: int, db: Path) -> Run:
    with WorkerPool(workers, warmup="flywheel.run.build:warm") as pool:
        list(pool.imap("flywheel.run.build:ping", range(workers)))  # wait until every worker is warm
        cfg = SynthesisConfig(n=n, seed=BENCH_SEED, catalog=db, workers=workers)
        c0, t0 = os.times(), time.perf_counter()
        stats = synthesize(cfg, pool=pool)
        dt, c1 = time.perf_counter() - t0, os.times()
    stages = dict(stats.timings)
    worker_cpu = stages.pop(CPU_TIMING, 0.0)
    parent_cpu = (c1.user - c0.user) + (c1.system - c0.system)
    return Run(workers, stats.accepted - stats.accepted_before, stats.generated, dt, worker_cpu + parent_cpu, stages)


def _floor_draw(r: Rendered) -> bytes:
    """The same figure with the bare minimum: Pillow lines, ellipses and text, PNG level 1."""
    scene, lay = r.draft.scene, r.layout
    px = {k: lay.to_px(*v) for k, v in scene.floats().items()}
    img = Image.new("RGB", (lay.size, lay.size), "white")
    d = ImageDraw.Draw(img)
    for s in scene.segments:
        d.line([px[s.a], px[s.b]], fill="black", width=2)
    for c in scene.circles:
        (x, y), rad = px[c.center], scene.radius_float(c) * lay.px_per_unit
        d.ellipse((x - rad, y - rad, x + rad, y + rad), outline="black", width=2)
    font = ImageFont.load_default(size=19)
    for n in scene.labeled:
        x, y = px[n]
        d.ellipse((x - 2, y - 2, x + 2, y + 2), fill="black")
        d.text(lay.labels[n], n, fill="black", font=font, anchor="mm")
    buf = io.BytesIO()
    img.save(buf, format="PNG", compress_level=1)
    return buf.getvalue()


def _floor(n: int) -> float:
    nodes = select(load_seeds(), None)
    stream = stream_key(BENCH_SEED, [x.id for x in nodes])
    figs = [render(draw(get_generator(nodes[i % len(nodes)].generator).fn, task_seed(stream, i))) for i in range(n)]
    t0 = time.perf_counter()
    for r in figs:
        _floor_draw(r)
    return n / (time.perf_counter() - t0)


def run_speed_bench(n: int = 200, repeats: int = 5, catalog: Path | None = None,
                    on_progress: Callable[[int, int], None] | None = None) -> SpeedResult:
    """`repeats` rounds of (floor, 1 worker, all cores[, 1 worker extending `catalog`]), each run
    reaching `n` accepted samples from an empty catalog (or a copy of `catalog`); medians and spreads.
    `on_progress(done, total)` hears of every finished measurement."""
    cores = os.cpu_count() or 1
    configs = [str(w) for w in sorted({1, cores})] + (["extend"] if catalog else [])
    total, done = repeats * (len(configs) + 1), 0
    runs: dict[str, list[Run]] = {c: [] for c in configs}
    floor: list[float] = []
    rows = 0
    load0 = os.getloadavg()[0]
    with tempfile.TemporaryDirectory(prefix="flywheel-bench-") as tmp:
        for r in range(repeats):
            floor.append(_floor(n))
            done += 1
            if on_progress:
                on_progress(done, total)
            for c in configs:
                db = Path(tmp) / f"{r}-{c}" / "bench.duckdb"
                db.parent.mkdir(parents=True)
                if c == "extend":
                    assert catalog is not None
                    shutil.copyfile(catalog, db)  # rows only: the new samples' images go beside the copy
                    from flywheel.catalog import Catalog

                    with Catalog(db, read_only=True) as cat:
                        rows = len(cat.accepted_hashes())
                runs[c].append(_measure(1 if c == "extend" else int(c), n, db))
                shutil.rmtree(db.parent, ignore_errors=True)
                done += 1
                if on_progress:
                    on_progress(done, total)
    one = runs["1"]
    gen = sum(r.generated for r in one)
    stages = {k: 1000 * sum(r.stage_s.get(k, 0.0) for r in one) / max(1, gen) for k in one[0].stage_s}
    return SpeedResult(runs, floor, cores, (load0, os.getloadavg()[0]), rows, stages)


def docs_block(res: SpeedResult, command: str) -> str:
    """The figures as the docs show them: the bench's own output, with the machine and its load."""
    s = res.summary()
    width = max(len(k) for k in s)
    lines = [f"$ {command}", *(f"{k:<{width}}  {v}" for k, v in s.items()), "",
             f"{'stage (1 worker)':<{width}}  ms / generated sample"]
    lines += [f"{k:<{width}}  {v:.1f}" for k, v in sorted(res.stage_ms.items(), key=lambda kv: -kv[1])]
    when = time.strftime("%Y-%m-%d %H:%M UTC", time.gmtime())
    return (f"{DOCS_BEGIN}\nMeasured {when} on {s['machine']}, load average {s['load_avg_before']} → "
            f"{s['load_avg_after']} (written by the command below):\n\n```\n" + "\n".join(lines) + f"\n```\n{DOCS_END}")


def write_docs(path: Path, res: SpeedResult, command: str) -> None:
    """Replace the block between DOCS_BEGIN and DOCS_END in `path` with this run's figures."""
    text = path.read_text()
    a, b = text.find(DOCS_BEGIN), text.find(DOCS_END)
    if a < 0 or b < a:
        raise ValueError(f"{path} has no {DOCS_BEGIN} … {DOCS_END} block")
    path.write_text(text[:a] + docs_block(res, command) + text[b + len(DOCS_END):])


__all__ = ["SpeedResult", "docs_block", "run_speed_bench", "write_docs"]
