"""Multiple choice: the options are the problem's typical wrong answers and the right one, the answer
is a letter the answer verifier checks against the exact value, and a `--choices` run stores and
exports letter answers whose question lists the options."""

from __future__ import annotations

import random
from dataclasses import replace

import pyarrow.parquet as pq
import pytest

from flywheel.catalog import Catalog
from flywheel.core.answers import answer_value
from flywheel.core.errors import FlywheelError
from flywheel.domains import get_generator
from flywheel.io.v_interaction import export_v_interaction
from flywheel.render.choices import with_choices
from flywheel.render.draft import draw, render
from flywheel.run.synthesize import SynthesisConfig, plan, synthesize
from tests.conftest import catalog_rows, verdicts


def test_options_hold_one_right_value_at_the_letter_and_the_generators_own_slips_first():
    for seed in range(8):
        base = draw(get_generator("plane.chord_distance").fn, seed)
        d = with_choices(base, 4, random.Random(seed))
        values = [answer_value(o) for o in d.choices.options]
        assert len(set(round(v, 9) for v in values)) == 4
        assert [i for i, v in enumerate(values) if abs(v - float(base.answer)) < 1e-9] == [d.choices.index]
        assert d.choices.why[d.choices.index] == "" and base.slips[0].why in d.choices.why
        assert "(A) " in d.question and "(D) " in d.question and d.final_answer == d.choices.letter
        assert all(v.passed for v in verdicts(render(d)).values()), seed


def test_a_generator_without_slips_gets_generic_ones_and_the_same_seed_the_same_options():
    base = draw(get_generator("stats.bar_mean").fn, 3)
    assert not base.slips
    a, b = (with_choices(base, 5, random.Random(7)) for _ in range(2))
    assert a.choices == b.choices and len(a.choices.options) == 5
    assert set(a.choices.why) - {""} <= {"forgot to halve", "halved once too often", "forgot the square root",
                                         "took a square root too many", "an arithmetic slip"}


def test_a_letter_that_points_to_a_wrong_option_is_rejected_by_the_answer_verifier():
    d = with_choices(draw(get_generator("plane.pythagoras").fn, 2), 4, random.Random(0))
    wrong = "B" if d.choices.letter != "B" else "C"
    broken = replace(d, choices=replace(d.choices, letter=wrong))
    v = verdicts(render(broken))["answer.plane_geometry"]
    assert not v.passed and "options worth the answer" in v.reason


def test_a_choices_run_stores_letters_with_the_value_and_exports_them(tmp_path):
    db = tmp_path / "c.duckdb"
    with pytest.raises(FlywheelError, match="--choices"):
        plan(SynthesisConfig(n=1, catalog=db, choices=9))
    stats = synthesize(SynthesisConfig(n=6, seed=2, catalog=db, knowledge=["plane.thales", "stats.bar_mean"],
                                       workers=1, choices=4))
    assert stats.accepted == 6
    rows = catalog_rows(db, "SELECT question, answer, answer_expr FROM samples WHERE accepted")
    for question, answer, expr in rows:
        assert answer in "ABCD" and f"({answer}) " in question
        option = question.split(f"({answer}) ")[1].split(" (")[0].rstrip(".")
        assert abs(answer_value(option) - float(answer_value(expr) or 0)) < 1e-9 or answer_value(option) == answer_value(expr)
    with Catalog(db, read_only=True) as cat:
        out = export_v_interaction(cat, tmp_path / "vi")
    table = pq.read_table(next(out.rglob("*.parquet")) if out.is_dir() else out)
    assert set(table.column("answer").to_pylist()) <= set("ABCD")
