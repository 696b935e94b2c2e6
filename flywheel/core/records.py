"""The small typed records that flow between flywheel's stages (docs/architecture.md, "Records")."""

from __future__ import annotations

import hashlib
import json
from dataclasses import dataclass, field
from typing import Any


def content_id(*parts: Any) -> str:
    """Stable 16-hex-digit id from JSON-able parts: same inputs, same id (idempotent reruns)."""
    blob = json.dumps(parts, sort_keys=True, separators=(",", ":"), default=str)
    return hashlib.sha256(blob.encode()).hexdigest()[:16]


@dataclass(frozen=True)
class KnowledgeNode:
    """One knowledge point of the taxonomy; `generator` names the generator that makes its samples."""

    id: str
    domain: str
    name: str
    description: str = ""
    prerequisites: list[str] = field(default_factory=list)
    generator: str | None = None
    params: dict[str, Any] = field(default_factory=dict)
    parents: list[str] = field(default_factory=list)
    round: int = 0
    taxonomy_parent: str | None = None  # the enclosing domain/area/topic of an imported taxonomy
    level: str = "point"  # domain | area | topic | point
    mapped: bool | None = None  # for imported points: did a generator get assigned?
    source: str | None = None  # file the node came from


@dataclass
class Difficulty:
    """Structural difficulty: theorem applications, constructions, distractors, composition depth."""

    hops: int
    constructions: int = 1
    distractors: int = 0
    depth: int = 1

    @property
    def score(self) -> float:
        # Hops dominate; each construction or distractor adds work a solver must see.
        return self.hops + 0.5 * self.constructions + 0.25 * self.distractors + 0.5 * (self.depth - 1)


@dataclass
class Sample:
    """What a user trains on: one verified (or rejected) problem with both figures and its trace."""

    id: str
    kind: str
    domain: str
    knowledge_id: str
    question: str
    answer: str
    answer_expr: str | None
    image: str
    image_code: str
    tool_code: str
    edited_image: str | None
    cot: str
    difficulty: int
    difficulty_score: float
    params: dict[str, Any]
    seed: int
    generator: str
    round: int = 0
    parent_id: str | None = None
    accepted: bool = False
    stream: str = ""
    task_index: int = 0
    phash: str = ""
    question_key: str = ""
    # Perception/instruction ground truth (flywheel/kinds): pixel coordinates of the named points,
    # the element attribute strings, and the sha of the instruction's overlay mask PNG.
    points: dict[str, list[float]] | None = None
    elements: list[str] | None = None
    overlay: str | None = None
    # MathVerse version of an interaction sample's text (render/question.py: text_dominant, text_lite,
    # vision_dominant, vision_only); "" for kinds whose text is not a problem statement.
    version: str = ""


@dataclass(frozen=True)
class Verdict:
    """One verifier's judgement of one sample, always with a human-readable reason."""

    sample_id: str
    verifier: str
    passed: bool
    score: float
    reason: str
    code: str = ""  # machine-readable kind of failure (verify/registry.py Check.code); repair routes on it

    @property
    def failed(self) -> bool:
        """Judged and found wrong; a `not_checkable` verdict was never judged, so it has not failed."""
        return not self.passed and self.code != NOT_CHECKABLE


# A verifier that needs what the sample's source lacks (no scene behind an imported row or a model's
# candidate) records this code with passed = false: it neither passes nor fails the sample.
NOT_CHECKABLE = "not_checkable"


def accepts(verdicts: list[Verdict]) -> bool:
    """The one acceptance rule: no verdict failed and at least one passed (a sample that nothing could
    check is not accepted). `not_checkable` verdicts stay on record, countable by source."""
    return not any(v.failed for v in verdicts) and any(v.passed for v in verdicts)
