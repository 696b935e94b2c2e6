"""Kill runs at random points with SIGKILL, resume them, and compare the catalog with an uninterrupted run.

    python tools/fault_injection.py --trials 20 [--commands evolve,synthesize,import] [--seed 0]

For each command (`synthesize`, `evolve --rounds 2` on a synthesized catalog, `import` of its
V-Interaction export) one uninterrupted run is the reference. Each trial starts the same command on
a fresh copy, SIGKILLs its whole process group (workers and sandboxes too, as the OOM killer would)
once or twice, then runs the command again to completion, and compares every table: samples (but
for which run wrote them and when), verdicts, lineage, repairs, knowledge, and of `runs` only which
(command, axis, round) finished. Every evolve trial also counts evolved samples whose lineage edge
is missing. Trials alternate --batch-size 1 and 4 (import's batch size is fixed), so they also check
that the rows do not depend on it.

Kill points come from an RNG seeded with --seed: each is a fraction of the images the reference run
wrote, and the run is killed as soon as its image store holds that many new PNGs. A point in the
run's own progress, unlike a time, lands in the same phase however loaded the machine is. A trial
is *mid-run* when a kill landed after some samples were committed and before all were (import
writes its images at commit, 32 rows at a time, so about half its kills come after the end).

Prints a table: command, trials, mid-run, identical, differing, missing lineage edges.
"""

from __future__ import annotations

import argparse
import os
import random
import shutil
import signal
import subprocess
import sys
import tempfile
import time
from collections import Counter
from dataclasses import dataclass, field
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from flywheel.catalog import Catalog  # noqa: E402 - after the path above, for `python tools/…`
from flywheel.io.importing import BATCH_SIZE as IMPORT_BATCH  # noqa: E402

COMMANDS = ("synthesize", "evolve", "import")
BATCH_SIZES = (1, 4)
# What a resumed run must reproduce, table by table (ordered, so that a dump reads in a diff).
TABLES = {
    "samples": "SELECT * EXCLUDE (run_id, created_at) FROM samples ORDER BY id",
    "verdicts": "SELECT * FROM verdicts ORDER BY sample_id, verifier",
    "lineage": "SELECT * FROM lineage ORDER BY child_id, parent_id",
    "repairs": "SELECT * FROM repairs ORDER BY sample_id, attempt",
    "knowledge": "SELECT * FROM knowledge ORDER BY id",
    "runs done": "SELECT DISTINCT command, axis, round FROM runs WHERE status = 'done' ORDER BY ALL",
}
MISSING_EDGES = ("SELECT count(*) FROM samples WHERE parent_id <> '' "
                 "AND id NOT IN (SELECT child_id FROM lineage)")


@dataclass(frozen=True)
class Sizes:
    n: int = 60  # synthesize --n (the evolve base and the import file are this catalog)
    per_round: int = 40  # evolve --per-round, --rounds 2
    workers: int = 2
    seed: int = 5


@dataclass
class Trial:
    command: str
    batch_size: int
    kills: list[float]  # fractions of the reference's new images at which the run was killed
    mid_run: bool = False
    differing: dict[str, int] = field(default_factory=dict)  # table -> rows in one catalog but not the other
    missing_edges: int = 0
    error: str = ""

    @property
    def identical(self) -> bool:
        return not self.differing and not self.error


def tables(db: Path) -> dict[str, Counter[str]]:
    """Every compared table of a catalog as a multiset of its rows."""
    with Catalog(db, read_only=True) as cat:
        return {name: Counter(repr(r) for r in cat.query(sql)[1]) for name, sql in TABLES.items()}


def count(db: Path, sql: str) -> int:
    with Catalog(db, read_only=True) as cat:
        return int(cat.query(sql)[1][0][0])


def diff(a: dict[str, Counter[str]], b: dict[str, Counter[str]]) -> dict[str, int]:
    out = {}
    for name in TABLES:
        n = sum(((a[name] - b[name]) + (b[name] - a[name])).values())
        if n:
            out[name] = n
    return out


