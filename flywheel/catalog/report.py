"""Reads of the report site (`flywheel report`): facet counts, pass rates, coverage and the rows of
every sample page, all restricted to the user's `--where` over `samples`.

Facets that only some catalogs have (a column added by a later migration) are listed in
OPTIONAL_FACETS: a catalog that has the column shows the facet, one without reads NULL for it.
"""

from __future__ import annotations

from collections.abc import Iterator
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from flywheel.catalog.store import Catalog

OPTIONAL_FACETS = ("version",)  # samples columns shown as a facet when the catalog has them


def _scope(where: str | None) -> str:
    """The samples the report covers, as a subquery named `s`."""
    return f"(SELECT * FROM samples WHERE {where or 'TRUE'}) s"


def check_where(cat: Catalog, where: str | None) -> None:
    """A bad `--where` is a one-line error before anything is written."""
    cat.query(f"SELECT * FROM {_scope(where)} LIMIT 0")


def catalog_state(cat: Catalog) -> str:
    """A key that changes when the rows the evolution history reads change (samples added or
    rewritten, verdicts, lineage, knowledge, runs and the rounds' stored stats): a rebuild of an
    unchanged catalog reuses the history it computed."""
    return "/".join(str(v) for v in cat.con.execute(
        """SELECT (SELECT count(*) FROM samples), (SELECT CAST(max(created_at) AS VARCHAR) FROM samples),
                  (SELECT CAST(sum(hash(id || CAST(accepted AS VARCHAR) || coalesce(question, ''))) AS VARCHAR)
                   FROM samples),
                  (SELECT count(*) FROM verdicts), (SELECT count(*) FROM lineage), (SELECT count(*) FROM knowledge),
                  (SELECT CAST(sum(hash(id || coalesce(status, '') || coalesce(CAST(stats AS VARCHAR), '')))
                          AS VARCHAR) FROM runs)""").fetchone())


def present_facets(cat: Catalog) -> list[str]:
    """The OPTIONAL_FACETS columns the catalog's `samples` table has."""
    have = {r[0] for r in cat.con.execute(
        "SELECT column_name FROM information_schema.columns WHERE table_schema = 'main' AND table_name = 'samples'"
    ).fetchall()}
    return [c for c in OPTIONAL_FACETS if c in have]


def _facets_sql(facets: list[str]) -> str:
    return ", ".join(f"{c} AS {c}" if c in facets else f"NULL AS {c}" for c in OPTIONAL_FACETS)


def facet_counts(cat: Catalog, where: str | None, facets: list[str]) -> list[tuple]:
    """(domain, kind, *OPTIONAL_FACETS, round, samples, accepted) for every combination, sorted."""
    return cat.con.execute(
        f"SELECT domain, kind, {_facets_sql(facets)}, round, count(*), count(*) FILTER (WHERE accepted) "
        f"FROM {_scope(where)} GROUP BY ALL ORDER BY ALL").fetchall()


def pass_rates(cat: Catalog, where: str | None) -> list[tuple[str, int, int]]:
    """(verifier, verdicts, passed) over the covered samples, by verifier name."""
    return cat.con.execute(
        f"SELECT v.verifier, count(*), count(*) FILTER (WHERE v.passed) FROM verdicts v JOIN {_scope(where)} "
        "ON s.id = v.sample_id GROUP BY 1 ORDER BY 1").fetchall()


def round_acceptance(cat: Catalog, where: str | None) -> list[tuple[int, int, int]]:
    """(round, samples, accepted) by round."""
    return cat.con.execute(
        f"SELECT round, count(*), count(*) FILTER (WHERE accepted) FROM {_scope(where)} GROUP BY 1 ORDER BY 1"
    ).fetchall()


def difficulty_by_round(cat: Catalog, where: str | None) -> list[tuple[int, float]]:
    """(round, difficulty score) of every covered accepted sample."""
    return cat.con.execute(
        f"SELECT round, difficulty_score FROM {_scope(where)} WHERE accepted AND difficulty_score IS NOT NULL"
    ).fetchall()


def knowledge_coverage(cat: Catalog, where: str | None) -> list[tuple[str, str, str, bool, int, int]]:
    """Every knowledge node: (id, domain, name, has a generator, covered accepted samples, covered
    samples), by domain and id."""
    return cat.con.execute(
        f"""SELECT k.id, k.domain, k.name, k.generator IS NOT NULL, coalesce(c.accepted, 0), coalesce(c.n, 0)
            FROM knowledge k LEFT JOIN (SELECT knowledge_id, count(*) FILTER (WHERE accepted) AS accepted,
                                              count(*) AS n FROM {_scope(where)} GROUP BY 1) c
            ON c.knowledge_id = k.id ORDER BY k.domain, k.id""").fetchall()


# The light columns of every covered sample (gallery cards, lineage steps), then its verdicts.
CARD_COLUMNS = ("id", "kind", "domain", "knowledge_id", *OPTIONAL_FACETS, "round", "accepted", "difficulty_score",
                "question", "answer", "image", "edited_image", "overlay", "parent_id", "relation",
                "verifiers", "passed", "reasons")
# …and what only the sample's own page shows.
PAGE_COLUMNS = ("id", "generator", "seed", "difficulty", "params", "cot", "image_code", "tool_code", "points",
                "scores", "codes", "stream", "task_index", "created_at")

_VERDICTS = """(SELECT sample_id, list(verifier ORDER BY verifier) AS verifiers, list(passed ORDER BY verifier) AS passed,
                      list(reason ORDER BY verifier) AS reasons, list(score ORDER BY verifier) AS scores,
                      list(code ORDER BY verifier) AS codes FROM verdicts GROUP BY 1) v"""


def card_rows(cat: Catalog, where: str | None, facets: list[str]) -> list[tuple]:
    """CARD_COLUMNS of every covered sample, by round and id (a parent comes before its children)."""
    return cat.con.execute(
        f"""SELECT s.id, s.kind, s.domain, s.knowledge_id, {_facets_sql(facets)}, s.round, s.accepted,
                   s.difficulty_score, s.question, s.answer, s.image, s.edited_image, s.overlay, s.parent_id,
                   l.relation, v.verifiers, v.passed, v.reasons
            FROM {_scope(where)} LEFT JOIN {_VERDICTS} ON v.sample_id = s.id
            LEFT JOIN (SELECT child_id, min(relation) AS relation FROM lineage GROUP BY 1) l ON l.child_id = s.id
            ORDER BY s.round, s.id""").fetchall()


def page_rows(cat: Catalog, where: str | None, batch: int = 512) -> Iterator[tuple]:
    """PAGE_COLUMNS of every covered sample, by round and id, fetched `batch` at a time."""
    cur = cat.con.execute(
        f"""SELECT s.id, s.generator, s.seed, s.difficulty, CAST(s.params AS VARCHAR), s.cot, s.image_code, s.tool_code,
                   CAST(s.points AS VARCHAR), v.scores, v.codes, s.stream, s.task_index, s.created_at
            FROM {_scope(where)} LEFT JOIN {_VERDICTS} ON v.sample_id = s.id ORDER BY s.round, s.id""")
    while chunk := cur.fetchmany(batch):
        yield from chunk
