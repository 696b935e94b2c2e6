"""Import of hostile or sloppy V-Interaction files: a bad row is a rejected row, a bad file is one line
and no catalog, repeated and missing ids are counted honestly, oversized fields are never run."""

from __future__ import annotations

import json
from pathlib import Path

import pyarrow as pa
import pyarrow.parquet as pq
import pytest
import yaml

from flywheel.catalog import Catalog
from flywheel.io import get_exporter
from flywheel.io.importing import import_v_interaction, open_v_interaction
from flywheel.io.limits import MAX_CODE_CHARS, MAX_IMAGE_BYTES, MAX_QUESTION_CHARS
from flywheel.run.synthesize import SynthesisConfig, synthesize
from tests.conftest import FAST_NODES, catalog_rows, flywheel_cli

JUNK_PNG = "open('image.png', 'wb').write(b'\\x89PNG\\r\\n\\x1a\\n' + b'junk' * 100)"


@pytest.fixture(scope="module")
def exported(tmp_path_factory) -> tuple[Path, list[dict], pa.Schema]:
    """Four accepted samples exported as v-interaction: (file, its rows, its schema)."""
    root = tmp_path_factory.mktemp("exported")
    seeds = root / "seeds.yaml"
    seeds.write_text(yaml.safe_dump({"nodes": [{"id": g, "domain": "plane_geometry", "name": g, "generator": g}
                                               for g in FAST_NODES]}))
    src = root / "a.duckdb"
    synthesize(SynthesisConfig(n=4, seed=9, catalog=src, seeds=seeds, workers=2))
    with Catalog(src, read_only=True) as cat:
        path = get_exporter("v-interaction")(cat, root / "out", None)
    return path, pq.read_table(path).to_pylist(), pq.read_schema(path)


def write(path: Path, rows: list[dict], schema: pa.Schema) -> Path:
    pq.write_table(pa.Table.from_pylist(rows, schema=schema), path)
    return path


def run_stats(db: Path) -> tuple[str, dict]:
    ((status, stats),) = catalog_rows(db, "SELECT status, stats FROM runs WHERE command = 'import'")
    return status, json.loads(stats)


def test_a_row_whose_figure_is_junk_is_one_rejected_row_not_an_aborted_import(exported, tmp_path):
    path, rows, schema = exported
    bad = dict(rows[0], id="junk-png", original_img_code=JUNK_PNG)
    f = write(tmp_path / "f.parquet", [bad, *rows[1:]], schema)
    db = tmp_path / "c.duckdb"
    r = flywheel_cli("import", str(f), "--catalog", str(db), "--workers", "2")
    assert r.returncode == 0 and "Traceback" not in r.stderr, r.stderr
    assert "imported 4 rows" in r.stdout and "3 accepted, 1 rejected" in r.stdout
    assert "4/4 rows" in r.stderr  # the progress bar
    failed = catalog_rows(db, "SELECT verifier, reason FROM verdicts WHERE sample_id = 'junk-png' AND NOT passed")
    assert ("image", "figure code wrote an image.png that is not a readable image") in [
        (v, why.split(" (")[0]) for v, why in failed]
    assert run_stats(db)[0] == "done"


def test_wrong_column_types_are_one_line_before_any_work_and_create_nothing(exported, tmp_path):
    path, rows, schema = exported
    db = tmp_path / "c.duckdb"
    q_int = schema.set(schema.get_field_index("question"), pa.field("question", pa.int64()))
    f = write(tmp_path / "q.parquet", [dict(r, question=7) for r in rows], q_int)
    r = flywheel_cli("import", str(f), "--catalog", str(db))
    assert r.returncode == 1 and r.stderr.strip() == (
        f"error: {f}: column 'question' is int64, expected a string column"), r.stderr
    img_str = schema.set(schema.get_field_index("image"), pa.field("image", pa.string()))
    f = write(tmp_path / "i.parquet", [dict(r, image="x.png") for r in rows], img_str)
    r = flywheel_cli("import", str(f), "--catalog", str(db))
    assert r.returncode == 1 and r.stderr.strip() == (
        f"error: {f}: column 'image' is string, expected an image struct with a binary 'bytes' field"), r.stderr
    assert not db.exists() and not (tmp_path / "images").exists()
    # A pandas categorical (a dictionary-encoded string) is a string column.
    table = pa.Table.from_pylist(rows, schema=schema)
    table = table.set_column(table.schema.get_field_index("domain"), "domain", table["domain"].dictionary_encode())
    pq.write_table(table, tmp_path / "cat.parquet")
    assert open_v_interaction(tmp_path / "cat.parquet").rows == len(rows)


def test_a_file_that_fails_validation_creates_no_catalog(tmp_path):
    db = tmp_path / "c.duckdb"
    junk = tmp_path / "junk.parquet"
    junk.write_text("not parquet")
    r = flywheel_cli("import", str(junk), "--catalog", str(db))
    assert r.returncode == 1 and "cannot read" in r.stderr and "Traceback" not in r.stderr
    pq.write_table(pa.table({"id": ["x"]}), tmp_path / "cols.parquet")
    r = flywheel_cli("import", str(tmp_path / "cols.parquet"), "--catalog", str(db))
    assert r.returncode == 1 and "lacks V-Interaction columns" in r.stderr
    assert not db.exists() and not (tmp_path / "images").exists()