@dataclass(frozen=True)
class Reference:
    tables: dict[str, Counter[str]]
    seconds: float
    samples: int  # new samples of the run
    pngs: int  # new PNGs of the run


class Bench:
    """A work directory with the evolve base catalog, the import file, and each command's reference."""

    def __init__(self, work: Path, sizes: Sizes = Sizes()) -> None:
        self.work, self.sizes = work, sizes
        self.env = {**os.environ, "PYTHONPATH": os.pathsep.join([str(ROOT), os.environ.get("PYTHONPATH", "")])}
        self.reference: dict[str, Reference] = {}

    # -- the commands ---------------------------------------------------------------------------
    def argv(self, command: str, db: Path, batch_size: int) -> list[str]:
        s = self.sizes
        common = ["--catalog", str(db), "--workers", str(s.workers)]
        if command == "synthesize":
            return ["synthesize", "--n", str(s.n), "--seed", str(s.seed), "--batch-size", str(batch_size), *common]
        if command == "evolve":
            return ["evolve", "--rounds", "2", "--per-round", str(s.per_round), "--batch-size", str(batch_size), *common]
        return ["import", str(self.work / "export" / "v-interaction.parquet"), *common]

    def fresh(self, command: str, where: Path) -> Path:
        """A catalog to run `command` on: the synthesized base for evolve, else none yet."""
        shutil.rmtree(where, ignore_errors=True)
        where.mkdir(parents=True)
        db = where / "c.duckdb"
        if command == "evolve":
            base = self.work / "ref-synthesize" / "c.duckdb"
            shutil.copy(base, db)
            shutil.copytree(base.parent / "images", where / "images")
        return db

    def cli(self, args: list[str], capture: bool = False) -> subprocess.Popen:
        """The command in its own process group, so one killpg reaches its workers and sandboxes."""
        return subprocess.Popen([sys.executable, "-m", "flywheel.cli", *args], env=self.env, start_new_session=True,
                                stdout=subprocess.DEVNULL, stderr=subprocess.PIPE if capture else subprocess.DEVNULL,
                                text=True)

    def complete(self, args: list[str]) -> str:
        """Run to the end; '' or the error it ended with."""
        proc = self.cli(args, capture=True)
        _, err = proc.communicate(timeout=1800)
        return "" if proc.returncode == 0 else (err.strip().splitlines() or [f"exit {proc.returncode}"])[-1]

    # -- references and trials ------------------------------------------------------------------
    def ensure(self, command: str) -> Reference:
        """The reference run of `command` (synthesize's is also the evolve base and the import source)."""
        if command in self.reference:
            return self.reference[command]
        if command != "synthesize":
            self.ensure("synthesize")
        if command == "import" and not (self.work / "export").exists():
            err = self.complete(["export", "--format", "v-interaction", "--out", str(self.work / "export"),
                                 "--catalog", str(self.work / "ref-synthesize" / "c.duckdb")])
            if err:
                raise RuntimeError(f"export failed: {err}")
        db = self.fresh(command, self.work / f"ref-{command}")
        samples, pngs = _samples(db), _pngs(db)
        t0 = time.monotonic()
        err = self.complete(self.argv(command, db, BATCH_SIZES[-1]))
        if err:
            raise RuntimeError(f"reference {command} failed: {err}")
        ref = Reference(tables(db), time.monotonic() - t0, _samples(db) - samples, _pngs(db) - pngs)
        self.reference[command] = ref
        return ref

    def trial(self, command: str, index: int, rng: random.Random) -> Trial:
        ref = self.ensure(command)
        batch = IMPORT_BATCH if command == "import" else BATCH_SIZES[index % len(BATCH_SIZES)]
        t = Trial(command, batch, sorted(rng.uniform(0.05, 0.95) for _ in range(rng.randint(1, 2))))
        db = self.fresh(command, self.work / f"trial-{command}-{index}")
        args = self.argv(command, db, batch)
        samples, pngs = _samples(db), _pngs(db)
        for share in t.kills:
            target = pngs + max(1, round(share * ref.pngs))
            proc = self.cli(args)
            while proc.poll() is None and _pngs(db) < target:
                time.sleep(0.02)
            if proc.poll() is None:  # else it finished first: a kill after the end tests nothing new
                os.killpg(proc.pid, signal.SIGKILL)
            proc.wait()
            t.mid_run |= 0 < _samples(db) - samples < ref.samples
        t.error = self.complete(args)
        if not t.error:
            t.differing = diff(tables(db), ref.tables)
            t.missing_edges = count(db, MISSING_EDGES)
        shutil.rmtree(db.parent, ignore_errors=True)
        return t


