"""Nested knowledge taxonomies (domain → area → topic → point), e.g. curriculum trees like We-Math 2.0's.

Accepted shapes, YAML or JSON: a list of domain nodes, or a mapping with `domains` or `children`
(a single mapping with a `name` is one domain). Each node is a mapping with a `name` and optional
`id`, `description`, `generator`, `params`, `prerequisites`; its children sit under one of
`children`, `principles`, `areas`, `topics`, `points` (a bare string child is a leaf named by it).
Other keys are ignored, so richer curriculum files import as they are.

Ids default to the slugged path of names (`plane_geometry/triangles/pythagorean_theorem`), so
re-importing the same file gives the same ids; an explicit `id` replaces the node's whole id and
its children's ids continue from it. Roots are domains (`domain` of every node below = the root's
name slug), depth 1 are areas, deeper inner nodes topics, leaves below a root points. A `generator`
on an inner node is inherited by the points below it that name none.
"""

from __future__ import annotations

import re
import unicodedata
from collections import Counter
from dataclasses import dataclass, field, replace
from pathlib import Path
from typing import Any

from flywheel.core.errors import FlywheelError
from flywheel.core.records import KnowledgeNode
from flywheel.knowledge.mapping import Rules
from flywheel.knowledge.seeds import read_structured

CHILD_KEYS = ("children", "principles", "areas", "topics", "points")
MAX_DEPTH = 32


def slug(text: str) -> str:
    """Lower-case word characters joined by `_`; Unicode letters (e.g. CJK names) are kept."""
    text = unicodedata.normalize("NFKC", text).lower()
    return re.sub(r"[\W_]+", "_", text).strip("_") or "node"


@dataclass
class Taxonomy:
    """A parsed tree: every node (parents before children) and how each point got its generator."""

    nodes: list[KnowledgeNode]
    explicit: list[str] = field(default_factory=list)  # point ids mapped by a `generator:` in the file
    by_rule: list[str] = field(default_factory=list)  # point ids mapped by the rule table

    @property
    def points(self) -> list[KnowledgeNode]:
        return [n for n in self.nodes if n.level == "point"]

    @property
    def unmapped(self) -> list[KnowledgeNode]:
        return [n for n in self.points if not n.mapped]


class _Parser:
    def __init__(self, path: Path, rules: Rules) -> None:
        self.path, self.rules, self.source = path, rules, path.name
        self.tax = Taxonomy([])

    def fail(self, where: str, problem: str) -> FlywheelError:
        return FlywheelError(f"taxonomy file {self.path}: {where}: {problem}")

    def children(self, node: dict, where: str) -> list:
        found = [k for k in CHILD_KEYS if k in node]
        if len(found) > 1:
            raise self.fail(where, f"has both {found[0]!r} and {found[1]!r}; use one list of children")
        if not found or node[found[0]] is None:
            return []
        kids = node[found[0]]
        if not isinstance(kids, list):
            raise self.fail(where, f"{found[0]!r} must be a list of nodes, not {type(kids).__name__}")
        return kids

    def walk(self, raw: Any, parent: KnowledgeNode | None, inherited: str | None, where: str, depth: int) -> None:
        if depth > MAX_DEPTH:
            raise self.fail(where, f"nested deeper than {MAX_DEPTH} levels")
        if isinstance(raw, str | int | float) and not isinstance(raw, bool):
            raw = {"name": raw}
        if not isinstance(raw, dict):
            raise self.fail(where, f"a node must be a mapping with a 'name', not {type(raw).__name__}")
        name = raw.get("name")
        if not isinstance(name, str | int | float) or isinstance(name, bool) or not str(name).strip():
            raise self.fail(where, "every node needs a 'name' (a non-empty string)")
        name = " ".join(str(name).split())
        where = f"{where} ({name!r})"
        for key in ("id", "description", "generator"):
            if raw.get(key) is not None and not isinstance(raw[key], str | int | float):
                raise self.fail(where, f"{key!r} must be a string")
        if raw.get("params") is not None and not isinstance(raw["params"], dict):
            raise self.fail(where, "'params' must be a mapping")
        prereq = raw.get("prerequisites") or []
        if not isinstance(prereq, list) or not all(isinstance(p, str) for p in prereq):
            raise self.fail(where, "'prerequisites' must be a list of node ids")
        explicit_id = str(raw["id"]).strip() if raw.get("id") is not None else ""
        nid = explicit_id or (f"{parent.id}/{slug(name)}" if parent else slug(name))
        kids = self.children(raw, where)
        generator = str(raw["generator"]).strip() if raw.get("generator") else None
        level = "domain" if parent is None else ("point" if not kids else ("area" if depth == 1 else "topic"))
        node = KnowledgeNode(
            id=nid, domain=parent.domain if parent else slug(name), name=name,
            description=" ".join(str(raw.get("description") or "").split()), prerequisites=list(prereq),
            generator=generator, params=dict(raw.get("params") or {}),
            taxonomy_parent=parent.id if parent else None, level=level, source=self.source,
        )
        if level == "point":
            node = self.map_point(node, generator or inherited)
        else:
            if generator:
                self.rules.check_explicit(node, f"taxonomy file {self.path}")
            node = replace(node, generator=None, mapped=None)
        self.tax.nodes.append(node)
        for i, kid in enumerate(kids, start=1):
            self.walk(kid, node, generator or inherited, f"node {nid} → child {i}", depth + 1)

    def map_point(self, node: KnowledgeNode, explicit: str | None) -> KnowledgeNode:
        if explicit:
            node = self.rules.assign(replace(node, generator=explicit), f"taxonomy file {self.path}")
            self.tax.explicit.append(node.id)
            return node
        node = self.rules.assign(node)
        if node.mapped:
            self.tax.by_rule.append(node.id)
        return node

    def parse(self) -> Taxonomy:
        data = read_structured(self.path, "taxonomy file")
        if isinstance(data, dict):
            roots_key = next((k for k in ("domains", "children") if k in data), None)
            if roots_key and "name" not in data:
                data = data[roots_key]
            elif "name" in data:
                data = [data]  # a single domain
            else:
                raise FlywheelError(f"taxonomy file {self.path} must hold a list of domains, or `domains:` with one")
        if not isinstance(data, list) or not data:
            raise FlywheelError(f"taxonomy file {self.path} must hold a non-empty list of domains (or `domains:`)")
        for i, root in enumerate(data, start=1):
            self.walk(root, None, None, f"domain {i}", 0)
        counts = Counter(n.id for n in self.tax.nodes)
        dupes = sorted(i for i, c in counts.items() if c > 1)
        if dupes:
            raise FlywheelError(f"taxonomy file {self.path}: duplicate node ids {dupes[:5]}"
                                f"{f' and {len(dupes) - 5} more' if len(dupes) > 5 else ''} "
                                "(siblings need distinct names, or give them distinct `id`s)")
        for n in self.tax.nodes:
            bad = [p for p in n.prerequisites if p not in counts]
            if bad:
                raise FlywheelError(f"taxonomy file {self.path}: node {n.id}: unknown prerequisites {bad[:5]}")
        return self.tax


def load_taxonomy(path: str | Path, rules: Rules | None = None) -> Taxonomy:
    """Parse and map a taxonomy file; every problem is a FlywheelError naming the file and node path."""
    return _Parser(Path(path), rules or Rules()).parse()


def parse_taxonomy(path: str | Path, rules: Rules | None = None) -> list[KnowledgeNode]:
    """Every node of the tree (parents first); points carry the generator the file or the rules assign."""
    return load_taxonomy(path, rules).nodes
