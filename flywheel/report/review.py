"""Human review: read the decisions.json a reviewer downloaded from the report, store them as human
verdicts, and measure how often people agree with the machine verdicts."""

from __future__ import annotations

import datetime as dt
import json
from dataclasses import dataclass
from pathlib import Path

from flywheel.catalog import Catalog
from flywheel.catalog.review import (
    DECISIONS,
    HumanVerdict,
    agreement_counts,
    known_sample_ids,
    store_human_verdicts,
)
from flywheel.core.errors import FlywheelError

MAX_DECISIONS = 1_000_000  # a reviewer's file, not a data set: larger is a wrong file
MAX_NOTE = 2000


@dataclass(frozen=True)
class Decision:
    sample_id: str
    decision: str
    note: str
    at: dt.datetime


def read_decisions(path: Path) -> list[Decision]:
    """The decisions of a report's decisions.json, checked: every problem is one line naming the entry."""
    if not path.is_file():
        raise FlywheelError(f"{path} is not a file (download it with the report's 'download decisions.json' button)")
    try:
        doc = json.loads(path.read_text(encoding="utf-8"))
    except (UnicodeDecodeError, json.JSONDecodeError) as exc:
        raise FlywheelError(f"{path} is not JSON: {exc}") from None
    entries = doc.get("decisions") if isinstance(doc, dict) else None
    if not isinstance(entries, list):
        raise FlywheelError(f"{path} has no list 'decisions': not a decisions file downloaded from `flywheel report`")
    if len(entries) > MAX_DECISIONS:
        raise FlywheelError(f"{path} has {len(entries)} decisions; at most {MAX_DECISIONS} in one file")
    out, seen = [], set()
    for n, e in enumerate(entries, start=1):
        where = f"{path}: decision {n}"
        if not isinstance(e, dict) or not isinstance(e.get("id"), str) or not e["id"]:
            raise FlywheelError(f"{where} has no sample 'id'")
        if e.get("decision") not in DECISIONS:
            raise FlywheelError(f"{where} ({e['id']}): decision must be one of {', '.join(DECISIONS)}, "
                                f"not {e.get('decision')!r}")
        note = e.get("note") or ""
        if not isinstance(note, str) or len(note) > MAX_NOTE:
            raise FlywheelError(f"{where} ({e['id']}): note must be text of at most {MAX_NOTE} characters")
        if e["id"] in seen:
            raise FlywheelError(f"{where}: sample {e['id']} is decided twice")
        seen.add(e["id"])
        out.append(Decision(e["id"], e["decision"], note.strip(), _time(e.get("at"), where)))
    return out


def _time(value: object, where: str) -> dt.datetime:
    """The decision's time from the browser (ISO 8601, UTC), stored as naive UTC like the catalog's times."""
    if value is None:
        return dt.datetime.now(dt.UTC).replace(tzinfo=None)
    try:
        t = dt.datetime.fromisoformat(str(value).replace("Z", "+00:00"))
    except ValueError:
        raise FlywheelError(f"{where}: 'at' must be an ISO 8601 time, not {value!r}") from None
    return t.astimezone(dt.UTC).replace(tzinfo=None) if t.tzinfo else t


@dataclass(frozen=True)
class ImportResult:
    stored: int
    replaced: int
    by_decision: dict[str, int]


def import_decisions(cat: Catalog, decisions: list[Decision], reviewer: str) -> ImportResult:
    """Store every decision as `reviewer`'s human verdict, all or none; an unknown sample id is an error."""
    if not reviewer.strip():
        raise FlywheelError("--reviewer must name the reviewer")
    ids = [d.sample_id for d in decisions]
    unknown = sorted(set(ids) - known_sample_ids(cat, ids))
    if unknown:
        more = f" and {len(unknown) - 3} more" if len(unknown) > 3 else ""
        raise FlywheelError(f"{len(unknown)} decision(s) name samples not in {cat.path}: "
                            f"{', '.join(unknown[:3])}{more} (was the report built from another catalog?)")
    replaced = store_human_verdicts(cat, [HumanVerdict(d.sample_id, reviewer.strip(), d.decision, d.note, d.at)
                                          for d in decisions])
    by: dict[str, int] = {k: 0 for k in DECISIONS}
    for d in decisions:
        by[d.decision] += 1
    return ImportResult(len(decisions), replaced, by)


@dataclass(frozen=True)
class Agreement:
    """Human decisions against the machine's accept/reject, over samples a human accepted or rejected."""

    rows: list[tuple[str, str, bool, int]]  # (reviewer, decision, machine accepted, samples)

    def count(self, decision: str, machine: bool, reviewer: str | None = None) -> int:
        return sum(n for r, d, m, n in self.rows if d == decision and m == machine and reviewer in (None, r))

    @property
    def decided(self) -> int:
        return sum(n for _r, d, _m, n in self.rows if d != "flag")

    @property
    def agreed(self) -> int:
        return self.count("accept", True) + self.count("reject", False)

    @property
    def rate(self) -> float | None:
        return self.agreed / self.decided if self.decided else None

    @property
    def kappa(self) -> float | None:
        """Cohen's kappa of human vs machine accept/reject (None when either side never varies)."""
        n = self.decided
        if not n:
            return None
        h_acc = (self.count("accept", True) + self.count("accept", False)) / n
        m_acc = (self.count("accept", True) + self.count("reject", True)) / n
        chance = h_acc * m_acc + (1 - h_acc) * (1 - m_acc)
        return None if chance >= 1 else (self.agreed / n - chance) / (1 - chance)

    @property
    def reviewers(self) -> list[str]:
        return sorted({r for r, *_ in self.rows})


def agreement(cat: Catalog) -> Agreement:
    return Agreement(agreement_counts(cat))
