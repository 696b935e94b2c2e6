"""An eval's numbers: mean score per task (and per domain, version, difficulty) with bootstrap 95%
confidence intervals, tool-use and sandbox-error rates, turns, tokens and cost; the blind gap; the
JSON report, the PNG chart, and the per-item comparison of two reports."""

from __future__ import annotations

import json
from collections import defaultdict
from pathlib import Path

import numpy as np

from flywheel.core.errors import FlywheelError

GROUPS = ("task", "domain", "version", "difficulty")
BOOTSTRAP = 1000


def bootstrap_ci(scores: list[float], n: int = BOOTSTRAP, seed: int = 0) -> tuple[float, float]:
    """Percentile 95% interval of the mean over `n` resamples (seeded: the same scores give the same interval)."""
    if not scores:
        return (0.0, 0.0)
    a = np.asarray(scores, dtype=float)
    means = a[np.random.default_rng(seed).integers(0, len(a), (n, len(a)))].mean(axis=1)
    return (round(float(np.percentile(means, 2.5)), 4), round(float(np.percentile(means, 97.5)), 4))


def _row(recs: list[dict]) -> dict:
    scores = [r["score"] for r in recs]
    lo, hi = bootstrap_ci(scores)
    n = len(recs)
    calls = sum(r["tool_calls"] for r in recs)
    return {"n": n, "score": round(sum(scores) / n, 4), "ci95": [lo, hi],
            "tool_use_rate": round(sum(r["tool_calls"] > 0 for r in recs) / n, 4),
            "sandbox_error_rate": round(sum(r["sandbox_errors"] for r in recs) / calls, 4) if calls else 0.0,
            "mean_turns": round(sum(r["turns"] for r in recs) / n, 3),
            "tokens": sum(r["prompt_tokens"] + r["completion_tokens"] for r in recs),
            "cost_usd": round(sum(r.get("cost_usd", 0.0) for r in recs), 6), **_judge_row(recs)}


def _judge_row(recs: list[dict]) -> dict:
    """The `--judge` verdicts of these items, beside the score and never in it (no fields when not judged)."""
    judged = [r for r in recs if "judge" in r]
    if not judged:
        return {}
    verdicts = [r["judge"] for r in judged if r["judge"] is not None]
    return {"judge_n": len(verdicts), "judge_failures": len(judged) - len(verdicts),
            "judge_accuracy": round(sum(verdicts) / len(verdicts), 4) if verdicts else None,
            "judge_ci95": list(bootstrap_ci(verdicts))}


def summarize(results: list[dict], model: str, usage: dict | None = None, source: str = "") -> dict:
    """The report: `tasks` (task → row), `by` (group → value → task → row), blind rows and the vision gap."""
    results = sorted(results, key=lambda r: (r["task"], r["id"], r["blind"]))  # the CIs don't depend on finishing order
    seen = [r for r in results if not r["blind"]]
    blind = [r for r in results if r["blind"]]
    rep: dict = {"model": model, "source": source, "usage": usage or {}, "tasks": {}, "by": {}, "blind": {},
                 "vision_reliance": {}, "items": {f"{r['id']}": r["score"] for r in seen},
                 "judge_items": {r["id"]: r["judge"] for r in seen if "judge" in r}}
    for task, recs in sorted(_group(seen, "task").items()):
        rep["tasks"][task] = _row(recs)
    for g in GROUPS[1:]:
        groups = _group(seen, g)
        if set(groups) == {"-"}:  # e.g. no version column in this catalog: nothing to split by
            continue
        rep["by"][g] = {v: {t: _row(rs) for t, rs in sorted(_group(recs, "task").items())}
                        for v, recs in sorted(groups.items())}
    for task, recs in sorted(_group(blind, "task").items()):
        rep["blind"][task] = _row(recs)
        rep["vision_reliance"][task] = round(rep["tasks"][task]["score"] - rep["blind"][task]["score"], 4)
    return rep


def _group(recs: list[dict], key: str) -> dict[str, list[dict]]:
    out: dict[str, list[dict]] = defaultdict(list)
    for r in recs:
        out[str(r.get(key, "-"))].append(r)
    return out


def read_report(path: Path) -> dict:
    try:
        rep = json.loads(Path(path).read_text())
    except FileNotFoundError:
        raise FlywheelError(f"{path}: no such report") from None
    except ValueError:
        raise FlywheelError(f"{path}: not a JSON report of `flywheel eval`") from None
    if not isinstance(rep, dict) or "items" not in rep or "tasks" not in rep:
        raise FlywheelError(f"{path}: not a JSON report of `flywheel eval` (no `tasks`/`items`)")
    return rep


def compare(a: dict, b: dict) -> dict:
    """Per task: both scores and the change; per item (in both runs): the items whose score changed."""
    tasks = sorted(set(a["tasks"]) | set(b["tasks"]))
    rows = {t: {"a": a["tasks"].get(t, {}).get("score"), "b": b["tasks"].get(t, {}).get("score")} for t in tasks}
    for t, r in rows.items():
        r["delta"] = None if r["a"] is None or r["b"] is None else round(r["b"] - r["a"], 4)
        judged = [rep["tasks"].get(t, {}).get("judge_accuracy") for rep in (a, b)]
        if any(j is not None for j in judged):  # the --judge accuracies, beside the scores (never mixed in)
            r["judge_a"], r["judge_b"] = judged
    common = sorted(set(a["items"]) & set(b["items"]))
    changed = [{"id": i, "a": a["items"][i], "b": b["items"][i], "delta": round(b["items"][i] - a["items"][i], 4)}
               for i in common if a["items"][i] != b["items"][i]]
    return {"a": a["model"], "b": b["model"], "tasks": rows, "common_items": len(common),
            "better": sum(c["delta"] > 0 for c in changed), "worse": sum(c["delta"] < 0 for c in changed),
            "changed": changed}


def chart(rep: dict, path: Path) -> Path:
    """Bars of the mean score per task with their 95% intervals (and the blind run beside them)."""
    import matplotlib

    matplotlib.use("Agg")
    import matplotlib.pyplot as plt

    tasks = list(rep["tasks"])
    x = np.arange(len(tasks))
    fig, ax = plt.subplots(figsize=(1.8 + 1.6 * len(tasks), 3.4), dpi=100)
    series = [("figure", rep["tasks"], "#1f77b4")] + ([("blank figure", rep["blind"], "#bbbbbb")] if rep["blind"] else [])
    width = 0.8 / len(series)
    for k, (label, rows, color) in enumerate(series):
        means = np.array([rows[t]["score"] for t in tasks])
        lo = means - np.array([rows[t]["ci95"][0] for t in tasks])
        hi = np.array([rows[t]["ci95"][1] for t in tasks]) - means
        bars = ax.bar(x + (k - (len(series) - 1) / 2) * width, means, width, yerr=[lo, hi], capsize=4, color=color,
                      label=label)
        ax.bar_label(bars, fmt="%.2f", fontsize=8, padding=2)  # a zero bar is invisible without its number
    ax.set_xticks(x, [f"{t}\n(n={rep['tasks'][t]['n']})" for t in tasks])
    ax.set_ylim(0, 1.05)
    ax.set_ylabel("mean score (95% CI)")
    ax.set_title(f"flywheel eval: {rep['model']}", fontsize=10)
    if len(series) > 1:
        ax.legend(fontsize=8)
    fig.tight_layout()
    fig.savefig(path)
    plt.close(fig)
    return path
