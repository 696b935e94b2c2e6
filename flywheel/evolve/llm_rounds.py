"""`flywheel evolve --creator llm`: rounds in which a model is creator, checker and repairer.

Round r, as in V-Thinker's flywheel:
- diversity: the model proposes new knowledge nodes from the taxonomy (`llm.expand.propose`:
  parents kept, repeats of any node dropped, mapped to a symbolic generator when a rule fits),
  stored with `round = r`; the LLM creator then writes one problem for each new node;
- difficulty: `harder_variant` of the freshest, hardest accepted samples of earlier rounds
  (LLM-made or symbolic), each linked to its parent by lineage `harder`;
- quality: this round's rejected LLM samples go to `repair` with their failing verdicts' reasons,
  at most `quality.MAX_ATTEMPTS` times; attempts land in `repairs`, accepted repairs link to the
  reject by lineage `repair` — the rows the symbolic repair pass writes.

Every candidate gets the creator's checks (strict parse, figure and tool code in the hardened
sandbox, an independent solve, re-measurement) and the duplicate check when it is committed.
The round's bookkeeping (config, `runs` rows per axis, stats, report) is the symbolic round's
(evolvers/rounds.py, report.py). Like there, the plan reads only earlier rounds and each phase is
a stream committed in task order; every model reply is cached in the catalog as it arrives, so an
interrupted round (a crash, a spent `--budget-usd`) resumes for free and a finished one makes no call.
"""

from __future__ import annotations

import json
import math
import random
import time
from collections.abc import Callable
from dataclasses import dataclass, field, replace
from functools import partial
from typing import Any

from flywheel.catalog import Catalog
from flywheel.catalog.runs import finished_rounds, hardest_unvaried, phase_counts
from flywheel.core.errors import FlywheelError
from flywheel.core.records import KnowledgeNode, Verdict, content_id
from flywheel.evolve import quality
from flywheel.evolve.rounds import (
    EvolveConfig,
    Progress,
    _done_of,
    _phase,
    begin_round,
    end_round,
    round_config,
    validate,
)
from flywheel.evolve.state import _nodes
from flywheel.llm.cache import ResponseCache
from flywheel.llm.client import BudgetExceeded, LLMClient, LLMConfig, LLMError, Usage
from flywheel.llm.creator import SKIPPED, Checked, check_made, create, to_outcome
from flywheel.llm.expand import propose
from flywheel.llm.repair import harder_variant, repair
from flywheel.run.build import Outcome
from flywheel.run.stream import RunStats, in_threads, listed, run_stream

DEFAULT_PER_ROUND = 10  # model calls cost money: far fewer tasks than a symbolic round's 300
SHARES = {"diversity": 0.5, "difficulty": 0.5}  # of --per-round: new nodes (one sample each), harder variants
CONTEXT_NODES = 40  # knowledge nodes shown in one expansion prompt (all nodes still count for duplicates)
# The first failing check names the repair in `repairs.verifier`: the earliest stage that failed.
REPAIR_ORDER = ("parse", "image", "tool", "answer", "measure", "duplicate")
NO_IMAGE = "no image to hash"  # the duplicate verdict of a reply without a figure: nothing to fix there


@dataclass
class LLMJob:
    """One task of a stream: `make` asks the model and checks the reply; the rest places the sample."""

    node: KnowledgeNode
    sid: str
    make: Callable[[LLMClient], Checked]
    parent_id: str | None = None
    relation: str = ""
    difficulty: tuple[int, float] = (1, 1.0)
    meta: dict = field(default_factory=dict)


@dataclass
class LLMEvolution:
    done_before: int  # rounds finished before this call
    rounds: list[dict] = field(default_factory=list)
    usage: Usage = field(default_factory=Usage)
    status: str = "done"  # done | budget
    message: str = ""


@dataclass
class Round:
    """What the phases of one round share."""

    cat: Catalog
    client: LLMClient
    cfg: EvolveConfig
    conf: dict
    r: int
    run_id: str
    key: str
    progress: Progress | None
    errors: list[str] = field(default_factory=list)
    generated: int = 0  # samples this run of the round made (accepted or not)

    @property
    def generator(self) -> str:
        return f"llm:{self.conf['model']}"

    def stream(self, phase: str) -> str:
        return f"evolve:{self.r}:{self.key}:{phase}"

    def sid(self, *parts: Any) -> str:
        return content_id(self.generator, "evolve", self.conf["seed"], *parts)


def evolve_llm(cfg: EvolveConfig, llm: LLMConfig, progress: Progress | None = None,
               on_round: Callable[[dict], None] | None = None) -> LLMEvolution:
    """Run model-driven rounds until the catalog has `cfg.rounds` finished evolution rounds."""
    validate(cfg)
    with Catalog(cfg.catalog) as cat:
        res = LLMEvolution(finished_rounds(cat))
        cache = ResponseCache(cat)
        client = LLMClient(llm, cache)
        res.usage = client.usage
        try:
            for r in range(res.done_before + 1, cfg.rounds + 1):
                stats = run_round(cat, client, cfg, r, progress)
                res.rounds.append(stats)
                if on_round:
                    on_round(stats)
        except BudgetExceeded as exc:
            res.status, res.message = "budget", str(exc)
        finally:
            cache.close()
    return res


