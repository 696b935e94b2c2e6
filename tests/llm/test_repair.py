"""Repair and harder variants: a repair prompt carries each failing verifier's reason, and a harder
variant of a catalog row comes back as a parsed candidate."""

from __future__ import annotations

import json

import pytest

from flywheel.core.records import Verdict
from flywheel.llm.candidate import CandidateError, parse_candidate
from flywheel.llm.repair import harder_variant, repair
from tests.llm.scripts import candidate, client, rule


def test_repair_sends_each_failing_reason_and_harder_variant_returns_a_candidate(serve):
    fixed, hard = candidate(5, 12, answer="13"), candidate(8, 15)
    srv = serve([
        rule(["TASK: repair", "- answer: an independent solve got '13'"], fixed),
        rule(["TASK: harder", '"answer": "13"'], hard),
        rule(["TASK: harder"], content="Sure! Here is a harder one."),
    ])
    wrong = parse_candidate(json.dumps(candidate(5, 12, answer="14")))
    failing = [Verdict("s", "answer", False, 0.0, "an independent solve got '13', the creator says '14'"),
               Verdict("s", "image", True, 1.0, "fine")]
    c = client(srv)
    repaired = repair(c, wrong, failing)
    assert repaired.answer == "13" and repaired.figure_code == fixed["figure_code"].strip()
    # A catalog row (image_code, not figure_code) works as well as a Candidate.
    row = {"question": repaired.question, "answer": "13", "image_code": repaired.figure_code,
           "tool_code": repaired.tool_code, "cot": repaired.cot, "params": {}}
    assert harder_variant(c, row).answer == "17"
    with pytest.raises(CandidateError, match="reply is not valid JSON"):
        harder_variant(c, {**row, "answer": "14"})
