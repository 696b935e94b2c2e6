"""Catalog columns of the kinds (migration `kind_ground_truth`) and figures that cannot carry a kind."""

import random
from dataclasses import replace

import duckdb
import pytest

from flywheel.catalog import Catalog
from flywheel.catalog.schema import MIGRATIONS
from flywheel.core.errors import FlywheelError
from flywheel.kinds import kind_of_task, parse_kinds
from flywheel.kinds.variant import Unsupported
from flywheel.run.build_kind import MAKERS
from tests.conftest import rendered


def test_a_catalog_from_before_the_kinds_gains_their_columns(tmp_path):
    db = tmp_path / "old.duckdb"
    con = duckdb.connect(str(db))
    con.execute("CREATE TABLE schema_version (version INTEGER)")
    for version, m in enumerate(MIGRATIONS[:2], start=1):  # the schema as it was before the kinds
        con.execute(m.sql)
        con.execute("INSERT INTO schema_version VALUES (?)", [version])
    con.close()
    with Catalog(db) as cat:
        cols = {r[0] for r in cat.con.execute("DESCRIBE samples").fetchall()}
    assert {"points", "elements", "overlay"} <= cols


@pytest.mark.parametrize("kind", ["perception", "instruction"])
def test_a_figure_without_labelled_points_is_unsupported(kind):
    fig = rendered("plane.pythagoras")
    bare = replace(fig, draft=replace(fig.draft, scene=replace(fig.draft.scene, labeled=[])))
    with pytest.raises(Unsupported):
        MAKERS[kind](bare, random.Random(0))


def test_kind_parsing_and_task_cycle():
    assert parse_kinds(None) == ["interaction"]
    assert parse_kinds("perception, interaction,perception") == ["perception", "interaction"]
    with pytest.raises(FlywheelError, match="unknown kind"):
        parse_kinds("interaction,vision")
    kinds = ["interaction", "perception", "instruction"]
    assert [kind_of_task(kinds, i) for i in range(4)] == [
        ("interaction", 0), ("perception", 0), ("instruction", 0), ("interaction", 1)]
