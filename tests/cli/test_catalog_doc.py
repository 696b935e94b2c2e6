"""docs/catalog.md stays true: it documents every table and column a catalog has, and every SQL
block in it runs through `flywheel query` on a catalog with every kind and an evolve round."""

from __future__ import annotations

import json
import re
from pathlib import Path

import pytest

from flywheel.catalog import Catalog
from flywheel.catalog.introspect import schema
from tests.conftest import flywheel_cli

DOC = Path(__file__).resolve().parents[2] / "docs" / "catalog.md"
MAY_BE_EMPTY = "-- may return no rows"


def sql_blocks(text: str) -> list[str]:
    return [m.strip() for m in re.findall(r"```sql\n(.*?)```", text, re.S)]


def documented_columns(text: str) -> dict[str, list[tuple[str, str]]]:
    """{table: [(column, type)]} from the `### table` sections' markdown tables."""
    tables: dict[str, list[tuple[str, str]]] = {}
    for section in re.split(r"^### ", text, flags=re.M)[1:]:
        name = section.split("\n", 1)[0].strip()
        rows = re.findall(r"^\| (\w+) \| ([A-Z\[\]]+) \|", section, re.M)
        tables[name] = rows
    return tables


def test_every_table_and_column_is_documented(tmp_path):
    with Catalog(tmp_path / "fresh.duckdb") as cat:
        actual = {t: [(c.name, c.type) for c in cols] for t, cols in schema(cat.con).items()}
    assert documented_columns(DOC.read_text()) == actual


def test_there_are_fifteen_queries_and_more():
    assert len(sql_blocks(DOC.read_text())) >= 15


@pytest.mark.parametrize("sql", sql_blocks(DOC.read_text()), ids=lambda s: s.splitlines()[0][:40])
def test_query_runs_and_returns_rows(evolved_catalog, sql):
    r = flywheel_cli("query", "-c", str(evolved_catalog), "-f", "json", sql)
    assert r.returncode == 0, r.stderr
    rows = json.loads(r.stdout)
    if MAY_BE_EMPTY not in sql:
        assert rows, f"no rows from:\n{sql}"
