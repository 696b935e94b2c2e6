"""Nested knowledge taxonomies (domain → area → topic → point), e.g. curriculum trees like We-Math 2.0's.

Accepted shapes, YAML or JSON: a list of domain nodes, or a mapping whose roots sit under
`domains`, `children` or `chapters` (a single mapping with a name is one domain). Each node is a
mapping with a name and optional `id`, `description`, `generator`, `params`, `prerequisites`.

Keys are autodetected, so published trees import as they are: the name is the first non-empty of
`name`, `name_en`, `title`, `label`, `name_cn`; the description the first of `description`,
`desc_en`, `desc`, `desc_cn`; children sit under one of `children`, `principles`, `areas`,
`topics`, `points`, `knowledgepoints`, `subtopics`, or, in a node with none of those, under the
one key that holds a list of mappings. `--children-key` / `--name-key` (`TreeKeys`) replace the
lists of candidates for trees that spell them differently. A bare string child is a leaf named by
it. An inner node with an empty name (We-Math's unnamed level-3/4 groups) is kept as
"(unnamed <level>)"; a point needs a name. Other keys are ignored.

Ids default to the slugged path of names (`plane_geometry/triangles/pythagorean_theorem`), so
re-importing the same file gives the same ids; siblings whose names slug alike ("About y = x",
"About y = -x") get a short hash of their exact name appended, so every node keeps its own id. An
explicit `id` replaces the node's whole id and its children's ids continue from it. Roots are
domains (`domain` of every node below = the root's name slug), depth 1 are areas, deeper inner
nodes topics, leaves below a root points. A `generator` on an inner node is inherited by the
points below it that name none. Points without one are mapped by the rule table on their own name
and, where that is silent, on their parent's name (their *skill*: We-Math's "Area of Trapezoid" ›
"Area Formula"), never on descriptions (`knowledge/mapping.py`).
"""

from __future__ import annotations

import hashlib
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

CHILD_KEYS = ("children", "principles", "areas", "topics", "points", "knowledgepoints", "subtopics")
NAME_KEYS = ("name", "name_en", "title", "label", "name_cn")
DESCRIPTION_KEYS = ("description", "desc_en", "desc", "desc_cn")
ROOT_KEYS = ("domains", "children", "chapters")
MAX_DEPTH = 32


def slug(text: str) -> str:
    """Lower-case word characters joined by `_`; Unicode letters (e.g. CJK names) are kept."""
    text = unicodedata.normalize("NFKC", text).lower()
    return re.sub(r"[\W_]+", "_", text).strip("_") or "node"


@dataclass(frozen=True)
class TreeKeys:
    """Where a tree keeps each node's children and name; the defaults are tried in order."""

    children: tuple[str, ...] = CHILD_KEYS
    names: tuple[str, ...] = NAME_KEYS
    autodetect_children: bool = True  # a node with none of `children`: its one list-of-mappings key

    @classmethod
    def of(cls, children: list[str] | None = None, names: list[str] | None = None) -> TreeKeys:
        """The user's keys (`--children-key`, `--name-key`) in place of the defaults where given."""
        kids = tuple(k.strip() for k in children or [] if k.strip())
        named = tuple(k.strip() for k in names or [] if k.strip())
        return cls(kids or CHILD_KEYS, named or NAME_KEYS, autodetect_children=not kids)


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

    def levels(self) -> Counter:
        return Counter(n.level for n in self.nodes)


def _text(value: Any) -> str | None:
    """A scalar as one line of text (None for anything else)."""
    if isinstance(value, bool) or not isinstance(value, str | int | float):
        return None
    return " ".join(str(value).split())


def _sibling_ids(parent: str | None, names: list[str], explicit: list[str]) -> list[str]:
    """Ids of one parent's children: the explicit id, else the parent's id / the name's slug, where
    names that slug alike get a hash of the exact name (and a position, for equal names)."""
    segs = [slug(n) for n in names]
    clash = Counter(s for s, e in zip(segs, explicit, strict=True) if not e)
    out, seen = [], Counter()
    for seg, name, exp in zip(segs, names, explicit, strict=True):
        if exp:
            out.append(exp)
            continue
        if clash[seg] > 1:
            seg = f"{seg}_{hashlib.sha1(name.encode()).hexdigest()[:6]}"
            seen[seg] += 1
            seg = seg if seen[seg] == 1 else f"{seg}_{seen[seg]}"
        out.append(f"{parent}/{seg}" if parent else seg)
    return out


