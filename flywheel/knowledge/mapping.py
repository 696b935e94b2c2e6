"""Map knowledge points to generators: an explicit `generator:` wins, else keyword rules (rules.yaml)."""

from __future__ import annotations

import re
from dataclasses import dataclass, replace
from pathlib import Path

from flywheel.errors import FlywheelError
from flywheel.generators.registry import generator_names
from flywheel.knowledge.seeds import read_structured
from flywheel.records import KnowledgeNode

BUILTIN_RULES = Path(__file__).with_name("rules.yaml")


@dataclass(frozen=True)
class Rule:
    generator: str
    pattern: re.Pattern


class Rules:
    """An ordered rule table; user rules are placed before the built-in ones."""

    def __init__(self, extra: Path | None = None) -> None:
        known = set(generator_names())
        self.rules = (self._load(extra, known) if extra else []) + self._load(BUILTIN_RULES, known)

    @staticmethod
    def _load(path: Path, known: set[str]) -> list[Rule]:
        data = read_structured(path, "rules file")
        if not isinstance(data, list):
            raise FlywheelError(f"rules file {path} must hold a list of {{generator, keywords}}")
        out = []
        for i, r in enumerate(data):
            if not isinstance(r, dict) or not r.get("generator") or not isinstance(r.get("keywords"), list):
                raise FlywheelError(f"rules file {path}: rule {i + 1} needs 'generator' and a list of 'keywords'")
            if r["generator"] not in known:
                raise FlywheelError(f"rules file {path}: rule {i + 1} names unknown generator {r['generator']!r}")
            words = "|".join(re.escape(str(k).lower()) for k in r["keywords"])
            out.append(Rule(r["generator"], re.compile(rf"\b(?:{words})\b")))
        return out

    def assign(self, node: KnowledgeNode) -> KnowledgeNode:
        if node.generator:
            if node.generator not in set(generator_names()):
                raise FlywheelError(f"node {node.id!r} names unknown generator {node.generator!r}")
            return replace(node, mapped=True)
        text = f"{node.name} {node.description}".lower()
        for rule in self.rules:
            if rule.pattern.search(text):
                return replace(node, generator=rule.generator, mapped=True)
        return replace(node, mapped=False)
