"""Nested taxonomies: import keeps the hierarchy, maps points to generators, reports the rest."""

from __future__ import annotations

import json
import re
from pathlib import Path

import duckdb
import pytest
import yaml
from PIL import Image

from flywheel.catalog import Catalog
from flywheel.catalog.schema import MIGRATIONS
from flywheel.core.records import KnowledgeNode
from flywheel.knowledge.seeds import load_seeds
from flywheel.knowledge.taxonomy import load_taxonomy
from tests.conftest import catalog_rows, flywheel_cli

# Point names that the built-in rules map, with the generator they must get.
MATCHING = {
    "Pythagorean theorem": "plane.pythagoras",
    "Inscribed angle and central angle": "plane.inscribed_angle",
    "Area of a trapezoid": "plane.trapezoid_area",
    "Intersecting chords": "plane.power_of_point",  # not chord_distance: specific rules come first
    "Tangent to a circle": "plane.tangent_radius",
    "Similar triangles in a trapezoid": "plane.similar_triangles",
}
DOMAINS, AREAS, TOPICS, POINTS = 6, 5, 4, 3
N_NODES = DOMAINS * (1 + AREAS * (1 + TOPICS * (1 + POINTS)))  # 6 + 30 + 120 + 360 = 516
N_POINTS = DOMAINS * AREAS * TOPICS * POINTS
CHILD_KEYS = ["children", "areas", "topics", "principles", "points"]


def point_name(i: int) -> str:
    names = list(MATCHING)
    if i % 5 == 0:
        return f"{names[(i // 5) % len(names)]} ({i})"
    if i % 7 == 0:
        return f"Tangent function {i}"  # trigonometry: must stay unmapped
    return f"Point {i}"


def taxonomy() -> tuple[list[dict], dict]:
    """6 domains × 5 areas × 4 topics × 3 points, children under every accepted key, and what to expect.

    Domain 5 / Area 5.4 names `generator: plane.chord_distance` (inherited by its 12 points, one of which
    names its own); topic 0.0.0 has an explicit id.
    """
    expect: dict = {"explicit": {}, "rule": {}, "unmapped": []}
    tree = []
    for d in range(DOMAINS):
        dom = {"name": f"Domain {d}", "description": f"domain number {d}", "children": []}
        for a in range(AREAS):
            key = CHILD_KEYS[(d + a) % len(CHILD_KEYS)]
            area: dict = {"name": f"Area {d}.{a}", key: []}
            inherited = d == 5 and a == 4
            if inherited:
                area["generator"] = "plane.chord_distance"
            for t in range(TOPICS):
                topic: dict = {"name": f"Topic {d}.{a}.{t}", "description": "a topic", "principles": []}
                if (d, a, t) == (0, 0, 0):
                    topic["id"] = "custom/topic"
                for p in range(POINTS):
                    i = ((d * AREAS + a) * TOPICS + t) * POINTS + p
                    point: dict = {"name": point_name(i), "description": f"knowledge point {i}"}
                    if i == N_POINTS - 1:
                        point["generator"] = "plane.law_of_cosines"
                        expect["explicit"][point["name"]] = "plane.law_of_cosines"
                    elif inherited:
                        expect["explicit"][point["name"]] = "plane.chord_distance"
                    elif i % 5 == 0:
                        expect["rule"][point["name"]] = MATCHING[point["name"].rsplit(" (", 1)[0]]
                    else:
                        expect["unmapped"].append(point["name"])
                    topic["principles"].append(point)
                area[key].append(topic)
            dom["children"].append(area)
        tree.append(dom)
    return tree, expect


@pytest.fixture(scope="module")
def tree_files(tmp_path_factory) -> tuple[Path, Path, dict]:
    root = tmp_path_factory.mktemp("tax")
    tree, expect = taxonomy()
    y, j = root / "tax.yaml", root / "tax.json"
    y.write_text(yaml.safe_dump(tree, sort_keys=False, allow_unicode=True))
    j.write_text(json.dumps({"domains": tree}))
    return y, j, expect


@pytest.fixture(scope="module")
def imported(tree_files, tmp_path_factory) -> tuple[Path, str]:
    y, _, _ = tree_files
    db = tmp_path_factory.mktemp("cat") / "c.duckdb"
    r = flywheel_cli("knowledge", "import", str(y), "--catalog", str(db))
    assert r.returncode == 0, r.stderr
    return db, r.stdout


def assert_one_line_error(r, *needles: str) -> None:
    assert r.returncode == 1, (r.stdout, r.stderr)
    assert "Traceback" not in r.stderr and len(r.stderr.strip().splitlines()) == 1, r.stderr
    assert r.stderr.startswith("error:"), r.stderr
    for n in needles:
        assert n in r.stderr, r.stderr


