"""Shared fixtures: small seed files and catalogs that the tests build themselves."""

from __future__ import annotations

import shutil
import subprocess
import sys
from pathlib import Path

import pytest
import yaml

from flywheel.catalog import Catalog
from flywheel.domains import get_generator
from flywheel.render.draft import draw, render

FAST_NODES = ["plane.pythagoras", "plane.chord_distance", "plane.triangle_area_altitude"]


@pytest.fixture
def small_seeds(tmp_path: Path) -> Path:
    """A seeds file with three built-in knowledge points."""
    path = tmp_path / "seeds.yaml"
    nodes = [
        {"id": g, "domain": "plane_geometry", "name": g.split(".")[1].replace("_", " "), "generator": g}
        for g in FAST_NODES
    ]
    path.write_text(yaml.safe_dump({"nodes": nodes}))
    return path


def rendered(generator: str, seed: int = 0):
    return render(draw(get_generator(generator).fn, seed))


def flywheel_cli(*args: str, cwd: Path | None = None, timeout: float = 600) -> subprocess.CompletedProcess:
    """Run the real console entry point in a subprocess (exit codes and stderr as a user sees them)."""
    return subprocess.run(
        [sys.executable, "-m", "flywheel.cli", *args], capture_output=True, text=True, cwd=cwd, timeout=timeout
    )


def clone_catalog(db: Path, to: Path) -> Path:
    """A copy of a catalog and its image store, so a module-scoped catalog can be changed by one test."""
    to.mkdir(parents=True, exist_ok=True)
    shutil.copy(db, to / db.name)
    shutil.copytree(db.parent / "images", to / "images")
    return to / db.name


def catalog_rows(db: Path, sql: str) -> list[tuple]:
    with Catalog(db, read_only=True) as cat:
        return cat.query(sql)[1]
