"""Repair routing reads a failure's role and code, never a verifier's name or the words of its reason."""

from __future__ import annotations

import random

import pytest

from flywheel.core.records import KnowledgeNode
from flywheel.evolve.quality import Reject, repair_job, route

PLANE = KnowledgeNode("plane.pythagoras", "plane_geometry", "Pythagoras", generator="plane.pythagoras")
CHART = KnowledgeNode("stats.bar_mean", "statistics", "Bar mean", generator="stats.bar_mean")


def reject(node: KnowledgeNode, failed: dict[str, tuple[str, str]], attempt: int = 1) -> Reject:
    return Reject("s1", node, 7, (), {k: why for k, (why, _) in failed.items()}, attempt,
                  {k: code for k, (_, code) in failed.items()})


@pytest.mark.parametrize(("node", "failed", "expected"), [
    (PLANE, {"image": ("a sliver, in words no rule knows", "degenerate")}, ("image", "resample")),
    (PLANE, {"image": ("sliver: two lines meet at A at 3.0°", "labels")}, ("image", "re-layout")),  # the code decides
    (PLANE, {"tool": ("stray pixels", "stray"), "image": ("labels overlap", "labels")}, ("image", "re-layout")),
    (PLANE, {"answer.plane_geometry": ("measures 5", "")}, ("answer.plane_geometry", "resample")),
    (PLANE, {"duplicate": ("near-duplicate", ""), "tool": ("drew nothing", "unchanged")}, ("tool", "re-layout")),
    (PLANE, {"duplicate": ("near-duplicate", "")}, ("duplicate", "redraw")),
    (CHART, {"image.statistics": ("pixel off", ""), "image": ("labels overlap", "labels")}, ("image", "resample")),
    (CHART, {"tool": ("stray pixels", "stray")}, ("tool", "resample")),  # a chart may not be turned
    (PLANE, {"judge": ("an LLM judge disagrees", ""), "perception": ("point off", "")}, None),  # no role to repair
])
def test_route_by_role_and_code(node, failed, expected):
    assert route(reject(node, failed)) == expected


def test_second_attempt_redraws_and_relayout_appends_a_reorient():
    assert route(reject(PLANE, {"image": ("labels overlap", "labels")}, attempt=2)) == ("image", "redraw")
    job = repair_job(reject(PLANE, {"image": ("labels overlap", "labels")}), 1, random.Random(0))
    assert job.ops[-1][0] == "reorient" and job.meta["repair"]["action"] == "re-layout"
