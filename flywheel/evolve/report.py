"""What each round did, measured from the catalog: the round table, `runs` rows and report plots.

Every figure comes from the catalog's queries (flywheel/catalog/evolution.py), not from in-memory
counters, so the figures of a round that was interrupted and resumed are those of an uninterrupted one.
"""

from __future__ import annotations

from pathlib import Path

from rich.table import Table

from flywheel.catalog import Catalog
from flywheel.catalog import evolution as q
from flywheel.verify.duplicate import DuplicateIndex, recipe_digest

COVERED = 10  # a knowledge node counts as covered with at least this many accepted samples

AXIS_KEYS = {
    "diversity": ["nodes_new", "nodes_new_with_samples", "nodes_total", "coverage", "covered_nodes", "near_dup_rate",
                  "near_dup_accepted", "appended_copies", "by_relation"],
    "quality": ["rejected", "repair_attempts", "repairable_rejects", "repaired_rejects", "repaired_share_of_repairable",
                "repaired_accepted", "repaired_share_of_accepted", "repair_success_by_verifier", "verifier_pass_rate"],
    "difficulty": ["difficulty_mean", "difficulty_p50", "difficulty_p90", "hops_mean", "max_depth", "by_relation"],
}


def round_stats(cat: Catalog, r: int) -> dict:
    gen, acc, dup_fail = q.round_counts(cat, r)
    mean, p50, p90, hops, depth = q.round_difficulty(cat, r)
    new, new_used, total, drawable, covered = q.knowledge_counts(cat, r, COVERED)
    stats = {
        "round": r, "generated": gen, "accepted": acc, "rejected": gen - acc,
        "nodes_new": new, "nodes_new_with_samples": new_used, "nodes_total": total,
        "covered_nodes": covered, "coverage": covered / drawable if drawable else 0.0,
        "near_dup_rate": dup_fail / gen if gen else 0.0, "near_dup_accepted": near_dups_among_accepted(cat, r),
        "appended_copies": _share(*appended_copies(cat, r)),
        "difficulty_mean": mean, "difficulty_p50": p50, "difficulty_p90": p90, "hops_mean": hops,
        "max_depth": depth,
        "verifier_pass_rate": {k: round(v, 4) for k, v in q.verifier_pass_rates(cat, r)},
        "by_relation": dict(q.accepted_by_relation(cat, r)),
        "lineage_to_round0": lineage_to_round0(cat, r),
    }
    stats.update(repair_stats(cat, r, acc))
    return stats


def _share(part: int, whole: int) -> float:
    return part / whole if whole else 0.0


def repair_stats(cat: Catalog, r: int, accepted: int) -> dict:
    """A reject is repaired when its first repair, or the repair of that repair, was accepted."""
    attempts, repairable, repaired, fixed = q.repair_counts(cat, r)
    return {
        "repair_attempts": attempts, "repairable_rejects": repairable, "repaired_rejects": repaired,
        "repaired_share_of_repairable": repaired / repairable if repairable else 0.0,
        "repaired_accepted": fixed, "repaired_share_of_accepted": fixed / accepted if accepted else 0.0,
        "repair_success_by_verifier": {v: {"attempts": n, "repaired": k, "rate": k / n}
                                       for v, n, k in q.repairs_by_verifier(cat, r)},
    }


def lineage_to_round0(cat: Catalog, r: int) -> float:
    """Share of the round's accepted samples whose parent chain ends in a round-0 sample."""
    if r == 0:
        return 1.0
    total, rooted = q.lineage_roots(cat, r)
    return rooted / total if total else 1.0


def near_dups_among_accepted(cat: Catalog, r: int) -> float:
    """Re-check the round's accepted samples against all earlier accepted ones, in commit order."""
    idx = DuplicateIndex()
    idx.add_many(q.accepted_hashes_before(cat, r))
    rows = q.accepted_hashes_in_round(cat, r)
    dup = 0
    for *row, params in rows:
        ok, _ = idx.check(*row, recipe_digest(params), params)
        dup += not ok
        idx.add(*row, recipe_digest(params), params)
    return dup / len(rows) if rows else 0.0


def appended_copies(cat: Catalog, r: int) -> tuple[int, int]:
    """(accepted samples of round r that are an accepted earlier question with sentences added and the
    same answer, accepted samples of round r): checked against everything accepted before each one,
    in commit order, whatever duplicate rule was in force when the catalog was written."""
    idx = DuplicateIndex()
    idx.add_many(q.accepted_hashes_before(cat, r))
    rows = q.accepted_hashes_in_round(cat, r)
    copies = 0
    for key, ph, ans, kind, question, generator, params in rows:
        copies += idx.extends_accepted(question, ans, kind, generator, params)
        idx.add(key, ph, ans, kind, question, generator, recipe_digest(params), params)
    return copies, len(rows)


def axis_stats(stats: dict, axis: str) -> dict:
    return {"round": stats["round"], **{k: stats[k] for k in AXIS_KEYS[axis]}}


