"""Discrete domain: every generator verified, broken answers and tampered figures rejected, near-duplicates keyed by the figure."""

from __future__ import annotations

import re
from dataclasses import replace

import pytest
import sympy as sp

from flywheel.domains.registry import generator_names
from flywheel.run.build import execute
from flywheel.verify.duplicate import question_key
from flywheel.verify.registry import run_verifiers
from tests.conftest import rendered

DISCRETE = [n for n in generator_names() if n.startswith("discrete.")]


def verdicts(r):
    ctx, _ = execute("t", r, None, "discrete")
    return {v.verifier: v for v in run_verifiers(ctx)}


def test_five_knowledge_points():
    assert len(DISCRETE) >= 5


@pytest.mark.parametrize("name", DISCRETE)
def test_every_generator_passes_every_verifier(name):
    for seed in range(4):
        v = verdicts(rendered(name, seed))
        assert {"answer.discrete", "image.discrete", "image", "tool"} <= set(v)
        assert all(x.passed for x in v.values()), {k: x.reason for k, x in v.items() if not x.passed}


@pytest.mark.parametrize("name", DISCRETE)
def test_a_wrong_answer_is_rejected_by_the_recount(name):
    r = rendered(name, 1)
    broken = replace(r, draft=replace(r.draft, answer=r.draft.answer + 1))
    assert not verdicts(broken)["answer.discrete"].passed


def test_a_figure_missing_an_edge_is_rejected_in_the_pixels():
    r = rendered("discrete.shortest_path", 2)
    graph = next(line for line in r.image_code.splitlines() if line.startswith("fig.add_artist(LineCollection([(("))
    edge = re.search(r"\(\([^()]*\), \([^()]*\)\), ", graph).group()  # the first edge of the graph
    tampered = replace(r, image_code=r.image_code.replace(graph, graph.replace(edge, "", 1)))
    assert not verdicts(tampered)["image.discrete"].passed


def test_same_words_other_figure_is_not_a_duplicate():
    a, b = rendered("discrete.shortest_path", 3).draft, rendered("discrete.shortest_path", 4).draft
    assert a.question.split(".")[0] == b.question.split(".")[0]
    assert question_key(f"{a.question} {a.figure_key}") != question_key(f"{b.question} {b.figure_key}")
    assert isinstance(a.answer, sp.Integer)
