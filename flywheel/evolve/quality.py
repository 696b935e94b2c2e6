"""Quality axis: route every rejected sample to a repairer by the role of the verifier that failed it
and the failure's code (verify/registry.py), never by a verifier's name or the words of its reason.

| failing role | repair | what it changes |
|---|---|---|
| answer | resample | new random choices for the last step of the recipe (or the base draw) |
| text | resample | a question or trace that misstates its numbers is drawn with new ones |
| image, code degenerate | resample | a sliver or a collapsed segment needs other numbers |
| image, other codes | re-layout | the same problem turned or mirrored: labels find new places |
| tool | re-layout | the construction lands on new pixels |
| duplicate | redraw | every random choice of the recipe anew: another problem of the same node |

Re-layout needs a domain whose figures may be turned (its Evolution says so); others resample.
A second attempt (a repair that was rejected again) always redraws. Attempts and outcomes are
stored in the `repairs` table; repaired samples link to the reject with relation `repair`.
"""

from __future__ import annotations

import json
import random
from dataclasses import dataclass, field

from flywheel.catalog import Catalog
from flywheel.catalog.evolution import unrepaired_rejects
from flywheel.core.records import KnowledgeNode
from flywheel.domains.registry import evolution_of, verifier_role
from flywheel.evolve.state import Job, reseed

ORDER = ["answer", "text", "image", "tool", "duplicate"]  # roles: the first failing one decides the repair
NEW_NUMBERS = {"degenerate"}  # image failure codes that another layout cannot fix
MAX_ATTEMPTS = 2


def _first_failing(failed: dict[str, str]) -> tuple[str, str] | None:
    """(verifier, role) of the failure that decides the repair: by role order, then by name."""
    roles = {name: verifier_role(name) for name in failed}
    for role in ORDER:
        hit = next((name for name in sorted(failed) if roles[name] == role), None)
        if hit:
            return hit, role
    return None


@dataclass(frozen=True)
class Reject:
    id: str
    node: KnowledgeNode
    seed: int
    ops: tuple
    failed: dict[str, str]  # verifier -> reason
    attempt: int  # 1 for a first repair; a rejected repair gets attempt + 1
    codes: dict[str, str] = field(default_factory=dict)  # verifier -> failure code


def route(r: Reject) -> tuple[str, str] | None:
    """(verifier, action) for a reject, or None when no repairer handles what failed."""
    first = _first_failing(r.failed)
    if first is None:
        return None
    verifier, role = first
    if r.attempt > 1 or role == "duplicate":
        return verifier, "redraw"
    if role in ("answer", "text") or not evolution_of(r.node.domain).reshapable:
        return verifier, "resample"  # a figure that may not be turned gets new numbers instead
    if role == "image" and r.codes.get(verifier) in NEW_NUMBERS:
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
    for sid, kid, seed, params, _, verifiers, reasons, codes, attempt in rows:
        if kid not in nodes or attempt > MAX_ATTEMPTS:
            continue
        ops = tuple(tuple(o) for o in json.loads(params or "{}").get("ops", []))
        out.append(Reject(sid, nodes[kid], seed, ops, dict(zip(verifiers, reasons, strict=True)), attempt,
                          dict(zip(verifiers, codes, strict=True))))
    return out