def _f(v: float | None, pct: bool = False) -> str:
    if v is None:
        return "–"
    return f"{v:.1%}" if pct else f"{v:.2f}"


def round_table(stats: dict) -> Table:
    s = stats
    t = Table(title=f"round {s['round']}", show_header=True)
    t.add_column("axis")
    t.add_column("figure")
    t.add_column("value", justify="right")
    rows = [
        ("diversity", "knowledge nodes (new / total)", f"{s['nodes_new']} / {s['nodes_total']}"),
        ("diversity", f"coverage (nodes with ≥ {COVERED} samples)", f"{s['covered_nodes']} ({_f(s['coverage'], True)})"),
        ("diversity", "near-duplicate rejects / generated", _f(s["near_dup_rate"], True)),
        ("diversity", "near-duplicates among accepted", _f(s["near_dup_accepted"], True)),
        ("diversity", "accepted question + added sentences, same answer", _f(s.get("appended_copies"), True)),
        ("samples", "generated / accepted", f"{s['generated']} / {s['accepted']}"),
        ("quality", "repairs (attempts / rejects repaired / repairable)",
         f"{s['repair_attempts']} / {s['repaired_rejects']} / {s['repairable_rejects']}"),
        ("quality", "repaired share of repairable rejects", _f(s["repaired_share_of_repairable"], True)),
        ("quality", "repaired rejects among accepted", f"{s['repaired_accepted']} ({_f(s['repaired_share_of_accepted'], True)})"),
        ("difficulty", "score mean / p50 / p90",
         f"{_f(s['difficulty_mean'])} / {_f(s['difficulty_p50'])} / {_f(s['difficulty_p90'])}"),
        ("difficulty", "hops mean, longest recipe", f"{_f(s['hops_mean'])}, {s['max_depth']} ops"),
        ("lineage", "accepted with lineage to round 0", _f(s["lineage_to_round0"], True)),
    ]
    rows += [("verifiers", f"{k} pass rate", _f(v, True)) for k, v in s["verifier_pass_rate"].items()]
    rows += [("quality", f"repair via {k}", f"{v['repaired']}/{v['attempts']}") for k, v in s["repair_success_by_verifier"].items()]
    for row in rows:
        t.add_row(*row)
    return t


def history(cat: Catalog) -> list[dict]:
    """Round 0 measured now, then the stats each finished evolution round stored."""
    return [round_stats(cat, 0), *q.finished_round_stats(cat)]


def write_report(cat: Catalog, out: Path, rounds: list[dict] | None = None) -> list[Path]:
    """PNG plots of the figures across rounds and a Markdown summary (of `rounds`, default `history(cat)`)."""
    import matplotlib

    matplotlib.use("Agg")
    from matplotlib.figure import Figure

    rounds = history(cat) if rounds is None else rounds
    out.mkdir(parents=True, exist_ok=True)
    xs = [s["round"] for s in rounds]
    panels = [
        ("difficulty score", [("mean", "difficulty_mean"), ("p50", "difficulty_p50"), ("p90", "difficulty_p90")]),
        ("knowledge nodes", [("total", "nodes_total"), ("new", "nodes_new"), ("covered", "covered_nodes")]),
        ("samples", [("generated", "generated"), ("accepted", "accepted"), ("repaired", "repaired_accepted")]),
        ("rates", [("near-dup rejects", "near_dup_rate"), ("repaired / repairable", "repaired_share_of_repairable"),
                   ("coverage", "coverage")]),
    ]
    fig = Figure(figsize=(11, 7.5), dpi=100)
    for i, (title, series) in enumerate(panels):
        ax = fig.add_subplot(2, 2, i + 1)
        for label, key in series:
            ax.plot(xs, [s.get(key) or 0 for s in rounds], marker="o", label=label)
        ax.set_title(title)
        ax.set_xlabel("round")
        ax.set_xticks(xs)
        ax.grid(alpha=0.3)
        ax.legend(fontsize=8)
    fig.tight_layout()
    png = out / "evolution.png"
    fig.savefig(png)
    md = out / "summary.md"
    md.write_text(_markdown(rounds), encoding="utf-8")
    return [png, md]


def _markdown(rounds: list[dict]) -> str:
    head = ("| round | nodes new/total | generated | accepted | repaired | near-dup rejects | "
            "difficulty mean / p50 / p90 | coverage |\n|---|---|---|---|---|---|---|---|\n")
    lines = [
        f"| {s['round']} | {s['nodes_new']}/{s['nodes_total']} | {s['generated']} | {s['accepted']} | "
        f"{s.get('repaired_accepted', 0)} | {_f(s['near_dup_rate'], True)} | {_f(s['difficulty_mean'])} / "
        f"{_f(s['difficulty_p50'])} / {_f(s['difficulty_p90'])} | {_f(s['coverage'], True)} |"
        for s in rounds
    ]
    return "# flywheel evolution report\n\n![evolution](evolution.png)\n\n" + head + "\n".join(lines) + "\n"
