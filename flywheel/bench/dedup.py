"""`flywheel bench dedup`: near-duplicate checks per second against an index of N accepted samples.

Evolution checks every new sample against everything accepted; this measures that check (and the
index's build time and memory) at catalog sizes up to millions. Synthetic keys are uniform 64-bit
pHashes with answers 1..500; with a real catalog the index is drawn from its accepted samples (their
pHashes, answers and kinds, replicated with a bit or two flipped to reach SIZE), so its skew — one
chunk value shared by hundreds of figures, answers repeated across them — is the real one, and the
probes that are not near copies are held-out real samples, whose answers the index does have.
"""

from __future__ import annotations

import random
import resource
import time
from dataclasses import dataclass
from pathlib import Path

from flywheel.verify.duplicate import DuplicateIndex


@dataclass
class DedupResult:
    size: int
    build_s: float
    checks: int
    checks_per_s: float
    near_hits: int  # probes made within the pHash radius of an indexed sample with its answer: all must hit
    rss_mb: float
    index_mb: float  # resident memory building the index added; rss_mb also counts the benchmark's hashes and probes

    def summary(self) -> dict:
        return {"index_size": self.size, "build_s": round(self.build_s, 2), "checks": self.checks,
                "checks_per_s": round(self.checks_per_s), "near_duplicates_found": self.near_hits,
                "max_rss_mb": round(self.rss_mb), "index_mb": round(self.index_mb)}


Entry = tuple[str, int, str, str]  # question key, pHash, answer, kind


def _flip(rng: random.Random, h: int, most: int) -> int:
    for b in rng.sample(range(64), rng.randint(0, most)):
        h ^= 1 << b
    return h


def _synthetic(rng: random.Random, size: int) -> tuple[list[Entry], list[Entry]]:
    index = [(f"q{i}", rng.getrandbits(64), str(rng.randint(1, 500)), "interaction") for i in range(size)]
    return index, [("new", rng.getrandbits(64), "x", "interaction")]


def _from_catalog(rng: random.Random, size: int, catalog: Path) -> tuple[list[Entry], list[Entry]]:
    from flywheel.catalog import Catalog

    with Catalog(catalog, read_only=True) as cat:
        rows = [(k, int(h, 16), a, kind) for k, h, a, kind, *_ in cat.accepted_hashes()]
    if len(rows) < 20:
        raise ValueError(f"{catalog}: {len(rows)} accepted samples with a pHash; the bench needs at least 20")
    rng.shuffle(rows)
    held, pool = rows[: len(rows) // 10], rows[len(rows) // 10:]
    index = [(f"{k}-{i}", h if i < len(pool) else _flip(rng, h, 2), a, kind)
             for i, (k, h, a, kind) in ((i, pool[i % len(pool)]) for i in range(size))]
    return index, held


def run_dedup_bench(size: int, checks: int, seed: int = 0, catalog: Path | None = None) -> DedupResult:
    rng = random.Random(seed)
    index, fresh = _from_catalog(rng, size, catalog) if catalog else _synthetic(rng, size)
    before = _rss_mb()
    t0 = time.perf_counter()
    idx = DuplicateIndex()
    idx.add_many((k, f"{h:016x}", a, kind) for k, h, a, kind in index)  # as a run loads the catalog's accepted samples
    build = time.perf_counter() - t0
    index_mb = _rss_mb() - before  # what building the index added to the process
    probes = []
    for j in range(checks):
        if j % 2:  # a near copy of an indexed sample: flip up to 4 bits, same answer and kind
            _, h, a, kind = index[rng.randrange(size)]
            probes.append((f"new{j}", f"{_flip(rng, h, 4):016x}", a, kind, True))
        else:  # a new sample: a held-out real one, or a random hash
            _, h, a, kind = fresh[j // 2 % len(fresh)] if catalog else (None, rng.getrandbits(64), "x", "interaction")
            probes.append((f"new{j}", f"{h:016x}", a, kind, False))
    t0 = time.perf_counter()
    found = [not idx.check(k, h, a, kind)[0] for k, h, a, kind, _ in probes]
    elapsed = time.perf_counter() - t0
    hits = sum(f for f, p in zip(found, probes, strict=True) if p[4])
    rss = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
    return DedupResult(size, build, checks, checks / elapsed, hits, rss, index_mb)


def _rss_mb() -> float:
    """The process's resident memory now (Linux /proc), in MB."""
    with open("/proc/self/statm") as fh:
        return int(fh.read().split()[1]) * resource.getpagesize() / 2**20
