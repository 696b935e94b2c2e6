"""Compaction gives back the free blocks that many small batches leave, and keeps every row and key."""

from flywheel.catalog import Catalog
from flywheel.core.records import Sample, Verdict

TABLES = ("samples", "verdicts", "runs", "schema_migrations")


def _sample(i: int) -> Sample:
    return Sample(id=f"s{i}", kind="interaction", domain="d", knowledge_id="k", question=f"how many {i}" * 20,
                  answer=str(i), answer_expr=str(i), image="", image_code="x = 1\n" * 200, tool_code="", edited_image=None,
                  cot="step\n" * 100, difficulty=1, difficulty_score=1.0, params={"i": i}, seed=i, generator="g",
                  stream="s", task_index=i)


def _snapshot(cat: Catalog) -> dict:
    rows = {t: cat.query(f"SELECT * FROM {t} ORDER BY ALL")[1] for t in TABLES}
    keys = cat.query("SELECT table_name, constraint_type, constraint_column_names FROM duckdb_constraints() "
                     "ORDER BY ALL")[1]
    return {"rows": rows, "keys": keys}


def test_compact_returns_free_blocks_and_keeps_rows_and_keys(tmp_path):
    db = tmp_path / "c.duckdb"
    with Catalog(db) as cat:
        run = cat.start_run("synthesize", {})
        for i in range(80):  # one sample per batch, the connection let go between them, as a run writes
            cat.write_batch([_sample(i)], [Verdict(f"s{i}", "answer", True, 1.0, "ok")], {}, run)
            cat.release()
        before = _snapshot(cat)
        assert cat.compact(min_free=1.0) is None  # never more free than everything: nothing to do
        size_before, size_after = cat.compact(min_free=0.0)
        assert size_after < size_before
        assert _snapshot(cat) == before
        cat.write_batch([_sample(80)], [], {}, run)  # the rewritten catalog takes writes
    with Catalog(db, read_only=True) as cat:
        assert cat.query("SELECT count(*) FROM samples")[1] == [(81,)]
    assert not list(tmp_path.glob("*.compact*"))
