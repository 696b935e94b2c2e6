"""Catalog: atomic batches, migrations applied once, read-only queries, and paths it refuses."""

import pytest

from flywheel.catalog import Catalog
from flywheel.catalog.schema import MIGRATIONS, applied_migrations
from flywheel.core.errors import FlywheelError
from flywheel.core.records import Sample, Verdict


def _sample(i: int) -> Sample:
    return Sample(id=f"s{i}", kind="interaction", domain="d", knowledge_id="k", question="q", answer="1",
                  answer_expr="1", image="", image_code="", tool_code="", edited_image=None, cot="",
                  difficulty=1, difficulty_score=1.0, params={}, seed=i, generator="g")


def test_a_failing_batch_leaves_nothing_half_written(tmp_path, monkeypatch):
    db = tmp_path / "c.duckdb"
    with Catalog(db) as cat:
        real = cat._insert

        def flaky(table, rows, replace=False):
            if table == "verdicts":
                raise RuntimeError("disk full")
            real(table, rows, replace)

        monkeypatch.setattr(cat, "_insert", flaky)
        with pytest.raises(RuntimeError):
            cat.write_batch([_sample(1)], [Verdict("s1", "answer", True, 1.0, "ok")], {}, "run")
        assert cat.query("SELECT count(*) FROM samples")[1][0][0] == 0


def test_schema_is_migrated_once_and_reopens(tmp_path):
    db = tmp_path / "c.duckdb"
    Catalog(db).close()
    with Catalog(db) as cat:
        assert applied_migrations(cat.con) == {m.name for m in MIGRATIONS}
        tables = {r[0] for r in cat.query("SELECT table_name FROM information_schema.tables")[1]}
    assert {"knowledge", "samples", "verdicts", "lineage", "runs", "llm_cache"} <= tables


@pytest.mark.parametrize("sql", ["DELETE FROM samples", "DROP TABLE samples", "CREATE TABLE x (a INT)",
                                 "COPY samples TO '/tmp/x.csv'", "SELECT 1; SELECT 2"])
def test_query_refuses_anything_but_one_read(tmp_path, sql):
    db = tmp_path / "c.duckdb"
    Catalog(db).close()
    with Catalog(db, read_only=True) as cat, pytest.raises(FlywheelError):
        cat.query(sql)


def test_catalog_path_that_is_a_directory_is_refused(tmp_path):
    with pytest.raises(FlywheelError, match="directory"):
        Catalog(tmp_path)
