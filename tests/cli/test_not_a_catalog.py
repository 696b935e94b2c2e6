"""A DuckDB file that is not a flywheel catalog: one line, exit 1, no traceback, the file untouched."""

from __future__ import annotations

from pathlib import Path

import duckdb
import pytest

from tests.conftest import flywheel_cli


@pytest.fixture
def foreign(tmp_path) -> Path:
    db = tmp_path / "other.duckdb"
    con = duckdb.connect(str(db))
    con.execute("CREATE TABLE samples (x INTEGER)")  # even a table named like ours
    con.execute("INSERT INTO samples VALUES (1)")
    con.close()
    return db


@pytest.mark.parametrize("args", [
    ["show", "abc"], ["query", "SELECT 1"], ["export", "-f", "v-interaction", "-o", "OUT"], ["knowledge", "list"],
    ["evolve"], ["synthesize", "--n", "2", "--workers", "1"],
], ids=lambda a: " ".join(a[:2]))
def test_refused_in_one_line(foreign, args):
    args = [str(foreign.parent / "out") if a == "OUT" else a for a in args]
    r = flywheel_cli(*args, "-c", str(foreign))
    assert r.returncode == 1, r.stdout
    assert "Traceback" not in r.stderr + r.stdout
    errors = [ln for ln in r.stderr.splitlines() if ln.startswith("error:")]
    assert len(errors) == 1 and f"error: {foreign} is a DuckDB file but not a flywheel catalog" in errors[0], r.stderr
    con = duckdb.connect(str(foreign), read_only=True)
    assert con.execute("SHOW TABLES").fetchall() == [("samples",)]  # nothing migrated into it
    con.close()
