"""Strict parsing of a model's candidate: the schema, the trace format, and the trace agreeing with the
answer and the tool code."""

from __future__ import annotations

import json

import pytest

from flywheel.llm.candidate import CandidateError, parse_candidate
from tests.llm.scripts import candidate


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
