"""Queries of the stream and round bookkeeping: which ids exist, which rounds finished, what a round
was started with, which samples an LLM round may make harder, what each phase of a round made.

Plain functions over an open Catalog, so the run, evolve, llm and io layers hold no SQL.
"""

from __future__ import annotations

import json
from collections.abc import Iterable
from typing import Any

from flywheel.catalog.doctor import IMAGE_COLUMNS
from flywheel.catalog.store import Catalog


def accepted_count(cat: Catalog) -> int:
    """Accepted samples in the catalog; 0 for an empty or foreign DuckDB file."""
    try:
        (n,) = cat.con.execute("SELECT count(*) FROM samples WHERE accepted").fetchone()
    except Exception:  # noqa: BLE001 - a file without our tables has no samples
        return 0
    return int(n)


def known_ids(cat: Catalog) -> set[str]:
    """Every sample id in the catalog, accepted or not."""
    return {r[0] for r in cat.con.execute("SELECT id FROM samples").fetchall()}


def referenced_images(cat: Catalog, digests: Iterable[str]) -> set[str]:
    """Which of `digests` some sample, accepted or not, names as its figure, edited figure or overlay."""
    wanted = sorted(set(digests))
    if not wanted:
        return set()
    union = " UNION ".join(f"SELECT {c} FROM samples WHERE {c} IN (SELECT unnest($d))" for c in IMAGE_COLUMNS)
    return {r[0] for r in cat.con.execute(union, {"d": wanted}).fetchall()}


def finished_rounds(cat: Catalog) -> int:
    """The highest evolution round whose `runs` row says done (0 when none is)."""
    (r,) = cat.con.execute(
        "SELECT max(round) FROM runs WHERE command = 'evolve' AND axis = 'round' AND status = 'done'").fetchone()
    return r or 0


def round_config_row(cat: Catalog, r: int) -> dict[str, Any] | None:
    """The config round `r` was first started with, or None if it never started."""
    row = cat.con.execute(
        "SELECT config FROM runs WHERE command = 'evolve' AND axis = 'round' AND round = ? ORDER BY started_at LIMIT 1",
        [r]).fetchone()
    return json.loads(row[0]) if row else None


def mark_interrupted(cat: Catalog, r: int) -> None:
    """Rows of round `r` still 'running' belong to a process that died: say so before the round restarts."""
    cat.con.execute("UPDATE runs SET status = 'interrupted' WHERE command = 'evolve' AND round = ? AND status = 'running'",
                    [r])


def hardest_unvaried(cat: Catalog, r: int, n: int) -> list[dict[str, Any]]:
    """Up to n accepted interaction samples of rounds before r with no `harder` child before r: the
    freshest round first, hardest first within it. `params` comes back decoded."""
    if n <= 0:
        return []
    cur = cat.con.execute("""
        SELECT id, knowledge_id, domain, question, answer, image_code, tool_code, cot, params, difficulty,
               difficulty_score FROM samples s
        WHERE accepted AND kind = 'interaction' AND round < ? AND id NOT IN (
            SELECT l.parent_id FROM lineage l JOIN samples c ON c.id = l.child_id
            WHERE l.relation = 'harder' AND c.round < ?)
        ORDER BY round DESC, difficulty_score DESC, id LIMIT ?""", [r, r, n])
    cols = [d[0] for d in cur.description]
    rows = [dict(zip(cols, row, strict=True)) for row in cur.fetchall()]
    for row in rows:
        row["params"] = json.loads(row["params"] or "{}")
    return rows


def phase_counts(cat: Catalog, prefix: str) -> dict[str, dict[str, int]]:
    """Generated/accepted per stream `<prefix>:<phase>`, by phase (the part after the prefix); from
    the catalog, so the figures of a resumed round are those of an uninterrupted one."""
    rows = cat.con.execute("""SELECT substr(stream, ?), count(*), count(*) FILTER (WHERE accepted)
                              FROM samples WHERE starts_with(stream, ?) GROUP BY 1 ORDER BY 1""",
                           [len(prefix) + 2, prefix + ":"]).fetchall()
    return {phase: {"generated": g, "accepted": a} for phase, g, a in rows}


def run_rows(cat: Catalog, limit: int) -> list[dict[str, Any]]:
    """The latest `limit` runs of commands (an evolve round's row, not its per-axis rows), newest first,
    their stats parsed."""
    rows = cat.con.execute("""SELECT id, command, round, status, started_at, finished_at, stats FROM runs
                              WHERE axis IS NULL OR axis = 'round' ORDER BY started_at DESC, id LIMIT ?""",
                           [limit]).fetchall()
    names = ("id", "command", "round", "status", "started_at", "finished_at", "stats")
    return [{**dict(zip(names, r, strict=True)), "stats": json.loads(r[6] or "{}")} for r in rows]
