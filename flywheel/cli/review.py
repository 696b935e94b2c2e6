"""`flywheel report` (the static site) and `flywheel review import|stats` (human verdicts)."""

from __future__ import annotations

from pathlib import Path
from typing import Annotated

import typer

from flywheel.cli.console import (
    DEFAULT_CATALOG,
    CatalogOpt,
    Group,
    out,
    progress,
    table,
    user_errors,
)

review_app = typer.Typer(cls=Group, help="Human review: import decisions made in the report site, measure agreement.",
                         no_args_is_help=True)


@user_errors
def report(
    out_dir: Annotated[Path, typer.Option("--out", "-o", help="Directory for the site (created; a rebuild into it "
                                                              "keeps its thumbnails). Open its index.html in a browser.")],
    catalog: CatalogOpt = DEFAULT_CATALOG,
    where: Annotated[str | None, typer.Option(help="SQL filter on samples, e.g. \"domain = 'plane_geometry'\" "
                                                   "(default: every sample).")] = None,
    max_per_page: Annotated[int, typer.Option(help="Cards per gallery page.", min=1, max=1000)] = 60,
    workers: Annotated[int | None, typer.Option(help="Processes making thumbnails (default: one per core).", min=1)] = None,
) -> None:
    """Write a static site over the catalog that opens from disk: overview charts, galleries with filters and search,
    rejected samples with their reasons, one page per sample with its lineage, and a review widget whose decisions
    download as decisions.json for `flywheel review import`."""
    from flywheel.catalog import Catalog
    from flywheel.report.site import build_report, check_out

    check_out(out_dir)
    with Catalog(catalog, read_only=True) as cat, progress("report") as bar:
        res = build_report(cat, out_dir, where, max_per_page, workers,
                           lambda phase, done, total: bar.update(done, total, phase))
    missing = f"; {res.missing_images} images missing from the catalog (`flywheel doctor`)" if res.missing_images else ""
    out.print(f"report of {res.samples} samples ({res.images} images, {res.thumbnails_made} new thumbnails) "
              f"in {res.seconds:.1f}s{missing}")
    out.print(str(res.index.resolve()))


@review_app.command("import")
@user_errors
def import_(
    file: Annotated[Path, typer.Argument(help="decisions.json downloaded from a report page.")],
    reviewer: Annotated[str, typer.Option(help="Who made the decisions; stored with each (a reviewer's later import "
                                               "of the same sample replaces the earlier decision).")],
    catalog: CatalogOpt = DEFAULT_CATALOG,
) -> None:
    """Store a reviewer's accept / reject / flag decisions as human verdicts beside the machine ones.

    Exports and training then leave out samples whose latest human decision is reject
    (`flywheel export --include-human-rejected` keeps them); the next report shows the reject notes."""
    from flywheel.catalog import Catalog
    from flywheel.report.review import import_decisions, read_decisions

    decisions = read_decisions(file)  # the whole file is checked before the catalog is opened
    if not decisions:
        out.print(f"{file}: no decisions; nothing to do")
        return
    with Catalog(catalog) as cat:
        res = import_decisions(cat, decisions, reviewer)
    counts = ", ".join(f"{n} {k}" for k, n in res.by_decision.items() if n)
    again = f" ({res.replaced} replaced earlier decisions of {reviewer})" if res.replaced else ""
    out.print(f"stored {res.stored} human verdicts by {reviewer}: {counts}{again} → {catalog}")


@review_app.command("stats")
@user_errors
def stats(catalog: CatalogOpt = DEFAULT_CATALOG) -> None:
    """How often human decisions agree with the machine verdicts (accepted by every verifier or not)."""
    from flywheel.catalog import Catalog
    from flywheel.report.review import agreement

    with Catalog(catalog, read_only=True) as cat:
        a = agreement(cat)
    if not a.rows:
        out.print(f"{catalog}: no human verdicts yet (`flywheel review import decisions.json --reviewer NAME`)")
        return
    t = table("reviewer", "human", "machine accepted", "machine rejected", title="human vs machine verdicts",
              title_justify="left")
    for r in a.reviewers:
        for d in ("accept", "reject", "flag"):
            if a.count(d, True, r) or a.count(d, False, r):
                t.add_row(r, d, str(a.count(d, True, r)), str(a.count(d, False, r)))
    out.print(t)
    kappa = "–" if a.kappa is None else f"{a.kappa:.2f}"
    rate = "–" if a.rate is None else f"{a.rate:.1%}"
    out.print(f"agreement: {a.agreed}/{a.decided} accept/reject decisions ({rate}), Cohen's kappa {kappa}; "
              f"{a.count('reject', True)} machine-accepted samples rejected by a human, "
              f"{a.count('accept', False)} machine-rejected samples accepted by a human")
