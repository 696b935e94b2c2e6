"""Migrations apply to catalogs written before them: the kinds' columns (migration 4) and the LLM
response cache (migration 5)."""

from __future__ import annotations

import duckdb

from flywheel.catalog import Catalog
from flywheel.catalog.schema import MIGRATIONS
from tests.conftest import catalog_rows


def old_catalog(db, migrations: int) -> None:
    """A catalog as a version that knew only the first `migrations` migrations wrote it."""
    con = duckdb.connect(str(db))
    con.execute("CREATE TABLE schema_version (version INTEGER)")
    for version, sql in enumerate(MIGRATIONS[:migrations], start=1):
        con.execute(sql)
        con.execute("INSERT INTO schema_version VALUES (?)", [version])
    con.close()


def test_a_catalog_from_before_the_kinds_gains_their_columns(tmp_path):
    db = tmp_path / "old.duckdb"
    old_catalog(db, 2)  # the schema as it was before the kinds
    with Catalog(db) as cat:
        cols = {r[0] for r in cat.con.execute("DESCRIBE samples").fetchall()}
    assert {"points", "elements", "overlay"} <= cols


def test_a_catalog_from_before_the_cache_gets_the_cache_table(tmp_path):
    db = tmp_path / "old.duckdb"
    old_catalog(db, 4)  # a catalog written by the version before the LLM path
    Catalog(db).close()
    assert catalog_rows(db, "SELECT version FROM schema_version ORDER BY version") == [(1,), (2,), (3,), (4,), (5,)]
    with Catalog(db) as cat:
        assert cat.query("SELECT count(*) FROM llm_cache")[1] == [(0,)]
