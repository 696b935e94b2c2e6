"""The README and docs/ stay true: the README is short and its commands run, links resolve, the
example taxonomy imports."""

from __future__ import annotations

import re
import subprocess
import sys
from pathlib import Path

import pytest

from tests.conftest import catalog_rows, flywheel_cli

ROOT = Path(__file__).resolve().parents[2]
README = ROOT / "README.md"
# Pages other changes of the project write; a link to them is checked once they exist.
WRITTEN_ELSEWHERE = {ROOT / "docs" / "architecture.md"}


def test_readme_is_short():
    assert README.stat().st_size < 8 * 1024


@pytest.mark.slow
def test_readme_commands_run():
    r = subprocess.run([sys.executable, str(ROOT / "tools" / "docs_check.py")], capture_output=True, text=True,
                       timeout=1800, cwd=ROOT)
    assert r.returncode == 0, r.stdout[-4000:]
    ran = [ln for ln in r.stdout.splitlines() if ln.startswith("ok ")]
    skipped = [ln.split(None, 1)[1].split("#")[0].strip() for ln in r.stdout.splitlines() if ln.startswith("skip ")]
    assert len(ran) == 10  # the ten-command tour
    assert skipped == ['pip install -e .', 'pip install -e ".[dev]"', 'pip install -e ".[train]"', 'pip install -e ".[ray]"', "make test-fast", "make lint",
                       "make docs-figures", "python tools/docs_check.py"]


def _links(md: Path) -> list[Path]:
    targets = re.findall(r"\]\(([^)#\s]+)(?:#[^)]*)?\)", md.read_text(encoding="utf-8"))
    return [(md.parent / t).resolve() for t in targets if "://" not in t]


@pytest.mark.parametrize("md", [README, *sorted((ROOT / "docs").glob("*.md"))], ids=lambda p: p.name)
def test_relative_links_resolve(md):
    missing = [p for p in _links(md) if not p.exists() and p not in WRITTEN_ELSEWHERE]
    assert not missing, missing


@pytest.mark.parametrize("md", [README, *sorted((ROOT / "docs").glob("*.md"))], ids=lambda p: p.name)
def test_named_source_files_exist(md):
    """Every `flywheel/…` or `tests/…` path a page names in backticks exists."""
    named = re.findall(r"`((?:flywheel|tests)/[\w/.-]+\.(?:py|yaml))`", md.read_text(encoding="utf-8"))
    assert not [p for p in named if not (ROOT / p).exists()]


def test_example_taxonomy_imports(tmp_path):
    db = tmp_path / "t.duckdb"
    r = flywheel_cli("knowledge", "import", str(ROOT / "docs" / "examples" / "taxonomy.yaml"), "-c", str(db))
    assert r.returncode == 0, r.stderr
    assert "imported 15 nodes (2 domains, 3 areas, 1 topic, 9 points)" in r.stdout
    assert "mapped to a generator: 7 (77.8%) (2 explicit, 5 by rule); unmapped: 2" in r.stdout
    rows = catalog_rows(db, "SELECT generator FROM knowledge WHERE id = 'plane_geometry/circles/chords/intersecting_chords'")
    assert rows == [("plane.power_of_point",)]  # the keyword rule the file's comment promises
    assert flywheel_cli("knowledge", "show", "plane_geometry/triangles/pythagorean_theorem", "-c", str(db)).returncode == 0