# -- import ---------------------------------------------------------------------------------------
def test_import_keeps_hierarchy(imported):
    db, _ = imported
    assert catalog_rows(db, "SELECT count(*) FROM knowledge") == [(N_NODES,)]
    assert catalog_rows(db, "SELECT level, count(*) FROM knowledge GROUP BY 1 ORDER BY 1") == [
        ("area", 30), ("domain", 6), ("point", 360), ("topic", 120)]
    # every non-root has an existing parent exactly one level up; roots have none
    up = {"area": "domain", "topic": "area", "point": "topic"}
    links = catalog_rows(db, "SELECT k.level, p.level FROM knowledge k LEFT JOIN knowledge p ON p.id = k.taxonomy_parent")
    assert all(p == up.get(k) for k, p in links), {(k, p) for k, p in links}
    # ids are slugged paths; an explicit id replaces the path and its children continue from it
    ids = {r[0] for r in catalog_rows(db, "SELECT id FROM knowledge")}
    assert "domain_3/area_3_2/topic_3_2_1" in ids and "domain_0/area_0_2/topic_0_2_2/pythagorean_theorem_30" in ids
    assert catalog_rows(db, "SELECT taxonomy_parent FROM knowledge WHERE id = 'custom/topic'") == [("domain_0/area_0_0",)]
    assert catalog_rows(db, "SELECT count(*) FROM knowledge WHERE taxonomy_parent = 'custom/topic' AND id LIKE 'custom/topic/%'") == [(3,)]
    # domain is the root's slug throughout; source is the file; inner nodes carry no generator
    assert catalog_rows(db, "SELECT count(*) FROM knowledge WHERE split_part(id, '/', 1) <> domain AND id NOT LIKE 'custom/%'") == [(0,)]
    assert catalog_rows(db, "SELECT DISTINCT source FROM knowledge") == [("tax.yaml",)]
    assert catalog_rows(db, "SELECT count(*) FROM knowledge WHERE level <> 'point' AND (generator IS NOT NULL OR mapped IS NOT NULL)") == [(0,)]
    assert catalog_rows(db, "SELECT description FROM knowledge WHERE id = 'domain_2'") == [("domain number 2",)]


def test_import_maps_points_and_reports_the_rest(imported, tree_files):
    db, stdout = imported
    _, _, expect = tree_files
    got = dict(catalog_rows(db, "SELECT name, generator FROM knowledge WHERE level = 'point' AND mapped"))
    assert got == {**expect["rule"], **expect["explicit"]}
    unmapped = {r[0] for r in catalog_rows(db, "SELECT name FROM knowledge WHERE level = 'point' AND NOT mapped AND generator IS NULL")}
    assert unmapped == set(expect["unmapped"]) and "Tangent function 7" in unmapped
    n_explicit, n_rule, n_unmapped = len(expect["explicit"]), len(expect["rule"]), len(expect["unmapped"])
    assert (n_explicit, n_rule, n_unmapped) == (12, 70, 278)
    assert f"imported {N_NODES} nodes (6 domains, 30 areas, 120 topics, 360 points)" in stdout
    assert f"{N_NODES} new, 0 updated, 0 unchanged" in stdout
    assert (f"knowledge points: {N_POINTS}; mapped to a generator: {n_explicit + n_rule} ({(n_explicit + n_rule) / N_POINTS:.1%}) "
            f"({n_explicit} explicit, {n_rule} by rule); unmapped: {n_unmapped}") in stdout
    assert "plane.power_of_point 12" in stdout
    listed = re.findall(r"^  - (.+?)  \S+$", stdout, flags=re.M)
    assert len(listed) == 20 and listed == expect["unmapped"][:20]
    assert f"and {n_unmapped - 20} more" in stdout


def test_reimport_is_idempotent_yaml_and_json(imported, tree_files, tmp_path):
    db, _ = imported
    y, j, _ = tree_files
    before = catalog_rows(db, "SELECT * FROM knowledge ORDER BY id")
    r = flywheel_cli("knowledge", "import", str(y), "--catalog", str(db))
    assert r.returncode == 0 and f"0 new, 0 updated, {N_NODES} unchanged" in r.stdout
    assert catalog_rows(db, "SELECT * FROM knowledge ORDER BY id") == before
    # the same tree as JSON (`domains:` root) gives the same nodes: only `source` differs
    other = tmp_path / "j.duckdb"
    assert flywheel_cli("knowledge", "import", str(j), "--catalog", str(other)).returncode == 0
    cols = "id, domain, name, description, generator, taxonomy_parent, level, mapped"
    assert catalog_rows(other, f"SELECT {cols} FROM knowledge ORDER BY id") == catalog_rows(db, f"SELECT {cols} FROM knowledge ORDER BY id")


