"""Migration 5 (llm_cache) applies to catalogs written before it existed."""

from __future__ import annotations

import duckdb

from flywheel.catalog import Catalog
from flywheel.catalog.schema import MIGRATIONS


def versions(db) -> list[int]:
    con = duckdb.connect(str(db), read_only=True)
    try:
        return [r[0] for r in con.execute("SELECT version FROM schema_version ORDER BY version").fetchall()]
    finally:
        con.close()


def test_a_catalog_from_before_the_cache_gets_the_cache_table(tmp_path):
    db = tmp_path / "old.duckdb"
    con = duckdb.connect(str(db))
    con.execute("CREATE TABLE schema_version (version INTEGER)")
    for i, sql in enumerate(MIGRATIONS[:4], start=1):  # a catalog written by the version before the LLM path
        con.execute(sql)
        con.execute("INSERT INTO schema_version VALUES (?)", [i])
    con.close()
    Catalog(db).close()
    assert versions(db) == list(range(1, len(MIGRATIONS) + 1))
    with Catalog(db) as cat:
        assert cat.query("SELECT count(*) FROM llm_cache")[1] == [(0,)]
