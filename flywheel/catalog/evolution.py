"""What evolution reads of the catalog: the rows its round planners build on, and a round's figures.

Every figure is counted by SQL over the stored rows (not kept in memory), so a round that was
interrupted and resumed measures the same as one that ran through.
"""

from __future__ import annotations

import json
from typing import TYPE_CHECKING

from flywheel.catalog.schema import DUPLICATE_KIND

if TYPE_CHECKING:
    from flywheel.catalog.store import Catalog

Hashes = list[tuple[str, str, str, str, str, str, str]]  # (question_key, phash, answer, kind, question, generator, params)


def _one(cat: Catalog, sql: str, args: list) -> tuple:
    return cat.con.execute(sql, args).fetchone()


# -- what the planners read ---------------------------------------------------------------------
def accepted_parents(cat: Catalog, round_: int, where: str) -> list[tuple]:
    """Accepted interaction samples of rounds before `round_` that also match `where` (SQL over
    `samples`), ordered by round and id: (id, knowledge_id, generator, seed, params JSON,
    difficulty_score, round, answer, domain)."""
    return cat.con.execute(
        "SELECT id, knowledge_id, generator, seed, params, difficulty_score, round, answer, domain FROM samples "
        f"WHERE accepted AND kind = 'interaction' AND round < ? AND {where} ORDER BY round, id", [round_]).fetchall()


def duplicate_rate_by_node(cat: Catalog, round_: int) -> dict[str, float]:
    """knowledge id → share of its samples of rounds before `round_` that the duplicate verifier failed."""
    return dict(cat.con.execute(
        """SELECT s.knowledge_id, avg((NOT v.passed)::INT) FROM samples s
           JOIN verdicts v ON v.sample_id = s.id AND v.verifier = 'duplicate' WHERE s.round < ? GROUP BY 1""",
        [round_]).fetchall())


def unrepaired_rejects(cat: Catalog, round_: int, where: str, args: list) -> list[tuple]:
    """Rejected interaction samples matching `where` (SQL over `samples s`, its `?` bound to `args`)
    with no repair attempt recorded before round `round_`, ordered by round and id: (id,
    knowledge_id, seed, params JSON, round, failing verifiers, their reasons and their codes (same
    order), the attempt a repair of it would be: 1 + the attempt that made it, if a repair did)."""
    return cat.con.execute(
        f"""SELECT s.id, s.knowledge_id, s.seed, s.params, s.round,
                   list(v.verifier ORDER BY v.verifier), list(v.reason ORDER BY v.verifier),
                   list(v.code ORDER BY v.verifier),
                   coalesce((SELECT max(attempt) FROM repairs r WHERE r.repaired_id = s.id), 0) + 1
            FROM samples s JOIN verdicts v ON v.sample_id = s.id AND NOT v.passed AND v.code <> 'not_checkable'
            WHERE NOT s.accepted AND s.kind = 'interaction' AND s.id NOT IN (SELECT sample_id FROM repairs WHERE round < ?) AND ({where})
            GROUP BY ALL ORDER BY s.round, s.id""", [round_, *args]).fetchall()


# -- a round's figures ----------------------------------------------------------------------------
def round_counts(cat: Catalog, r: int) -> tuple[int, int, int]:
    """(generated, accepted, failed by the duplicate verifier) samples of round `r`."""
    return _one(cat, """
        SELECT count(*), count(*) FILTER (WHERE accepted),
               count(*) FILTER (WHERE id IN (SELECT sample_id FROM verdicts WHERE verifier = 'duplicate' AND NOT passed))
        FROM samples WHERE round = ?""", [r])


def round_difficulty(cat: Catalog, r: int) -> tuple[float | None, float | None, float | None, float | None, int]:
    """Of round `r`'s accepted samples: difficulty score mean, p50, p90, mean hops (`difficulty`),
    and the most ops in one recipe (0 without any); None where the round accepted nothing."""
    mean, p50, p90, hops = _one(cat, """
        SELECT avg(difficulty_score), quantile_cont(difficulty_score, 0.5), quantile_cont(difficulty_score, 0.9),
               avg(difficulty) FROM samples WHERE accepted AND round = ?""", [r])
    (depth,) = _one(cat, "SELECT max(len(json_extract(params, '$.ops')::JSON[])) FROM samples WHERE accepted AND round = ?",
                    [r])
    return mean, p50, p90, hops, depth or 0


