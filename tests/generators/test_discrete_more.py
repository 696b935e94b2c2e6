"""Squares on a board, rectangles in an L/T shape, routes in a one-way network: exact over 30 seeds, broken samples rejected."""

from __future__ import annotations

from dataclasses import replace
from math import comb

import pytest

from flywheel.domains.discrete.dag import path_counts
from flywheel.domains.discrete.rectangles import l_shape, square_counts
from flywheel.domains.discrete.symbols import CellShape, DirectedGraph
from flywheel.render.scene.diagrams import Edge, GridBoard
from flywheel.run.build import execute
from flywheel.verify.registry import run_verifiers
from tests.conftest import rendered

NEW = ["discrete.count_squares", "discrete.count_rectangles", "discrete.dag_paths"]


def verdicts(r):
    ctx, _ = execute("t", r, None, "discrete")
    return {v.verifier: v for v in run_verifiers(ctx)}


def with_element(r, element):
    """The same sample whose figure data is `element` instead of its own (the question unchanged)."""
    scene = replace(r.draft.scene, elements=[element])
    return replace(r, draft=replace(r.draft, scene=scene))


@pytest.mark.parametrize("name", NEW)
def test_every_verifier_passes_over_thirty_seeds(name):
    for seed in range(30):
        v = verdicts(rendered(name, seed))
        assert {"answer.discrete", "image.discrete", "image", "tool"} <= set(v)
        assert all(x.passed for x in v.values()), (seed, {k: x.reason for k, x in v.items() if not x.passed})


def test_square_numbers_on_a_plain_board_add_up_to_the_textbook_count():
    counts = square_counts(4, 3, frozenset())
    assert counts[(3, 2)] == 3 and counts[(0, 2)] == 1
    assert sum(counts.values()) == 4 * 3 + 3 * 2 + 2 * 1


def test_a_board_with_another_grey_cell_is_rejected():
    r = rendered("discrete.count_squares", 3)
    board = r.draft.scene.elements[0]
    open_cell = next((c, w) for c in range(board.cols) for w in range(board.rows) if (c, w) not in board.blocked)
    moved = GridBoard(board.cols, board.rows, (board.blocked - {min(board.blocked)}) | {open_cell})
    v = verdicts(with_element(r, moved))["answer.discrete"]
    assert not v.passed


def test_rectangles_in_an_l_shape_match_the_formula_and_a_missing_cell_is_rejected():
    cells = l_shape(4, 2, 1, 2, start=3, flip=False)  # a 4 × 2 block with a 1 × 2 tower on its right end
    assert len(cells) == 10
    r = rendered("discrete.count_rectangles", 4)
    p = r.draft.params
    want = comb(p["wide"] + 1, 2) * comb(p["low"] + 1, 2) + comb(p["narrow"] + 1, 2) * comb(p["high"] + 1, 2) \
        + comb(p["narrow"] + 1, 2) * p["low"] * p["high"]
    assert r.draft.answer == want and verdicts(r)["answer.discrete"].passed
    shape = r.draft.scene.elements[0]
    v = verdicts(with_element(r, CellShape(shape.cells - {max(shape.cells)})))["answer.discrete"]
    assert not v.passed and "not the drawn shape" in v.reason


def test_route_counts_add_over_incoming_arrows():
    order = ["S", "A", "B", "T"]
    assert path_counts(order, [("S", "A"), ("S", "B"), ("A", "B"), ("A", "T"), ("B", "T")])["T"] == 3


def test_a_network_with_a_reversed_street_is_rejected():
    r = rendered("discrete.dag_paths", 2)
    g = r.draft.scene.elements[0]
    into_t = next(e for e in g.edges if e.b == "T")
    edges = [Edge(e.b, e.a) if e == into_t else e for e in g.edges]  # that street now leaves T
    v = verdicts(with_element(r, DirectedGraph(g.vertices, edges)))["answer.discrete"]
    assert not v.passed and "solved again" in v.reason
