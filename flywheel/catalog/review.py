"""Human review: decisions a reviewer made in the report site, stored beside the machine verdicts.

`human_verdicts` holds one row per (sample, reviewer): accept, reject or flag, a note, when it was
decided and when it was imported. A sample counts as *human-rejected* when its most recent decision
(over all reviewers) is `reject`; exports and training leave such samples out unless asked not to.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from flywheel.catalog.store import Catalog

DECISIONS = ("accept", "reject", "flag")

# The sample ids whose latest human decision is a reject (ties on time: the first reviewer by name).
HUMAN_REJECTED = """SELECT sample_id FROM (
    SELECT sample_id, decision, row_number() OVER (PARTITION BY sample_id ORDER BY decided_at DESC, reviewer) AS n
    FROM human_verdicts) WHERE n = 1 AND decision = 'reject'"""


@dataclass(frozen=True)
class HumanVerdict:
    sample_id: str
    reviewer: str
    decision: str  # one of DECISIONS
    note: str
    decided_at: dt.datetime


def has_human_verdicts(cat: Catalog) -> bool:
    """Whether the catalog has the table (a catalog opened read-only before the migration has not)."""
    return cat.has_table("human_verdicts")


def human_rejected_filter(cat: Catalog) -> str:
    """`AND …` that keeps samples a human did not reject (empty where the catalog has no reviews)."""
    if cat.include_human_rejected or not has_human_verdicts(cat):
        return ""
    return f"AND id NOT IN ({HUMAN_REJECTED})"


def known_sample_ids(cat: Catalog, ids: list[str]) -> set[str]:
    """The ids of `ids` that name stored samples."""
    return {r[0] for r in cat.con.execute("SELECT id FROM samples WHERE list_contains(?, id)", [ids]).fetchall()}


def store_human_verdicts(cat: Catalog, rows: list[HumanVerdict]) -> int:
    """Store `rows` in one transaction, replacing the same reviewer's earlier decision of a sample;
    returns how many replaced an earlier decision."""
    cat.con.execute("BEGIN")
    try:
        replaced = 0
        for reviewer in {r.reviewer for r in rows}:
            ids = [r.sample_id for r in rows if r.reviewer == reviewer]
            replaced += cat.con.execute("SELECT count(*) FROM human_verdicts WHERE reviewer = ? AND list_contains(?, sample_id)",
                                        [reviewer, ids]).fetchone()[0]
        cat.con.executemany(
            "INSERT OR REPLACE INTO human_verdicts (sample_id, reviewer, decision, note, decided_at, imported_at) "
            "VALUES (?, ?, ?, ?, ?, current_timestamp)",
            [[r.sample_id, r.reviewer, r.decision, r.note, r.decided_at] for r in rows])
        cat.con.execute("COMMIT")
    except BaseException:
        cat.con.execute("ROLLBACK")
        raise
    cat.release()
    return int(replaced)


def latest_human_verdicts(cat: Catalog) -> dict[str, tuple[str, str, str, dt.datetime]]:
    """sample id → (decision, note, reviewer, decided_at) of its most recent human decision."""
    if not has_human_verdicts(cat):
        return {}
    rows = cat.con.execute(
        "SELECT sample_id, decision, note, reviewer, decided_at FROM human_verdicts "
        "QUALIFY row_number() OVER (PARTITION BY sample_id ORDER BY decided_at DESC, reviewer) = 1").fetchall()
    return {r[0]: tuple(r[1:]) for r in rows}


def agreement_counts(cat: Catalog) -> list[tuple[str, str, bool, int]]:
    """(reviewer, human decision, machine accepted, samples) over every stored human decision, sorted."""
    if not has_human_verdicts(cat):
        return []
    return cat.con.execute(
        "SELECT h.reviewer, h.decision, s.accepted, count(*) FROM human_verdicts h JOIN samples s ON s.id = h.sample_id "
        "GROUP BY ALL ORDER BY ALL").fetchall()
