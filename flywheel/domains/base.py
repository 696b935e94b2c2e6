"""A domain as one unit: the Domain record, and the evolution it offers (Evolution, Step).

A domain is one folder: its generators, its verifiers (an answer verifier at least), its
`knowledge.yaml` and mapping rules, and the evolution steps it offers. Everything that acts on
samples of many domains (synthesis, repair routing, round planners) asks the domain's record and
never names a domain.
"""

from __future__ import annotations

import random
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path

import sympy as sp

from flywheel.core.registry import Registry
from flywheel.render.draft import Draft

OpFn = Callable[..., Draft]  # (draft, rng, *args) -> draft: one op of an evolution recipe


class StepFailed(Exception):
    """An evolution op found no well-conditioned placement of its new elements."""


@dataclass(frozen=True)
class Step:
    """Sequential expansion: one more theorem on top of a solved problem (its answer becomes a given)."""

    name: str
    knowledge: str  # the knowledge node the step applies (a composition parent)
    reads: frozenset[str]  # target kinds it extends
    makes: str  # target kind of the extended draft
    fn: Callable[[Draft, random.Random], Draft]
    accepts: Callable[[sp.Expr], bool] = lambda answer: True  # e.g. keep radicals from nesting deeper


@dataclass(frozen=True)
class Evolution:
    """What evolution a domain offers; the default offers nothing (its samples are only redrawn or resampled)."""

    steps: Registry[Step] | None = None  # sequential expansion steps, by name
    target_kind: Callable[[Draft], str | None] | None = None  # which steps may extend a draft
    parallel: OpFn | None = None  # parallel expansion: a distractor in the same figure, same answer
    surface: OpFn | None = None  # a surface variant: the same problem in new letters, orientation, words
    reshapable: bool = False  # the figure may be turned or mirrored (a new label layout repairs it)

    def step(self, name: str) -> Step:
        if self.steps is None:
            raise StepFailed(f"no expansion step {name!r}: the domain offers none")
        return self.steps.get(name)

    def steps_for(self, kind: str | None, answer: sp.Expr | None = None) -> list[Step]:
        """Steps that extend a target of this kind (and accept its value, when given)."""
        if self.steps is None:
            return []
        return [s for _, s in self.steps.items() if kind in s.reads and (answer is None or s.accepts(answer))]


@dataclass(frozen=True)
class Domain:
    """One domain, registered from its folder's `__init__.py` with `register_domain`."""

    name: str  # as stored in samples.domain and knowledge.domain
    title: str
    modules: tuple[str, ...]  # imported on registration: they register its generators and verifiers
    knowledge: Path  # its knowledge points (knowledge.yaml)
    rules: Path | None = None  # rules mapping imported taxonomies' points to its generators
    evolution: Evolution = field(default_factory=Evolution)
