"""`flywheel knowledge import|list|show|coverage`: the knowledge system as the user sees it."""

from __future__ import annotations

import re
import warnings
from collections import Counter, defaultdict
from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING, Annotated

import typer
from rich.text import Text
from rich.tree import Tree

from flywheel.cli.console import DEFAULT_CATALOG, CatalogOpt, Group, out, table, user_errors
from flywheel.core.errors import FlywheelError

if TYPE_CHECKING:
    from flywheel.catalog import Catalog
    from flywheel.core.records import KnowledgeNode

knowledge_app = typer.Typer(cls=Group, help="Knowledge taxonomies: import, browse, coverage.", no_args_is_help=True)

_COMPARED = ("domain", "name", "description", "prerequisites", "generator", "params",
             "taxonomy_parent", "level", "mapped", "source")
UNMAPPED_SHOWN = 20


# -- import -------------------------------------------------------------------------------------
@knowledge_app.command("import")
@user_errors
def import_(
    file: Annotated[Path, typer.Argument(help="Taxonomy tree, YAML or JSON: domain → area → topic → knowledge point.")],
    catalog: CatalogOpt = DEFAULT_CATALOG,
    rules: Annotated[Path | None, typer.Option(help="Your keyword/id → generator rules (YAML/JSON), tried before the built-in ones.")] = None,
    children_key: Annotated[list[str] | None, typer.Option(
        "--children-key", metavar="<key>", help="Key holding a node's children (repeat for several, e.g. children and knowledgepoints). "
                               "Default: autodetect children, principles, areas, topics, points, knowledgepoints, "
                               "subtopics, or a node's one list of mappings.")] = None,
    name_key: Annotated[list[str] | None, typer.Option(
        "--name-key", metavar="<key>", help="Key holding a node's name (repeat to give fallbacks in order). "
                           "Default: the first non-empty of name, name_en, title, label, name_cn.")] = None,
) -> None:
    """Import a taxonomy into the catalog, keeping its hierarchy, and report which points map to a generator.

    Reads nested trees as published, e.g. We-Math 2.0's knowledge tree JSON (chapters, name_en,
    knowledgepoints, principles). Points map by the rule table on their name, then on their parent's.
    """
    from flywheel.catalog import Catalog
    from flywheel.knowledge.mapping import Rules
    from flywheel.knowledge.taxonomy import TreeKeys, load_taxonomy

    # everything is checked before the catalog is opened
    tax = load_taxonomy(file, Rules(rules), TreeKeys.of(children_key, name_key))
    with Catalog(catalog) as cat:
        new, changed, same = _upsert(cat, tax.nodes)
    levels = tax.levels()
    shape = ", ".join(f"{levels[k]} {k}{'s' if levels[k] != 1 else ''}" for k in ("domain", "area", "topic", "point") if levels[k])
    unnamed = sum(n.name.startswith("(unnamed ") for n in tax.nodes)
    out.print(f"imported {len(tax.nodes)} nodes ({shape}{f'; {unnamed} unnamed groups kept' if unnamed else ''}) "
              f"from {file} → {catalog}: {new} new, {changed} updated, {same} unchanged")
    points, unmapped = tax.points, tax.unmapped
    share = f" ({(len(points) - len(unmapped)) / len(points):.1%})" if points else ""
    out.print(f"knowledge points: {len(points)}; mapped to a generator: {len(points) - len(unmapped)}{share} "
              f"({len(tax.explicit)} explicit, {len(tax.by_rule)} by rule); unmapped: {len(unmapped)}")
    per_gen = Counter(n.generator for n in points if n.mapped)
    if per_gen:
        out.print("by generator: " + ", ".join(f"{g} {c}" for g, c in sorted(per_gen.items())))
    if unmapped:
        shown = unmapped[:UNMAPPED_SHOWN]
        out.print(f"unmapped points (kept in the catalog with mapped = false){':' if len(unmapped) <= UNMAPPED_SHOWN else f', first {len(shown)}:'}")
        for n in shown:
            out.print(Text.assemble(f"  - {n.name}  ", (n.id, "dim")))
        if len(unmapped) > len(shown):
            out.print(f"  … and {len(unmapped) - len(shown)} more: flywheel query "
                      "\"SELECT id, name FROM knowledge WHERE level = 'point' AND NOT mapped\"")
        out.print("map them with `generator:` in the file or a rules file (--rules), then import again")


