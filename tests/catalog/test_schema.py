"""Named migrations: new catalogs record every step by name, catalogs of the numbered scheme open
and get only the steps they lack, and a step merged later runs wherever it is missing."""

from __future__ import annotations

import duckdb
import pytest

from flywheel.catalog import Catalog, schema
from flywheel.catalog.schema import MIGRATIONS, Migration, applied_migrations, migrate
from flywheel.core.errors import FlywheelError

NAMES = {m.name for m in MIGRATIONS}


def numbered_catalog(db, upto: int) -> None:
    """A catalog as the numbered scheme wrote it: migrations 1…`upto` run by hand, their numbers in
    `schema_version`, and one sample written before the later steps existed."""
    con = duckdb.connect(str(db))
    con.execute("CREATE TABLE schema_version (version INTEGER)")
    for number, m in enumerate(MIGRATIONS[:upto], start=1):
        con.execute(m.sql)
        con.execute("INSERT INTO schema_version VALUES (?)", [number])
    con.execute("INSERT INTO samples (id, kind, accepted) VALUES ('old', 'interaction', true)")
    con.close()


def columns(cat: Catalog, table: str) -> set[str]:
    return {r[0] for r in cat.query(f"SELECT column_name FROM information_schema.columns WHERE table_name = '{table}'")[1]}


def test_migration_names_are_unique_and_cover_the_numbered_scheme():
    assert len(NAMES) == len(MIGRATIONS)
    assert set(schema.LEGACY_NUMBERS.values()) <= NAMES
    assert [m.name for m in MIGRATIONS[:5]] == [schema.LEGACY_NUMBERS[n] for n in range(1, 6)]


def test_a_new_catalog_records_every_step_by_name_and_reopens(tmp_path):
    db = tmp_path / "c.duckdb"
    Catalog(db).close()
    with Catalog(db) as cat:
        assert applied_migrations(cat.con) == NAMES
        assert migrate(cat.con) == []  # nothing left to apply
        tables = {r[0] for r in cat.query("SELECT table_name FROM information_schema.tables")[1]}
    assert {"knowledge", "samples", "verdicts", "lineage", "runs", "repairs", "llm_cache"} <= tables
    assert "schema_version" not in tables


@pytest.mark.parametrize("upto", [1, 2, 3, 4])
def test_a_numbered_catalog_opens_and_gets_the_missing_steps(tmp_path, upto):
    db = tmp_path / "old.duckdb"
    numbered_catalog(db, upto)
    with Catalog(db) as cat:
        assert applied_migrations(cat.con) == NAMES
        assert {"taxonomy_parent", "level", "mapped", "source"} <= columns(cat, "knowledge")
        assert {"points", "elements", "overlay"} <= columns(cat, "samples")
        assert cat.query("SELECT count(*) FROM llm_cache")[1] == [(0,)]
        assert cat.query("SELECT id FROM samples")[1] == [("old",)]  # the rows written before survive
        # The numbered record is left as it was, for a flywheel from before names.
        assert [r[0] for r in cat.query("SELECT version FROM schema_version ORDER BY 1")[1]] == list(range(1, upto + 1))
    with Catalog(db) as cat:
        assert migrate(cat.con) == []


def test_a_fully_numbered_catalog_reruns_no_step(tmp_path):
    db = tmp_path / "old.duckdb"
    numbered_catalog(db, 5)  # rerunning `tables` would fail: its CREATE TABLEs have no IF NOT EXISTS
    with Catalog(db) as cat:
        assert applied_migrations(cat.con) == NAMES
        assert cat.query("SELECT id FROM samples")[1] == [("old",)]


def test_a_step_merged_later_runs_where_it_is_missing(tmp_path, monkeypatch):
    db = tmp_path / "c.duckdb"
    Catalog(db).close()
    late = Migration("late_notes", "CREATE TABLE notes (sample_id VARCHAR, note VARCHAR);")
    # Listed before steps the catalog already has: a name, not a position, says it is missing.
    monkeypatch.setattr(schema, "MIGRATIONS", [MIGRATIONS[0], late, *MIGRATIONS[1:]])
    with Catalog(db) as cat:
        assert applied_migrations(cat.con) == NAMES | {"late_notes"}
        assert cat.query("SELECT count(*) FROM notes")[1] == [(0,)]


def test_a_failing_step_leaves_nothing_behind(tmp_path, monkeypatch):
    db = tmp_path / "c.duckdb"
    Catalog(db).close()
    broken = Migration("broken", "CREATE TABLE half (a INT); SELECT * FROM no_such_table;")
    monkeypatch.setattr(schema, "MIGRATIONS", [*MIGRATIONS, broken])
    with pytest.raises(FlywheelError, match="cannot open catalog .*no_such_table"):
        Catalog(db)
    monkeypatch.undo()
    with Catalog(db) as cat:
        assert "broken" not in applied_migrations(cat.con)
        assert "half" not in {r[0] for r in cat.query("SELECT table_name FROM information_schema.tables")[1]}
