"""`synthesize --versions all` through the real CLI: one sample per version of each problem, linked to
the problem's first sample, the same answer; exports carry the version; `flywheel stats` on the catalog."""

import json
import re

import pyarrow.parquet as pq
import pytest

from flywheel.catalog.stats import capacity
from flywheel.render.question import VERSIONS
from tests.conftest import flywheel_cli

SEEDS = ("- {id: plane.pythagoras, domain: plane_geometry, name: Pythagoras, generator: plane.pythagoras}\n"
         "- {id: physics.resultant, domain: physics, name: Resultant, generator: physics.resultant_force}\n")


@pytest.fixture(scope="module")
def catalog(tmp_path_factory):
    root = tmp_path_factory.mktemp("versions")
    (root / "seeds.yaml").write_text(SEEDS)
    db = root / "fw.duckdb"
    r = flywheel_cli("synthesize", "--n", "16", "--seed", "2", "--versions", "all", "--catalog", str(db),
                     "--seeds", str(root / "seeds.yaml"), "--workers", "1")
    assert r.returncode == 0, r.stderr
    assert "16 accepted" in r.stdout and "modality 100%" in r.stdout
    return db


def _q(db, sql):
    r = flywheel_cli("query", "-c", str(db), "-f", "json", sql)
    assert r.returncode == 0, r.stderr
    return json.loads(r.stdout)


def test_every_version_of_every_problem_with_one_answer(catalog):
    rows = _q(catalog, "SELECT id, generator, version, question, answer, parent_id, task_index, accepted "
                       "FROM samples ORDER BY task_index")
    assert len(rows) == 16 and all(r["accepted"] for r in rows)
    groups = [rows[i:i + 4] for i in range(0, 16, 4)]  # task i: version i % 4 of problem i // 4
    for g in groups:
        head = g[0]
        assert [r["version"] for r in g] == list(VERSIONS)
        assert head["parent_id"] is None and all(r["parent_id"] == head["id"] for r in g[1:])
        assert len({r["answer"] for r in g}) == 1 and len({r["generator"] for r in g}) == 1
        assert len({r["id"] for r in g}) == 4
        numbers = set(re.findall(r"\d+", head["question"]))  # text_dominant states the givens …
        vision = {r["version"]: r["question"] for r in g}
        assert numbers and not numbers & set(re.findall(r"\d+", vision["vision_only"]))  # … vision_only none
    edges = _q(catalog, "SELECT relation, count(*) AS n FROM lineage GROUP BY 1")
    assert edges == [{"relation": "version", "n": 12}]
    # Siblings are not duplicates of each other; the duplicate verdict passed for every one of them.
    dup = _q(catalog, "SELECT count(*) AS n FROM verdicts WHERE verifier = 'duplicate' AND passed")
    assert dup == [{"n": 16}]


def test_exports_carry_the_version(catalog, tmp_path):
    r = flywheel_cli("export", "-c", str(catalog), "--format", "v-interaction", "--out", str(tmp_path))
    assert r.returncode == 0, r.stderr
    t = pq.read_table(tmp_path / "v-interaction.parquet")
    assert t.column_names[:8] == ["id", "question", "image", "original_img_code", "edited_image", "tool_code",
                                  "CoT_with_code", "answer"]
    assert sorted(t.column("version").to_pylist()) == sorted(list(VERSIONS) * 4)
    r = flywheel_cli("export", "-c", str(catalog), "--format", "sharegpt", "--out", str(tmp_path))
    assert r.returncode == 0, r.stderr
    lines = [json.loads(x) for x in (tmp_path / "sharegpt.jsonl").read_text().splitlines()]
    assert {x["version"] for x in lines} == set(VERSIONS)


def test_stats_counts_frames_ngrams_versions_and_capacity(catalog):
    r = flywheel_cli("stats", "-c", str(catalog), "--json")
    assert r.returncode == 0, r.stderr
    got = json.loads(r.stdout)
    rows = _q(catalog, "SELECT generator, question FROM samples WHERE accepted")
    for g in got["generators"]:
        mine = [x["question"] for x in rows if x["generator"] == g["generator"]]
        masked = {re.sub(r"(?<![A-Za-z])[A-Z][A-Z0-9₀-₉′']*(?![a-z])", "@", re.sub(r"\d+", "#", q)) for q in mine}
        words = [re.findall(r"\w+|[^\w\s]", q.lower()) for q in mine]
        grams = [tuple(w[i:i + 4]) for w in words for i in range(len(w) - 3)]
        assert g["samples"] == 8 and g["frames"] == len(masked)
        assert g["ngram_ratio"] == pytest.approx(len(set(grams)) / len(grams))
        assert g["versions"] == {v: 0.25 for v in VERSIONS}
        # two problems, each drawn once per version and never repeated: only a lower bound, max(2, 2²/2)
        assert (g["draws"], g["repeats"], g["capacity"], g["capacity_lower_bound"]) == (2, 0, 2, True)
    assert got["summary"]["generators"] == 2 and got["summary"]["samples"] == 16
    table = flywheel_cli("stats", "-c", str(catalog))
    assert table.returncode == 0 and "plane.pythagoras" in table.stdout and "fewest frames" in table.stdout


def test_capacity_estimate_recovers_a_known_problem_count():
    n, m = 2000, 1500
    seen = n * (1 - (1 - 1 / n) ** m)  # expected distinct problems after m uniform draws
    est, bound = capacity(m, round(seen))
    assert not bound and est == pytest.approx(n, rel=0.02)
    assert capacity(100, 100) == (5000, True) and capacity(0, 0) == (None, False)


def test_unknown_version_and_llm_versions_are_one_line_errors(tmp_path):
    for args, needle in ((["--versions", "text_dominant,nope"], "unknown version(s): nope"),
                         (["--versions", "all", "--creator", "llm", "--model", "x/y"], "need --creator symbolic")):
        r = flywheel_cli("synthesize", "--n", "3", "--catalog", str(tmp_path / "x.duckdb"), *args)
        assert r.returncode != 0 and needle in r.stderr and "Traceback" not in r.stderr + r.stdout
    assert not (tmp_path / "x.duckdb").exists()
    assert "vision_only" in flywheel_cli("synthesize", "--help").stdout
    assert "vision_only" in flywheel_cli("evolve", "--help").stdout
