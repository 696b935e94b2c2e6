"""`flywheel bench dedup`: near-duplicate checks per second against an index of N accepted samples.

Evolution checks every new sample against everything accepted; this measures that check (and the
index's build time and memory) at catalog sizes up to millions, on synthetic keys and pHashes with
the same bit statistics as real ones (uniform 64-bit hashes, distinct question keys).
"""

from __future__ import annotations

import random
import resource
import time
from dataclasses import dataclass

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


def run_dedup_bench(size: int, checks: int, seed: int = 0) -> DedupResult:
    rng = random.Random(seed)
    hashes = [rng.getrandbits(64) for _ in range(size)]
    answers = [str(rng.randint(1, 500)) for _ in range(size)]
    rows = ((f"{i:016x}", f"{h:016x}", a, "interaction") for i, (h, a) in enumerate(zip(hashes, answers, strict=True)))
    before = _rss_mb()
    t0 = time.perf_counter()
    idx = DuplicateIndex()
    idx.add_many(rows)  # as a run loads the catalog's accepted samples
    build = time.perf_counter() - t0
    index_mb = _rss_mb() - before  # what building the index added to the process
    probes = []
    for j in range(checks):
        if j % 2:  # a near copy of an indexed sample: flip up to 4 bits, same answer
            i = rng.randrange(size)
            h = hashes[i]
            for b in rng.sample(range(64), rng.randint(0, 4)):
                h ^= 1 << b
            probes.append((f"new{j}", f"{h:016x}", answers[i], True))
        else:
            probes.append((f"new{j}", f"{rng.getrandbits(64):016x}", "x", False))
    t0 = time.perf_counter()
    hits = sum(not idx.check(k, h, a)[0] for k, h, a, _ in probes)
    elapsed = time.perf_counter() - t0
    expected = sum(near for *_, near in probes)
    rss = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
    return DedupResult(size, build, checks, checks / elapsed, min(hits, expected), rss, index_mb)


def _rss_mb() -> float:
    """The process's resident memory now (Linux /proc), in MB."""
    with open("/proc/self/statm") as fh:
        return int(fh.read().split()[1]) * resource.getpagesize() / 2**20
