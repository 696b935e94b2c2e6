"""The functions `flywheel evolve` calls: propose_nodes, repair, harder_variant; and strict parsing."""

from __future__ import annotations

import json

import pytest

from flywheel.core.records import KnowledgeNode, Verdict
from flywheel.llm.candidate import CandidateError, parse_candidate
from flywheel.llm.client import LLMClient, LLMConfig
from flywheel.llm.expand import propose, propose_nodes
from flywheel.llm.repair import harder_variant, repair

from .scripts import candidate, rule

PYTH = KnowledgeNode("plane.pythagoras", "plane_geometry", "Pythagorean theorem",
                     "In a right triangle the square of the hypotenuse equals the sum of the squares of the legs.")
AREA = KnowledgeNode("plane.triangle_area_altitude", "plane_geometry", "Triangle area", "Area from base and altitude.",
                     round=2)


def client(srv) -> LLMClient:
    return LLMClient(LLMConfig("openai/gpt-4o", api_base=srv.api_base))


def test_propose_nodes_keeps_parents_drops_duplicates_and_maps_generators(serve):
    proposals = [
        {"name": "Pythagorean Theorem", "description": "restated", "parents": ["plane.pythagoras"]},  # same name
        {"name": "Pythagorean theorems", "description": "x", "parents": ["plane.pythagoras"]},  # 97 % similar name
        {"name": "Altitude to the hypotenuse", "description": "The altitude to the hypotenuse of a right triangle "
         "splits it into two similar triangles.", "parents": ["plane.pythagoras", "plane.triangle_area_altitude"]},
        {"name": "Hypotenuse altitude", "description": "the altitude to the hypotenuse of a right triangle splits "
         "it into two similar triangles", "parents": ["plane.pythagoras"]},  # same text as the one before
        {"name": "Knot invariants", "description": "Counting crossings.", "parents": ["topology.knots"]},  # no parent
        {"name": "Chord length from the distance to the centre", "description": "A chord of a circle.",
         "parents": ["plane.pythagoras"], "domain": "plane_geometry"},
    ]
    srv = serve([rule("TASK: expand", content="```json\n" + json.dumps(proposals) + "\n```")])
    got = propose(client(srv), [PYTH, AREA], 5)
    assert [n.id for n in got.nodes] == ["plane_geometry.llm.altitude_to_the_hypotenuse",
                                         "plane_geometry.llm.chord_length_from_the_distance_to_the_centre"]
    alt, chord = got.nodes
    assert alt.parents == ["plane.pythagoras", "plane.triangle_area_altitude"] and alt.round == 3 and alt.source == "llm"
    assert chord.generator == "plane.chord_distance" and chord.mapped is True
    assert dict(got.skipped) == {
        "Pythagorean Theorem": "same name as plane.pythagoras",
        "Pythagorean theorems": "name 97% similar to plane.pythagoras ('Pythagorean theorem')",
        "Hypotenuse altitude": "text overlaps plane_geometry.llm.altitude_to_the_hypotenuse (100% of words)",
        "Knot invariants": "names no existing parent",
    }
    assert propose_nodes(client(srv), [PYTH, AREA], 1) == got.nodes[:1]  # cached reply, capped at n


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


@pytest.mark.parametrize(("change", "reason"), [
    ({"answer": 5}, "'answer' must be a non-empty string"),
    ({"extra": 1}, "reply has unexpected keys ['extra']"),
    ({"cot": "<think>no code</think><answer>5</answer>"}, "'cot' does not follow the trace format"),
    ({"answer": "6"}, "the trace's <answer>5</answer> differs from 'answer'"),
    ({"tool_code": "print('x')"}, "the code in 'cot' differs from 'tool_code'"),
])
def test_parse_is_strict(change, reason):
    with pytest.raises(CandidateError) as exc:
        parse_candidate(json.dumps({**candidate(3, 4), **change}))
    assert str(exc.value).startswith(reason)


def test_parse_reports_missing_keys_and_non_objects():
    data = candidate(3, 4)
    del data["cot"]
    with pytest.raises(CandidateError, match=r"reply lacks keys \['cot'\]"):
        parse_candidate(json.dumps(data))
    with pytest.raises(CandidateError, match="reply is a JSON list, expected an object"):
        parse_candidate("[1, 2]")


def test_proposals_are_checked_against_the_whole_taxonomy_not_only_the_prompt(serve):
    proposals = [{"name": "Triangle area", "description": "again", "parents": ["plane.pythagoras"]},
                 {"name": "Heron's formula", "description": "Area from three sides.",
                  "parents": ["plane.triangle_area_altitude"]}]
    srv = serve([rule("TASK: expand", content=json.dumps(proposals))])
    got = propose(client(srv), [PYTH], 2, taxonomy=[PYTH, AREA])  # the prompt shows PYTH only
    assert dict(got.skipped) == {"Triangle area": "same name as plane.triangle_area_altitude"}
    assert [(n.name, n.parents) for n in got.nodes] == [("Heron's formula", ["plane.triangle_area_altitude"])]