def _upsert(cat: Catalog, nodes: list[KnowledgeNode]) -> tuple[int, int, int]:
    """Write the nodes that are new or differ, in one transaction; (new, updated, unchanged)."""
    import json

    from flywheel.catalog.knowledge import knowledge_columns, write_knowledge

    before = knowledge_columns(cat, _COMPARED)

    def row(n: KnowledgeNode) -> tuple:
        return tuple(json.loads(json.dumps(n.params)) if c == "params" else getattr(n, c) for c in _COMPARED)

    def stored(values: tuple) -> tuple:
        return tuple(json.loads(v) if c == "params" and isinstance(v, str) else
                     (list(v) if c == "prerequisites" and v is not None else v)
                     for c, v in zip(_COMPARED, values, strict=True))

    todo = [n for n in nodes if n.id not in before or stored(before[n.id]) != row(n)]
    new = sum(n.id not in before for n in todo)
    write_knowledge(cat, todo)
    return new, len(todo) - new, len(nodes) - len(todo)


# -- reading the tree back ------------------------------------------------------------------------
@dataclass
class _Tree:
    nodes: dict[str, dict]
    kids: dict[str | None, list[str]] = field(default_factory=lambda: defaultdict(list))
    accepted: Counter = field(default_factory=Counter)  # accepted samples at or below each node
    samples: Counter = field(default_factory=Counter)  # all samples at or below each node
    points: Counter = field(default_factory=Counter)  # knowledge points at or below each node
    mapped: Counter = field(default_factory=Counter)  # mapped points at or below each node

    def up(self, nid: str | None):
        """The node and its ancestors (cycle-safe: ids from different imports could loop)."""
        seen = set()
        while nid is not None and nid in self.nodes and nid not in seen:
            seen.add(nid)
            yield nid
            nid = self.nodes[nid]["taxonomy_parent"]

    def path(self, nid: str) -> list[str]:
        return list(self.up(nid))[::-1]


def _natural(text: str) -> list:
    return [int(t) if t.isdigit() else t for t in re.split(r"(\d+)", text.lower())]


def _load(catalog: Path) -> _Tree:
    from flywheel.catalog import Catalog
    from flywheel.catalog.knowledge import knowledge_tree_rows, samples_per_knowledge
    with Catalog(catalog, read_only=True) as cat:
        nodes = knowledge_tree_rows(cat)
        per_node = samples_per_knowledge(cat)
    if not nodes:
        raise FlywheelError(f"no knowledge nodes in {catalog} (add some with `flywheel knowledge import FILE --catalog {catalog}`)")
    t = _Tree(nodes)
    for nid, n in nodes.items():
        parent = n["taxonomy_parent"] if n["taxonomy_parent"] in nodes and n["taxonomy_parent"] != nid else None
        n["taxonomy_parent"] = parent
        n["description"] = n["description"] or ""
        t.kids[parent].append(nid)
    for ks in t.kids.values():
        ks.sort(key=lambda k: _natural(nodes[k]["name"] or k))
    for kid, acc, total in per_node:
        for a in t.up(kid):
            t.accepted[a] += acc
            t.samples[a] += total
    for nid, n in nodes.items():
        if n["level"] == "point":
            for a in t.up(nid):
                t.points[a] += 1
                t.mapped[a] += bool(n["generator"])
    return t


def _label(t: _Tree, nid: str) -> Text:
    n = t.nodes[nid]
    label = Text.assemble(f"{n['name'] or nid}  ", (f"{t.accepted[nid]} accepted", "cyan"), " ")
    if n["level"] != "point":
        return label.append(f"({t.mapped[nid]}/{t.points[nid]} points mapped)", "dim")
    if n["generator"]:
        return label.append(f"→ {n['generator']}", "dim")
    return label.append(*(("(unmapped)", "red") if n["mapped"] is False else ("(no generator)", "dim")))


