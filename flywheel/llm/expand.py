"""Knowledge expansion: the model proposes new knowledge points built on existing ones.

`propose_nodes(client, nodes, n)` is what `flywheel evolve` calls on its diversity axis. The model
is asked here; which of its proposals become nodes is decided by `knowledge.expand.screen`.
"""

from __future__ import annotations

from flywheel.core.records import KnowledgeNode
from flywheel.knowledge.expand import Proposal, screen
from flywheel.knowledge.mapping import Rules
from flywheel.llm import prompts
from flywheel.llm.candidate import CandidateError, reply_json
from flywheel.llm.client import LLMClient


def propose(client: LLMClient, nodes: list[KnowledgeNode], n: int, rules: Rules | None = None,
            taxonomy: list[KnowledgeNode] | None = None) -> Proposal:
    """Like `propose_nodes`, also saying why each dropped proposal was dropped.

    `taxonomy` (default: `nodes`) is every node a proposal may not repeat and may name as a parent;
    the prompt shows only `nodes`, so a large taxonomy need not fit into one prompt.
    """
    try:
        items = reply_json(client.complete(prompts.expand(nodes, n)))
    except CandidateError as exc:
        return Proposal(skipped=[("(reply)", str(exc))])
    return screen(items, nodes, n, rules, taxonomy)


def propose_nodes(client: LLMClient, nodes: list[KnowledgeNode], n: int) -> list[KnowledgeNode]:
    """Up to `n` new knowledge nodes proposed by the model from `nodes`.

    Every returned node has `parents` (ids among `nodes`), `round` one more than its newest parent,
    `source="llm"`, an id `<domain>.llm.<slug of name>`, and `generator` set (with `mapped=True`)
    when a built-in rule maps it to a symbolic generator. Proposals duplicating a node of `nodes`
    or each other are dropped. Store them with `Catalog.upsert_knowledge`.
    """
    return propose(client, nodes, n).nodes
