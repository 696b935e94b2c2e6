"""How long `flywheel report` takes on a 20K-sample catalog (a benchmark, not a test).

    python -m tools.bench_report [--samples 20000] [--base 300] [--dir /tmp/report-bench] [--workers 2]

The catalog is made honestly but quickly: `flywheel synthesize` makes `--base` real samples of
every kind (and `flywheel evolve` one round of children, so lineage has chains), then those rows are
replicated through the catalog's one write path (`Catalog.write_batch`) until the catalog holds
`--samples`: each replica gets its own id, its verdicts, its parent's replica as parent, and its
own images — the PNG bytes with a text chunk naming the replica, so every image has its own hash
and the report decodes and thumbnails every one of them, as it would real figures.
Prints the report's wall time and its CPU time (user + sys, children included), then the same
again for a rebuild into the same directory (thumbnails cached).
"""

from __future__ import annotations

import argparse
import dataclasses
import json
import os
import struct
import subprocess
import sys
import time
import zlib
from pathlib import Path

from flywheel.catalog import Catalog
from flywheel.core.records import Sample, Verdict

SAMPLE_FIELDS = [f.name for f in dataclasses.fields(Sample)]


def cli(*args: str) -> str:
    r = subprocess.run([sys.executable, "-m", "flywheel.cli", "--quiet", *args], capture_output=True, text=True)
    if r.returncode:
        sys.exit(f"flywheel {' '.join(args)} failed: {r.stderr.strip()}")
    return r.stdout


def tagged_png(data: bytes, tag: str) -> bytes:
    """The same PNG with a tEXt chunk after IHDR: identical pixels, different bytes (and hash)."""
    body = b"flywheel-replica\0" + tag.encode()
    chunk = struct.pack(">I", len(body)) + b"tEXt" + body + struct.pack(">I", zlib.crc32(b"tEXt" + body))
    ihdr_end = 8 + 8 + 13 + 4
    return data[:ihdr_end] + chunk + data[ihdr_end:]


def replicate(db: Path, target: int) -> int:
    with Catalog(db) as cat:
        cols, rows = cat.query("SELECT * FROM samples ORDER BY round, id")
        base = [dict(zip(cols, r, strict=True)) for r in rows]
        _, vrows = cat.query("SELECT sample_id, verifier, passed, score, reason, code FROM verdicts")
        verdicts: dict[str, list[tuple]] = {}
        for v in vrows:
            verdicts.setdefault(v[0], []).append(v[1:])
        run = cat.start_run("bench-report", {"target": target})
        total, k = len(base), 0
        while total < target:
            k += 1
            samples, vs, images = [], [], {}
            for row in base[: min(len(base), target - total)]:
                new = {f: row.get(f) for f in SAMPLE_FIELDS}
                new["id"] = f"{row['id'][:12]}{k:04x}"
                new["parent_id"] = f"{row['parent_id'][:12]}{k:04x}" if row["parent_id"] else None
                new["params"] = json.loads(row["params"]) if row["params"] else {}
                new["points"] = json.loads(row["points"]) if row.get("points") else None
                new["elements"] = json.loads(row["elements"]) if row.get("elements") else None
                new["stream"], new["task_index"] = f"bench-{k}", row["task_index"]
                for key in ("image", "edited_image", "overlay"):
                    if row.get(key):
                        data = tagged_png(cat.images.get(row[key]), f"{k}")
                        digest = cat.images.put(data)
                        images[digest] = data
                        new[key] = digest
                samples.append(Sample(**new))
                vs += [Verdict(new["id"], *v) for v in verdicts.get(row["id"], [])]
            cat.write_batch(samples, vs, {}, run)  # images already stored above
            total += len(samples)
            print(f"\r{total} samples", end="", file=sys.stderr, flush=True)
        cat.finish_run(run, "done", {"samples": total})
    print(file=sys.stderr)
    return total


def timed(*args: str) -> tuple[float, float]:
    t0, c0 = time.monotonic(), os.times()
    cli(*args)
    c1 = os.times()
    return time.monotonic() - t0, (c1.children_user - c0.children_user) + (c1.children_system - c0.children_system)


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("--samples", type=int, default=20_000)
    ap.add_argument("--base", type=int, default=300, help="real samples synthesized before replication")
    ap.add_argument("--dir", type=Path, default=Path("/tmp/report-bench"))
    ap.add_argument("--workers", type=int, default=2)
    a = ap.parse_args()
    db = a.dir / "bench.duckdb"
    if not db.exists():
        a.dir.mkdir(parents=True, exist_ok=True)
        cli("synthesize", "--n", str(a.base), "--seed", "11", "--kinds", "interaction,perception,instruction",
            "--workers", str(a.workers), "-c", str(db))
        cli("evolve", "--rounds", "1", "--per-round", str(a.base // 3), "--workers", str(a.workers), "-c", str(db))
        n = replicate(db, a.samples)
    else:
        n = int(cli("query", "-c", str(db), "-f", "csv", "SELECT count(*) FROM samples").split()[-1])
    images = cli("query", "-c", str(db), "-f", "csv",
                 "SELECT count(DISTINCT x) FROM (SELECT image AS x FROM samples UNION SELECT edited_image FROM samples "
                 "UNION SELECT overlay FROM samples) WHERE x IS NOT NULL").split()[-1]
    site = a.dir / "site"
    if site.exists():
        subprocess.run(["rm", "-rf", str(site)], check=True)
    wall, cpu = timed("report", "-c", str(db), "--out", str(site), "--workers", str(a.workers))
    again, cpu2 = timed("report", "-c", str(db), "--out", str(site), "--workers", str(a.workers))
    print(json.dumps({"samples": n, "distinct_images": int(images), "cores": os.cpu_count(), "workers": a.workers,
                      "first_build_wall_s": round(wall, 1), "first_build_cpu_s": round(cpu, 1),
                      "rebuild_wall_s": round(again, 1), "rebuild_cpu_s": round(cpu2, 1)}))


if __name__ == "__main__":
    main()