@dataclass
class _Raw:
    """One node of the file before it becomes a KnowledgeNode: its mapping, name and children."""

    data: dict
    name: str
    kids: list
    where: str
    unnamed: bool = False


class _Parser:
    def __init__(self, path: Path, rules: Rules, keys: TreeKeys) -> None:
        self.path, self.rules, self.keys, self.source = path, rules, keys, path.name
        self.tax = Taxonomy([])

    def fail(self, where: str, problem: str) -> FlywheelError:
        return FlywheelError(f"taxonomy file {self.path}: {where}: {problem}")

    def children(self, node: dict, where: str) -> list:
        found = [k for k in self.keys.children if k in node]
        if not found and self.keys.autodetect_children:
            found = [k for k, v in node.items()
                     if isinstance(v, list) and v and all(isinstance(e, dict) for e in v)]
            if len(found) > 1:
                raise self.fail(where, f"has several lists of nodes ({', '.join(map(repr, found))}); "
                                       "say which holds the children with --children-key")
        if len(found) > 1:
            raise self.fail(where, f"has both {found[0]!r} and {found[1]!r}; use one list of children")
        if not found or node[found[0]] is None:
            return []
        kids = node[found[0]]
        if not isinstance(kids, list):
            raise self.fail(where, f"{found[0]!r} must be a list of nodes, not {type(kids).__name__}")
        return kids

    def resolve(self, raw: Any, where: str, depth: int) -> _Raw:
        """The node's mapping, name and children, or a one-line error saying what is wrong."""
        if depth > MAX_DEPTH:
            raise self.fail(where, f"nested deeper than {MAX_DEPTH} levels")
        if _text(raw) is not None:
            raw = {self.keys.names[0]: raw}
        if not isinstance(raw, dict):
            raise self.fail(where, f"a node must be a mapping with a {self.keys.names[0]!r}, not {type(raw).__name__}")
        kids = self.children(raw, where)
        present = [k for k in self.keys.names if raw.get(k) is not None]
        name = next((t for k in present if (t := _text(raw[k]))), None)
        if name:
            return _Raw(raw, name, kids, f"{where} ({name!r})")
        if not present or any(_text(raw[k]) is None for k in present):
            tried = ", ".join(map(repr, self.keys.names[1:]))
            also = f" (or {tried}; name the key with --name-key)" if tried else ""
            raise self.fail(where, f"every node needs a {self.keys.names[0]!r} (a non-empty string){also}")
        if not kids:
            raise self.fail(where, "a knowledge point needs a non-empty name")
        # An empty name on a node with children is a grouping level (We-Math's unnamed L3/L4): kept, labelled.
        level = _text(raw.get("level"))
        return _Raw(raw, f"(unnamed {level or 'group'})", kids, f"{where} (unnamed)", unnamed=True)

    def walk(self, node_raw: _Raw, nid: str, parent: KnowledgeNode | None, parent_unnamed: bool,
             inherited: str | None, depth: int) -> None:
        raw, name, kids, where = node_raw.data, node_raw.name, node_raw.kids, node_raw.where
        for key in ("id", "description", "generator"):
            if raw.get(key) is not None and _text(raw[key]) is None:
                raise self.fail(where, f"{key!r} must be a string")
        if raw.get("params") is not None and not isinstance(raw["params"], dict):
            raise self.fail(where, "'params' must be a mapping")
        prereq = raw.get("prerequisites") or []
        if not isinstance(prereq, list) or not all(isinstance(p, str) for p in prereq):
            raise self.fail(where, "'prerequisites' must be a list of node ids")
        generator = _text(raw["generator"]) if raw.get("generator") else None
        level = "domain" if parent is None else ("point" if not kids else ("area" if depth == 1 else "topic"))
        description = next((t for k in DESCRIPTION_KEYS if (t := _text(raw.get(k)))), "")
        node = KnowledgeNode(
            id=nid, domain=parent.domain if parent else slug(name), name=name, description=description,
            prerequisites=list(prereq), generator=generator, params=dict(raw.get("params") or {}),
            taxonomy_parent=parent.id if parent else None, level=level, source=self.source,
        )
        if level == "point":
            skill = parent.name if parent is not None and not parent_unnamed else None
            node = self.map_point(node, generator or inherited, skill)
        else:
            if generator:
                self.rules.check_explicit(node, f"taxonomy file {self.path}")
            node = replace(node, generator=None, mapped=None)
        self.tax.nodes.append(node)
        self.walk_all(kids, node, node_raw.unnamed, generator or inherited, f"node {nid} → child", depth + 1)

    def walk_all(self, items: list, parent: KnowledgeNode | None, parent_unnamed: bool, inherited: str | None,
                 where: str, depth: int) -> None:
        resolved = [self.resolve(item, f"{where} {i}", depth) for i, item in enumerate(items, start=1)]
        ids = _sibling_ids(parent.id if parent else None, [r.name for r in resolved],
                           [_text(r.data.get("id")) or "" for r in resolved])
        for r, nid in zip(resolved, ids, strict=True):
            self.walk(r, nid, parent, parent_unnamed, inherited, depth)

    def map_point(self, node: KnowledgeNode, explicit: str | None, skill: str | None) -> KnowledgeNode:
        if explicit:
            node = self.rules.assign(replace(node, generator=explicit), f"taxonomy file {self.path}")
            self.tax.explicit.append(node.id)
            return node
        node = self.rules.assign(node, skill=skill)
        if node.mapped:
            self.tax.by_rule.append(node.id)
        return node

    def roots(self, data: Any) -> list:
        if isinstance(data, dict):
            key = next((k for k in ROOT_KEYS if k in data), None)
            if key and not any(data.get(k) for k in self.keys.names):
                data = data[key]
            elif any(_text(data.get(k)) for k in self.keys.names) and self.children(data, "the root"):
                data = [data]  # a single domain
            else:
                lists = [k for k, v in data.items() if isinstance(v, list) and v and all(isinstance(e, dict) for e in v)]
                if len(lists) != 1:
                    raise FlywheelError(f"taxonomy file {self.path} must hold a list of domains, or "
                                        f"`domains:` / `chapters:` with them")
                data = data[lists[0]]
        if not isinstance(data, list) or not data:
            raise FlywheelError(f"taxonomy file {self.path} must hold a non-empty list of domains (or `domains:`)")
        return data

    def parse(self) -> Taxonomy:
        data = read_structured(self.path, "taxonomy file")
        self.walk_all(self.roots(data), None, False, None, "domain", 0)
        counts = Counter(n.id for n in self.tax.nodes)
        dupes = sorted(i for i, c in counts.items() if c > 1)
        if dupes:
            raise FlywheelError(f"taxonomy file {self.path}: duplicate node ids {dupes[:5]}"
                                f"{f' and {len(dupes) - 5} more' if len(dupes) > 5 else ''} "
                                "(give the nodes distinct `id`s)")
        for n in self.tax.nodes:
            bad = [p for p in n.prerequisites if p not in counts]
            if bad:
                raise FlywheelError(f"taxonomy file {self.path}: node {n.id}: unknown prerequisites {bad[:5]}")
        return self.tax


def load_taxonomy(path: str | Path, rules: Rules | None = None, keys: TreeKeys | None = None) -> Taxonomy:
    """Parse and map a taxonomy file; every problem is a FlywheelError naming the file and node path."""
    return _Parser(Path(path), rules or Rules(), keys or TreeKeys()).parse()


def parse_taxonomy(path: str | Path, rules: Rules | None = None, keys: TreeKeys | None = None) -> list[KnowledgeNode]:
    """Every node of the tree (parents first); points carry the generator the file or the rules assign."""
    return load_taxonomy(path, rules, keys).nodes
