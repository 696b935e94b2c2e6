"""A small evolved catalog (every kind, one evolve round: lineage and a reject) and its report."""

from __future__ import annotations

from pathlib import Path

import pytest

from tests.conftest import flywheel_cli


@pytest.fixture(scope="session")
def report_catalog(tmp_path_factory) -> Path:
    db = tmp_path_factory.mktemp("report-catalog") / "fw.duckdb"
    r = flywheel_cli("synthesize", "--n", "30", "--seed", "3", "--kinds", "interaction,perception,instruction",
                     "--domains", "plane_geometry", "--workers", "2", "-c", str(db))
    assert r.returncode == 0, r.stderr
    r = flywheel_cli("evolve", "--rounds", "1", "--per-round", "20", "--workers", "2", "-c", str(db))
    assert r.returncode == 0, r.stderr
    return db
