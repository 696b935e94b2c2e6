"""Project a large `synthesize` run's acceptance from its problems' duplicate keys, without rendering.

    python tools/project_acceptance.py --n 20000 --seed 1 [--tasks 24000]

Walks the tasks of the stream `synthesize --n N --seed S` would run (the same nodes, task seeds and
order), draws each task's problem and keys it as the commit's duplicate check does
(`domains/capacity.py::problem_key`); a key seen before is a rejection. It prints generated,
accepted and % per domain and per generator. It leaves out what only rendering shows (the pHash
check, image verifiers), so it is an upper bound on acceptance: measure those with a real run of a
few thousand samples (`flywheel query` on the verdicts).
"""

from __future__ import annotations

import argparse
from collections import Counter
from pathlib import Path

from flywheel.domains import get_generator
from flywheel.domains.capacity import problem_key
from flywheel.run.build import task_seed
from flywheel.run.synthesize import SynthesisConfig, plan


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--n", type=int, default=20000)
    ap.add_argument("--seed", type=int, default=1)
    ap.add_argument("--tasks", type=int, default=None, help="tasks to walk (default: until n are accepted)")
    args = ap.parse_args()
    p = plan(SynthesisConfig(n=args.n, seed=args.seed, catalog=Path("unused.duckdb")))
    seen: set[str] = set()
    gen, acc = Counter(), Counter()
    i = accepted = 0
    while (args.tasks is None and accepted < args.n) or (args.tasks is not None and i < args.tasks):
        node = p.nodes[i % len(p.nodes)]
        spec = get_generator(node.generator)
        key = problem_key(spec, task_seed(p.stream, i))
        gen[spec.domain, spec.name] += 1
        if key not in seen:
            seen.add(key)
            acc[spec.domain, spec.name] += 1
            accepted += 1
        i += 1
    print(f"{i} tasks, {accepted} accepted ({accepted / i:.1%})\n")
    print("| domain | generated | accepted | % |\n|---|---:|---:|---:|")
    for dom in sorted({d for d, _ in gen}):
        g = sum(v for (d, _), v in gen.items() if d == dom)
        a = sum(v for (d, _), v in acc.items() if d == dom)
        print(f"| {dom} | {g} | {a} | {a / g:.1%} |")
    print("\n| generator | generated | accepted | % |\n|---|---:|---:|---:|")
    for (_, name), g in sorted(gen.items(), key=lambda kv: acc[kv[0]] / kv[1]):
        a = acc[_, name]
        print(f"| {name} | {g} | {a} | {a / g:.1%} |")


if __name__ == "__main__":
    main()
