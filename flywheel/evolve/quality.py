"""Quality axis: route every rejected sample to a repairer by the verifier that failed it.

| failing verifier | repair | what it changes |
|---|---|---|
| answer | resample | new random choices for the last step of the recipe (or the base draw) |
| image, degenerate figure | resample | a sliver or a collapsed segment needs other numbers |
| image, labels | re-layout | the same problem turned or mirrored: labels find new places |
| tool | re-layout | the construction lands on new pixels |
| duplicate | redraw | every random choice of the recipe anew: another problem of the same node |

A second attempt (a repair that was rejected again) always redraws. Attempts and outcomes are
stored in the `repairs` table; repaired samples link to the reject with relation `repair`.
"""

from __future__ import annotations

import json
import random
import re
from dataclasses import dataclass

from flywheel.catalog import Catalog
from flywheel.catalog.evolution import unrepaired_rejects
from flywheel.core.records import KnowledgeNode
from flywheel.evolve.state import RESHAPABLE, Job, reseed

ORDER = ["answer", "image", "tool", "duplicate"]  # the first failing one decides the repair


def _first_failing(failed: dict[str, str]) -> str | None:
    """Domain verifiers (answer.stats, image.physics …) route like their generic kin."""
    for v in ORDER:
        hit = next((name for name in sorted(failed) if name == v or name.startswith(v + ".")), None)
        if hit:
            return hit
    return None
DEGENERATE = re.compile(r"sliver|px long|too small|apart|degenerate|blank", re.I)
MAX_ATTEMPTS = 2


@dataclass(frozen=True)
class Reject:
    id: str
    node: KnowledgeNode
    seed: int
    ops: tuple
    failed: dict[str, str]  # verifier -> reason
    attempt: int  # 1 for a first repair; a rejected repair gets attempt + 1


def route(r: Reject) -> tuple[str, str] | None:
    """(verifier, action) for a reject, or None when no repairer handles what failed."""
    verifier = _first_failing(r.failed)
    if verifier is None:
        return None
    if r.attempt > 1 or verifier == "duplicate":
        return verifier, "redraw"
    if verifier.startswith("answer") or r.node.domain not in RESHAPABLE:
        return verifier, "resample"  # a figure that may not be turned gets new numbers instead
    if verifier.startswith("image") and DEGENERATE.search(r.failed[verifier]):
        return verifier, "resample"
    return verifier, "re-layout"


def repair_job(r: Reject, round_: int, rng: random.Random) -> Job | None:
    routed = route(r)
    if routed is None:
        return None
    verifier, action = routed
    seed, ops = r.seed, r.ops
    if action == "re-layout":
        ops = ops + (("reorient", rng.getrandbits(60)),)
    elif action == "redraw":
        seed, ops = rng.getrandbits(60), reseed(ops, rng)
    elif ops:
        ops = ops[:-1] + ((*ops[-1][:-1], rng.getrandbits(60)),)
    else:
        seed = rng.getrandbits(60)
    meta = {"repair": {"sample_id": r.id, "round": round_, "attempt": r.attempt, "verifier": verifier, "action": action}}
    return Job(r.node, seed, ops, r.id, "repair", "quality", meta)


def rejects(cat: Catalog, nodes: dict[str, KnowledgeNode], round_: int, where: str, args: list) -> list[Reject]:
    """Rejected samples matching `where` with no repair attempt recorded before round `round_`.

    Only earlier rounds' attempts count, so re-planning a half-done repair pass gives the same list.
    """
    rows = unrepaired_rejects(cat, round_, where, args)
    out = []
    for sid, kid, seed, params, _, verifiers, reasons, attempt in rows:
        if kid not in nodes or attempt > MAX_ATTEMPTS:
            continue
        ops = tuple(tuple(o) for o in json.loads(params or "{}").get("ops", []))
        out.append(Reject(sid, nodes[kid], seed, ops, dict(zip(verifiers, reasons, strict=True)), attempt))
    return out
