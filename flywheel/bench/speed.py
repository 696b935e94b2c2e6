"""`flywheel bench speed`: full-path throughput on 1 worker and on all cores, against a Pillow floor.

The full path is what `synthesize` does per accepted sample (generate, render, tool, verify,
hash, catalog write). The floor draws the same figures with bare Pillow calls and encodes them:
the least any renderer could spend, so `ratio` says how close the full path gets to it.
"""

from __future__ import annotations

import io
import os
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


@dataclass
class SpeedResult:
    per_core: dict[int, float]  # workers -> accepted samples/s/core
    floor_per_core: float
    cores: int
    stage_ms: dict[str, float] = field(default_factory=dict)

    def summary(self) -> dict[str, float | int]:
        one = self.per_core[1]
        many = self.per_core[self.cores]
        return {
            "samples_per_s_per_core": round(one, 2),
            "samples_per_s_per_core_all_cores": round(many, 2),
            "floor_per_s_per_core": round(self.floor_per_core, 2),
            "ratio": round(one / self.floor_per_core, 4),
            f"scaling_{self.cores}_cores": round(many * self.cores / one, 3),
            "cores": self.cores,
        }


def _measure(workers: int, n: int, root: Path) -> tuple[float, dict[str, float]]:
    with WorkerPool(workers, warmup="flywheel.run.build:warm") as pool:
        list(pool.imap("flywheel.run.build:ping", range(workers)))  # wait until every worker is warm
        root.mkdir(parents=True, exist_ok=True)
        cfg = SynthesisConfig(n=n, seed=BENCH_SEED, catalog=root / f"bench-{workers}.duckdb", workers=workers)
        t0 = time.perf_counter()
        stats = synthesize(cfg, pool=pool)
        dt = time.perf_counter() - t0
    stages = {k: 1000 * v / max(1, stats.generated) for k, v in stats.timings.items() if k != CPU_TIMING}
    return stats.accepted / dt / workers, stages


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


def run_speed_bench(n: int = 120, repeats: int = 3,
                    on_progress: Callable[[int, int], None] | None = None) -> SpeedResult:
    """Best of `repeats` alternating runs per configuration: shared machines are noisy, and the
    fastest run is the one least disturbed by neighbours (the usual timeit convention).
    `on_progress(done, total)` hears of every finished measurement."""
    cores = os.cpu_count() or 1
    configs = sorted({1, cores})
    total, done = repeats * (len(configs) + 1), 0
    per_core: dict[int, float] = {}
    stages: dict[str, float] = {}
    floor = 0.0
    with tempfile.TemporaryDirectory(prefix="flywheel-bench-") as tmp:
        for r in range(repeats):
            for workers in configs:
                speed, st = _measure(workers, n * workers, Path(tmp) / f"{r}")
                if speed > per_core.get(workers, 0.0):
                    per_core[workers] = speed
                    stages = st if workers == 1 else stages
                done += 1
                if on_progress:
                    on_progress(done, total)
            floor = max(floor, _floor(n))
            done += 1
            if on_progress:
                on_progress(done, total)
    return SpeedResult(per_core, floor, cores, stages)


__all__ = ["SpeedResult", "run_speed_bench"]
