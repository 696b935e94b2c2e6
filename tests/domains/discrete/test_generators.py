"""Discrete generators: one per knowledge point, every verifier passing, and the counts they ask for
agree with the textbook formulas."""

from __future__ import annotations

import pytest

from flywheel.domains.discrete.dag import path_counts
from flywheel.domains.discrete.rectangles import square_counts
from flywheel.domains.registry import generator_names
from tests.conftest import assert_every_verifier_passes

DISCRETE = [n for n in generator_names() if n.startswith("discrete.")]
# Checked over thirty seeds (the others over four).
SWEPT = ["discrete.count_squares", "discrete.count_rectangles", "discrete.dag_paths"]
VERIFIERS = {"answer.discrete", "image.discrete", "image", "tool"}


def test_five_knowledge_points():
    assert len(DISCRETE) >= 5


@pytest.mark.parametrize("name", DISCRETE)
def test_every_generator_passes_every_verifier(name):
    assert_every_verifier_passes(name, range(4), VERIFIERS)


@pytest.mark.parametrize("name", SWEPT)
def test_every_verifier_passes_over_thirty_seeds(name):
    assert_every_verifier_passes(name, range(30), VERIFIERS)


def test_square_numbers_on_a_plain_board_add_up_to_the_textbook_count():
    counts = square_counts(4, 3, frozenset())
    assert counts[(3, 2)] == 3 and counts[(0, 2)] == 1
    assert sum(counts.values()) == 4 * 3 + 3 * 2 + 2 * 1


def test_route_counts_add_over_incoming_arrows():
    order = ["S", "A", "B", "T"]
    assert path_counts(order, [("S", "A"), ("S", "B"), ("A", "B"), ("A", "T"), ("B", "T")])["T"] == 3
