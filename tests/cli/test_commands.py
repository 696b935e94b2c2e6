"""Every command through the real entry point, and every bad input: one line, exit ≠ 0, no traceback."""

import json
from pathlib import Path

import pytest

from tests.conftest import flywheel_cli


@pytest.fixture(scope="module")
def catalog(tmp_path_factory) -> Path:
    root = tmp_path_factory.mktemp("cli")
    seeds = root / "seeds.yaml"
    seeds.write_text(
        "- {id: plane.pythagoras, domain: plane_geometry, name: Pythagoras, generator: plane.pythagoras}\n"
        "- {id: plane.chord_distance, domain: plane_geometry, name: Chords, generator: plane.chord_distance}\n"
    )
    db = root / "data" / "fw.duckdb"
    r = flywheel_cli("synthesize", "--n", "8", "--seed", "3", "--catalog", str(db), "--seeds", str(seeds), "--workers", "2")
    assert r.returncode == 0, r.stderr
    assert "8 accepted" in r.stdout
    return db


def test_query_table_json_csv(catalog):
    sql = "SELECT knowledge_id, count(*) AS n FROM samples WHERE accepted GROUP BY 1 ORDER BY 1"
    t = flywheel_cli("query", "--catalog", str(catalog), sql)
    assert t.returncode == 0 and "plane.chord_distance" in t.stdout and "2 row(s)" in t.stdout
    j = flywheel_cli("query", "--catalog", str(catalog), "--format", "json", sql)
    assert json.loads(j.stdout) == [{"knowledge_id": "plane.chord_distance", "n": 4}, {"knowledge_id": "plane.pythagoras", "n": 4}]
    c = flywheel_cli("query", "--catalog", str(catalog), "--format", "csv", sql)
    assert c.stdout.splitlines() == ["knowledge_id,n", "plane.chord_distance,4", "plane.pythagoras,4"]
    assert "\r" not in c.stdout  # ids must pipe cleanly into `flywheel show`


def test_show_prints_question_answer_verdicts_and_image_paths(catalog):
    sid = json.loads(flywheel_cli("query", "-c", str(catalog), "-f", "json", "SELECT id FROM samples LIMIT 1").stdout)[0]["id"]
    r = flywheel_cli("show", "--catalog", str(catalog), sid)
    assert r.returncode == 0
    for word in ("question:", "answer:", "answer", "image", "tool", "duplicate", ".png"):
        assert word in r.stdout
    paths = [ln.split(":", 1)[1].strip() for ln in r.stdout.splitlines() if ln.startswith(("image:", "edited:"))]
    assert len(paths) == 2 and all(Path(p).exists() for p in paths)


def test_export_v_interaction(catalog, tmp_path):
    r = flywheel_cli("export", "--catalog", str(catalog), "--format", "v-interaction", "--out", str(tmp_path / "out"))
    assert r.returncode == 0 and "wrote 8 rows" in r.stdout
    assert (tmp_path / "out" / "v-interaction.parquet").exists()


def test_help_explains_every_option():
    r = flywheel_cli("synthesize", "--help")
    for opt in ("--n", "--seed", "--catalog", "--seeds", "--knowledge", "--workers", "--batch-size"):
        assert opt in r.stdout


def _bad(*args, needle: str, cwd=None):
    r = flywheel_cli(*args, cwd=cwd)
    assert r.returncode != 0, r.stdout
    assert "Traceback" not in r.stderr and "Traceback" not in r.stdout
    assert needle in (r.stderr + r.stdout), r.stderr
    return r


def test_bad_inputs(catalog, tmp_path):
    db = str(catalog)
    _bad("synthesize", "--n", "3", "--seeds", str(tmp_path / "missing.yaml"), "--catalog", str(tmp_path / "x.duckdb"), needle="does not exist")
    bad_yaml = tmp_path / "bad.yaml"
    bad_yaml.write_text("- id: [unclosed\n")
    _bad("synthesize", "--n", "3", "--seeds", str(bad_yaml), "--catalog", str(tmp_path / "x.duckdb"), needle="not valid YAML")
    wrong = tmp_path / "wrong.yaml"
    wrong.write_text("- {id: a, domain: d, name: n, generator: no.such.generator}\n")
    _bad("synthesize", "--n", "3", "--seeds", str(wrong), "--catalog", str(tmp_path / "x.duckdb"), needle="unknown generator")
    _bad("synthesize", "--n", "3", "--knowledge", "plane.nope", "--catalog", str(tmp_path / "x.duckdb"), needle="unknown knowledge id")
    _bad("synthesize", "--n", "0", "--catalog", str(tmp_path / "x.duckdb"), needle="at least 1")
    _bad("synthesize", "--n", "3", "--catalog", str(tmp_path), needle="is a directory")
    _bad("query", "--catalog", db, "SELEC * FROM samples", needle="bad SQL")
    _bad("query", "--catalog", db, "SELECT * FROM no_such_table", needle="bad SQL")
    _bad("query", "--catalog", db, "DELETE FROM samples", needle="read-only")
    _bad("query", "--catalog", db, "UPDATE samples SET accepted = false", needle="read-only")
    _bad("query", "--catalog", str(tmp_path / "none.duckdb"), "SELECT 1", needle="no catalog")
    _bad("show", "--catalog", db, "nope", needle="no sample")
    _bad("export", "--catalog", db, "--format", "nope", "--out", str(tmp_path / "o"), needle="unknown export format")
    _bad("export", "--catalog", db, "--format", "v-interaction", "--out", str(tmp_path / "o"), "--where", "nonsense ===", needle="bad SQL")
    assert not (tmp_path / "x.duckdb").exists()  # nothing half-written by refused commands
    assert not (tmp_path / "o" / "v-interaction.parquet").exists()
    n = flywheel_cli("query", "-c", db, "-f", "json", "SELECT count(*) AS n FROM samples WHERE accepted").stdout
    assert json.loads(n) == [{"n": 8}]  # refused writes changed nothing
