"""Fault injection: runs SIGKILLed at random points (a seeded RNG) and resumed end with every table
of an uninterrupted run, and no evolved sample without its lineage edge (tools/fault_injection.py).

The default suite runs two small trials of synthesize and of evolve; the slow one adds import
(whose batch of 32 rows needs a bigger file to be killed mid-run). For many trials of each, run
`python tools/fault_injection.py --trials N`.
"""

from __future__ import annotations

import shutil
from pathlib import Path

import duckdb
import pytest

from tools.fault_injection import Bench, Sizes, Trial, diff, run_trials, table, tables

SMALL = Sizes(n=24, per_round=16)


@pytest.fixture(scope="module")
def small(tmp_path_factory: pytest.TempPathFactory) -> Bench:
    return Bench(tmp_path_factory.mktemp("faults"), SMALL)


def _assert_all_identical(results: list[Trial]) -> None:
    bad = [t for t in results if not t.identical or t.missing_edges]
    assert not bad, table(results) + "\n" + "\n".join(
        f"{t.command} batch {t.batch_size} killed at {t.kills}: {t.error or t.differing}, "
        f"{t.missing_edges} missing lineage edges" for t in bad)


@pytest.mark.parametrize("command", ["synthesize", "evolve"])
def test_sigkilled_runs_resume_to_the_rows_of_an_uninterrupted_run(small, command):
    _assert_all_identical(run_trials(small, {command: 2}, seed=20))


def test_the_comparison_sees_a_lost_row(small, tmp_path):
    ref = small.ensure("synthesize")
    db = tmp_path / "c.duckdb"
    shutil.copy(Path(small.work) / "ref-synthesize" / "c.duckdb", db)
    con = duckdb.connect(str(db))
    con.execute("DELETE FROM verdicts WHERE sample_id = (SELECT min(id) FROM samples) AND verifier = 'duplicate'")
    con.close()
    assert diff(tables(db), ref.tables) == {"verdicts": 1}


@pytest.mark.slow
def test_sigkilled_import_resumes_to_the_rows_of_an_uninterrupted_import(tmp_path):
    _assert_all_identical(run_trials(Bench(tmp_path, Sizes()), {"import": 2}, seed=21))
