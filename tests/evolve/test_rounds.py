"""`flywheel evolve`: rounds grow knowledge and difficulty, repair rejects, keep lineage, and resume after SIGKILL."""

from __future__ import annotations

import os
import signal
import subprocess
import sys
import time
from pathlib import Path

import pytest

from flywheel.catalog import Catalog
from flywheel.evolve.report import write_report
from flywheel.evolve.rounds import EvolveConfig, evolve
from flywheel.run.synthesize import SynthesisConfig, synthesize
from tests.conftest import catalog_rows, clone_catalog, flywheel_cli


@pytest.fixture(scope="module")
def base(tmp_path_factory) -> Path:
    """Round 0: 40 accepted samples over six built-in points, and a reject for the quality axis to repair.

    The generators' problem spaces are wide, so rejects are rare: stream seed 277 draws one
    parallel-transversal problem twice (tasks 27 and 33), and the second is rejected as a duplicate."""
    db = tmp_path_factory.mktemp("base") / "c.duckdb"
    ids = ["plane.pythagoras", "plane.law_of_cosines", "plane.triangle_area_altitude", "plane.parallel_transversal",
           "plane.chord_distance", "plane.inscribed_angle"]
    synthesize(SynthesisConfig(n=40, seed=277, catalog=db, knowledge=ids, workers=2))
    assert catalog_rows(db, "SELECT count(*) FROM samples WHERE NOT accepted")[0][0] > 0, "pick a seed with a reject"
    return db


@pytest.fixture(scope="module")
def evolved(base, tmp_path_factory) -> Path:
    db = clone_catalog(base, tmp_path_factory.mktemp("evolved"))
    result = evolve(EvolveConfig(rounds=2, catalog=db, per_round=30, workers=2))
    assert [s["round"] for s in result.rounds] == [1, 2]
    return db


def test_mean_difficulty_rises_every_round(evolved):
    means = [m for _, m in catalog_rows(evolved, "SELECT round, avg(difficulty_score) FROM samples WHERE accepted GROUP BY 1 ORDER BY 1")]
    assert len(means) == 3 and means[0] < means[1] < means[2]


def test_knowledge_grows_by_composition_every_round(evolved):
    new = dict(catalog_rows(evolved, "SELECT round, count(*) FROM knowledge WHERE round > 0 GROUP BY 1"))
    assert new.get(1, 0) > 0 and new.get(2, 0) > 0
    parents = catalog_rows(evolved, "SELECT min(len(parents)) FROM knowledge WHERE round > 0")[0][0]
    assert parents >= 2
    used = catalog_rows(evolved, "SELECT count(DISTINCT knowledge_id) FROM samples WHERE accepted AND knowledge_id LIKE '%+%'")[0][0]
    assert used > 0, "composed nodes get accepted samples"


def test_every_evolved_sample_has_lineage_back_to_round_0(evolved):
    orphans = catalog_rows(evolved, """SELECT count(*) FROM samples s WHERE s.round > 0 AND
                               (s.parent_id IS NULL OR s.parent_id NOT IN (SELECT id FROM samples)
                                OR s.id NOT IN (SELECT child_id FROM lineage))""")[0][0]
    assert orphans == 0
    with Catalog(evolved, read_only=True) as cat:
        from flywheel.evolve.report import lineage_to_round0

        assert lineage_to_round0(cat, 1) == 1.0 and lineage_to_round0(cat, 2) == 1.0


def test_evolution_makes_new_problems_not_an_accepted_question_with_sentences_added(evolved):
    from flywheel.domains.plane_geometry.steps import statement
    from flywheel.evolve.report import appended_copies

    with Catalog(evolved, read_only=True) as cat:
        counts = [appended_copies(cat, r) for r in (1, 2)]
    assert all(total > 0 and copies / total < 0.01 for copies, total in counts), counts
    pairs = catalog_rows(evolved, """SELECT c.question, p.question FROM lineage l JOIN samples c ON c.id = l.child_id
                                     JOIN samples p ON p.id = l.parent_id WHERE l.relation = 'distract' AND c.accepted""")
    assert pairs, "distractor children are accepted"
    # a distractor is drawn on a fresh problem of the parent's recipe: the parent's statement is not reused
    assert not any(child.startswith(statement(parent)) for child, parent in pairs)


