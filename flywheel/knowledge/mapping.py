"""Map knowledge points to generators: an explicit `generator:` wins, else the rule table.

A rule is `{generator, keywords: [...], ids: [...]}`. A point matches a rule when its id equals
(or glob-matches, e.g. `*/pythagorean_theorem`) one of `ids`, or when one of `keywords` occurs
in its name or description: case-insensitive, whole words (a trailing plural `s`/`es` allowed;
hyphens, underscores and runs of spaces count as one space). Rules are tried in order, the user's
(`--rules FILE`) before the built-in ones (rules.yaml); the first match wins.
"""

from __future__ import annotations

import fnmatch
import re
from dataclasses import dataclass, replace
from pathlib import Path

from flywheel.core.errors import FlywheelError
from flywheel.core.records import KnowledgeNode
from flywheel.domains.registry import generator_names
from flywheel.knowledge.seeds import read_structured

BUILTIN_RULES = Path(__file__).with_name("rules.yaml")
_RULE_KEYS = {"generator", "keywords", "ids"}


def normalize(text: str) -> str:
    """Lower case, with hyphens/underscores/whitespace runs folded to one space."""
    return re.sub(r"[\s_\-‐-―]+", " ", text.lower()).strip()


def _keyword_pattern(word: str) -> str:
    # Word boundaries only where the keyword has a Latin letter/digit at its edge: CJK keywords
    # (勾股定理) have no spaces around them in running text.
    head = r"(?<!\w)" if word[0].isascii() and word[0].isalnum() else ""
    tail = r"(?:e?s)?(?!\w)" if word[-1].isascii() and word[-1].isalnum() else ""
    return head + re.escape(word) + tail


@dataclass(frozen=True)
class Rule:
    generator: str
    pattern: re.Pattern | None
    ids: tuple[str, ...]
    origin: str

    def matches(self, node: KnowledgeNode, text: str) -> bool:
        if any(i == node.id or fnmatch.fnmatchcase(node.id, i) for i in self.ids):
            return True
        return bool(self.pattern and self.pattern.search(text))


class Rules:
    """An ordered rule table; rules from `extra` are tried before the built-in ones.

    Built-in rules whose generator is not registered (yet) are skipped; a user rule naming an
    unknown generator is an error, as is a node whose explicit `generator:` is unknown.
    """

    def __init__(self, extra: Path | None = None) -> None:
        self.known = frozenset(generator_names())
        user = self._load(Path(extra), strict=True) if extra else []
        self.rules = user + self._load(BUILTIN_RULES, strict=False)

    def _load(self, path: Path, strict: bool) -> list[Rule]:
        data = read_structured(path, "rules file")
        if isinstance(data, dict) and "rules" in data:
            data = data["rules"]
        if not isinstance(data, list) or not data:
            raise FlywheelError(f"rules file {path} must hold a non-empty list of {{generator, keywords, ids}} rules")
        out = []
        for i, r in enumerate(data, start=1):
            where = f"rules file {path}: rule {i}"
            if not isinstance(r, dict) or not isinstance(r.get("generator"), str) or not r["generator"].strip():
                raise FlywheelError(f"{where} needs a 'generator' name")
            unknown = sorted(set(r) - _RULE_KEYS)
            if unknown:
                raise FlywheelError(f"{where} has unknown keys {unknown} (allowed: generator, keywords, ids)")
            lists = {}
            for key in ("keywords", "ids"):
                val = r.get(key) or []
                if not isinstance(val, list) or not all(isinstance(v, str | int | float) and str(v).strip() for v in val):
                    raise FlywheelError(f"{where}: {key!r} must be a list of non-empty strings")
                lists[key] = [str(v).strip() for v in val]
            if not lists["keywords"] and not lists["ids"]:
                raise FlywheelError(f"{where} needs 'keywords' or 'ids' to match on")
            gen = r["generator"].strip()
            if gen not in self.known:
                if strict:
                    raise FlywheelError(f"{where} names unknown generator {gen!r} (known: {', '.join(sorted(self.known))})")
                continue  # a built-in generator that is not registered in this installation
            words = sorted({normalize(k) for k in lists["keywords"]}, key=len, reverse=True)
            pattern = re.compile("|".join(_keyword_pattern(w) for w in words)) if words else None
            out.append(Rule(gen, pattern, tuple(lists["ids"]), str(path)))
        return out

    def match(self, node: KnowledgeNode) -> str | None:
        """The generator of the first rule matching the node, or None."""
        text = normalize(f"{node.name} {node.description}")
        for rule in self.rules:
            if rule.matches(node, text):
                return rule.generator
        return None

    def check_explicit(self, node: KnowledgeNode, where: str) -> None:
        if node.generator not in self.known:
            raise FlywheelError(f"{where}: node {node.id!r} names unknown generator {node.generator!r} "
                                f"(known: {', '.join(sorted(self.known))})")

    def assign(self, node: KnowledgeNode, where: str = "taxonomy") -> KnowledgeNode:
        """The node with `generator` and `mapped` set: its explicit generator, else the first matching rule."""
        if node.generator:
            self.check_explicit(node, where)
            return replace(node, mapped=True)
        gen = self.match(node)
        return replace(node, generator=gen, mapped=gen is not None)
