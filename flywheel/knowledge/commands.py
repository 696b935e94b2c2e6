"""`flywheel knowledge import|list|show|coverage`: the knowledge system as the user sees it."""

from __future__ import annotations

from collections import defaultdict
from pathlib import Path
from typing import Annotated

import typer
from rich.table import Table
from rich.tree import Tree

from flywheel.catalog import Catalog
from flywheel.console import DEFAULT_CATALOG, CatalogOpt, out, user_errors
from flywheel.errors import FlywheelError

knowledge_app = typer.Typer(help="Knowledge taxonomies: import, browse, coverage.", no_args_is_help=True)


def _nodes(cat: Catalog) -> dict[str, dict]:
    cur = cat.con.execute("SELECT id, domain, name, generator, taxonomy_parent, level, mapped FROM knowledge")
    cols = [d[0] for d in cur.description]
    return {r[0]: dict(zip(cols, r, strict=True)) for r in cur.fetchall()}


def _counts(cat: Catalog, nodes: dict[str, dict]) -> dict[str, int]:
    """Accepted samples per node, summed up the taxonomy."""
    direct = dict(cat.con.execute("SELECT knowledge_id, count(*) FROM samples WHERE accepted GROUP BY 1").fetchall())
    total: dict[str, int] = defaultdict(int)
    for nid, n in direct.items():
        while nid is not None:
            total[nid] += n
            nid = nodes.get(nid, {}).get("taxonomy_parent")
    return total


@knowledge_app.command("import")
def import_cmd(
    file: Annotated[Path, typer.Argument(help="Nested taxonomy (YAML or JSON): domain → area → topic → point.")],
    catalog: CatalogOpt = DEFAULT_CATALOG,
    rules: Annotated[Path | None, typer.Option(help="Extra keyword → generator rules (YAML), tried before the built-in ones.")] = None,
) -> None:
    """Import a taxonomy, keep its hierarchy, and report which points map to a generator."""
    user_errors(_import)(file, catalog, rules)


def _import(file: Path, catalog: Path, rules: Path | None) -> None:
    from flywheel.knowledge.mapping import Rules
    from flywheel.knowledge.taxonomy import parse_taxonomy

    nodes = parse_taxonomy(file, Rules(rules))  # everything is checked before the catalog opens
    with Catalog(catalog) as cat:
        cat.upsert_knowledge(nodes)  # one statement: all or nothing, and idempotent
    points = [n for n in nodes if n.level == "point"]
    unmapped = [n for n in points if not n.mapped]
    out.print(f"imported {len(nodes)} nodes from {file} ({len(points)} knowledge points) → {catalog}")
    out.print(f"mapped to a generator: {len(points) - len(unmapped)}; unmapped: {len(unmapped)}")
    for n in unmapped[:20]:
        out.print(f"  unmapped: {n.id}")
    if len(unmapped) > 20:
        out.print(f"  … and {len(unmapped) - 20} more (flywheel query \"SELECT id FROM knowledge WHERE NOT mapped\")")


@knowledge_app.command("list")
def list_cmd(
    catalog: CatalogOpt = DEFAULT_CATALOG,
    domain: Annotated[str | None, typer.Option(help="Only this domain.")] = None,
) -> None:
    """The knowledge tree with accepted samples per node."""
    user_errors(_list)(catalog, domain)


def _list(catalog: Path, domain: str | None) -> None:
    with Catalog(catalog, read_only=True) as cat:
        nodes = _nodes(cat)
        counts = _counts(cat, nodes)
    kids: dict[str | None, list[str]] = defaultdict(list)
    for nid, n in sorted(nodes.items()):
        if domain is None or n["domain"] == domain:
            kids[n["taxonomy_parent"]].append(nid)
    if not kids:
        raise FlywheelError(f"no knowledge nodes{f' in domain {domain!r}' if domain else ''} in {catalog}")
    tree = Tree(f"knowledge ({catalog})")

    def add(branch: Tree, nid: str) -> None:
        n = nodes[nid]
        gen = f" [dim]→ {n['generator']}[/dim]" if n["generator"] else (" [red](unmapped)[/red]" if n["mapped"] is False else "")
        sub = branch.add(f"{n['name']} [cyan]{counts.get(nid, 0)}[/cyan]{gen}")
        for kid in kids.get(nid, []):
            add(sub, kid)

    for root in kids[None]:
        add(tree, root)
    out.print(tree)