def run_round(cat: Catalog, client: LLMClient, cfg: EvolveConfig, r: int, progress: Progress | None) -> dict:
    t0 = time.perf_counter()
    conf = round_config(cat, cfg, r, {"creator": "llm", "model": client.cfg.model})
    run_id, key = begin_round(cat, conf, r)
    rnd = Round(cat, client, cfg, conf, r, run_id, key, progress)
    start = client.usage.copy()
    by_axis: dict[str, dict] = {}
    try:
        for axis, phase in (("diversity", grow_knowledge), ("difficulty", grow_harder), ("quality", repair_rejects)):
            if axis in conf["axes"]:
                before = client.usage.copy()
                by_axis[axis] = phase(rnd)
                by_axis[axis]["llm"] = client.usage.since(before).as_dict()
    except BudgetExceeded:
        cat.finish_run(run_id, "budget", {"llm": client.usage.since(start).as_dict(), "by_axis": by_axis})
        raise
    used = client.usage.since(start)
    if used.failures and not rnd.generated:
        # The endpoint failed (a wrong URL or model, a dead server), not the problems: a round recorded
        # done would never be run again, so it is `failed` and the next run retries it.
        first = rnd.errors[0] if rnd.errors else "a model call failed"
        cat.finish_run(run_id, "failed", {"llm": used.as_dict(), "by_axis": by_axis, "errors": rnd.errors[:20]})
        raise FlywheelError(f"round {r} made no sample: {used.failures} model calls failed, the first with {first} "
                            "(the round is recorded failed; rerun to retry it)")
    totals = {"llm": client.usage.since(start).as_dict(), "llm_streams": phase_counts(cat, f"evolve:{r}:{key}"),
              "knowledge_proposals": by_axis.get("diversity", {}).get("knowledge", {}), "errors": rnd.errors[:20]}
    return end_round(cat, conf, r, run_id, t0, {**by_axis, "round": totals})


def _share(conf: dict, axis: str) -> int:
    """Tasks of `axis` out of --per-round; the axes' counts add up to it exactly (4 → 2 + 2, 1 → 1 + 0)."""
    axes = [a for a in SHARES if a in conf["axes"]]
    if axis not in axes:
        return 0
    n, total = conf["per_round"], sum(SHARES[a] for a in axes)
    upto = sum(SHARES[a] for a in axes[: axes.index(axis) + 1])
    # Cumulative rounding up: the first axis gets the odd task, and the counts add up to n exactly.
    return math.ceil(n * upto / total - 1e-9) - math.ceil(n * (upto - SHARES[axis]) / total - 1e-9)


# -- diversity: new knowledge nodes, one new problem each -------------------------------------------

def grow_knowledge(rnd: Round) -> dict:
    """Propose nodes (the reply is cached, so a resumed round gets the same ones), store, write problems."""
    taxonomy = sorted(_nodes(rnd.cat, rnd.r), key=lambda n: n.id)
    rng = random.Random(content_id(rnd.key, "context"))
    context = taxonomy if len(taxonomy) <= CONTEXT_NODES else sorted(rng.sample(taxonomy, CONTEXT_NODES), key=lambda n: n.id)
    try:
        proposal = propose(rnd.client, context, _share(rnd.conf, "diversity"), taxonomy=taxonomy)
    except LLMError as exc:  # a failed call is no proposal; the round goes on with its other axes
        rnd.errors.append(f"expand: {exc}")
        return {"knowledge": {"proposed": 0, "new": 0, "mapped": 0, "skipped": [], "error": str(exc)}}
    # The round that made a node is its round (as for composed nodes), not one more than its parents'.
    new = [replace(n, round=rnd.r, prerequisites=list(n.parents)) for n in proposal.nodes]
    rnd.cat.upsert_knowledge(new)
    run_phase(rnd, "diversity", [create_job(rnd, n) for n in new])
    skipped = [(name, why) for name, why in proposal.skipped if name != "(reply)"]
    return {"knowledge": {"proposed": len(new) + len(skipped), "new": len(new),
                          "mapped": sum(n.generator is not None for n in new),
                          "nodes": [n.id for n in new], "skipped": [f"{n}: {why}" for n, why in proposal.skipped]}}


def create_job(rnd: Round, node: KnowledgeNode) -> LLMJob:
    sid = rnd.sid("create", node.id)
    # No repair inside the creator: the round's quality pass repairs, and records every attempt.
    return LLMJob(node, sid, partial(create, node=node, sid=sid, variant=0, repair_rounds=0, series=rnd.conf["seed"]))