def test_user_rules_are_tried_first_by_keyword_and_id(tree_files, tmp_path):
    y, _, expect = tree_files
    rules = tmp_path / "rules.yaml"
    rules.write_text(yaml.safe_dump([
        {"generator": "plane.angle_bisector", "keywords": ["point 1"]},  # whole words: not 10, 11 …
        {"generator": "plane.similar_triangles", "ids": ["*/point_2", "domain_5/area_5_4/topic_5_4_3/point_359"]},
        {"generator": "plane.parallelogram_area", "keywords": ["Pythagorean Theorem"]},  # beats the built-in rule
    ]))
    db = tmp_path / "c.duckdb"
    r = flywheel_cli("knowledge", "import", str(y), "--catalog", str(db), "--rules", str(rules))
    assert r.returncode == 0, r.stderr
    gen = dict(catalog_rows(db, "SELECT name, generator FROM knowledge WHERE level = 'point'"))
    assert gen["Point 1"] == "plane.angle_bisector" and gen["Point 11"] is None
    assert gen["Point 2"] == "plane.similar_triangles"
    assert gen["Point 359"] == "plane.law_of_cosines"  # an explicit generator beats every rule
    assert gen["Pythagorean theorem (0)"] == "plane.parallelogram_area"
    assert gen["Area of a trapezoid (10)"] == "plane.trapezoid_area"
    assert f"({len(expect['explicit'])} explicit, {len(expect['rule']) + 2} by rule)" in r.stdout


def test_bad_rules_file_is_one_line_error(tree_files, tmp_path):
    y, _, _ = tree_files
    db = tmp_path / "c.duckdb"
    for text, needle in [
        ("- {generator: plane.nope, keywords: [x]}\n", "unknown generator 'plane.nope'"),
        ("- {generator: plane.pythagoras}\n", "needs 'keywords' or 'ids'"),
        ("- {generator: plane.pythagoras, keyword: [x]}\n", "unknown keys ['keyword']"),
        ("generator: [\n", "not valid YAML"),
    ]:
        rules = tmp_path / "rules.yaml"
        rules.write_text(text)
        assert_one_line_error(flywheel_cli("knowledge", "import", str(y), "--catalog", str(db), "--rules", str(rules)), needle)
    assert not db.exists()


# -- malformed files --------------------------------------------------------------------------------
MALFORMED = [
    ([{"name": "D", "children": [{"name": "A", "topics": [{"description": "no name"}]}]}],
     "d/a → child 1: every node needs a 'name'"),
    ([{"name": "D", "children": {"name": "A"}}], "'children' must be a list"),
    ([{"name": "D", "children": [], "areas": []}], "has both 'children' and 'areas'"),
    ([{"name": "D", "children": [{"name": "a", "id": "d/k"}, {"name": "b", "id": "d/k"}]}], "duplicate node ids ['d/k']"),
    ([{"name": "D", "children": [{"name": "p", "generator": "plane.nope"}]}], "names unknown generator 'plane.nope'"),
    ([{"name": "D", "children": [{"name": "p", "params": [1]}]}], "'params' must be a mapping"),
    ([{"name": "D", "children": [{"name": "p", "prerequisites": ["d/q"]}]}], "unknown prerequisites ['d/q']"),
    ([["a list"]], "domain 1: a node must be a mapping"),
    ([], "non-empty list of domains"),
    ({"title": "no domains"}, "list of domains"),
]


@pytest.mark.parametrize(("content", "needle"), MALFORMED)
def test_malformed_taxonomy_is_one_line_error_and_writes_nothing(content, needle, tmp_path):
    db = tmp_path / "c.duckdb"
    for path in (tmp_path / "bad.yaml", tmp_path / "bad.json"):
        path.write_text(yaml.safe_dump(content) if path.suffix == ".yaml" else json.dumps(content))
        assert_one_line_error(flywheel_cli("knowledge", "import", str(path), "--catalog", str(db)), needle, str(path))
    assert not db.exists()


def test_syntax_errors_name_the_line(tmp_path):
    bad = tmp_path / "bad.json"
    bad.write_text('[{"name": "D",\n "children": [}]')
    assert_one_line_error(flywheel_cli("knowledge", "import", str(bad), "--catalog", str(tmp_path / "c.duckdb")),
                          "not valid JSON (line 2)")
    assert_one_line_error(flywheel_cli("knowledge", "import", str(tmp_path / "none.yaml"), "-c", str(tmp_path / "c.duckdb")),
                          "does not exist")


