"""Map knowledge points to generators: an explicit `generator:` wins, else the rule table.

Each domain folder holds the rules for its own generators (`rules.yaml`, named by its Domain
record); a user adds more with `flywheel knowledge import FILE --rules my_rules.yaml` (same format,
tried before the built-in ones, and may name any registered generator, plugins' included).

A rule is `{generator, keywords: [...], ids: [...], priority: N}`:
- ids: node ids, exact or glob patterns (`*/pythagorean_theorem`);
- keywords: phrases found in the point's *name* — case-insensitive, whole words, a trailing plural
  s/es allowed, hyphens/underscores/runs of spaces read as one space, the articles a/an/the
  ignored. Write them in the singular. CJK phrases match anywhere in the text. Descriptions are
  never read: a point is what its name says, and words in a description ("… like a parallelogram")
  mapped central symmetry to parallelogram area;
- generator `none`: an explicit "no generator fits" — a point it matches stays unmapped, however
  general rules below it would have matched (frustum volume is not cone volume);
- priority (default 0): rules are tried by descending priority, equal priorities by domain name,
  then in file order; the first match wins. Plane geometry's rules have 0: a phrase of another
  domain that contains a plane keyword ("tangent to a curve") needs a higher one, a general phrase
  that a plane rule should win against ("intercept") a lower one.
Built-in rules naming a generator that is not registered in this installation are skipped.

A point of an imported tree is matched on its own name first; only where no rule (a `none` rule
included) matches it is it matched on its parent's name, its *skill*: We-Math's "Area of
Trapezoid" › "Area Formula" is trapezoid area, while "Area of Triangle" › "Vector Cross Product
Method" meets the `none` rule on vectors first.
"""

from __future__ import annotations

import fnmatch
import re
from dataclasses import dataclass, replace
from pathlib import Path

from flywheel.core.errors import FlywheelError
from flywheel.core.records import KnowledgeNode
from flywheel.domains.registry import DOMAINS, generator_names
from flywheel.knowledge.seeds import read_structured

_RULE_KEYS = {"generator", "keywords", "ids", "priority"}
NO_FIT = "none"  # a rule's generator that says: no generator fits what it matches
NO_FIT_RULES = Path(__file__).with_name("rules.yaml")  # the `none` rules no domain owns
_ARTICLES = re.compile(r"(?<!\w)(?:a|an|the) (?=\w)")


def normalize(text: str) -> str:
    """Lower case, with hyphens/underscores/whitespace runs folded to one space."""
    return re.sub(r"[\s_\-‐-―]+", " ", text.lower()).strip()


def _matchable(text: str) -> str:
    """Normalized, without articles and apostrophes: "Heron's formula" ~ "heron formula",
    "area of a triangle" ~ "Area of Triangle"."""
    return _ARTICLES.sub("", normalize(text).replace("'", "").replace("’", ""))


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
    priority: int = 0

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
        self.known = frozenset(generator_names()) | {NO_FIT}
        user = self._load(Path(extra), strict=True) if extra else []
        builtin = [r for _, d in DOMAINS.items() if d.rules for r in self._load(d.rules, strict=False)]
        builtin += self._load(NO_FIT_RULES, strict=False)
        # Stable sorts: equal priorities keep domain-name order (DOMAINS.items is sorted), then file order.
        self.rules = sorted(user, key=lambda r: -r.priority) + sorted(builtin, key=lambda r: -r.priority)

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
                raise FlywheelError(f"{where} has unknown keys {unknown} (allowed: generator, keywords, ids, priority; "
                                    f"generator {NO_FIT!r} says no generator fits)")
            priority = r.get("priority", 0)
            if not isinstance(priority, int) or isinstance(priority, bool):
                raise FlywheelError(f"{where}: 'priority' must be an integer")
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
            words = sorted({_matchable(k) for k in lists["keywords"]}, key=len, reverse=True)
            pattern = re.compile("|".join(_keyword_pattern(w) for w in words)) if words else None
            out.append(Rule(gen, pattern, tuple(lists["ids"]), str(path), priority))
        return out

    def rule_for(self, node: KnowledgeNode, skill: str | None = None) -> Rule | None:
        """The first rule matching the node's name (or id), else the first matching its skill."""
        for text in (node.name, skill):
            if text is None:
                continue
            hit = next((r for r in self.rules if r.matches(node, _matchable(text))), None)
            if hit:
                return hit
        return None

    def match(self, node: KnowledgeNode, skill: str | None = None) -> str | None:
        """The generator for the node (`skill`: its parent's name), or None where none fits."""
        rule = self.rule_for(node, skill)
        return rule.generator if rule and rule.generator != NO_FIT else None

    def check_explicit(self, node: KnowledgeNode, where: str) -> None:
        if node.generator not in self.known or node.generator == NO_FIT:
            raise FlywheelError(f"{where}: node {node.id!r} names unknown generator {node.generator!r} "
                                f"(known: {', '.join(sorted(self.known))})")

    def assign(self, node: KnowledgeNode, where: str = "taxonomy", skill: str | None = None) -> KnowledgeNode:
        """The node with `generator` and `mapped` set: its explicit generator, else the first matching rule."""
        if node.generator:
            self.check_explicit(node, where)
            return replace(node, mapped=True)
        gen = self.match(node, skill)
        return replace(node, generator=gen, mapped=gen is not None)
