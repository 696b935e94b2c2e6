"""`flywheel doctor`: check a catalog and its images; `--repair` fixes what can be fixed."""

from __future__ import annotations

from typing import Annotated

import typer

from flywheel.cli.console import DEFAULT_CATALOG, CatalogOpt, out, user_errors
from flywheel.core.errors import FlywheelError


@user_errors
def doctor(
    catalog: CatalogOpt = DEFAULT_CATALOG,
    repair: Annotated[bool, typer.Option("--repair", help=(
        "Fix what can be fixed: delete rows that point nowhere, remove *.tmp debris and PNGs no sample references, and re-render missing or damaged "
        "images from their stored code in the sandbox (kept only if they hash to the recorded name)."))] = False,
) -> None:
    """Check the catalog file, its schema, runs, rows and every image; exit 1 while a problem remains."""
    from flywheel.catalog import Catalog
    from flywheel.catalog.doctor import examine
    from flywheel.run.rerender import rerender

    with Catalog(catalog, read_only=not repair) as cat:
        rep = examine(cat, repair=repair, rerender=rerender)
        after = examine(cat) if repair and rep.findings else rep
    for f in rep.findings:
        out.print(f"{f.check}: {f.detail}")
    for line in rep.repaired:
        out.print(f"repaired: {line}")
    if after.healthy:
        out.print(f"{catalog}: healthy ({after.images_checked} images checked)")
        return
    fixable = not repair and any(f.repairable for f in after.findings)
    hint = "; `flywheel doctor --repair` fixes the repairable ones" if fixable else ""
    raise FlywheelError(f"{catalog}: {len(after.findings)} problem(s) remain{hint}")
