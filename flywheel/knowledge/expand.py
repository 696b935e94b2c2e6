"""Knowledge expansion, the model-free part: which proposed knowledge points become new nodes.

A model proposes the points (flywheel/llm/expand.py asks it); `screen` keeps a proposal only if it
names at least one existing node as a parent and repeats no node (the same normalized name, or a
name/description too similar by plain text similarity — no embeddings). Each new node is mapped to
a symbolic generator when a domain's mapping rule fits it, so the symbolic creator can serve it too;
otherwise it is left for the LLM creator (generator None).
"""

from __future__ import annotations

import difflib
import re
from dataclasses import dataclass, field, replace

from flywheel.core.records import KnowledgeNode
from flywheel.knowledge.mapping import Rules, normalize
from flywheel.knowledge.taxonomy import slug

NAME_SIMILARITY = 0.85  # difflib ratio of normalized names at or above which two nodes are one
TEXT_JACCARD = 0.7  # word-set overlap of name + description at or above which two nodes are one


@dataclass
class Proposal:
    nodes: list[KnowledgeNode] = field(default_factory=list)
    skipped: list[tuple[str, str]] = field(default_factory=list)  # (proposed name, why it was dropped)


def _words(text: str) -> set[str]:
    return set(re.findall(r"\w+", normalize(text))) - {"the", "a", "an", "of", "and", "in", "to", "is", "with"}


def similar(a: KnowledgeNode, b: KnowledgeNode) -> str | None:
    """Why two nodes count as the same knowledge point, or None."""
    na, nb = normalize(a.name), normalize(b.name)
    if na == nb:
        return f"same name as {b.id}"
    ratio = difflib.SequenceMatcher(None, na, nb).ratio()
    if ratio >= NAME_SIMILARITY:
        return f"name {ratio:.0%} similar to {b.id} ({b.name!r})"
    wa, wb = _words(f"{a.name} {a.description}"), _words(f"{b.name} {b.description}")
    if wa and wb and len(wa & wb) / len(wa | wb) >= TEXT_JACCARD:
        return f"text overlaps {b.id} ({len(wa & wb) / len(wa | wb):.0%} of words)"
    return None


def _node(item: object, known: dict[str, KnowledgeNode]) -> KnowledgeNode | str:
    """A node from one proposal, or why it cannot be one."""
    if not isinstance(item, dict) or not isinstance(item.get("name"), str) or not item["name"].strip():
        return "not an object with a name"
    parents = [p for p in item.get("parents") or [] if isinstance(p, str) and p in known]
    if not parents:
        return "names no existing parent"
    first = known[parents[0]]
    domain = item.get("domain") if isinstance(item.get("domain"), str) and item["domain"].strip() else first.domain
    desc = item.get("description") if isinstance(item.get("description"), str) else ""
    name = item["name"].strip()
    return KnowledgeNode(id=f"{slug(domain)}.llm.{slug(name)}", domain=domain.strip(), name=name,
                         description=desc.strip(), parents=parents,
                         round=1 + max(known[p].round for p in parents), source="llm")


def screen(items: object, nodes: list[KnowledgeNode], n: int, rules: Rules | None = None,
           taxonomy: list[KnowledgeNode] | None = None) -> Proposal:
    """Up to `n` new nodes from a parsed list of proposals (the model's JSON reply), and why each
    dropped one was dropped.

    `taxonomy` (default: `nodes`) is every node a proposal may not repeat and may name as a parent.
    """
    taxonomy = taxonomy if taxonomy is not None else nodes
    known = {k.id: k for k in [*taxonomy, *nodes]}
    out = Proposal()
    if not isinstance(items, list):
        out.skipped.append(("(reply)", f"reply is a JSON {type(items).__name__}, expected a list"))
        return out
    rules = rules or Rules()
    for item in items:
        node = _node(item, known)
        label = item.get("name", "?") if isinstance(item, dict) else "?"
        if isinstance(node, str):
            out.skipped.append((str(label), node))
            continue
        dup = next((why for other in [*known.values(), *out.nodes] if (why := similar(node, other))), None)
        if dup:
            out.skipped.append((node.name, dup))
            continue
        gen = rules.match(node)
        out.nodes.append(replace(node, generator=gen, mapped=gen is not None))
        if len(out.nodes) >= n:
            break
    return out
