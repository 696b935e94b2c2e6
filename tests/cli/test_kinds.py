"""`synthesize --kinds … --domains …` through the real CLI, and the v-perception / vtbench files it exports."""

import json

import pyarrow.parquet as pq
import pytest

from tests.conftest import flywheel_cli

KINDS = "interaction,perception,instruction"


@pytest.fixture(scope="module")
def catalog(tmp_path_factory):
    root = tmp_path_factory.mktemp("kinds")
    seeds = root / "seeds.yaml"
    seeds.write_text(
        "- {id: plane.pythagoras, domain: plane_geometry, name: Pythagoras, generator: plane.pythagoras}\n"
        "- {id: plane.tangent_radius, domain: plane_geometry, name: Tangent, generator: plane.tangent_radius}\n"
    )
    db = root / "fw.duckdb"
    r = flywheel_cli("synthesize", "--n", "12", "--seed", "4", "--catalog", str(db), "--seeds", str(seeds),
                     "--workers", "1", "--kinds", KINDS, "--domains", "plane_geometry")
    assert r.returncode == 0, r.stderr
    assert "12 accepted" in r.stdout and "perception 100%" in r.stdout
    return db


def _q(db, sql):
    r = flywheel_cli("query", "-c", str(db), "-f", "json", sql)
    assert r.returncode == 0, r.stderr
    return json.loads(r.stdout)


def test_kinds_of_one_figure_share_its_image_and_have_their_own_ids(catalog):
    rows = _q(catalog, "SELECT kind, count(*) AS n, count(DISTINCT id) AS ids FROM samples WHERE accepted GROUP BY 1 ORDER BY 1")
    assert {r["kind"]: r["n"] for r in rows} == {"instruction": 4, "interaction": 4, "perception": 4}
    figs = _q(catalog, "SELECT image, count(DISTINCT kind) AS k, count(DISTINCT id) AS ids FROM samples GROUP BY 1")
    assert all(f["k"] == 3 and f["ids"] == 3 for f in figs) and len(figs) == 4
    p = _q(catalog, "SELECT answer, points, elements FROM samples WHERE kind = 'perception' LIMIT 1")[0]
    assert json.loads(p["points"]) and json.loads(p["elements"])[0].startswith("point ")
    # Rerunning the same command adds nothing: the stream of kinds resumes like any other.
    again = flywheel_cli("synthesize", "--n", "12", "--seed", "4", "--catalog", str(catalog),
                         "--seeds", str(catalog.parent / "seeds.yaml"), "--workers", "1", "--kinds", KINDS,
                         "--domains", "plane_geometry")
    assert again.returncode == 0 and "nothing to do" in again.stdout


def test_export_v_perception_and_vtbench(catalog, tmp_path):
    for fmt, rows in (("v-perception", 4), ("vtbench", 4), ("v-interaction", 4)):
        r = flywheel_cli("export", "-c", str(catalog), "--format", fmt, "--out", str(tmp_path))
        assert r.returncode == 0 and f"wrote {rows} rows" in r.stdout, r.stderr
    vp = pq.read_table(tmp_path / "v-perception.parquet")
    assert vp.column_names == ["id", "image", "question", "answer", "python_code", "element_arrtibute"]
    row = vp.to_pylist()[0]
    assert row["image"]["bytes"][:4] == b"\x89PNG" and row["answer"].startswith("{'")
    assert "savefig('image.png'" in row["python_code"] and any(e.startswith("segment") for e in row["element_arrtibute"])
    vt = pq.read_table(tmp_path / "vtbench.parquet")
    assert vt.column_names[:9] == ["id", "domain", "image", "question_perception", "annotation_perception",
                                   "question_instruction", "annotation_instruction", "question_reasoning",
                                   "answer_reasoning"]
    for r in vt.to_pylist():
        assert r["image"]["bytes"] != r["annotation_perception"]["bytes"] != r["annotation_instruction"]["bytes"]
        assert set(json.loads(r["points_perception"])) <= set(r["question_perception"].replace(",", " ").split())
        assert r["overlay_sha"] and r["overlay_instruction"]["bytes"][:4] == b"\x89PNG"
        assert r["question_reasoning"].endswith("?") or r["question_reasoning"].endswith(".")
    assert b"huggingface" in pq.read_schema(tmp_path / "vtbench.parquet").metadata


def test_unknown_kind_or_domain_is_a_one_line_error(tmp_path):
    for args, needle in ((["--kinds", "interaction,nope"], "unknown kind(s): nope"),
                         (["--domains", "astrology"], "unknown domain(s): astrology")):
        r = flywheel_cli("synthesize", "--n", "3", "--catalog", str(tmp_path / "x.duckdb"), *args)
        assert r.returncode != 0 and needle in r.stderr and "Traceback" not in r.stderr + r.stdout
    assert not (tmp_path / "x.duckdb").exists()
    help_ = flywheel_cli("export", "--help").stdout
    assert "v-perception" in help_ and "vtbench" in help_
    assert "n/k" in flywheel_cli("synthesize", "--help").stdout