@knowledge_app.command("show")
def show_cmd(node_id: Annotated[str, typer.Argument(help="Knowledge node id.")], catalog: CatalogOpt = DEFAULT_CATALOG) -> None:
    """One node: its fields, children, generator and accepted samples."""
    user_errors(_show)(node_id, catalog)


def _show(node_id: str, catalog: Path) -> None:
    with Catalog(catalog, read_only=True) as cat:
        nodes = _nodes(cat)
        if node_id not in nodes:
            raise FlywheelError(f"no knowledge node {node_id!r} in {catalog}")
        counts = _counts(cat, nodes)
        desc = cat.con.execute("SELECT description FROM knowledge WHERE id = ?", [node_id]).fetchone()[0]
    n = nodes[node_id]
    t = Table("field", "value", show_header=False)
    for k in ("id", "name", "domain", "level", "generator", "mapped", "taxonomy_parent"):
        t.add_row(k, str(n[k]))
    t.add_row("description", desc or "")
    t.add_row("accepted samples", str(counts.get(node_id, 0)))
    t.add_row("children", ", ".join(k for k, v in nodes.items() if v["taxonomy_parent"] == node_id) or "—")
    out.print(t)


@knowledge_app.command("coverage")
def coverage_cmd(
    catalog: CatalogOpt = DEFAULT_CATALOG,
    out_png: Annotated[Path, typer.Option("--out", help="PNG bar chart to write.")] = Path("coverage.png"),
) -> None:
    """Accepted samples per domain and per knowledge point: a table and a PNG bar chart."""
    user_errors(_coverage)(catalog, out_png)


def _coverage(catalog: Path, out_png: Path) -> None:
    with Catalog(catalog, read_only=True) as cat:
        nodes = _nodes(cat)
        counts = _counts(cat, nodes)
    points = {k: v for k, v in nodes.items() if v["level"] == "point"}
    by_domain: dict[str, list[int]] = defaultdict(lambda: [0, 0, 0])
    for nid, n in points.items():
        row = by_domain[n["domain"]]
        row[0] += 1
        row[1] += counts.get(nid, 0) > 0
        row[2] += counts.get(nid, 0)
    t = Table("domain", "points", "points with samples", "accepted samples")
    for d, (p, covered, s) in sorted(by_domain.items()):
        t.add_row(d, str(p), str(covered), str(s))
    out.print(t)
    _chart(by_domain, {points[k]["name"]: counts.get(k, 0) for k in points}, out_png)
    out.print(f"chart → {out_png}")


def _chart(by_domain: dict[str, list[int]], per_point: dict[str, int], path: Path) -> None:
    from matplotlib.backends.backend_agg import FigureCanvasAgg
    from matplotlib.figure import Figure

    top = sorted(per_point.items(), key=lambda kv: (-kv[1], kv[0]))[:40]
    fig = Figure(figsize=(11, 4 + 0.22 * len(top)), dpi=100, layout="constrained")
    FigureCanvasAgg(fig)
    ax1, ax2 = fig.subplots(1, 2, width_ratios=[1, 2])
    domains = sorted(by_domain)
    ax1.barh(domains, [by_domain[d][2] for d in domains], color="#4c72b0")
    ax1.set_title("accepted samples per domain")
    ax1.invert_yaxis()
    ax2.barh([k for k, _ in top], [v for _, v in top], color="#55a868")
    ax2.set_title(f"accepted samples per knowledge point (top {len(top)})")
    ax2.invert_yaxis()
    ax2.tick_params(axis="y", labelsize=8)
    path.parent.mkdir(parents=True, exist_ok=True)
    fig.savefig(path)
