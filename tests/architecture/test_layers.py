"""The package's top-level parts form layers: imports run downward, SQL stays in the catalog.

Counted from the source with `ast`: every `import flywheel.X…` / `from flywheel.X… import` in a
module of part P (a folder or module directly under flywheel/) is an edge P → X. An edge to a part
of a *higher* layer than P is an upward import; a cycle between parts is never allowed.
"""

from __future__ import annotations

import ast
from collections import defaultdict
from pathlib import Path

import flywheel

ROOT = Path(flywheel.__file__).parent
# Lowest first: a part may import the parts before it. docs/architecture.md draws the same order.
LAYERS = ["core", "sandbox", "render", "catalog", "verify", "domains", "kinds", "knowledge", "run", "llm",
          "evolve", "train", "io", "eval", "report", "bench", "cli"]
MAX_UPWARD = 3


def _imports() -> dict[tuple[str, str], list[str]]:
    """(from part, to part) → the modules of `from part` that import `to part`."""
    edges: dict[tuple[str, str], list[str]] = defaultdict(list)
    for f in sorted(ROOT.rglob("*.py")):
        rel = f.relative_to(ROOT)
        part = rel.parts[0].removesuffix(".py")
        for node in ast.walk(ast.parse(f.read_text())):
            if isinstance(node, ast.ImportFrom) and node.module:
                names = [node.module]
            elif isinstance(node, ast.Import):
                names = [a.name for a in node.names]
            else:
                continue
            for name in names:
                bits = name.split(".")
                if bits[0] == "flywheel" and len(bits) > 1 and bits[1] != part:
                    edges[(part, bits[1])].append(rel.as_posix())
    return edges


def test_every_part_has_a_layer():
    parts = {p.name.removesuffix(".py") for p in ROOT.iterdir() if not p.name.startswith("__") and (p.is_dir() or p.suffix == ".py")}
    assert parts <= set(LAYERS), f"parts without a layer: {sorted(parts - set(LAYERS))}"


def test_no_import_cycle_between_parts():
    graph: dict[str, set[str]] = defaultdict(set)
    for a, b in _imports():
        graph[a].add(b)

    def reach(start: str) -> set[str]:
        seen, todo = set(), [start]
        while todo:
            for nxt in graph[todo.pop()]:
                if nxt not in seen:
                    seen.add(nxt)
                    todo.append(nxt)
        return seen

    cycles = sorted(p for p in list(graph) if p in reach(p))
    assert not cycles, f"parts on an import cycle: {cycles} (edges: {dict(graph)})"


def test_at_most_three_upward_imports():
    rank = {p: i for i, p in enumerate(LAYERS)}
    upward = {f"{a} → {b}": mods for (a, b), mods in _imports().items() if rank.get(b, -1) > rank.get(a, -1)}
    n = sum(len(m) for m in upward.values())
    assert n <= MAX_UPWARD, f"{n} upward imports: {upward}"


def test_sql_only_in_the_catalog():
    outside = []
    for f in sorted(ROOT.rglob("*.py")):
        rel = f.relative_to(ROOT)
        if rel.parts[0] == "catalog":
            continue
        for node in ast.walk(ast.parse(f.read_text())):
            if isinstance(node, ast.Attribute) and node.attr in {"execute", "executemany", "sql"} and \
                    isinstance(node.value, ast.Attribute) and node.value.attr == "con":
                outside.append(f"{rel}:{node.lineno}")
    assert not outside, f"SQL outside flywheel/catalog: {outside}"