def test_rejects_are_repaired_and_recorded(evolved):
    attempts, ok = catalog_rows(evolved, "SELECT count(*), count(*) FILTER (WHERE success) FROM repairs")[0]
    assert attempts > 0 and ok > 0
    linked = catalog_rows(evolved, """SELECT count(*) FROM repairs r JOIN lineage l ON l.child_id = r.repaired_id
                              AND l.parent_id = r.sample_id AND l.relation = 'repair' WHERE r.success""")[0][0]
    assert linked == ok


def test_runs_hold_a_row_per_axis_and_round_and_no_accepted_near_duplicates(evolved):
    axes = catalog_rows(evolved, "SELECT round, list(axis ORDER BY axis) FROM runs WHERE command = 'evolve' AND status = 'done' GROUP BY 1 ORDER BY 1")
    assert axes == [(1, ["difficulty", "diversity", "quality", "round"]), (2, ["difficulty", "diversity", "quality", "round"])]
    dup = catalog_rows(evolved, "SELECT count(*) - count(DISTINCT question_key) FROM samples WHERE accepted")[0][0]
    assert dup == 0


def test_rerun_has_nothing_to_do_and_report_draws(evolved, tmp_path):
    before = catalog_rows(evolved, "SELECT count(*) FROM samples")[0][0]
    assert evolve(EvolveConfig(rounds=2, catalog=evolved, per_round=30, workers=1)).rounds == []
    assert catalog_rows(evolved, "SELECT count(*) FROM samples")[0][0] == before
    with Catalog(evolved, read_only=True) as cat:
        png, md = write_report(cat, tmp_path / "report")
    assert png.read_bytes()[:8] == b"\x89PNG\r\n\x1a\n" and "| 2 |" in md.read_text()


def test_user_errors_are_one_line(tmp_path, base):
    missing = flywheel_cli("evolve", "--catalog", str(tmp_path / "none.duckdb"))
    assert missing.returncode != 0 and "no catalog" in missing.stderr and "Traceback" not in missing.stderr
    bad = flywheel_cli("evolve", "--catalog", str(base), "--axes", "speed")
    assert bad.returncode != 0 and "unknown axis speed" in bad.stderr and "Traceback" not in bad.stderr


def test_sigkill_mid_round_then_resume_matches_an_uninterrupted_run(base, tmp_path):
    args = ["--rounds", "1", "--per-round", "40", "--workers", "2", "--batch-size", "4"]
    clean = clone_catalog(base, tmp_path / "clean")
    subprocess.run([sys.executable, "-m", "flywheel.cli", "evolve", "--catalog", str(clean), *args], check=True,
                   capture_output=True)
    killed = clone_catalog(base, tmp_path / "killed")
    start = sum(1 for _ in (killed.parent / "images").rglob("*.png"))
    cmd = [sys.executable, "-m", "flywheel.cli", "evolve", "--catalog", str(killed), *args]
    proc = subprocess.Popen(cmd, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL, start_new_session=True)
    deadline = time.time() + 180
    while time.time() < deadline and sum(1 for _ in (killed.parent / "images").rglob("*.png")) < start + 30:
        time.sleep(0.05)
    os.killpg(proc.pid, signal.SIGKILL)
    proc.wait()
    assert catalog_rows(killed, "SELECT count(*) FROM runs WHERE command = 'evolve' AND status = 'done'")[0][0] == 0, \
        "kill should land mid-round"
    subprocess.run(cmd, check=True, capture_output=True)
    q = "SELECT id FROM samples WHERE accepted ORDER BY id"
    assert catalog_rows(killed, q) == catalog_rows(clean, q)
    assert catalog_rows(killed, "SELECT DISTINCT round FROM runs WHERE command = 'evolve' AND status = 'done'") == [(1,)]
    assert catalog_rows(killed, "SELECT count(*) - count(DISTINCT id) FROM samples")[0][0] == 0