def test_failed_import_leaves_the_catalog_as_it_was(imported, tmp_path, monkeypatch):
    db, _ = imported
    before = catalog_rows(db, "SELECT * FROM knowledge ORDER BY id")
    bad = tmp_path / "bad.yaml"
    bad.write_text(yaml.safe_dump([{"name": "Domain 0", "children": [{"name": "New area"}, {"description": "x"}]}]))
    assert_one_line_error(flywheel_cli("knowledge", "import", str(bad), "--catalog", str(db)), "needs a 'name'")
    assert catalog_rows(db, "SELECT * FROM knowledge ORDER BY id") == before
    # a failure in the middle of the write rolls the whole import back
    from flywheel.cli import knowledge as commands

    copy = tmp_path / "copy.duckdb"
    copy.write_bytes(db.read_bytes())
    nodes = [KnowledgeNode(id=f"new/{i}", domain="new", name=f"n{i}", level="point") for i in range(50)]

    def insert_then_fail(self, table, batch, replace=False):
        original(self, table, batch, replace)
        raise RuntimeError("disk full")

    original = Catalog._insert
    monkeypatch.setattr(Catalog, "_insert", insert_then_fail)
    with Catalog(copy) as cat, pytest.raises(RuntimeError):
        commands._upsert(cat, nodes)
    monkeypatch.undo()
    assert catalog_rows(copy, "SELECT count(*) FROM knowledge") == [(N_NODES,)]


def test_json_tree_parses_and_load_seeds_accepts_trees(tree_files):
    y, j, _ = tree_files
    tax = load_taxonomy(j)
    assert len(tax.nodes) == N_NODES
    nodes = load_seeds(y)  # a tree is a seeds file too; synthesis uses its mapped points
    assert len([n for n in nodes if n.generator]) == len(tax.points) - len(tax.unmapped) == 82


# -- list / show / coverage -------------------------------------------------------------------------
@pytest.fixture(scope="module")
def with_samples(imported, tmp_path_factory) -> tuple[Path, dict[str, int]]:
    """The imported catalog, copied, with accepted and rejected samples on a few points."""
    src, _ = imported
    db = tmp_path_factory.mktemp("samples") / "c.duckdb"
    db.write_bytes(src.read_bytes())
    accepted = {"Pythagorean theorem (30)": 5, "Tangent to a circle (20)": 3, "Pythagorean theorem (120)": 7}
    con = duckdb.connect(str(db))
    for name, n in accepted.items():
        (kid,) = con.execute("SELECT id FROM knowledge WHERE name = ?", [name]).fetchone()
        for i in range(n + 2):  # two rejected each
            con.execute("INSERT INTO samples (id, knowledge_id, accepted) VALUES (?, ?, ?)", [f"{kid}#{i}", kid, i < n])
    con.close()
    return db, accepted


def test_list_shows_the_tree_with_counts_summed_up(with_samples):
    db, _ = with_samples
    r = flywheel_cli("knowledge", "list", "--catalog", str(db))
    assert r.returncode == 0, r.stderr
    out = r.stdout
    for line in ("Domain 0  8 accepted (12/60 points mapped)", "Area 0.1  3 accepted", "Area 0.2  5 accepted",
                 "Topic 0.2.2  5 accepted (1/3 points mapped)", "Domain 2  7 accepted",
                 "Pythagorean theorem (30)  5 accepted → plane.pythagoras", "Tangent function 7  0 accepted (unmapped)",
                 "Domain 1  0 accepted", "Point 1  0 accepted (unmapped)"):
        assert line in out, line
    assert len(out.splitlines()) == N_NODES + 1  # the title and one line per node
    assert "└── " in out and "│   ├── " in out  # a real tree
    one = flywheel_cli("knowledge", "list", "--catalog", str(db), "--domain", "domain_2").stdout
    assert "Domain 2  7 accepted" in one and "Domain 0" not in one
    top = flywheel_cli("knowledge", "list", "--catalog", str(db), "--depth", "1").stdout
    assert len(top.splitlines()) == 1 + DOMAINS
    assert_one_line_error(flywheel_cli("knowledge", "list", "--catalog", str(db), "--domain", "nope"), "no domain 'nope'")


