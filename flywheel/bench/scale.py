"""`flywheel bench scale`: the same synthesis on the local pool and on Ray, in one run.

Per executor it reports accepted samples/s/core by the wall clock, and — because shared machines
are loaded — samples per CPU-second (driver + workers), the driver's share of that CPU, and the
driver's CPU per sample over the first and the last 10% of the run: the driver's work (duplicate
index, ordered commit, catalog writes) is the part that could grow with the run, the workers' is
the same for every task. The load average is printed so the wall-clock figures can be judged.
"""

from __future__ import annotations

import os
import tempfile
import time
from collections.abc import Callable
from dataclasses import asdict, dataclass
from pathlib import Path

from flywheel.run.build import CPU_TIMING
from flywheel.run.pool import make_pool
from flywheel.run.synthesize import SynthesisConfig, synthesize

BENCH_SEED = 20251107


@dataclass
class ScaleRun:
    executor: str
    workers: int
    accepted: int
    wall_s: float
    driver_cpu_s: float  # this process: the stream loop, duplicate checks, DuckDB, Ray's driver threads
    worker_cpu_s: float  # sum of the workers' CPU time per sample (run/build.py's CPU_TIMING)
    first_ms: float  # driver CPU per accepted sample over the first 10% of the run
    last_ms: float  # … and over the last 10%

    @property
    def per_core(self) -> float:
        return self.accepted / self.wall_s / self.workers

    @property
    def per_cpu_s(self) -> float:
        return self.accepted / (self.driver_cpu_s + self.worker_cpu_s)

    def summary(self) -> dict:
        return {**{k: round(v, 3) if isinstance(v, float) else v for k, v in asdict(self).items()},
                "samples_per_s_per_core": round(self.per_core, 2), "samples_per_cpu_s": round(self.per_cpu_s, 2),
                "driver_cpu_share": round(self.driver_cpu_s / (self.driver_cpu_s + self.worker_cpu_s), 3),
                "last_vs_first_10pct": round(self.last_ms / self.first_ms, 2) if self.first_ms else None}


def measure(executor: str, n: int, workers: int, root: Path, ray_address: str | None = None,
            on_progress: Callable[[int, int], None] | None = None) -> ScaleRun:
    marks: list[float] = []  # driver CPU seconds when the k-th sample was accepted

    def mark(accepted: int, generated: int) -> None:
        while len(marks) < accepted:
            marks.append(time.process_time())
        if on_progress:
            on_progress(accepted, n)

    with make_pool(executor, workers, ray_address=ray_address) as pool:
        if hasattr(pool, "wait_ready"):
            pool.wait_ready()
        else:
            list(pool.imap("flywheel.run.build:ping", range(pool.size)))
        cfg = SynthesisConfig(n=n, seed=BENCH_SEED, catalog=root / f"{executor}.duckdb", workers=workers)
        c0, t0 = time.process_time(), time.perf_counter()
        stats = synthesize(cfg, on_progress=mark, pool=pool)
        wall, cpu = time.perf_counter() - t0, time.process_time() - c0
    tenth = max(1, n // 10)
    first = (marks[tenth] - marks[0]) / tenth if len(marks) > tenth else 0.0
    last = (marks[-1] - marks[-1 - tenth]) / tenth if len(marks) > tenth else 0.0
    return ScaleRun(executor, pool.size, stats.accepted, wall, cpu, stats.timings.get(CPU_TIMING, 0.0),
                    1000 * first, 1000 * last)


def run_scale_bench(n: int, executor: str = "ray", workers: int | None = None, ray_address: str | None = None,
                    on_progress: Callable[[str, int, int], None] | None = None) -> dict:
    """The local pool, then `executor` (unless it is local), on the same stream and worker count."""
    workers = workers or os.cpu_count() or 1
    load_before = os.getloadavg()
    runs = []
    with tempfile.TemporaryDirectory(prefix="flywheel-scale-") as tmp:
        for ex in dict.fromkeys(["local", executor]):
            runs.append(measure(ex, n, workers, Path(tmp), ray_address if ex == "ray" else None,
                                (lambda done, total, ex=ex: on_progress(ex, done, total)) if on_progress else None))
    res = {"n": n, "workers": workers, "load_average_before": [round(x, 2) for x in load_before],
           "load_average_after": [round(x, 2) for x in os.getloadavg()], "runs": [r.summary() for r in runs]}
    if len(runs) == 2:
        res[f"{executor}_vs_local_per_core"] = round(runs[1].per_core / runs[0].per_core, 3)
        res[f"{executor}_vs_local_per_cpu_s"] = round(runs[1].per_cpu_s / runs[0].per_cpu_s, 3)
    return res
