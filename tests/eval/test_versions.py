"""Per-version reporting: once samples carry a `version` column (text_dominant … vision_only), eval
items carry it, `--versions` filters on it and the report splits by it."""

from __future__ import annotations

from flywheel.catalog import Catalog
from flywheel.eval.items import catalog_items
from flywheel.eval.report import summarize
from flywheel.train.data import Split
from tests.train.conftest import make_catalog


def test_version_column_is_reported_and_filtered(tmp_path):
    db = make_catalog(tmp_path / "fw.duckdb", n=4)
    with Catalog(db) as cat:
        assert {i.version for i in catalog_items(cat, ["reasoning"], Split.all)} == {"text_dominant"}  # the default
        cat.con.execute("UPDATE samples SET version = CASE WHEN id < (SELECT median(id) FROM samples) "
                        "THEN 'text_dominant' ELSE 'vision_only' END")
        items = catalog_items(cat, ["reasoning"], Split.all)
        only = catalog_items(cat, ["reasoning"], Split.all, versions=["vision_only"])
    assert {i.version for i in items} == {"text_dominant", "vision_only"}
    assert {i.version for i in only} == {"vision_only"} and 0 < len(only) < len(items)
    recs = [{"id": i.id, "task": i.task, "domain": i.domain, "difficulty": i.difficulty, "version": i.version,
             "blind": False, "score": float(i.version == "vision_only"), "tool_calls": 0, "sandbox_errors": 0,
             "turns": 1, "prompt_tokens": 1, "completion_tokens": 1} for i in items]
    by = summarize(recs, "m")["by"]["version"]
    assert by["vision_only"]["reasoning"]["score"] == 1.0 and by["text_dominant"]["reasoning"]["score"] == 0.0