def test_show_node(with_samples):
    db, _ = with_samples
    r = flywheel_cli("knowledge", "show", "domain_0/area_0_2", "--catalog", str(db))
    assert r.returncode == 0, r.stderr
    assert "Domain 0 › Area 0.2" in r.stdout and "5 accepted of 7 (this node and below)" in r.stdout
    assert "domain_0/area_0_2/topic_0_2_3" in r.stdout and "12 (3 mapped to a generator)" in r.stdout
    leaf = flywheel_cli("knowledge", "show", "domain_0/area_0_2/topic_0_2_2/pythagorean_theorem_30", "--catalog", str(db))
    assert "plane.pythagoras" in leaf.stdout and "knowledge point 30" in leaf.stdout and "tax.yaml" in leaf.stdout
    assert "Domain 0 › Area 0.2 › Topic 0.2.2 › Pythagorean theorem (30)" in leaf.stdout
    miss = flywheel_cli("knowledge", "show", "area_0_1", "--catalog", str(db))
    assert_one_line_error(miss, "no knowledge node 'area_0_1'", "did you mean domain_0/area_0_1")


def test_coverage_table_and_chart(with_samples, tmp_path):
    db, accepted = with_samples
    png = tmp_path / "charts" / "cov.png"
    r = flywheel_cli("knowledge", "coverage", "--catalog", str(db), "--out", str(png))
    assert r.returncode == 0, r.stderr
    assert re.search(r"domain_0\s*│\s*60\s*│\s*12\s*│\s*2\s*│\s*8\s*│", r.stdout), r.stdout
    assert re.search(r"total\s*│\s*360\s*│\s*82\s*│\s*3\s*│\s*15\s*│", r.stdout)
    assert "top 40 of 360" in r.stdout and "320 more points, 320 of them without samples" in r.stdout
    with Image.open(png) as im:
        assert im.format == "PNG" and im.size[0] >= 1200 and 500 <= im.size[1] <= 3000
        assert len(im.convert("RGB").getcolors(1 << 20) or []) > 50  # bars, text, not a blank canvas
    assert_one_line_error(flywheel_cli("knowledge", "coverage", "--catalog", str(db), "--out", str(tmp_path)), "is a directory")
    assert_one_line_error(flywheel_cli("knowledge", "list", "--catalog", str(tmp_path / "none.duckdb")), "no catalog")


def test_old_catalog_lists_and_upgrades_on_import(tmp_path):
    db = tmp_path / "v1.duckdb"
    con = duckdb.connect(str(db))
    con.execute("CREATE TABLE schema_version (version INTEGER)")
    con.execute(MIGRATIONS[0].sql)
    con.execute("INSERT INTO schema_version VALUES (1)")
    con.execute("INSERT INTO knowledge (id, domain, name, generator) VALUES ('plane.pythagoras', 'plane_geometry', "
                "'Pythagorean theorem', 'plane.pythagoras')")
    con.close()
    r = flywheel_cli("knowledge", "list", "--catalog", str(db))  # read-only: no migration, still readable
    assert r.returncode == 0, r.stderr
    assert "plane_geometry  0 accepted (seed nodes: 1)" in r.stdout and "Pythagorean theorem  0 accepted" in r.stdout
    tax = tmp_path / "t.yaml"
    tax.write_text(yaml.safe_dump({"name": "Plane geometry", "points": ["Pythagorean theorem", "Knot theory"]}))
    assert flywheel_cli("knowledge", "import", str(tax), "--catalog", str(db)).returncode == 0
    assert catalog_rows(db, "SELECT count(*) FROM schema_migrations") == [(len(MIGRATIONS),)]
    assert catalog_rows(db, "SELECT id, level, mapped FROM knowledge ORDER BY id") == [
        ("plane.pythagoras", "point", None), ("plane_geometry", "domain", None),
        ("plane_geometry/knot_theory", "point", False), ("plane_geometry/pythagorean_theorem", "point", True)]


def test_taxonomy_drives_synthesis_and_counts_show_up(tmp_path):
    tree = [{"name": "Plane geometry", "children": [{"name": "Right triangles", "points": [
        {"name": "Pythagorean theorem"}, {"name": "Chord and distance", "generator": "plane.chord_distance"},
        {"name": "Knot theory"}]}]}]
    tax = tmp_path / "t.yaml"
    tax.write_text(yaml.safe_dump(tree))
    db = tmp_path / "c.duckdb"
    assert flywheel_cli("knowledge", "import", str(tax), "--catalog", str(db)).returncode == 0
    r = flywheel_cli("synthesize", "--n", "4", "--seeds", str(tax), "--catalog", str(db), "--workers", "1")
    assert r.returncode == 0, r.stderr
    r = flywheel_cli("knowledge", "list", "--catalog", str(db))
    assert "Plane geometry  4 accepted (2/3 points mapped)" in r.stdout and "Knot theory  0 accepted (unmapped)" in r.stdout
