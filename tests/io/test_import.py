"""Import of V-Interaction parquet: round-trip with identical ids; tampered rows are rejected."""

import json

import pyarrow as pa
import pyarrow.parquet as pq

from flywheel.catalog import Catalog
from flywheel.io import get_exporter
from flywheel.run.synthesize import SynthesisConfig, synthesize
from tests.conftest import catalog_rows, flywheel_cli


def test_round_trip_and_tampered_rows(tmp_path, small_seeds):
    src = tmp_path / "a.duckdb"
    synthesize(SynthesisConfig(n=4, seed=9, catalog=src, seeds=small_seeds, workers=2))
    with Catalog(src, read_only=True) as cat:
        path = get_exporter("v-interaction")(cat, tmp_path / "out", None)
    rows = pq.read_table(path).to_pylist()
    bad = [dict(rows[0], id="tampered-answer", CoT_with_code=rows[0]["CoT_with_code"].replace("<answer>", "<answer>9")),
           dict(rows[1], id="hostile-tool", tool_code="import os\nos.system('touch /tmp/flywheel_canary_import')"),
           dict(rows[2], id="wrong-figure", original_img_code=rows[3]["original_img_code"])]
    tampered = tmp_path / "tampered.parquet"
    pq.write_table(pa.Table.from_pylist(bad, schema=pq.read_schema(path)), tampered)

    dst = tmp_path / "b.duckdb"
    r = flywheel_cli("import", str(path), "--format", "v-interaction", "--catalog", str(dst))
    assert r.returncode == 0 and "4 accepted" in r.stdout, r.stderr
    again = flywheel_cli("import", str(path), "--catalog", str(dst))
    assert again.returncode == 0 and "nothing to do" in again.stdout
    r = flywheel_cli("import", str(tampered), "--catalog", str(dst))
    assert r.returncode == 0 and "0 accepted, 3 rejected" in r.stdout

    q = flywheel_cli("query", "-c", str(dst), "-f", "json",
                     "SELECT s.id, s.accepted, v.verifier, v.passed, v.reason FROM samples s JOIN verdicts v ON v.sample_id = s.id")
    got = json.loads(q.stdout)
    accepted = {g["id"] for g in got if g["accepted"]}
    assert accepted == {row["id"] for row in rows}  # identical ids
    failed = {(g["id"], g["verifier"]) for g in got if not g["passed"]}
    assert ("tampered-answer", "format") in failed
    assert ("hostile-tool", "tool") in failed
    assert ("wrong-figure", "image") in failed
    reasons = " ".join(g["reason"] for g in got if g["id"] == "hostile-tool" and not g["passed"])
    assert "os.system is not allowed" in reasons
    # One registry judged every row: what needs a scene is on record as not checkable, by source.
    q = flywheel_cli("query", "-c", str(dst), "-f", "json", "SELECT * FROM verdicts_by_source")
    by = {(r["source"], r["verifier"]): r for r in json.loads(q.stdout)}
    assert by[("import", "figure")]["not_checkable"] == by[("import", "figure")]["verdicts"] == len(rows) + 3
    assert by[("import", "figure")]["passed"] == by[("import", "figure")]["failed"] == 0
    assert by[("import", "image")]["passed"] >= len(rows) and by[("import", "image")]["failed"] >= 1


def test_samples_worded_alike_round_trip_with_their_knowledge(tmp_path):
    """Every spanning-tree sample asks the same question of another graph: the question alone is not
    a duplicate key, so every exported row comes back, with its id, knowledge point and difficulty."""
    src = tmp_path / "a.duckdb"
    synthesize(SynthesisConfig(n=6, seed=5, catalog=src, knowledge=["discrete.spanning_tree", "discrete.shortest_path"],
                               workers=2))
    with Catalog(src, read_only=True) as cat:
        path = get_exporter("v-interaction")(cat, tmp_path / "out", None)
    table = pq.read_table(path)
    rows = table.to_pylist()
    # Frames word each sample its own way: give every spanning-tree row one wording, as a file may.
    same = next(r["question"] for r in rows if r["generator"] == "discrete.spanning_tree")
    questions = [same if r["generator"] == "discrete.spanning_tree" else r["question"] for r in rows]
    pq.write_table(table.set_column(table.column_names.index("question"), "question", pa.array(questions)), path)
    assert questions.count(same) > 1 and len(rows) == 6
    dst = tmp_path / "b.duckdb"
    r = flywheel_cli("import", str(path), "--catalog", str(dst), "--workers", "2")
    assert r.returncode == 0 and "6 accepted, 0 rejected" in r.stdout, r.stdout + r.stderr
    cols = "id, knowledge_id, domain, difficulty, difficulty_score"
    want = catalog_rows(src, f"SELECT {cols}, generator FROM samples WHERE accepted ORDER BY id")
    got = catalog_rows(dst, f"SELECT {cols}, json_extract_string(params, '$.source_generator') FROM samples "
                            "WHERE accepted ORDER BY id")
    assert got == want
