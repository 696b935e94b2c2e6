"""Reads of accepted samples for exports and training, and the judge's verdict write.

`where` arguments are the user's SQL filter over `samples` (`--where`); each read checks it
(one read-only statement that parses) before returning, so a bad filter is a one-line error
before any file is written or any work is done. Exports and training leave out samples a human
rejected (`catalog/review.py`) unless the catalog was opened with `include_human_rejected`.
"""

from __future__ import annotations

from collections.abc import Iterator, Sequence
from typing import TYPE_CHECKING

from flywheel.catalog.review import human_rejected_filter
from flywheel.core.records import Verdict

if TYPE_CHECKING:
    from flywheel.catalog.store import Catalog


def _and(where: str | None) -> str:
    return f"AND ({where})" if where else ""


def _kept(cat: Catalog, where: str | None) -> str:
    """The user's filter and, unless asked to keep them, the exclusion of human-rejected samples."""
    return f"{_and(where)} {human_rejected_filter(cat)}"


def _rows_by_id(cat: Catalog, cols: str, cond: str, batch: int) -> Iterator[tuple]:
    """`SELECT cols FROM samples WHERE cond ORDER BY id`, in memory bounded by `batch` rows: only the
    ids are sorted (a few dozen bytes a row), then each batch of ids fetches its full rows (KBs of
    code and CoT each), where sorting whole rows would hold the entire result at once."""
    cat.query(f"SELECT {cols} FROM samples WHERE {cond} LIMIT 0")  # a bad filter fails before any file
    ids = [r[0] for r in cat.con.execute(f"SELECT id FROM samples WHERE {cond} ORDER BY id").fetchall()]

    def rows() -> Iterator[tuple]:
        for i in range(0, len(ids), batch):
            chunk = ids[i: i + batch]
            yield from cat.con.execute(f"SELECT {cols} FROM samples WHERE id >= ? AND id <= ? AND {cond} "
                                       "ORDER BY id", [chunk[0], chunk[-1]]).fetchall()

    return rows()


# -- exports --------------------------------------------------------------------------------------
def interaction_export_rows(cat: Catalog, where: str | None = None) -> Iterator[tuple]:
    """Accepted interaction samples matching `where`, by id: (id, question, image sha, image_code,
    edited_image sha, tool_code, cot, answer, knowledge_id, domain, generator, difficulty, difficulty_score, version)."""
    return _rows_by_id(cat, "id, question, image, image_code, edited_image, tool_code, cot, answer, knowledge_id, "
                            "domain, generator, difficulty, difficulty_score, version",
                       f"accepted AND kind = 'interaction' {_kept(cat, where)}", 256)


def perception_export_rows(cat: Catalog, where: str | None = None) -> Iterator[tuple]:
    """Accepted perception samples matching `where`, by id: (id, image sha, question, answer,
    image_code, elements JSON)."""
    return _rows_by_id(cat, "id, image, question, answer, image_code, elements",
                       f"accepted AND kind = 'perception' {_kept(cat, where)}", 256)


def vtbench_rows(cat: Catalog, where: str | None = None, batch: int = 128) -> Iterator[tuple]:
    """One row per figure (image sha) with an accepted perception, instruction and interaction sample
    matching `where`, by image sha (the lowest ids where a figure has several; of an interaction
    problem's versions, text_dominant first, VTBench's reasoning questions state their data):
    (image, domain, perception question, its annotation image, instruction question, its annotation,
    interaction question, its answer, perception answer, its points JSON, instruction answer, its
    points JSON, instruction overlay sha, instruction tool code, the three sample ids, the interaction
    sample's version).

    In memory bounded by `batch` figures, like `_rows_by_id`: only the figures are sorted, then each
    batch of them is joined (every sample of a row shares its figure, so a range of figures is
    all its rows need)."""
    cond = f"accepted {_kept(cat, where)}"
    cat.query(f"SELECT id FROM samples WHERE {cond} LIMIT 0")  # a bad filter fails before any file
    images = [r[0] for r in cat.con.execute(
        f"SELECT DISTINCT image FROM samples WHERE {cond} AND kind = 'perception' ORDER BY image").fetchall()]
    sql = f"""
        WITH s AS (SELECT * FROM samples WHERE image >= ? AND image <= ? AND {cond})
        SELECT DISTINCT ON (p.image)
            p.image, p.domain, p.question, p.edited_image, i.question, i.edited_image, r.question, r.answer,
            p.answer, CAST(p.points AS VARCHAR), i.answer, CAST(i.points AS VARCHAR), i.overlay, i.tool_code,
            p.id, i.id, r.id, r.version
        FROM s p
        JOIN s i ON i.image = p.image AND i.kind = 'instruction'
        JOIN s r ON r.image = p.image AND r.kind = 'interaction'
        WHERE p.kind = 'perception'
        ORDER BY p.image, p.id, i.id, coalesce(r.version, '') NOT IN ('', 'text_dominant'), r.id
    """

    def rows() -> Iterator[tuple]:
        for i in range(0, len(images), batch):
            chunk = images[i: i + batch]
            yield from cat.con.execute(sql, [chunk[0], chunk[-1]]).fetchall()

    return rows()


