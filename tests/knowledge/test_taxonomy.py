"""Nested taxonomies: import keeps the hierarchy, maps points to generators, reports the rest."""

import json
from pathlib import Path

import pytest
import yaml
from PIL import Image

from flywheel.catalog import Catalog
from tests.conftest import flywheel_cli

MATCHING = ["Pythagorean theorem", "Inscribed angle and central angle", "Area of a trapezoid", "Tangent to a circle"]


def taxonomy(domains: int = 6, areas: int = 5, topics: int = 4, points: int = 3) -> list[dict]:
    tree = []
    for d in range(domains):
        dom = {"name": f"Domain {d}", "children": []}
        for a in range(areas):
            area = {"name": f"Area {d}.{a}", "areas" if a % 2 else "children": []}
            key = "areas" if a % 2 else "children"
            for t in range(topics):
                topic = {"name": f"Topic {d}.{a}.{t}", "description": "a topic", "principles": []}
                for p in range(points):
                    i = ((d * areas + a) * topics + t) * points + p
                    name = MATCHING[i % 4] + f" ({i})" if i % 5 == 0 else f"Point {i}"
                    topic["principles"].append({"name": name, "description": f"knowledge point {i}"})
                area[key].append(topic)
            dom["children"].append(area)
        tree.append(dom)
    return tree


@pytest.fixture
def files(tmp_path) -> tuple[Path, Path]:
    tree = taxonomy()
    y, j = tmp_path / "tax.yaml", tmp_path / "tax.json"
    y.write_text(yaml.safe_dump(tree, sort_keys=False))
    j.write_text(json.dumps({"domains": tree}))
    return y, j


def test_import_keeps_hierarchy_and_reports_mapping(files, tmp_path):
    y, j = files
    db = tmp_path / "c.duckdb"
    r = flywheel_cli("knowledge", "import", str(y), "--catalog", str(db))
    assert r.returncode == 0, r.stderr
    # 6 domains + 30 areas + 120 topics + 360 points
    assert "imported 516 nodes" in r.stdout and "(360 knowledge points)" in r.stdout
    assert "mapped to a generator: 72; unmapped: 288" in r.stdout
    assert r.stdout.count("  unmapped: ") == 20 and "and 268 more" in r.stdout
    with Catalog(db, read_only=True) as cat:
        q = lambda sql: cat.query(sql)[1]  # noqa: E731
        assert q("SELECT count(*) FROM knowledge")[0][0] == 516
        assert q("SELECT level, count(*) FROM knowledge GROUP BY 1 ORDER BY 1") == [
            ("area", 30), ("domain", 6), ("point", 360), ("topic", 120)]
        # every non-root has a parent that exists, one level up
        assert q("SELECT count(*) FROM knowledge k LEFT JOIN knowledge p ON p.id = k.taxonomy_parent "
                 "WHERE k.level <> 'domain' AND p.id IS NULL")[0][0] == 0
        gen = dict(q("SELECT name, generator FROM knowledge WHERE mapped"))
        assert gen["Pythagorean theorem (0)"] == "plane.pythagoras"
        assert gen["Inscribed angle and central angle (5)"] == "plane.inscribed_angle"
        assert q("SELECT count(*) FROM knowledge WHERE level = 'point' AND NOT mapped")[0][0] == 288
    again = flywheel_cli("knowledge", "import", str(j), "--catalog", str(db))  # same tree as JSON
    assert again.returncode == 0
    with Catalog(db, read_only=True) as cat:
        assert cat.query("SELECT count(*) FROM knowledge")[1][0][0] == 516


def test_user_rules_extend_the_table(files, tmp_path):
    y, _ = files
    rules = tmp_path / "rules.yaml"
    rules.write_text("- {generator: plane.chord_distance, keywords: [knowledge point 7]}\n")
    r = flywheel_cli("knowledge", "import", str(y), "--catalog", str(tmp_path / "c.duckdb"), "--rules", str(rules))
    assert "mapped to a generator: 73" in r.stdout


def test_malformed_taxonomy_is_one_line_error_and_writes_nothing(tmp_path):
    bad = tmp_path / "bad.yaml"
    bad.write_text(yaml.safe_dump([{"name": "D", "children": [{"description": "no name"}]}]))
    db = tmp_path / "c.duckdb"
    r = flywheel_cli("knowledge", "import", str(bad), "--catalog", str(db))
    assert r.returncode == 1 and "needs a 'name'" in r.stderr and "Traceback" not in r.stderr
    assert not db.exists()
    dup = tmp_path / "dup.yaml"
    dup.write_text(yaml.safe_dump([{"name": "D", "children": ["x", "x"]}]))
    r = flywheel_cli("knowledge", "import", str(dup), "--catalog", str(db))
    assert r.returncode == 1 and "duplicate node ids" in r.stderr


def test_list_show_and_coverage_chart(tmp_path):
    tree = [{"name": "Plane geometry", "children": [{"name": "Right triangles", "points": [
        {"name": "Pythagorean theorem"}, {"name": "Chord and distance", "generator": "plane.chord_distance"},
        {"name": "Knot theory"}]}]}]
    tax = tmp_path / "t.yaml"
    tax.write_text(yaml.safe_dump(tree))
    db = tmp_path / "c.duckdb"
    assert flywheel_cli("knowledge", "import", str(tax), "--catalog", str(db)).returncode == 0
    # the same file drives synthesis: its mapped points become the stream's knowledge
    r = flywheel_cli("synthesize", "--n", "4", "--seeds", str(tax), "--catalog", str(db), "--workers", "1")
    assert r.returncode == 0, r.stderr
    r = flywheel_cli("knowledge", "list", "--catalog", str(db))
    assert "Plane geometry" in r.stdout and "Pythagorean theorem" in r.stdout and "(unmapped)" in r.stdout
    assert "Plane geometry 4" in r.stdout.replace("[cyan]", "")  # 4 accepted, summed up the tree
    r = flywheel_cli("knowledge", "show", "plane_geometry/right_triangles", "--catalog", str(db))
    assert r.returncode == 0 and "plane_geometry/right_triangles/knot_theory" in r.stdout
    png = tmp_path / "cov.png"
    r = flywheel_cli("knowledge", "coverage", "--catalog", str(db), "--out", str(png))
    assert r.returncode == 0 and "plane_geometry" in r.stdout
    with Image.open(png) as im:
        assert im.size[0] >= 800 and im.size[1] >= 400
    assert flywheel_cli("knowledge", "show", "nope", "--catalog", str(db)).returncode == 1