def _samples(db: Path) -> int:
    return count(db, "SELECT count(*) FROM samples") if db.exists() else 0


def _pngs(db: Path) -> int:
    return sum(1 for _ in (db.parent / "images").glob("*/*.png"))


def run_trials(bench: Bench, trials: dict[str, int], seed: int = 0,
               on_trial=None) -> list[Trial]:
    """`trials[command]` trials of each command, kill times drawn from one RNG seeded with `seed`."""
    rng = random.Random(seed)
    out = []
    for command, n in trials.items():
        for i in range(n):
            t = bench.trial(command, i, rng)
            out.append(t)
            if on_trial:
                on_trial(t)
    return out


def table(results: list[Trial]) -> str:
    rows = [("command", "trials", "mid-run", "identical", "differing", "missing lineage edges")]
    for command in dict.fromkeys(t.command for t in results):
        ts = [t for t in results if t.command == command]
        rows.append((command, str(len(ts)), str(sum(t.mid_run for t in ts)), str(sum(t.identical for t in ts)),
                     str(sum(not t.identical for t in ts)), str(sum(t.missing_edges for t in ts))))
    widths = [max(len(r[i]) for r in rows) for i in range(len(rows[0]))]
    return "\n".join("  ".join(c.ljust(w) for c, w in zip(r, widths, strict=True)).rstrip() for r in rows)


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("--trials", type=int, default=5, help="trials per command")
    ap.add_argument("--commands", default=",".join(COMMANDS), help="comma-separated: synthesize,evolve,import")
    ap.add_argument("--seed", type=int, default=0, help="seed of the kill times")
    ap.add_argument("--work", type=Path, help="work directory (default: a temporary one, removed at the end)")
    a = ap.parse_args()
    commands = tuple(c.strip() for c in a.commands.split(",") if c.strip())
    unknown = [c for c in commands if c not in COMMANDS]
    if unknown:
        ap.error(f"unknown command(s) {unknown}; choose from {', '.join(COMMANDS)}")
    work = a.work or Path(tempfile.mkdtemp(prefix="flywheel-faults-"))
    try:
        bench = Bench(work)
        for c in commands:
            ref = bench.ensure(c)
            print(f"reference {c}: {ref.samples} samples, {ref.pngs} PNGs in {ref.seconds:.1f}s", flush=True)

        def report(t: Trial) -> None:
            verdict = "identical" if t.identical else f"DIFFERS {t.error or t.differing}"
            kills = ", ".join(f"{k:.0%}" for k in t.kills)
            print(f"  {t.command} batch {t.batch_size}, killed at {kills} of the images: {'mid-run' if t.mid_run else 'no mid-run kill'}, "
                  f"{verdict}, missing lineage edges {t.missing_edges}", flush=True)

        results = run_trials(bench, {c: a.trials for c in commands}, a.seed, report)
        print(table(results))
    finally:
        if a.work is None:
            shutil.rmtree(work, ignore_errors=True)
    if any(not t.identical or t.missing_edges for t in results):
        sys.exit(1)


if __name__ == "__main__":
    main()
