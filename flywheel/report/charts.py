"""The overview's charts: matplotlib figures written once per build as SVG (text kept as text)."""

from __future__ import annotations

import math
from collections import defaultdict
from pathlib import Path

import matplotlib

matplotlib.use("Agg")
from matplotlib.figure import Figure  # noqa: E402

matplotlib.rcParams["svg.fonttype"] = "none"  # text stays text: smaller files, searchable labels
ACCEPTED, REJECTED = "#2f7d4f", "#c0392b"


def _save(fig: Figure, path: Path) -> Path:
    fig.tight_layout()
    fig.savefig(path, format="svg")
    return path


def samples_by_domain(counts: list[tuple], path: Path) -> Path:
    """Accepted and rejected samples per domain · kind (rows of catalog/report.py::facet_counts)."""
    acc: dict[str, int] = defaultdict(int)
    tot: dict[str, int] = defaultdict(int)
    for domain, kind, *_rest, n, a in counts:
        acc[f"{domain} · {kind}"] += a
        tot[f"{domain} · {kind}"] += n
    labels = sorted(tot, reverse=True)
    fig = Figure(figsize=(7, 0.9 + 0.32 * max(len(labels), 1)), dpi=100)
    ax = fig.add_subplot()
    a = [acc[k] for k in labels]
    ax.barh(labels, a, color=ACCEPTED, label="accepted")
    ax.barh(labels, [tot[k] - acc[k] for k in labels], left=a, color=REJECTED, label="rejected")
    ax.set_xlabel("samples")
    ax.set_title("samples by domain · kind", loc="left")
    ax.legend(loc="lower right", fontsize=8)
    ax.grid(axis="x", alpha=0.3)
    return _save(fig, path)


def rates(rounds: list[tuple[int, int, int]], verifiers: list[tuple[str, int, int]], path: Path) -> Path:
    """Acceptance by round (left) and each verifier's pass rate (right)."""
    fig = Figure(figsize=(10, 0.9 + max(3.0, 0.3 * len(verifiers))), dpi=100)
    left, right = fig.subplots(1, 2, width_ratios=[1, 2])
    left.bar([str(r) for r, _, _ in rounds], [a / n if n else 0 for _, n, a in rounds], color=ACCEPTED)
    left.set_ylim(0, 1)
    left.set_xlabel("round")
    left.set_title("acceptance rate by round", loc="left")
    left.grid(axis="y", alpha=0.3)
    names = [v for v, _, _ in verifiers][::-1]
    share = [p / n if n else 0 for _, n, p in verifiers][::-1]
    right.barh(names, share, color=[ACCEPTED if s >= 0.999 else "#d98c1f" for s in share])
    right.set_xlim(0, 1)
    right.set_title("verifier pass rates", loc="left")
    right.grid(axis="x", alpha=0.3)
    for y, s in enumerate(share):
        # Rounded down to 0.1%: a verifier that failed a few of 20K samples must not read "100%".
        right.text(min(s, 0.86) + 0.01, y, f"{math.floor(s * 1000) / 10:g}%", va="center", fontsize=8)
    return _save(fig, path)


def difficulty(scores: list[tuple[int, float]], path: Path) -> Path:
    """Distribution of accepted samples' difficulty score, one step histogram per round."""
    by_round: dict[int, list[float]] = defaultdict(list)
    for r, s in scores:
        by_round[r].append(s)
    fig = Figure(figsize=(8, 3.2), dpi=100)
    ax = fig.add_subplot()
    if by_round:
        lo, hi = min(min(v) for v in by_round.values()), max(max(v) for v in by_round.values())
        bins = [lo + (hi - lo + 1e-9) * i / 20 for i in range(21)] if hi > lo else 5
        for r in sorted(by_round):
            ax.hist(by_round[r], bins=bins, histtype="step", linewidth=2, density=True, label=f"round {r}")
        ax.legend(fontsize=8)
    ax.set_xlabel("difficulty score (hops + constructions/2 + distractors/4 + composition)")
    ax.set_ylabel("share of accepted")
    ax.set_title("difficulty by round", loc="left")
    ax.grid(alpha=0.3)
    return _save(fig, path)


def coverage(nodes: list[tuple], path: Path) -> Path:
    """Knowledge nodes per domain: with an accepted sample, with samples but none accepted, without any."""
    per: dict[str, list[int]] = defaultdict(lambda: [0, 0, 0])
    for _id, domain, _name, _gen, accepted, n in nodes:
        per[domain][0 if accepted else 1 if n else 2] += 1
    labels = sorted(per, reverse=True)
    fig = Figure(figsize=(7, 0.9 + 0.35 * max(len(labels), 1)), dpi=100)
    ax = fig.add_subplot()
    left = [0] * len(labels)
    for i, (name, color) in enumerate([("covered (≥1 accepted)", ACCEPTED), ("only rejected samples", "#d98c1f"),
                                       ("no samples", "#bbbbbb")]):
        vals = [per[d][i] for d in labels]
        ax.barh(labels, vals, left=left, color=color, label=name)
        left = [a + b for a, b in zip(left, vals, strict=True)]
    ax.set_xlabel("knowledge nodes")
    ax.set_title("coverage of the knowledge tree", loc="left")
    ax.legend(loc="lower right", fontsize=8)
    ax.grid(axis="x", alpha=0.3)
    return _save(fig, path)


def dups_and_repairs(history: list[dict], path: Path) -> Path:
    """Per round: near-duplicate rejects and near-duplicates among accepted (left), repairs (right)."""
    xs = [str(s["round"]) for s in history]
    fig = Figure(figsize=(10, 3.2), dpi=100)
    left, right = fig.subplots(1, 2)
    w = 0.4
    pos = range(len(xs))
    left.bar([p - w / 2 for p in pos], [s["near_dup_rate"] for s in history], w, label="near-dup rejects / generated",
             color="#6c5ce7")
    left.bar([p + w / 2 for p in pos], [s["near_dup_accepted"] for s in history], w, label="near-dups among accepted",
             color="#a29bfe")
    left.set_xticks(list(pos), xs)
    left.set_ylim(0, max([0.05, *[s["near_dup_rate"] for s in history], *[s["near_dup_accepted"] for s in history]]) * 1.15)
    left.set_xlabel("round")
    left.set_title("near-duplicates", loc="left")
    left.legend(fontsize=8)
    left.grid(axis="y", alpha=0.3)
    right.bar([p - w / 2 for p in pos], [s.get("repair_attempts", 0) for s in history], w, label="repair attempts",
              color="#d98c1f")
    right.bar([p + w / 2 for p in pos], [s.get("repaired_accepted", 0) for s in history], w, label="repaired, accepted",
              color=ACCEPTED)
    right.set_xticks(list(pos), xs)
    right.set_ylim(0, max([1, *[s.get("repair_attempts", 0) for s in history]]) * 1.15)
    right.set_xlabel("round")
    right.set_title("repairs of rejected samples", loc="left")
    right.legend(fontsize=8)
    right.grid(axis="y", alpha=0.3)
    return _save(fig, path)