# -- training -------------------------------------------------------------------------------------
def training_rows(cat: Catalog, kinds: Sequence[str], where: str | None = None) -> Iterator[tuple]:
    """Accepted samples of `kinds` matching `where`, by id, a batch at a time: (id, kind, domain,
    knowledge_id, question, answer, cot, image sha, edited_image sha, version)."""
    if not kinds or not all(k.isidentifier() for k in kinds):
        raise ValueError(f"sample kinds are names: {kinds!r}")
    listed = ", ".join(f"'{k}'" for k in kinds)
    return _rows_by_id(cat, "id, kind, domain, knowledge_id, question, answer, cot, image, edited_image, version",
                       f"accepted AND kind IN ({listed}) {_kept(cat, where)}", 256)


def sample_facets(cat: Catalog, ids: list[str]) -> dict[str, tuple[str, str]]:
    """id → (difficulty, version) for eval reports; version is '-' until the catalog has that column."""
    if not ids:
        return {}
    has_version = cat.con.execute("SELECT count(*) FROM information_schema.columns WHERE table_name = 'samples' "
                                  "AND column_name = 'version'").fetchone()[0]
    # perception and instruction samples have no version (''): reported as '-' like a catalog without the column
    version = "coalesce(nullif(CAST(version AS VARCHAR), ''), '-')" if has_version else "'-'"
    rows = cat.con.execute(f"SELECT id, coalesce(CAST(difficulty AS VARCHAR), '-'), {version} FROM samples "
                           "WHERE id IN (SELECT unnest(?))", [ids]).fetchall()
    return {r[0]: (r[1], r[2]) for r in rows}


def knowledge_lineage_pairs(cat: Catalog) -> list[tuple[str, str]]:
    """(child's knowledge id, parent's knowledge id) for every lineage edge between two stored
    samples, by `parent_id` or by the `lineage` table; distinct pairs, unordered."""
    return cat.con.execute(
        "SELECT c.knowledge_id, p.knowledge_id FROM samples c JOIN samples p ON c.parent_id = p.id "
        "UNION SELECT c.knowledge_id, p.knowledge_id FROM lineage l "
        "JOIN samples c ON l.child_id = c.id JOIN samples p ON l.parent_id = p.id"
    ).fetchall()


def sample_knowledge_ids(cat: Catalog) -> list[str]:
    """Every knowledge id that some stored sample (accepted or not) has, unordered."""
    return [r[0] for r in cat.con.execute("SELECT DISTINCT knowledge_id FROM samples").fetchall()]


def count_accepted(cat: Catalog, kind: str) -> int:
    """How many accepted samples of `kind` the catalog holds."""
    return int(cat.con.execute("SELECT count(*) FROM samples WHERE accepted AND kind = ?", [kind]).fetchone()[0])


# -- verdicts added after synthesis ------------------------------------------------------------------
def replace_verdicts(cat: Catalog, verdicts: list[Verdict], reject_failed: bool) -> int:
    """In one transaction, store `verdicts` (replacing earlier ones of the same sample and verifier)
    and, with `reject_failed`, mark the samples of failed ones not accepted; returns how many
    accepted samples that rejected (0 without `reject_failed`)."""
    rejected = 0
    cat.con.execute("BEGIN")
    try:
        cat.con.executemany("INSERT OR REPLACE INTO verdicts (sample_id, verifier, passed, score, reason) VALUES (?, ?, ?, ?, ?)",
                            [[v.sample_id, v.verifier, v.passed, v.score, v.reason] for v in verdicts])
        bad = [v.sample_id for v in verdicts if v.failed] if reject_failed else []
        if bad:
            rejected = cat.con.execute("SELECT count(*) FROM samples WHERE accepted AND list_contains(?, id)",
                                       [bad]).fetchone()[0]
            cat.con.execute("UPDATE samples SET accepted = false WHERE list_contains(?, id)", [bad])
        cat.con.execute("COMMIT")
    except BaseException:
        cat.con.execute("ROLLBACK")
        raise
    return rejected