# -- list -----------------------------------------------------------------------------------------
@knowledge_app.command("list")
@user_errors
def list_(
    catalog: CatalogOpt = DEFAULT_CATALOG,
    domain: Annotated[str | None, typer.Option(help="Only this domain (its id or its name).")] = None,
    depth: Annotated[int | None, typer.Option(help="Show this many levels (1 = domains only).", min=1)] = None,
) -> None:
    """The knowledge tree with accepted samples per node (summed up the tree)."""
    t = _load(catalog)
    roots = t.kids[None]
    if domain is not None:
        want = domain.strip().lower()
        roots = [r for r in roots if want in {(t.nodes[r]["domain"] or "").lower(), (t.nodes[r]["name"] or "").lower()}]
        if not roots:
            known = sorted({n["domain"] for n in t.nodes.values() if n["domain"]})
            raise FlywheelError(f"no domain {domain!r} in {catalog} (domains: {', '.join(known)})")
    tree = Tree(Text.assemble(("knowledge", "bold"), f" in {catalog} ", ("(accepted samples per node)", "dim")))

    def add(branch: Tree, nid: str, level: int) -> None:
        sub = branch.add(_label(t, nid))
        if depth is None or level < depth:
            for kid in t.kids.get(nid, []):
                add(sub, kid, level + 1)

    # Roots are a taxonomy's domains; flat seed nodes (no parent) are grouped by their domain.
    flat: dict[str, list[str]] = defaultdict(list)
    for r in roots:
        if t.nodes[r]["level"] == "domain":
            add(tree, r, 1)
        else:
            flat[t.nodes[r]["domain"] or "?"].append(r)
    for dom, ids in sorted(flat.items()):
        acc = sum(t.accepted[i] for i in ids)
        branch = tree.add(Text.assemble(f"{dom}  ", (f"{acc} accepted", "cyan"), " ", (f"(seed nodes: {len(ids)})", "dim")))
        if depth is None or depth > 1:
            for nid in ids:
                add(branch, nid, 2)
    out.print(tree, crop=False)  # piped output is not cut at 80 columns (console.PIPED_WIDTH)


# -- show -----------------------------------------------------------------------------------------
@knowledge_app.command("show")
@user_errors
def show(
    node_id: Annotated[str, typer.Argument(help="Knowledge node id (see `flywheel knowledge list` or the knowledge table).")],
    catalog: CatalogOpt = DEFAULT_CATALOG,
) -> None:
    """One node: its fields, place in the tree, children, generator and samples."""
    t = _load(catalog)
    if node_id not in t.nodes:
        close = sorted((k for k in t.nodes if node_id.lower() in k.lower()), key=lambda k: (len(k), k))[:5]
        hint = f"; did you mean {', '.join(close)}?" if close else ""
        raise FlywheelError(f"no knowledge node {node_id!r} in {catalog}{hint}")
    n = t.nodes[node_id]
    tab = table("field", "value", show_header=False)
    tab.add_row("id", node_id)
    tab.add_row("name", n["name"] or "")
    tab.add_row("level", n["level"] or "")
    tab.add_row("domain", n["domain"] or "")
    tab.add_row("path", " › ".join(t.nodes[a]["name"] or a for a in t.path(node_id)))
    tab.add_row("parent", n["taxonomy_parent"] or "—")
    if n["level"] == "point":
        gen = n["generator"] or (Text("unmapped", "red") if n["mapped"] is False else "—")
        tab.add_row("generator", gen)
    else:
        tab.add_row("points below", f"{t.points[node_id]} ({t.mapped[node_id]} mapped to a generator)")
    tab.add_row("source", n["source"] or "—")
    tab.add_row("description", n["description"])
    tab.add_row("samples", f"{t.accepted[node_id]} accepted of {t.samples[node_id]}"
                + (" (this node and below)" if t.kids.get(node_id) else ""))
    kids = t.kids.get(node_id, [])
    tab.add_row("children", Text("\n").join(Text.assemble(f"{t.nodes[k]['name'] or k} ", (k, "dim"), "  ",
                                                           (f"{t.accepted[k]} accepted", "cyan")) for k in kids) or "—")
    out.print(tab)


