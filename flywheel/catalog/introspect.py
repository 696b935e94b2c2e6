"""What a catalog file holds, for the user: its tables and columns, whether it is a flywheel catalog
at all, and which sample an id prefix names."""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

import duckdb

from flywheel.core.errors import FlywheelError

# Every flywheel catalog has the table migrate() records its applied steps in, created before
# anything else; a DuckDB file with neither name is someone else's database. (`schema_version` holds
# step numbers; `schema_migrations` is the name catalogs with named migration steps use.)
MARKER_TABLES = ("schema_version", "schema_migrations")


@dataclass(frozen=True)
class ColumnInfo:
    name: str
    type: str


def user_tables(con: duckdb.DuckDBPyConnection) -> list[str]:
    """Base tables of the main schema, sorted."""
    return [r[0] for r in con.execute(
        "SELECT table_name FROM information_schema.tables "
        "WHERE table_schema = 'main' AND table_type = 'BASE TABLE' ORDER BY table_name").fetchall()]


def require_flywheel(con: duckdb.DuckDBPyConnection, path: Path, read_only: bool) -> None:
    """Refuse a DuckDB file that is not a flywheel catalog, before any command reads or migrates it.

    An empty file opened for writing is a new catalog (migrate() fills it); one opened for reading,
    or one that already holds other tables, is not a catalog."""
    tables = user_tables(con)
    if any(t in tables for t in MARKER_TABLES) or (not tables and not read_only):
        return
    what = f"tables {', '.join(tables[:5])}{', …' if len(tables) > 5 else ''}" if tables else "no tables"
    raise FlywheelError(f"{path} is a DuckDB file but not a flywheel catalog ({what}); "
                        "give a catalog made by `flywheel synthesize` or a new file name")


def schema(con: duckdb.DuckDBPyConnection) -> dict[str, list[ColumnInfo]]:
    """Every table and its columns in definition order (DuckDB's information_schema)."""
    tables: dict[str, list[ColumnInfo]] = {t: [] for t in user_tables(con)}
    rows = con.execute(
        "SELECT table_name, column_name, data_type FROM information_schema.columns "
        "WHERE table_schema = 'main' ORDER BY table_name, ordinal_position").fetchall()
    for table, column, dtype in rows:
        if table in tables:
            tables[table].append(ColumnInfo(column, dtype))
    return tables


def sample_ids_with_prefix(con: duckdb.DuckDBPyConnection, prefix: str, limit: int = 6) -> list[str]:
    """Up to `limit` sample ids that start with `prefix`, sorted (an exact id comes first)."""
    return [r[0] for r in con.execute(
        "SELECT id FROM samples WHERE starts_with(id, ?) ORDER BY id <> ?, id LIMIT ?",
        [prefix, prefix, limit]).fetchall()]
