"""Commit worker outcomes to the catalog in task order: duplicate check, acceptance, batched rows.

Shared by `synthesize` (round 0), `evolve` (later rounds) and benchmarks. Outcomes are committed
strictly in task order, so a run interrupted at any point and resumed from the stream's next task
index ends with exactly the rows of an uninterrupted run.
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Iterator
from dataclasses import dataclass, field
from typing import Any

from flywheel.catalog import Catalog
from flywheel.core.records import Sample, Verdict
from flywheel.run.build import Outcome
from flywheel.run.pool import TaskFailure
from flywheel.verify.duplicate import DuplicateIndex


@dataclass
class RunStats:
    accepted_before: int = 0
    accepted: int = 0
    generated: int = 0
    failed_tasks: int = 0
    verifier_pass: Counter = field(default_factory=Counter)
    verifier_seen: Counter = field(default_factory=Counter)
    seconds: float = 0.0
    timings: dict[str, float] = field(default_factory=dict)

    def as_dict(self) -> dict:
        rates = {k: self.verifier_pass[k] / n for k, n in self.verifier_seen.items() if n}
        return {"accepted_before": self.accepted_before, "accepted": self.accepted, "generated": self.generated,
                "failed_tasks": self.failed_tasks, "verifier_pass_rate": rates, "seconds": round(self.seconds, 2)}


def load_duplicates(cat: Catalog) -> DuplicateIndex:
    dups = DuplicateIndex()
    for key, ph, answer, kind in cat.accepted_hashes():
        dups.add(key, ph, answer, kind)
    return dups


def in_order(results: Iterator[tuple[int, object]], start: int) -> Iterator[Outcome | TaskFailure]:
    """Re-sequence unordered pool results by task index."""
    pending: dict[int, object] = {}
    nxt = start
    for i, res in results:
        pending[start + i] = res
        while nxt in pending:
            yield pending.pop(nxt)
            nxt += 1


def absorb(out: Outcome | TaskFailure, dups: DuplicateIndex, stats: RunStats, writer: BatchWriter) -> bool:
    """Add the duplicate verdict, decide acceptance, queue the rows. Returns True if accepted."""
    if isinstance(out, TaskFailure) or out.sample is None:
        stats.failed_tasks += 1
        if isinstance(out, Outcome):
            writer.add_extra(out, None)
        return False
    s = out.sample
    stats.generated += 1
    passed, reason = dups.check(s.question_key, s.phash, s.answer, s.kind) if s.phash else (False, "no image to hash")
    stats.timings.update({k: stats.timings.get(k, 0.0) + v for k, v in out.timings.items()})
    verdicts = out.verdicts + [Verdict(s.id, "duplicate", passed, float(passed), reason)]
    for v in verdicts:
        stats.verifier_seen[v.verifier] += 1
        stats.verifier_pass[v.verifier] += v.passed
    s.accepted = all(v.passed for v in verdicts)
    if s.accepted:
        dups.add(s.question_key, s.phash, s.answer, s.kind)
        stats.accepted += 1
    writer.add(s, verdicts, out.images)
    writer.add_extra(out, s)
    return s.accepted


class BatchWriter:
    """Queues samples, verdicts, lineage edges and repair records; one transaction per batch."""

    def __init__(self, cat: Catalog, run_id: str, size: int) -> None:
        self.cat, self.run_id, self.size = cat, run_id, size
        self._reset()

    def _reset(self) -> None:
        self.samples: list[Sample] = []
        self.verdicts: list[Verdict] = []
        self.images: dict[str, bytes] = {}
        self.extra: dict[str, list[dict[str, Any]]] = {"lineage": [], "repairs": []}

    def add(self, s: Sample, verdicts: list[Verdict], images: dict[str, bytes]) -> None:
        self.samples.append(s)
        self.verdicts += verdicts
        self.images.update(images)
        if len(self.samples) >= self.size:
            self.flush()

    def add_extra(self, out: Outcome, s: Sample | None) -> None:
        """Lineage edge to the parent, and the outcome of a repair attempt (also when it failed)."""
        if s is not None and s.parent_id:
            self.extra["lineage"].append({"child_id": s.id, "parent_id": s.parent_id, "relation": out.relation})
        repair = out.meta.get("repair")
        if repair:
            self.extra["repairs"].append({**repair, "repaired_id": s.id if s else None,
                                          "success": bool(s and s.accepted), "note": out.error or None})

    def flush(self) -> None:
        if self.samples or any(self.extra.values()):
            self.cat.write_batch(self.samples, self.verdicts, self.images, self.run_id, self.extra)
        self._reset()