def test_repeated_and_missing_ids_are_counted_as_what_the_catalog_holds(exported, tmp_path):
    path, rows, schema = exported
    a, b, c = rows[0], rows[1], rows[2]
    file_rows = [a, dict(a), dict(a), dict(b, id=None), dict(b, id=None), dict(c, id="  ")]
    f = write(tmp_path / "ids.parquet", file_rows, schema)
    db = tmp_path / "c.duckdb"
    r = flywheel_cli("import", str(f), "--catalog", str(db), "--workers", "2")
    assert r.returncode == 0, r.stderr
    assert "imported 6 rows" in r.stdout and "3 accepted, 0 rejected, 3 repeated ids skipped" in r.stdout, r.stdout
    ids = [i for (i,) in catalog_rows(db, "SELECT id FROM samples ORDER BY task_index")]
    assert len(ids) == 3 and ids[0] == a["id"] and "None" not in ids and "" not in ids and "  " not in ids
    status, stats = run_stats(db)
    assert status == "done" and stats["repeated_ids"] == 3 and stats["accepted"] == 3
    # A missing id is derived from the row's content, so the same file imports to the same ids again.
    db2 = tmp_path / "again.duckdb"
    flywheel_cli("import", str(f), "--catalog", str(db2), "--workers", "2")
    assert [i for (i,) in catalog_rows(db2, "SELECT id FROM samples ORDER BY task_index")] == ids
    again = flywheel_cli("import", str(f), "--catalog", str(db))
    assert again.returncode == 0 and "nothing to do" in again.stdout


def test_oversized_fields_are_rejected_without_running(exported, tmp_path):
    path, rows, schema = exported
    big = [dict(rows[0], id="big-question", question="x" * (MAX_QUESTION_CHARS + 1)),
           dict(rows[1], id="big-code", tool_code="#" * (MAX_CODE_CHARS + 1)),
           dict(rows[2], id="big-image", image={"bytes": b"\x89PNG" + b"\0" * MAX_IMAGE_BYTES, "path": "x.png"}),
           rows[3]]
    f = write(tmp_path / "big.parquet", big, schema)
    db = tmp_path / "c.duckdb"
    r = flywheel_cli("import", str(f), "--catalog", str(db), "--workers", "2")
    assert r.returncode == 0 and "1 accepted, 3 rejected" in r.stdout, r.stderr
    got = catalog_rows(db, "SELECT sample_id, verifier, reason FROM verdicts WHERE verifier <> 'duplicate' ORDER BY 1, 2")
    by_id = {}
    for sid, verifier, reason in got:
        by_id.setdefault(sid, []).append((verifier, reason))
    # Only the size verdict: no sandbox run, no other check.
    assert by_id["big-question"] == [("row", f"question is {MAX_QUESTION_CHARS + 1:,} characters "
                                             f"(limit {MAX_QUESTION_CHARS:,}); not checked")]
    assert by_id["big-code"] == [("row", f"tool_code is {MAX_CODE_CHARS + 1:,} characters "
                                         f"(limit {MAX_CODE_CHARS:,}); not checked")]
    assert by_id["big-image"] == [("row", f"image is {MAX_IMAGE_BYTES + 4:,} bytes (limit {MAX_IMAGE_BYTES:,}); "
                                          "not checked")]
    # Nothing oversized is stored either.
    (longest,) = catalog_rows(db, "SELECT max(length(question) + length(tool_code)) FROM samples")[0]
    assert longest < MAX_QUESTION_CHARS


def test_limits_are_in_the_help():
    r = flywheel_cli("import", "--help")
    text = " ".join(r.stdout.split())
    assert f"{MAX_QUESTION_CHARS:,}" in text and f"{MAX_CODE_CHARS:,}" in text


def test_the_file_is_read_a_batch_at_a_time(exported, tmp_path):
    """80 rows of 1.25 MB questions (100 MB): Arrow holds about one batch of them at a time, never the file."""
    path, rows, schema = exported
    big = [dict(rows[i % len(rows)], id=f"r{i}", question=f"{i}" + "x" * 1_250_000) for i in range(80)]
    f = tmp_path / "many.parquet"
    pq.write_table(pa.Table.from_pylist(big, schema=schema), f, row_group_size=4)
    held = []
    with Catalog(tmp_path / "c.duckdb") as cat:
        res = import_v_interaction(open_v_interaction(f), cat, workers=2,
                                   progress=lambda done, total: held.append(pa.total_allocated_bytes()))
    assert (res.rows, res.accepted, res.rejected) == (80, 0, 80)
    assert len(held) > 80 and max(held) < 50_000_000, max(held) / 1e6  # the file at once: > 200 MB


def test_anything_that_raises_while_a_row_is_checked_is_that_rows_rejection(exported, tmp_path, monkeypatch):
    path, rows, schema = exported
    from flywheel.io import importing

    def judged(ctx):
        if ctx.sample_id == rows[0]["id"]:
            raise RuntimeError("a checker bug\nsecond line")
        return real(ctx)

    real = importing.run_verifiers
    monkeypatch.setattr(importing, "run_verifiers", judged)
    f = write(tmp_path / "two.parquet", rows[:2], schema)
    with Catalog(tmp_path / "c.duckdb") as cat:
        res = import_v_interaction(open_v_interaction(f), cat, workers=2)
    assert (res.status, res.accepted, res.rejected) == ("done", 1, 1)
    assert catalog_rows(tmp_path / "c.duckdb", f"SELECT verifier, reason FROM verdicts WHERE sample_id = '{rows[0]['id']}' "
                                               "AND verifier <> 'duplicate'") == [
        ("row", "checking the row failed: RuntimeError: a checker bug")]
