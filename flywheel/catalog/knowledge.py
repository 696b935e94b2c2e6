"""Reads of the `knowledge` table: the taxonomy as stored, its nodes per round, samples per node."""

from __future__ import annotations

import json
from typing import TYPE_CHECKING, Any

from flywheel.core.records import KnowledgeNode

if TYPE_CHECKING:
    from flywheel.catalog.store import Catalog

# Columns of a node as the knowledge commands read it, with the value a catalog from before the
# `taxonomy_hierarchy` migration (opened read-only, so not migrated) stands in for each it lacks.
TREE_COLUMNS = {"id": None, "domain": None, "name": None, "description": "''", "generator": None,
                "taxonomy_parent": "NULL", "level": "'point'", "mapped": "NULL", "source": "NULL"}


def knowledge_columns(cat: Catalog, columns: tuple[str, ...]) -> dict[str, tuple]:
    """Every stored node: its id → the values of `columns` (column names of `knowledge`), in that order."""
    cur = cat.con.execute(f"SELECT id, {', '.join(columns)} FROM knowledge")
    return {r[0]: r[1:] for r in cur.fetchall()}


def _columns(cat: Catalog) -> set[str]:
    """The columns `knowledge` has (an old catalog opened read-only is not migrated)."""
    return {r[0] for r in cat.con.execute(
        "SELECT column_name FROM information_schema.columns WHERE table_name = 'knowledge'").fetchall()}


def knowledge_tree_rows(cat: Catalog) -> dict[str, dict[str, Any]]:
    """Every stored node: its id → a dict of the TREE_COLUMNS (defaults where an old catalog lacks one)."""
    have = _columns(cat)
    sel = ", ".join(c if c in have or d is None else f"{d} AS {c}" for c, d in TREE_COLUMNS.items())
    cur = cat.con.execute(f"SELECT {sel} FROM knowledge")
    cols = [d[0] for d in cur.description]
    return {r[0]: dict(zip(cols, r, strict=True)) for r in cur.fetchall()}


def samples_per_knowledge(cat: Catalog) -> list[tuple[str, int, int]]:
    """(knowledge id, accepted samples, all samples) for every knowledge id that has samples."""
    return cat.con.execute(
        "SELECT knowledge_id, count(*) FILTER (WHERE accepted), count(*) FROM samples GROUP BY 1").fetchall()


def knowledge_before_round(cat: Catalog, round_: int) -> list[KnowledgeNode]:
    """The nodes added before round `round_` (seed and imported nodes count as round 0), unordered."""
    cur = cat.con.execute(
        "SELECT id, domain, name, description, prerequisites, generator, params, parents, round FROM knowledge "
        "WHERE coalesce(round, 0) < ?", [round_])
    return [KnowledgeNode(id=i, domain=d, name=n, description=desc or "", prerequisites=list(pre or []), generator=g,
                          params=json.loads(p) if p else {}, parents=list(par or []), round=r or 0)
            for i, d, n, desc, pre, g, p, par, r in cur.fetchall()]


def taxonomy_nodes(cat: Catalog) -> list[KnowledgeNode]:
    """Every node of an imported taxonomy (rows with a level and a source file), by id: a stable order, so
    a stream drawing from them draws the same tasks after a re-import."""
    have = _columns(cat)
    if "taxonomy_parent" not in have:  # a catalog from before the taxonomy_hierarchy migration has none
        return []
    cur = cat.con.execute(
        "SELECT id, domain, name, description, prerequisites, generator, params, taxonomy_parent, level, mapped, source "
        "FROM knowledge WHERE source IS NOT NULL AND level IS NOT NULL AND coalesce(round, 0) = 0 ORDER BY id")
    return [KnowledgeNode(id=i, domain=d, name=n, description=desc or "", prerequisites=list(pre or []), generator=g,
                          params=json.loads(p) if p else {}, taxonomy_parent=tp, level=lv, mapped=m, source=src)
            for i, d, n, desc, pre, g, p, tp, lv, m, src in cur.fetchall()]


def write_knowledge(cat: Catalog, nodes: list[KnowledgeNode]) -> None:
    """Store `nodes` (replacing stored nodes of the same id) in one transaction: all of them or none."""
    cat.con.execute("BEGIN")
    try:
        cat.upsert_knowledge(nodes)
        cat.con.execute("COMMIT")
    except BaseException:
        cat.con.execute("ROLLBACK")
        raise