# -- difficulty: harder variants of accepted samples -----------------------------------------------

def grow_harder(rnd: Round) -> dict:
    # The freshest round first, so variants of variants climb.
    rows = hardest_unvaried(rnd.cat, rnd.r, _share(rnd.conf, "difficulty"))
    nodes = {n.id: n for n in _nodes(rnd.cat, rnd.r)}
    jobs = [harder_job(rnd, row, nodes.get(row["knowledge_id"])) for row in rows]
    run_phase(rnd, "difficulty", jobs)
    return {"harder": {"planned": len(jobs), "parents": [j.parent_id for j in jobs]}}


def harder_job(rnd: Round, row: dict, node: KnowledgeNode | None) -> LLMJob:
    sid = rnd.sid("harder", row["id"])
    node = node or KnowledgeNode(row["knowledge_id"], row["domain"], row["knowledge_id"])
    # The prompt asks for one more step or construction: that is the difficulty it claims.
    return LLMJob(node, sid, partial(check_made, sid=sid, make=partial(harder_variant, sample=row), domain=node.domain),
                  parent_id=row["id"], relation="harder",
                  difficulty=(row["difficulty"] + 1, row["difficulty_score"] + 1.0))


# -- quality: repair this round's rejected LLM samples ------------------------------------------------

def repair_rejects(rnd: Round) -> dict:
    """Pass 1 repairs the rejects of the round's streams, pass 2 the repairs rejected again."""
    where = ("s.stream IN (?, ?) AND s.generator LIKE 'llm:%'", [rnd.stream("diversity"), rnd.stream("difficulty")])
    planned = []
    for p in range(1, quality.MAX_ATTEMPTS + 1):
        nodes = {n.id: n for n in _nodes(rnd.cat, rnd.r + 1)}
        jobs = [repair_job(rnd, x) for x in quality.rejects(rnd.cat, nodes, rnd.r, *where)]
        run_phase(rnd, f"repair{p}", jobs)
        planned.append(len(jobs))
        where = ("s.stream = ?", [rnd.stream(f"repair{p}")])
    return {"repairs_planned": planned}


def repair_job(rnd: Round, reject: quality.Reject) -> LLMJob:
    row = rnd.cat.sample(reject.id)
    params = json.loads(row["params"] or "{}")
    # Reasons that only echo an earlier failure are not sent (unless nothing else failed).
    real = {v: why for v, why in reject.failed.items() if not why.startswith(SKIPPED) and why != NO_IMAGE}
    failing = [Verdict(reject.id, v, False, 0.0, why) for v, why in sorted((real or reject.failed).items())]
    # What the model is shown: its own reply when it did not parse, else the candidate's fields.
    shown = {"raw_reply": params["raw_reply"]} if "raw_reply" in params else {**row, "params": params}
    verifier = next((v for v in REPAIR_ORDER if v in (real or reject.failed)), failing[0].verifier)
    sid = rnd.sid("repair", reject.id, reject.attempt)
    meta = {"repair": {"sample_id": reject.id, "round": rnd.r, "attempt": reject.attempt, "verifier": verifier,
                       "action": "llm-repair"}}
    make = partial(repair, sample=shown, failing_verdicts=failing)
    return LLMJob(reject.node, sid, partial(check_made, sid=sid, make=make, domain=reject.node.domain),
                  parent_id=reject.id, relation="repair", difficulty=(row["difficulty"], row["difficulty_score"]),
                  meta=meta)


# -- running a stream ---------------------------------------------------------------------------

def run_phase(rnd: Round, phase: str, jobs: list[LLMJob]) -> RunStats:
    """Run the jobs of one phase from where its stream stopped, committing in job order."""
    stream = rnd.stream(phase)

    def task(i: int, job: LLMJob) -> Callable[[], Outcome]:
        return partial(outcome, rnd, job, stream, i)

    stats = run_stream(rnd.cat, stream, listed(jobs, task),
                       in_threads(rnd.client.cfg.max_concurrency, failures=(LLMError,)), run=rnd.run_id,
                       batch_size=rnd.cfg.batch_size, progress=_done_of(_phase(rnd.progress, phase), len(jobs)),
                       halts={BudgetExceeded: "budget"}, keep_rejected_images=rnd.cfg.keep_rejected_images)
    rnd.errors += list(stats.failures.elements())
    rnd.generated += stats.generated
    if stats.status == "budget":  # the stream kept what it made; the round stops here
        raise BudgetExceeded(stats.message)
    return stats


def outcome(rnd: Round, job: LLMJob, stream: str, index: int) -> Outcome:
    return to_outcome(job.make(rnd.client), job.node, rnd.generator, rnd.conf["seed"], 0, stream, index,
                      round_=rnd.r, parent_id=job.parent_id, difficulty=job.difficulty, relation=job.relation,
                      meta=job.meta)
