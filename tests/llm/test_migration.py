"""Migration 4 (llm_cache) applies to old catalogs, and a lower number merged later still runs."""

from __future__ import annotations

import duckdb

from flywheel.catalog import Catalog, schema
from flywheel.catalog.schema import MIGRATIONS


def versions(db) -> list[int]:
    con = duckdb.connect(str(db), read_only=True)
    try:
        return [r[0] for r in con.execute("SELECT version FROM schema_version ORDER BY version").fetchall()]
    finally:
        con.close()


def test_old_catalog_gets_the_cache_table_and_a_later_gap_filler_still_runs(tmp_path, monkeypatch):
    db = tmp_path / "old.duckdb"
    con = duckdb.connect(str(db))
    con.execute("CREATE TABLE schema_version (version INTEGER)")
    for i, sql in enumerate(MIGRATIONS, start=1):
        con.execute(sql)
        con.execute("INSERT INTO schema_version VALUES (?)", [i])
    con.close()
    Catalog(db).close()
    assert versions(db)[-1] == 4
    with Catalog(db) as cat:
        assert cat.query("SELECT count(*) FROM llm_cache")[1] == [(0,)]
    if len(MIGRATIONS) < 3:  # the lead's migration 3 arrives after 4 was applied
        monkeypatch.setattr(schema, "NUMBERED_MIGRATIONS", {3: "CREATE TABLE later (x INTEGER);",
                                                           **schema.NUMBERED_MIGRATIONS})
        with Catalog(db) as cat:
            assert cat.query("SELECT count(*) FROM later")[1] == [(0,)]
        assert versions(db) == [1, 2, 3, 4]
