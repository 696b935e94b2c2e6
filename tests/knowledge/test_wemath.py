"""We-Math 2.0's knowledge tree as published (chapters, name_en/name_cn, knowledgepoints, principles,
unnamed level-3/4 groups) imports unchanged, every node kept with its own id, and synthesis draws from
its imported nodes and subtrees. The excerpt is written here, in the published shape."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
import yaml

from flywheel.knowledge.seeds import load_seeds
from flywheel.knowledge.taxonomy import TreeKeys, load_taxonomy
from flywheel.run.synthesize import SynthesisConfig, plan
from tests.conftest import catalog_rows, flywheel_cli
from tests.knowledge.test_taxonomy import assert_one_line_error


def principle(name: str, desc: str = "") -> dict:
    return {"name_en": name, "name_cn": "", "desc_en": desc or f"About {name.lower()}.", "desc_cn": ""}


def kp(path: str, name: str, *principles: str) -> dict:
    return {"id": f"KP:{path}|{name}", "name_en": name, "name_cn": "", "principles": [principle(p) for p in principles]}


def group(level: str, path: str, name: str, key: str, kids: list) -> dict:
    return {"id": f"{level}:{path}", "name_en": name, "name_cn": "", "level": level, key: kids}


def wemath() -> dict:
    """Two chapters of the published tree, cut down: 4 L1/L2/L3/L4 groups per branch, two of them unnamed."""
    plane = "Geometry|Plane Geometry|Basic Plane Figures|Trapezoid"
    sym = "Geometry|Plane Geometry|Transformation of Figures|Symmetry"
    basic = "Fundamental Mathematical Skills|Numbers and Quantities||"
    return {"lang_default": "en", "levels": ["L1", "L2", "L3", "L4", "KnowledgePoint", "Principle"], "chapters": [
        group("L1", "Geometry", "Geometry", "children", [
            group("L2", "Geometry|Plane Geometry", "Plane Geometry", "children", [
                group("L3", "Geometry|Plane Geometry|Basic Plane Figures", "Basic Plane Figures", "children", [
                    group("L4", plane, "Trapezoid", "knowledgepoints", [
                        kp(plane, "Area of Trapezoid", "Area Formula", "Area by Midline", "Area Calculation of Complex Figures"),
                        kp(plane, "Perimeter of Trapezoid", "Perimeter Formula"),
                    ])]),
                group("L3", "Geometry|Plane Geometry|Transformation of Figures", "Transformation of Figures", "children", [
                    group("L4", sym, "Symmetry", "knowledgepoints", [
                        kp(sym, "Coordinate and Figure Transformation — Symmetry", "About y = x", "About y = -x",
                           "About the Origin"),
                        {**kp(sym, "Central Symmetry", "Properties of Central Symmetry"),
                         "principles": [principle("Properties of Central Symmetry",
                                                  "A parallelogram is centrally symmetric about its centre.")]},
                    ])]),
            ])]),
        group("L1", "Fundamental Mathematical Skills", "Fundamental Mathematical Skills", "children", [
            group("L2", "Fundamental Mathematical Skills|Numbers and Quantities", "Numbers and Quantities", "children", [
                group("L3", "Fundamental Mathematical Skills|Numbers and Quantities|", "", "children", [
                    group("L4", basic, "", "knowledgepoints", [
                        kp(basic, "Definition of Real, Imaginary, and Complex Numbers", "Real Numbers", "Complex Numbers"),
                    ])])])]),
    ]}


N_NODES = 2 + 2 + 3 + 3 + 5 + 10  # L1s, L2s, L3s (one unnamed), L4s (one unnamed), knowledge points, principles
TRAPEZOID = "L4:Geometry|Plane Geometry|Basic Plane Figures|Trapezoid"


@pytest.fixture(scope="module")
def published(tmp_path_factory) -> Path:
    path = tmp_path_factory.mktemp("wemath") / "wemath2_knowledge_tree_v2.json"
    path.write_text(json.dumps(wemath(), ensure_ascii=False, indent=2))
    return path


@pytest.fixture(scope="module")
def imported(published, tmp_path_factory) -> tuple[Path, str]:
    db = tmp_path_factory.mktemp("cat") / "c.duckdb"
    r = flywheel_cli("knowledge", "import", str(published), "--catalog", str(db))
    assert r.returncode == 0, r.stderr
    return db, r.stdout


def test_published_tree_imports_unchanged_with_every_node_and_its_own_id(published, imported):
    db, stdout = imported
    tax = load_taxonomy(published)
    assert len(tax.nodes) == N_NODES and len({n.id for n in tax.nodes}) == N_NODES
    assert "imported 25 nodes (2 domains, 2 areas, 11 topics, 10 points; 2 unnamed groups kept)" in stdout
    assert "knowledge points: 10; mapped to a generator: 2 (20.0%) (0 explicit, 2 by rule); unmapped: 8" in stdout
    rows = dict(catalog_rows(db, "SELECT name, id FROM knowledge WHERE level = 'point'"))
    assert len(rows) == 10
    sym = "KP:Geometry|Plane Geometry|Transformation of Figures|Symmetry|Coordinate and Figure Transformation — Symmetry"
    assert rows["About y = x"] != rows["About y = -x"]  # one slug ("about_y_x"), two ids
    assert {rows["About y = x"].rsplit("_", 1)[0], rows["About y = -x"].rsplit("_", 1)[0]} == {f"{sym}/about_y_x"}
    assert rows["About the Origin"] == f"{sym}/about_the_origin"
    # hierarchy kept: each point's parent is its knowledge point, the unnamed groups sit in between
    parent = dict(catalog_rows(db, "SELECT id, taxonomy_parent FROM knowledge"))
    real = rows["Real Numbers"]
    chain = [real]
    while parent[chain[-1]] is not None:
        chain.append(parent[chain[-1]])
    names = dict(catalog_rows(db, "SELECT id, name FROM knowledge"))
    assert [names[c] for c in chain] == ["Real Numbers", "Definition of Real, Imaginary, and Complex Numbers",
                                         "(unnamed L4)", "(unnamed L3)", "Numbers and Quantities",
                                         "Fundamental Mathematical Skills"]
    gen = dict(catalog_rows(db, "SELECT name || ' < ' || split_part(taxonomy_parent, '|', -1), generator "
                                "FROM knowledge WHERE level = 'point'"))
    assert gen["Area Formula < Area of Trapezoid"] == "plane.trapezoid_area"  # its skill says which area
    assert gen["Area by Midline < Area of Trapezoid"] == "plane.trapezoid_area"
    assert gen["Perimeter Formula < Perimeter of Trapezoid"] is None  # not the area generator
    assert gen["Area Calculation of Complex Figures < Area of Trapezoid"] is None  # an explicit "no generator fits"
    assert gen["Properties of Central Symmetry < Central Symmetry"] is None  # the description's "parallelogram" is no skill
    # stable: importing again changes nothing
    again = flywheel_cli("knowledge", "import", str(published), "--catalog", str(db))
    assert f"0 new, 0 updated, {N_NODES} unchanged" in again.stdout


def test_synthesize_draws_from_an_imported_subtree_and_node(imported, tmp_path):
    db, _ = imported
    cfg = SynthesisConfig(n=1, catalog=db, knowledge=[TRAPEZOID])
    assert {n.generator for n in plan(cfg).nodes} == {"plane.trapezoid_area"} and len(plan(cfg).nodes) == 2
    point = "KP:Geometry|Plane Geometry|Basic Plane Figures|Trapezoid|Area of Trapezoid/area_formula"
    assert [n.id for n in plan(SynthesisConfig(n=1, catalog=db, knowledge=[f"plane.pythagoras,{point}"])).nodes] == [
        "plane.pythagoras", point]
    assert len(plan(SynthesisConfig(n=1, catalog=db, domains=["L1:Geometry"])).nodes) == 2
    r = flywheel_cli("synthesize", "--n", "2", "--catalog", str(db), "--workers", "1", "--knowledge", TRAPEZOID)
    assert r.returncode == 0, r.stderr
    assert catalog_rows(db, "SELECT DISTINCT knowledge_id LIKE 'KP:Geometry|%', generator FROM samples WHERE accepted") == [
        (True, "plane.trapezoid_area")]
    # a node no generator fits, and a node that does not exist: one line each
    sym = "L4:Geometry|Plane Geometry|Transformation of Figures|Symmetry"
    assert_one_line_error(flywheel_cli("synthesize", "--n", "1", "--catalog", str(db), "--knowledge", sym),
                          "none of the 4 points below it has a generator")
    assert_one_line_error(flywheel_cli("synthesize", "--n", "1", "--catalog", str(db), "--knowledge", "L9:nope"),
                          "unknown knowledge id(s): L9:nope")


def test_published_file_is_a_seeds_file_too(published):
    nodes = load_seeds(published)
    assert len(nodes) == N_NODES
    with_comma = "KP:Fundamental Mathematical Skills|Numbers and Quantities|||Definition of Real, Imaginary, and Complex Numbers"
    assert with_comma in {n.id for n in nodes}  # --knowledge keeps a whole id that holds commas
    cfg = SynthesisConfig(n=1, seeds=published, knowledge=[TRAPEZOID])
    assert len(plan(cfg).nodes) == 2


def test_other_key_names_by_option_or_autodetection(tmp_path):
    tree = {"subjects": [{"label_text": "Plane", "sub": [{"label_text": "Right triangles", "sub": [
        {"label_text": "Pythagorean theorem"}, {"label_text": "Knot theory"}]}]}]}
    path = tmp_path / "t.yaml"
    path.write_text(yaml.safe_dump(tree))
    tax = load_taxonomy(path, keys=TreeKeys.of(["sub"], ["label_text"]))
    assert [(n.id, n.level, n.generator) for n in tax.nodes] == [
        ("plane", "domain", None), ("plane/right_triangles", "area", None),
        ("plane/right_triangles/pythagorean_theorem", "point", "plane.pythagoras"),
        ("plane/right_triangles/knot_theory", "point", None)]
    db = tmp_path / "c.duckdb"
    # the one list-of-mappings key is found by itself; the name key must be named
    assert_one_line_error(flywheel_cli("knowledge", "import", str(path), "-c", str(db)),
                          "every node needs a 'name'", "--name-key")
    r = flywheel_cli("knowledge", "import", str(path), "-c", str(db), "--name-key", "label_text")
    assert r.returncode == 0 and "imported 4 nodes (1 domain, 1 area, 2 points)" in r.stdout, r.stderr
    two = tmp_path / "two.json"
    two.write_text(json.dumps([{"name": "D", "a": [{"name": "x"}], "b": [{"name": "y"}]}]))
    assert_one_line_error(flywheel_cli("knowledge", "import", str(two), "-c", str(db)),
                          "has several lists of nodes ('a', 'b')", "--children-key")
    leaf = tmp_path / "leaf.json"
    leaf.write_text(json.dumps({"chapters": [{"name_en": "D", "children": [{"name_en": "", "name_cn": ""}]}]}))
    assert_one_line_error(flywheel_cli("knowledge", "import", str(leaf), "-c", str(db)),
                          "a knowledge point needs a non-empty name")
