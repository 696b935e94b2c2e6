"""`flywheel doctor`: check a catalog and its image store, and repair what can be repaired.

Checks, each a list of findings:
- the DuckDB file itself: every table is read in full, so a damaged block shows as DuckDB's checksum
  error here rather than half-way through an export;
- the schema: every migration applied;
- rows that point nowhere: verdicts without their sample, lineage edges without their child, and
  evolved samples whose lineage edge is missing;
- the image store: every PNG a sample references is present and hashes to its name; PNGs no sample
  references and `*.tmp` debris from killed writes.

Runs left `running` by a killed process need no doctor: the next process that opens the catalog
for writing marks them interrupted (Catalog). Repair deletes orphan rows and debris, and writes back missing or
damaged images that a `rerender` callback rebuilds from the sample's stored code: an image is only
written when the rebuilt bytes hash to the name the catalog records, so a repair can never store a
different figure under an old name.
"""

from __future__ import annotations

import hashlib
from collections.abc import Callable
from dataclasses import dataclass, field

from flywheel.catalog.images import StoreError
from flywheel.catalog.schema import MIGRATIONS, applied_migrations
from flywheel.catalog.store import Catalog

# A sample row as the rerender callback gets it; it returns {sha256: PNG bytes} of what it rebuilt.
Rerender = Callable[[dict], dict[str, bytes]]
IMAGE_COLUMNS = ("image", "edited_image", "overlay")


@dataclass(frozen=True)
class Finding:
    check: str  # integrity | schema | runs | rows | images
    detail: str
    repairable: bool


@dataclass
class Report:
    findings: list[Finding] = field(default_factory=list)
    repaired: list[str] = field(default_factory=list)
    images_checked: int = 0

    @property
    def healthy(self) -> bool:
        return not self.findings

    def add(self, check: str, detail: str, repairable: bool = True) -> None:
        self.findings.append(Finding(check, detail, repairable))


def examine(cat: Catalog, repair: bool = False, rerender: Rerender | None = None,
            on_progress: Callable[[int, int], None] | None = None) -> Report:
    """Run every check; with `repair` (and a writable catalog) fix what can be fixed."""
    rep = Report()
    if not _integrity(cat, rep):
        return rep  # nothing else can be trusted on a file whose blocks do not read back
    _schema(cat, rep)
    _rows(cat, rep, repair)
    _images(cat, rep, repair, rerender, on_progress)
    return rep


def _integrity(cat: Catalog, rep: Report) -> bool:
    if not cat.has_table("samples"):
        rep.add("integrity", f"{cat.path} has no samples table: not a flywheel catalog", repairable=False)
        return False
    for table, error in cat.unreadable_tables():
        rep.add("integrity", f"table {table} does not read back: {error}", repairable=False)
    return not rep.findings


def _schema(cat: Catalog, rep: Report) -> None:
    if not cat.has_table("schema_migrations"):
        rep.add("schema", "catalog written by an older flywheel (numbered schema); doctor --repair upgrades it")
        return
    missing = [m.name for m in MIGRATIONS if m.name not in applied_migrations(cat.con)]
    if missing:
        # Opening the catalog for writing applies them (Catalog.__init__ migrates).
        rep.add("schema", f"schema migrations not applied: {', '.join(missing)} (doctor --repair applies them)")


ORPHANS = {
    "verdicts without their sample": (
        "SELECT count(*) FROM verdicts v WHERE NOT EXISTS (SELECT 1 FROM samples s WHERE s.id = v.sample_id)",
        "DELETE FROM verdicts v WHERE NOT EXISTS (SELECT 1 FROM samples s WHERE s.id = v.sample_id)"),
    "lineage edges without their child sample": (
        "SELECT count(*) FROM lineage l WHERE NOT EXISTS (SELECT 1 FROM samples s WHERE s.id = l.child_id)",
        "DELETE FROM lineage l WHERE NOT EXISTS (SELECT 1 FROM samples s WHERE s.id = l.child_id)"),
}
MISSING_EDGES = ("SELECT count(*) FROM samples s WHERE coalesce(s.parent_id, '') <> '' "
                 "AND NOT EXISTS (SELECT 1 FROM lineage l WHERE l.child_id = s.id)")