def knowledge_counts(cat: Catalog, r: int, covered_at: int) -> tuple[int, int, int, int, int]:
    """Knowledge nodes by round `r`: (new in round r, new with an accepted sample, all up to r,
    all up to r with a generator, covered: with at least `covered_at` accepted samples up to r)."""
    new, new_used, total, drawable = _one(cat, """
        SELECT count(*) FILTER (WHERE coalesce(round, 0) = ?),
               count(*) FILTER (WHERE coalesce(round, 0) = ? AND id IN (SELECT knowledge_id FROM samples WHERE accepted)),
               count(*) FILTER (WHERE coalesce(round, 0) <= ?),
               count(*) FILTER (WHERE generator IS NOT NULL AND coalesce(round, 0) <= ?) FROM knowledge""", [r, r, r, r])
    (covered,) = _one(cat, """
        SELECT count(*) FROM (SELECT knowledge_id FROM samples WHERE accepted AND round <= ?
                              GROUP BY 1 HAVING count(*) >= ?)""", [r, covered_at])
    return new, new_used, total, drawable, covered


def verifier_pass_rates(cat: Catalog, r: int) -> list[tuple[str, float]]:
    """(verifier, share of its verdicts that passed) over round `r`'s samples, by verifier name."""
    return cat.con.execute("""
        SELECT v.verifier, avg(v.passed::INT) FROM verdicts v JOIN samples s ON s.id = v.sample_id
        WHERE s.round = ? AND v.code <> 'not_checkable' GROUP BY 1 ORDER BY 1""", [r]).fetchall()


def accepted_by_relation(cat: Catalog, r: int) -> list[tuple[str, int]]:
    """(lineage relation, accepted samples of round `r`) by relation; 'seed' for those without a parent."""
    return cat.con.execute("""
        SELECT coalesce(l.relation, 'seed'), count(*) FROM samples s LEFT JOIN lineage l ON l.child_id = s.id
        WHERE s.accepted AND s.round = ? GROUP BY 1 ORDER BY 1""", [r]).fetchall()


def repair_counts(cat: Catalog, r: int) -> tuple[int, int, int, int]:
    """Round `r`'s repairs: (attempts, rejects given a first repair, those repaired by it or by the
    repair of it, accepted samples of round r that are repairs)."""
    attempts, repairable, repaired = _one(cat, """
        WITH first AS (SELECT * FROM repairs WHERE round = ? AND attempt = 1),
             second AS (SELECT * FROM repairs WHERE round = ? AND attempt = 2)
        SELECT (SELECT count(*) FROM repairs WHERE round = ?), count(*),
               count(*) FILTER (WHERE first.success OR coalesce(second.success, false))
        FROM first LEFT JOIN second ON second.sample_id = first.repaired_id""", [r, r, r])
    (fixed,) = _one(cat, """SELECT count(*) FROM samples s JOIN lineage l ON l.child_id = s.id
                            WHERE s.accepted AND s.round = ? AND l.relation = 'repair'""", [r])
    return attempts, repairable, repaired, fixed


def repairs_by_verifier(cat: Catalog, r: int) -> list[tuple[str, int, int]]:
    """(failing verifier, repair attempts, successful ones) of round `r`, by verifier name."""
    return cat.con.execute("""
        SELECT verifier, count(*), count(*) FILTER (WHERE success) FROM repairs WHERE round = ? GROUP BY 1 ORDER BY 1""",
        [r]).fetchall()


def lineage_roots(cat: Catalog, r: int) -> tuple[int, int]:
    """(accepted samples of round `r`, those whose parent chain ends in a parentless round-0 sample)."""
    return _one(cat, """
        WITH RECURSIVE chain(start, id, parent, round) AS (
            SELECT s.id, s.id, s.parent_id, s.round FROM samples s WHERE s.accepted AND s.round = ?
            UNION ALL
            SELECT c.start, p.id, p.parent_id, p.round FROM chain c JOIN samples p ON p.id = c.parent
        )
        SELECT count(DISTINCT start), count(DISTINCT start) FILTER (WHERE round = 0 AND parent IS NULL) FROM chain""", [r])


def accepted_hashes_before(cat: Catalog, r: int) -> Hashes:
    """Duplicate keys of the accepted samples of rounds before `r` (those with a perceptual hash)."""
    return cat.con.execute(
        f"SELECT question_key, phash, answer, {DUPLICATE_KIND}, question, generator, params FROM samples "
        "WHERE accepted AND round < ? AND phash <> ''",
        [r]).fetchall()


def accepted_hashes_in_round(cat: Catalog, r: int) -> Hashes:
    """Duplicate keys of round `r`'s accepted samples, in commit order (stream, task index)."""
    return cat.con.execute(f"""SELECT question_key, phash, answer, {DUPLICATE_KIND}, question, generator, params FROM samples
                               WHERE accepted AND round = ? ORDER BY stream, task_index""", [r]).fetchall()


def finished_round_stats(cat: Catalog) -> list[dict]:
    """The stats each finished `evolve` round stored in its run row, by round."""
    rows = cat.con.execute("""SELECT stats FROM runs WHERE command = 'evolve' AND axis = 'round' AND status = 'done'
                              ORDER BY round""").fetchall()
    return [json.loads(s) for (s,) in rows]
