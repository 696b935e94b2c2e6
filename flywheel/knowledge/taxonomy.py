"""Nested knowledge taxonomies (domain → area → topic → point), e.g. curriculum trees like We-Math's.

Accepted shapes, YAML or JSON: a list of domain nodes, or a mapping with `domains`/`children`.
Each node has a `name` and optional `id`, `description`, `generator`; its children sit under any
of `children`, `principles`, `areas`, `topics`, `points`. Ids default to the slugged path, so
re-importing the same file gives the same ids.
"""

from __future__ import annotations

import re
from dataclasses import replace
from pathlib import Path
from typing import Any

from flywheel.errors import FlywheelError
from flywheel.knowledge.mapping import Rules
from flywheel.knowledge.seeds import read_structured
from flywheel.records import KnowledgeNode

CHILD_KEYS = ("children", "principles", "areas", "topics", "points")
LEVELS = ("domain", "area", "topic")


def slug(text: str) -> str:
    return re.sub(r"[^a-z0-9]+", "_", text.lower()).strip("_") or "node"


def _children(node: dict, where: str) -> list:
    found = [k for k in CHILD_KEYS if k in node]
    if len(found) > 1:
        raise FlywheelError(f"{where}: has both {found[0]!r} and {found[1]!r}; use one list of children")
    kids = node.get(found[0], []) if found else []
    if not isinstance(kids, list):
        raise FlywheelError(f"{where}: {found[0]!r} must be a list")
    return kids


def _walk(node: Any, parent: KnowledgeNode | None, depth: int, source: str, out: list[KnowledgeNode]) -> None:
    where = f"{source}: {parent.id + ' → ' if parent else ''}node {len(out) + 1}"
    if isinstance(node, str):
        node = {"name": node}
    if not isinstance(node, dict) or not str(node.get("name", "")).strip():
        raise FlywheelError(f"{where}: every node needs a 'name'")
    name = str(node["name"]).strip()
    nid = str(node.get("id") or (f"{parent.id}/{slug(name)}" if parent else slug(name)))
    kids = _children(node, f"{source}: {nid}")
    me = KnowledgeNode(
        id=nid, domain=parent.domain if parent else slug(name), name=name,
        description=str(node.get("description", "")), generator=node.get("generator"),
        taxonomy_parent=parent.id if parent else None,
        level="point" if not kids else (LEVELS[depth] if depth < len(LEVELS) else "group"),
        source=source,
    )
    out.append(me)
    for kid in kids:
        _walk(kid, me, depth + 1, source, out)


def parse_taxonomy(path: Path, rules: Rules) -> list[KnowledgeNode]:
    """Every node of the tree; points carry the generator the rules (or the file) assign."""
    data = read_structured(path, "taxonomy file")
    if isinstance(data, dict):
        data = data.get("domains") or data.get("children") or [data]
    if not isinstance(data, list) or not data:
        raise FlywheelError(f"taxonomy file {path} must hold a list of domains (or `domains:`)")
    nodes: list[KnowledgeNode] = []
    for root in data:
        _walk(root, None, 0, path.name, nodes)
    ids = [n.id for n in nodes]
    dupes = sorted({i for i in ids if ids.count(i) > 1})
    if dupes:
        raise FlywheelError(f"taxonomy file {path}: duplicate node ids {dupes[:5]} (give them distinct names or ids)")
    return [rules.assign(n) if n.level == "point" else replace(n, generator=None, mapped=None) for n in nodes]