def _rows(cat: Catalog, rep: Report, repair: bool) -> None:
    for what, (count_sql, delete_sql) in ORPHANS.items():
        (n,) = cat.con.execute(count_sql).fetchone()
        if n:
            rep.add("rows", f"{n} {what}")
            if repair and not cat.read_only:
                cat.con.execute(delete_sql)
                rep.repaired.append(f"deleted {n} {what}")
    (n,) = cat.con.execute(MISSING_EDGES).fetchone()
    if n:
        # The edge's relation (extend, repair …) is not recorded anywhere else: report, never invent it.
        rep.add("rows", f"{n} evolved sample(s) without their lineage edge", repairable=False)


def _images(cat: Catalog, rep: Report, repair: bool, rerender: Rerender | None,
            on_progress: Callable[[int, int], None] | None) -> None:
    cols = ", ".join(IMAGE_COLUMNS)
    rows = cat.con.execute(f"SELECT id, kind, image_code, tool_code, {cols} FROM samples").fetchall()
    names = ["id", "kind", "image_code", "tool_code", *IMAGE_COLUMNS]
    samples = [dict(zip(names, r, strict=True)) for r in rows]
    wanted: dict[str, str] = {}  # sha -> first sample id that references it
    for s in samples:
        for c in IMAGE_COLUMNS:
            if s[c]:
                wanted.setdefault(s[c], s["id"])
    store = cat.images
    present, bad, tmp = set(), set(), []
    files = list(store.names())
    for i, name in enumerate(files):
        if name.endswith(".tmp"):
            tmp.append(store.root / name[:2] / name)  # only a local store's writes leave these
        elif name.endswith(".png"):
            digest = name.removesuffix(".png")
            present.add(digest)
            try:
                store.get(digest)
            except StoreError:
                bad.add(digest)
        if on_progress and i % 200 == 0:
            on_progress(i, len(files))
    rep.images_checked = len(present)
    missing = set(wanted) - present
    damaged = bad & set(wanted)
    unreferenced = present - set(wanted)
    if missing:
        rep.add("images", f"{len(missing)} referenced image(s) missing, e.g. sample {wanted[min(missing)]} "
                          f"({store.path(min(missing))})")
    if damaged:
        rep.add("images", f"{len(damaged)} image(s) do not match their hash, e.g. sample {wanted[min(damaged)]} "
                          f"({store.path(min(damaged))})")
    if unreferenced:
        rep.add("images", f"{len(unreferenced)} PNG(s) no sample references")
    if tmp:
        rep.add("images", f"{len(tmp)} *.tmp file(s) left by interrupted writes")
    if not repair:
        return
    for f in tmp:
        f.unlink(missing_ok=True)
    for sha in unreferenced:
        store.remove(sha)
    if tmp or unreferenced:
        rep.repaired.append(f"removed {len(tmp)} *.tmp and {len(unreferenced)} unreferenced PNG(s)")
    todo = missing | damaged
    if todo and rerender is None:
        return
    fixed = 0
    for s in samples:
        need = {s[c] for c in IMAGE_COLUMNS if s[c] in todo}
        if not need:
            continue
        for sha, png in rerender(s).items():
            if sha in need and hashlib.sha256(png).hexdigest() == sha:
                store.remove(sha)  # a damaged file: put() keeps existing files
                store.put(png, sha)
                todo.discard(sha)
                fixed += 1
    if fixed:
        rep.repaired.append(f"re-rendered {fixed} image(s) from their stored code")
    if todo:
        rep.add("images", f"{len(todo)} image(s) could not be rebuilt to their recorded hash", repairable=False)

