"""Kind names and the task cycle over them, and figures that cannot carry a perception or instruction."""

import random
from dataclasses import replace

import pytest

from flywheel.core.errors import FlywheelError
from flywheel.kinds import kind_of_task, parse_kinds, slot_of_task
from flywheel.kinds.variant import Unsupported
from flywheel.run.build import MAKERS
from tests.conftest import rendered


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


def test_versions_of_one_figure_come_before_its_other_kinds():
    kinds = ["interaction", "perception", "instruction"]
    # one version: the same tasks as before versions existed
    assert [slot_of_task(kinds, ["text_dominant"], i)[::2] for i in range(7)] == [kind_of_task(kinds, i) for i in range(7)]
    two = [slot_of_task(kinds, ["text_dominant", "vision_only"], i) for i in range(5)]
    assert two == [("interaction", "text_dominant", 0), ("interaction", "vision_only", 0), ("perception", "", 0),
                   ("instruction", "", 0), ("interaction", "text_dominant", 1)]
