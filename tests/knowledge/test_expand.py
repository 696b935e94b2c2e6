"""Knowledge expansion by a model: proposals keep existing parents, drop duplicates of the whole taxonomy
and map to symbolic generators where the rules allow."""

from __future__ import annotations

import json

from flywheel.core.records import KnowledgeNode
from flywheel.llm.expand import propose, propose_nodes
from tests.llm.scripts import client, rule

PYTH = KnowledgeNode("plane.pythagoras", "plane_geometry", "Pythagorean theorem",
                     "In a right triangle the square of the hypotenuse equals the sum of the squares of the legs.")
AREA = KnowledgeNode("plane.triangle_area_altitude", "plane_geometry", "Triangle area", "Area from base and altitude.",
                     round=2)


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


def test_proposals_are_checked_against_the_whole_taxonomy_not_only_the_prompt(serve):
    proposals = [{"name": "Triangle area", "description": "again", "parents": ["plane.pythagoras"]},
                 {"name": "Heron's formula", "description": "Area from three sides.",
                  "parents": ["plane.triangle_area_altitude"]}]
    srv = serve([rule("TASK: expand", content=json.dumps(proposals))])
    got = propose(client(srv), [PYTH], 2, taxonomy=[PYTH, AREA])  # the prompt shows PYTH only
    assert dict(got.skipped) == {"Triangle area": "same name as plane.triangle_area_altitude"}
    assert [(n.name, n.parents) for n in got.nodes] == [("Heron's formula", ["plane.triangle_area_altitude"])]
