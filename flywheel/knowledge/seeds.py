"""Load and validate knowledge seeds: a YAML/JSON list of nodes (or `{nodes: [...]}`)."""

from __future__ import annotations

import json
from dataclasses import fields
from pathlib import Path
from typing import Any

import yaml

from flywheel.core.errors import FlywheelError
from flywheel.core.records import KnowledgeNode
from flywheel.domains.registry import DOMAINS, generator_names

_FIELDS = {f.name for f in fields(KnowledgeNode)}
_REQUIRED = ("id", "name", "domain")


def read_structured(path: Path, what: str = "seeds file") -> Any:
    """Parsed YAML or JSON (by suffix), with one-line errors naming the file and line."""
    path = Path(path)
    if path.is_dir():
        raise FlywheelError(f"{what} {path} is a directory")
    if not path.exists():
        raise FlywheelError(f"{what} {path} does not exist")
    text = path.read_text(encoding="utf-8")
    try:
        return json.loads(text) if path.suffix == ".json" else yaml.safe_load(text)
    except json.JSONDecodeError as exc:
        raise FlywheelError(f"{what} {path} is not valid JSON (line {exc.lineno})") from None
    except yaml.YAMLError as exc:
        where = getattr(exc, "problem_mark", None)
        at = f" (line {where.line + 1})" if where else ""
        raise FlywheelError(f"{what} {path} is not valid YAML{at}") from None


def _node(entry: Any, i: int, path: Path) -> KnowledgeNode:
    if not isinstance(entry, dict):
        raise FlywheelError(f"{path}: entry {i + 1} is not a mapping")
    missing = [k for k in _REQUIRED if not entry.get(k)]
    if missing:
        raise FlywheelError(f"{path}: entry {i + 1} lacks {', '.join(missing)}")
    unknown = sorted(set(entry) - _FIELDS)
    if unknown:
        raise FlywheelError(f"{path}: node {entry['id']!r} has unknown keys {unknown}")
    return KnowledgeNode(**{k: v for k, v in entry.items() if k in _FIELDS})


def _is_tree(data: Any) -> bool:
    """A nested taxonomy rather than a flat list of nodes (see taxonomy.py)."""
    from flywheel.knowledge.taxonomy import CHILD_KEYS, ROOT_KEYS

    if isinstance(data, dict) and any(k in data for k in ROOT_KEYS):
        return True
    return isinstance(data, list) and any(isinstance(e, dict) and any(k in e for k in CHILD_KEYS) for e in data)


def load_seeds(path: str | Path | None = None) -> list[KnowledgeNode]:
    """Nodes of a seeds file (the registered domains' when path is None), checked for consistency.

    A nested taxonomy is accepted too: its points are mapped to generators by the built-in rules.
    """
    if path is None:  # every registered domain's knowledge.yaml, in domain-name order
        nodes = [n for _, d in DOMAINS.items() for n in _domain_nodes(d.name, d.knowledge)]
        return _checked(nodes, "built-in knowledge")
    path = Path(path)
    data = read_structured(path)
    if _is_tree(data):
        from flywheel.knowledge.mapping import Rules
        from flywheel.knowledge.taxonomy import parse_taxonomy

        return parse_taxonomy(path, Rules())
    return _checked(_flat(path, data), path)


def _domain_nodes(domain: str, path: Path) -> list[KnowledgeNode]:
    nodes = _flat(path, read_structured(path))
    stray = [n.id for n in nodes if n.domain != domain]
    if stray:
        raise FlywheelError(f"{path}: nodes {stray} are not of domain {domain!r}, whose knowledge this is")
    return nodes


def _flat(path: Path, data: Any) -> list[KnowledgeNode]:
    if isinstance(data, dict) and "nodes" in data:
        data = data["nodes"]
    if not isinstance(data, list) or not data:
        raise FlywheelError(f"seeds file {path} must hold a non-empty list of knowledge nodes")
    return [_node(e, i, path) for i, e in enumerate(data)]


def _checked(nodes: list[KnowledgeNode], path: Path | str) -> list[KnowledgeNode]:
    ids = [n.id for n in nodes]
    dupes = sorted({i for i in ids if ids.count(i) > 1})
    if dupes:
        raise FlywheelError(f"{path}: duplicate knowledge ids {dupes}")
    known = set(generator_names())
    for n in nodes:
        if n.generator and n.generator not in known:
            raise FlywheelError(f"{path}: node {n.id!r} names unknown generator {n.generator!r}")
        bad = [p for p in n.prerequisites if p not in ids]
        if bad:
            raise FlywheelError(f"{path}: node {n.id!r} has unknown prerequisites {bad}")
    return nodes


def split_ids(values: list[str], known: set[str] | dict) -> list[str]:
    """Ids from `--knowledge` values: a value that is a known id as a whole stays whole (imported
    ids may hold commas: We-Math's "…|Real, Imaginary, and Complex Numbers"), others split on commas."""
    out: list[str] = []
    for v in values:
        out += [v.strip()] if v.strip() in known else [p.strip() for p in v.split(",") if p.strip()]
    return out


def below(nodes: list[KnowledgeNode], node_id: str) -> list[KnowledgeNode]:
    """The knowledge points (leaves) at or below a node of an imported taxonomy, in file order."""
    kids: dict[str, list[KnowledgeNode]] = {}
    for n in nodes:
        if n.taxonomy_parent is not None and n.taxonomy_parent != n.id:
            kids.setdefault(n.taxonomy_parent, []).append(n)
    out, todo, seen = [], [node_id], set()
    by_id = {n.id: n for n in nodes}
    while todo:  # depth first, children in file order; `seen` guards against cycles across imports
        nid = todo.pop()
        if nid in seen or nid not in by_id:
            continue
        seen.add(nid)
        if nid in kids:
            todo += [k.id for k in reversed(kids[nid])]
        else:
            out.append(by_id[nid])
    return out


def select(nodes: list[KnowledgeNode], ids: list[str] | None) -> list[KnowledgeNode]:
    """Nodes with a generator, optionally only the given ids (unknown ids are an error); an inner node
    of an imported taxonomy stands for every mapped point below it."""
    if ids:
        by_id = {n.id: n for n in nodes}
        ids = split_ids(ids, by_id)
        unknown = [i for i in ids if i not in by_id]
        if unknown:
            raise FlywheelError(f"unknown knowledge id(s): {', '.join(unknown)} (imported taxonomies: "
                                "`flywheel knowledge list` / `knowledge show` give the ids)")
        picked: dict[str, KnowledgeNode] = {}
        for i in ids:
            points = below(nodes, i)
            if not any(p.generator for p in points):
                what = "it has no generator" if points == [by_id[i]] else f"none of the {len(points)} points below it has a generator"
                raise FlywheelError(f"knowledge node {i!r} cannot be synthesized: {what} (no generator fits; "
                                    "map it with `generator:` or a --rules file at `flywheel knowledge import`)")
            picked.update((p.id, p) for p in points)
        nodes = list(picked.values())
    usable = [n for n in nodes if n.generator]
    if not usable:
        raise FlywheelError("no knowledge node with a generator to synthesize from")
    return usable