# -- coverage -------------------------------------------------------------------------------------
@knowledge_app.command("coverage")
@user_errors
def coverage(
    catalog: CatalogOpt = DEFAULT_CATALOG,
    out_png: Annotated[Path, typer.Option("--out", "-o", help="PNG bar chart to write.")] = Path("coverage.png"),
    top: Annotated[int, typer.Option(help="Knowledge points in the per-node table and chart.", min=1)] = 40,
) -> None:
    """Accepted samples per domain and per knowledge point: tables and a PNG bar chart."""
    if out_png.is_dir():
        raise FlywheelError(f"--out {out_png} is a directory; give a file such as {out_png / 'coverage.png'}")
    t = _load(catalog)
    points = [k for k, n in t.nodes.items() if n["level"] == "point"]
    if not points:
        raise FlywheelError(f"no knowledge points in {catalog}")
    by_domain: dict[str, list[int]] = defaultdict(lambda: [0, 0, 0, 0])  # points, mapped, with samples, accepted
    for k in points:
        row = by_domain[t.nodes[k]["domain"] or "?"]
        row[0] += 1
        row[1] += bool(t.nodes[k]["generator"])
        row[2] += t.accepted[k] > 0
        row[3] += t.accepted[k]
    dt = table("domain", "points", "mapped", "with samples", "accepted samples", title="per domain")
    for d, (p, m, covered, s) in sorted(by_domain.items(), key=lambda kv: _natural(kv[0])):
        dt.add_row(d, str(p), str(m), str(covered), str(s))
    if len(by_domain) > 1:
        tot = [sum(r[i] for r in by_domain.values()) for i in range(4)]
        dt.add_row(*(Text(str(v), "bold") for v in ("total", *tot)))
    out.print(dt)

    ranked = sorted(points, key=lambda k: (-t.accepted[k], not t.nodes[k]["generator"], _natural(k)))
    shown = ranked[:top]
    nt = table("knowledge point", "id", "generator", "accepted", title=f"per knowledge point (top {len(shown)} of {len(points)})")
    for k in shown:
        n = t.nodes[k]
        nt.add_row(n["name"] or k, Text(k, "dim"), n["generator"] or Text("unmapped", "red"), str(t.accepted[k]))
    out.print(nt)
    rest = ranked[top:]
    if rest:
        out.print(f"… {len(rest)} more points, {sum(t.accepted[k] == 0 for k in rest)} of them without samples")

    names = {n["domain"]: n["name"] for n in t.nodes.values() if n["level"] == "domain" and n["name"]}
    _chart({names.get(d, d): r[3] for d, r in by_domain.items()}, [(_point_label(t, k), t.accepted[k], bool(t.nodes[k]["generator"])) for k in shown],
           out_png, f"{catalog.name}: {sum(r[3] for r in by_domain.values())} accepted samples over {len(points)} knowledge points")
    out.print(f"chart → {out_png}")


def _short(text: str, n: int = 44) -> str:
    return text if len(text) <= n else text[: n - 1] + "…"


def _point_label(t: _Tree, nid: str) -> str:
    n = t.nodes[nid]
    parent = n["taxonomy_parent"]
    ctx = t.nodes[parent]["name"] if parent else n["domain"]
    return f"{_short(n['name'] or nid, 38)} · {_short(ctx or '', 22)}"


def _chart(per_domain: dict[str, int], per_point: list[tuple[str, int, bool]], path: Path, title: str) -> None:
    """Two horizontal bar panels; unmapped points get grey labels (no generator can fill them yet)."""
    from matplotlib.backends.backend_agg import FigureCanvasAgg
    from matplotlib.figure import Figure
    from matplotlib.ticker import MaxNLocator

    domains = sorted(per_domain, key=_natural)
    rows = max(len(domains), len(per_point))
    fig = Figure(figsize=(15, max(5.0, 1.6 + 0.27 * rows)), dpi=100, layout="constrained")
    FigureCanvasAgg(fig)
    fig.suptitle(title, fontsize=12)
    ax1, ax2 = fig.subplots(1, 2, width_ratios=[1, 1.7])
    panels = ((ax1, [_short(d, 30) for d in domains], [per_domain[d] for d in domains], [True] * len(domains),
               "#4c72b0", "per domain"),
              (ax2, [p[0] for p in per_point], [p[1] for p in per_point], [p[2] for p in per_point], "#55a868",
               f"per knowledge point (top {len(per_point)})"))
    for ax, labels, values, mapped, color, name in panels:
        ys = range(len(labels))
        bars = ax.barh(ys, values, color=color, height=0.7)
        ax.set_yticks(list(ys), labels, fontsize=9 if len(labels) <= 25 else 8)
        ax.invert_yaxis()
        ax.set_title(f"accepted samples {name}" + ("" if all(mapped) else " · grey: no generator"), fontsize=11)
        ax.set_xlabel("accepted samples")
        ax.xaxis.set_major_locator(MaxNLocator(integer=True))
        ax.set_xlim(0, max([*values, 1]) * 1.12)
        ax.bar_label(bars, fontsize=8, padding=2)
        ax.grid(axis="x", alpha=0.3)
        ax.set_axisbelow(True)
        for tick, ok in zip(ax.get_yticklabels(), mapped, strict=True):
            if not ok:
                tick.set_color("#999999")
        if not any(values):
            ax.text(0.5, 0.5, "no accepted samples yet", transform=ax.transAxes, ha="center", va="center", color="#777777")
    path.parent.mkdir(parents=True, exist_ok=True)
    with warnings.catch_warnings():  # names in scripts the default font lacks (CJK) draw as boxes, not noise
        warnings.filterwarnings("ignore", message="Glyph .* missing from")
        fig.savefig(path, format="png")
