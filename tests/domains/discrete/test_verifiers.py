"""Discrete verifiers: the answer is recounted on the drawn board, shape or network, so a wrong answer
or a figure that differs from the question is rejected; a tampered figure is caught in the pixels;
near-duplicates are keyed by the figure, not only the words."""

from __future__ import annotations

import re
from dataclasses import replace
from math import comb

import pytest
import sympy as sp

from flywheel.domains.discrete.rectangles import l_shape
from flywheel.domains.discrete.symbols import CellShape, DirectedGraph
from flywheel.render.scene.diagrams import Edge, GridBoard
from flywheel.verify.duplicate import question_key
from tests.conftest import rendered, verdicts, with_draft
from tests.domains.discrete.test_generators import DISCRETE

DOMAIN = "discrete"


def with_element(r, element):
    """The same sample whose figure data is `element` instead of its own (the question unchanged)."""
    return with_draft(r, scene=replace(r.draft.scene, elements=[element]))


@pytest.mark.parametrize("name", DISCRETE)
def test_a_wrong_answer_is_rejected_by_the_recount(name):
    r = rendered(name, 1)
    assert not verdicts(with_draft(r, answer=r.draft.answer + 1), DOMAIN)["answer.discrete"].passed


def test_a_figure_missing_an_edge_is_rejected_in_the_pixels():
    r = rendered("discrete.shortest_path", 2)
    graph = next(line for line in r.image_code.splitlines() if line.startswith("fig.add_artist(LineCollection([(("))
    edge = re.search(r"\(\([^()]*\), \([^()]*\)\), ", graph).group()  # the first edge of the graph
    tampered = replace(r, image_code=r.image_code.replace(graph, graph.replace(edge, "", 1)))
    assert not verdicts(tampered, DOMAIN)["image.discrete"].passed


def test_a_board_with_another_grey_cell_is_rejected():
    r = rendered("discrete.count_squares", 3)
    board = r.draft.scene.elements[0]
    open_cell = next((c, w) for c in range(board.cols) for w in range(board.rows) if (c, w) not in board.blocked)
    moved = GridBoard(board.cols, board.rows, (board.blocked - {min(board.blocked)}) | {open_cell})
    v = verdicts(with_element(r, moved), DOMAIN)["answer.discrete"]
    assert not v.passed


def test_rectangles_in_an_l_shape_match_the_formula_and_a_missing_cell_is_rejected():
    cells = l_shape(4, 2, 1, 2, start=3, flip=False)  # a 4 × 2 block with a 1 × 2 tower on its right end
    assert len(cells) == 10
    r = rendered("discrete.count_rectangles", 4)
    p = r.draft.params
    want = comb(p["wide"] + 1, 2) * comb(p["low"] + 1, 2) + comb(p["narrow"] + 1, 2) * comb(p["high"] + 1, 2) \
        + comb(p["narrow"] + 1, 2) * p["low"] * p["high"]
    assert r.draft.answer == want and verdicts(r, DOMAIN)["answer.discrete"].passed
    shape = r.draft.scene.elements[0]
    v = verdicts(with_element(r, CellShape(shape.cells - {max(shape.cells)})), DOMAIN)["answer.discrete"]
    assert not v.passed and "not the drawn shape" in v.reason


def test_a_network_with_a_reversed_street_is_rejected():
    r = rendered("discrete.dag_paths", 2)
    g = r.draft.scene.elements[0]
    into_t = next(e for e in g.edges if e.b == "T")
    edges = [Edge(e.b, e.a) if e == into_t else e for e in g.edges]  # that street now leaves T
    v = verdicts(with_element(r, DirectedGraph(g.vertices, edges)), DOMAIN)["answer.discrete"]
    assert not v.passed and "solved again" in v.reason


def test_same_words_other_figure_is_not_a_duplicate():
    a, b = rendered("discrete.shortest_path", 3).draft, rendered("discrete.shortest_path", 4).draft
    assert a.question.split(".")[0] == b.question.split(".")[0]
    assert question_key(f"{a.question} {a.figure_key}") != question_key(f"{b.question} {b.figure_key}")
    assert isinstance(a.answer, sp.Integer)
