"""What a round's planners see of the catalog, and the Job record they return.

A round only ever reads rows of *earlier* rounds, so planning round r gives the same jobs before
and after a crash in the middle of round r: that is what makes `evolve` resumable.
"""

from __future__ import annotations

import json
import random
from collections import Counter
from dataclasses import dataclass, field

from flywheel.catalog import Catalog
from flywheel.catalog.evolution import accepted_parents, duplicate_rate_by_node
from flywheel.catalog.knowledge import knowledge_before_round
from flywheel.core.answers import parse_answer
from flywheel.core.records import KnowledgeNode
from flywheel.domains.base import Evolution, Step
from flywheel.domains.evolution import recipe_kind
from flywheel.domains.registry import evolution_of

# Samples a model wrote (generator `llm:<model>`) have no recipe to replay: symbolic planners and
# repairs leave them to `evolve --creator llm` (evolve/llm_rounds.py).
SYMBOLIC = "generator NOT LIKE 'llm:%'"


@dataclass(frozen=True)
class Parent:
    """An accepted sample that evolution may build on."""

    id: str
    knowledge_id: str
    generator: str
    seed: int
    ops: tuple
    score: float
    round: int
    domain: str
    answer: str | None = None  # the answer string (LaTeX)

    @property
    def evolution(self) -> Evolution:
        """What its domain offers: expansion steps, distractors, surface variants, reshaping."""
        return evolution_of(self.domain)

    @property
    def kind(self) -> str | None:
        return recipe_kind(self.generator, self.seed, self.ops)

    @property
    def distractors(self) -> int:
        return sum(op[0] == "distract" for op in self.ops)


@dataclass
class Job:
    """One planned task: replay `ops` on `draw(node.generator, seed)`, linked to its parent."""

    node: KnowledgeNode
    seed: int
    ops: tuple
    parent_id: str | None
    relation: str
    axis: str
    meta: dict = field(default_factory=dict)


def reseed(ops: tuple, rng: random.Random) -> tuple:
    """Same recipe structure, new random choices: a fresh problem of the same (composed) class."""
    return tuple((*op[:-1], rng.getrandbits(60)) for op in ops)


def composed(node: KnowledgeNode, step: Step, steps_node: KnowledgeNode | None, round_: int) -> KnowledgeNode:
    """The knowledge point 'node, then step': a new node with both as parents."""
    name = steps_node.name if steps_node else step.knowledge
    return KnowledgeNode(
        id=f"{node.id}+{step.knowledge.split('.')[-1]}", domain=node.domain, name=f"{node.name}, then {name.lower()}",
        description=f"{node.description} Then: {steps_node.description if steps_node else step.name}",
        generator=node.generator, parents=[node.id, step.knowledge], round=round_,
        params={"steps": list(node.params.get("steps", [])) + [step.name]},
        prerequisites=[node.id, step.knowledge],
    )


class CatalogView:
    """Accepted samples and knowledge of rounds before `round_`."""

    def __init__(self, cat: Catalog, round_: int) -> None:
        self.round = round_
        rows = accepted_parents(cat, round_, SYMBOLIC)
        self.parents = [Parent(i, k, g, s, tuple(tuple(o) for o in json.loads(p or "{}").get("ops", [])), sc, r, dm, a)
                        for i, k, g, s, p, sc, r, a, dm in rows]
        self.nodes = {n.id: n for n in _nodes(cat, round_)}
        self.counts = Counter(p.knowledge_id for p in self.parents)
        self._steps: dict[str, list[Step]] = {}
        self.dup_rate = duplicate_rate_by_node(cat, round_)

    def node(self, knowledge_id: str) -> KnowledgeNode:
        return self.nodes[knowledge_id]

    def extensions(self, parent: Parent) -> list[Step]:
        """Steps of its domain that fit the parent's answer (its kind, and what the step accepts of its value)."""
        if parent.evolution.steps is None:
            return []
        if parent.id not in self._steps:
            answer = parse_answer(parent.answer) if parent.answer else None
            self._steps[parent.id] = parent.evolution.steps_for(parent.kind, answer)
        return self._steps[parent.id]


def _nodes(cat: Catalog, round_: int) -> list[KnowledgeNode]:
    return knowledge_before_round(cat, round_)
