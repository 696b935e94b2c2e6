"""`flywheel bench export`: peak memory of an export against the number of rows exported.

The catalog is made the way a run makes one: real samples (generated, rendered, verified) written
through the catalog's one write path, replicated under new ids and question keys up to `rows`, so
every row carries real code, CoT and images at a fraction of the time a real 20K run takes. The
export runs in a fresh process whose peak RSS (getrusage) is the figure: what a user's
`flywheel export` would need.
"""

from __future__ import annotations

import dataclasses
import json
import subprocess
import sys
import tempfile
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path

from flywheel.catalog import Catalog
from flywheel.core.records import Sample, Verdict
from flywheel.knowledge.seeds import load_seeds, select
from flywheel.run.build import Task, build, task_seed

BENCH_SEED = 20251106
REAL = 48  # distinct real samples the catalog is replicated from


@dataclass
class ExportResult:
    rows: int
    fmt: str
    peak_rss_mb: float
    cpu_s: float

    def summary(self) -> dict:
        return {"rows": self.rows, "format": self.fmt, "peak_rss_mb": round(self.peak_rss_mb),
                "kb_per_row": round(1024 * self.peak_rss_mb / max(1, self.rows), 1), "cpu_s": round(self.cpu_s, 2)}


def make_catalog(path: Path, rows: int, on_progress: Callable[[int, int], None] | None = None) -> None:
    """A catalog of `rows` accepted interaction samples: REAL real ones, replicated through write_batch."""
    nodes = select(load_seeds(), None)
    real: list[tuple[Sample, list[Verdict]]] = []
    with Catalog(path) as cat:
        cat.upsert_knowledge(nodes)
        run = cat.start_run("bench-export", {"rows": rows})
        i = 0
        while len(real) < REAL:
            out = build(Task(i, nodes[i % len(nodes)], task_seed("bench-export", i), "bench-export",
                             image_root=str(cat.images.root)))
            i += 1
            if out.sample is not None and out.sample.accepted:
                real.append((out.sample, out.verdicts))
        for start in range(0, rows, 512):
            samples, verdicts = [], []
            for j in range(start, min(rows, start + 512)):
                s, vs = real[j % REAL]
                sid = f"{s.id}-{j}"
                samples.append(dataclasses.replace(s, id=sid, question_key=f"{j:016x}", task_index=j))
                verdicts += [dataclasses.replace(v, sample_id=sid) for v in vs]
            cat.write_batch(samples, verdicts, {}, run)
            if on_progress:
                on_progress(min(rows, start + 512), rows)
        cat.finish_run(run, "done", {"rows": rows})


_CHILD = """
import json, os, resource, sys
from pathlib import Path
from flywheel.catalog import Catalog
from flywheel.io import get_exporter
with Catalog(Path(sys.argv[1]), read_only=True) as cat:
    get_exporter(sys.argv[2])(cat, Path(sys.argv[3]), None)
t = os.times()
print(json.dumps({"rss_kb": resource.getrusage(resource.RUSAGE_SELF).ru_maxrss, "cpu_s": t.user + t.system}))
"""


def measure_export(catalog: Path, fmt: str, out: Path) -> tuple[float, float]:
    """(peak RSS in MB, CPU seconds) of exporting `catalog` as `fmt` in a fresh process."""
    res = subprocess.run([sys.executable, "-c", _CHILD, str(catalog), fmt, str(out)],
                         check=True, capture_output=True, text=True)
    got = json.loads(res.stdout.strip().splitlines()[-1])
    return got["rss_kb"] / 1024, got["cpu_s"]


def run_export_bench(rows: int, fmt: str = "v-interaction", catalog: Path | None = None,
                     on_progress: Callable[[int, int], None] | None = None) -> ExportResult:
    with tempfile.TemporaryDirectory(prefix="flywheel-bench-export-") as tmp:
        db = catalog or Path(tmp) / "c.duckdb"
        if catalog is None:
            make_catalog(db, rows, on_progress)
        rss, cpu = measure_export(db, fmt, Path(tmp) / "out")
        with Catalog(db, read_only=True) as cat:
            n = cat.query("SELECT count(*) FROM samples WHERE accepted")[1][0][0]
    return ExportResult(n, fmt, rss, cpu)


__all__ = ["ExportResult", "make_catalog", "measure_export", "run_export_bench"]
