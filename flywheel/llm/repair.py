"""LLM evolution steps for `flywheel evolve`: repair a failing sample, or ask for a harder variant.

Both take a sample in any of the shapes the catalog and creator hand around (a `Sample` record, a
`samples` row as a dict, a `Candidate`) and return a new `Candidate`; the caller checks it with
`flywheel.llm.creator.check_reply(client, sid, candidate)` like any fresh reply, and records a
lineage edge to the parent. A reply that is not a well-formed candidate raises `CandidateError`
(its message is the parse reason, `exc.raw` the reply).
"""

from __future__ import annotations

import dataclasses
from typing import Any

from flywheel.core.records import Sample, Verdict
from flywheel.llm import prompts
from flywheel.llm.candidate import Candidate, parse_candidate
from flywheel.llm.client import LLMClient

# Sample/row column → candidate field: symbolic samples can be repaired and hardened too.
_RENAMES = {"image_code": "figure_code"}


def sample_fields(sample: Sample | Candidate | dict[str, Any]) -> dict[str, Any]:
    """The candidate fields (question, answer, figure_code, tool_code, cot, measure) of a sample."""
    if isinstance(sample, Candidate):
        return sample.as_dict()
    row = dataclasses.asdict(sample) if isinstance(sample, Sample) else dict(sample)
    if "raw_reply" in row:
        return {"raw_reply": row["raw_reply"]}
    out = {_RENAMES.get(k, k): v for k, v in row.items()}
    params = out.get("params") if isinstance(out.get("params"), dict) else {}
    out.setdefault("measure", params.get("measure"))
    return {k: out.get(k) for k in ("question", "answer", "figure_code", "tool_code", "cot", "measure")}


def repair_reply(client: LLMClient, fields: dict[str, Any], failing: list[Verdict]) -> str:
    """The raw reply to a repair prompt naming each failing dimension and its verifier's reason."""
    problems = [(v.verifier, v.reason) for v in failing if not v.passed]
    return client.complete(prompts.repair(fields, problems))


def repair(client: LLMClient, sample: Sample | Candidate | dict[str, Any], failing_verdicts: list[Verdict]) -> Candidate:
    """Ask the model to fix `sample` given its failing verdicts (answer, image, tool, parse …).

    Only verdicts with `passed == False` are sent, each as "<verifier>: <reason>". Returns the
    repaired candidate, unchecked; raises CandidateError when the reply does not parse.
    """
    return parse_candidate(repair_reply(client, sample_fields(sample), failing_verdicts))


def harder_variant(client: LLMClient, sample: Sample | Candidate | dict[str, Any]) -> Candidate:
    """Ask for a harder variant of an accepted `sample`: same knowledge, one more step or construction.

    Returns the new candidate, unchecked; raises CandidateError when the reply does not parse.
    """
    return parse_candidate(client.complete(prompts.harder(sample_fields(sample))))
