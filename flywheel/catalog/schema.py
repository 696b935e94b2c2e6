"""Catalog schema as named migrations, so catalogs written by older versions keep opening.

Each migration is stored by its name in `schema_migrations` once applied; a catalog gets every
migration of the list whose name it lacks, in list order. Names, not numbers: two branches that
each add a migration cannot both claim "migration 6". Every table of the catalog is created here,
`llm_cache` included: the catalog owns the tables and the statements that read and write them.

Catalogs written before names kept a `schema_version` table of numbers 1…5; those numbers are
read as the first five names below, so such a catalog opens and gets only the steps it lacks.
"""

from __future__ import annotations

from dataclasses import dataclass

import duckdb


@dataclass(frozen=True)
class Migration:
    name: str  # recorded in schema_migrations; never renamed once released
    sql: str


MIGRATIONS: list[Migration] = [
    # the five tables: knowledge, samples, verdicts, lineage, runs.
    Migration("tables", """
    CREATE TABLE knowledge (
        id VARCHAR PRIMARY KEY, domain VARCHAR, name VARCHAR, description VARCHAR,
        prerequisites VARCHAR[], generator VARCHAR, params JSON, parents VARCHAR[], round INTEGER
    );
    CREATE TABLE samples (
        id VARCHAR PRIMARY KEY, kind VARCHAR, domain VARCHAR, knowledge_id VARCHAR,
        question VARCHAR, answer VARCHAR, answer_expr VARCHAR, image VARCHAR, image_code VARCHAR,
        tool_code VARCHAR, edited_image VARCHAR, cot VARCHAR, difficulty INTEGER,
        difficulty_score DOUBLE, params JSON, seed BIGINT, generator VARCHAR, round INTEGER,
        parent_id VARCHAR, accepted BOOLEAN, stream VARCHAR, task_index BIGINT, phash VARCHAR,
        question_key VARCHAR, run_id VARCHAR, created_at TIMESTAMP DEFAULT current_timestamp
    );
    CREATE TABLE verdicts (
        sample_id VARCHAR, verifier VARCHAR, passed BOOLEAN, score DOUBLE, reason VARCHAR,
        PRIMARY KEY (sample_id, verifier)
    );
    CREATE TABLE lineage (
        child_id VARCHAR, parent_id VARCHAR, relation VARCHAR, PRIMARY KEY (child_id, parent_id)
    );
    CREATE TABLE runs (
        id VARCHAR PRIMARY KEY, command VARCHAR, axis VARCHAR, round INTEGER, config JSON,
        started_at TIMESTAMP, finished_at TIMESTAMP, status VARCHAR, stats JSON
    );
    CREATE INDEX samples_stream ON samples (stream, task_index);
    """),
    # imported taxonomies keep their hierarchy and whether each point maps to a generator.
    Migration("taxonomy_hierarchy", """
    ALTER TABLE knowledge ADD COLUMN taxonomy_parent VARCHAR;
    ALTER TABLE knowledge ADD COLUMN level VARCHAR DEFAULT 'point';
    ALTER TABLE knowledge ADD COLUMN mapped BOOLEAN;
    ALTER TABLE knowledge ADD COLUMN source VARCHAR;
    """),
    # evolution. Every repair attempt of a rejected sample, and what became of it.
    Migration("repairs", """
    CREATE TABLE repairs (
        sample_id VARCHAR, round INTEGER, attempt INTEGER, verifier VARCHAR, action VARCHAR,
        repaired_id VARCHAR, success BOOLEAN, note VARCHAR, PRIMARY KEY (sample_id, attempt)
    );
    CREATE INDEX samples_round ON samples (round);
    """),
    # perception/instruction ground truth (IF NOT EXISTS: catalogs of a pre-release branch already have it).
    Migration("kind_ground_truth", """
    ALTER TABLE samples ADD COLUMN IF NOT EXISTS points JSON;
    ALTER TABLE samples ADD COLUMN IF NOT EXISTS elements JSON;
    ALTER TABLE samples ADD COLUMN IF NOT EXISTS overlay VARCHAR;
    """),
    # the LLM response cache, keyed by sha256 of (model, messages, params): reruns cost nothing.
    Migration("llm_cache", """
    CREATE TABLE IF NOT EXISTS llm_cache (
        key VARCHAR PRIMARY KEY, model VARCHAR, messages JSON, params JSON, response VARCHAR,
        prompt_tokens INTEGER, completion_tokens INTEGER, cost_usd DOUBLE,
        created_at TIMESTAMP DEFAULT current_timestamp
    );
    """),
    # A verdict's machine-readable failure code (repair routes on it, not on the reason's words), and
    # domain verifiers named <role>.<domain>. Old image rejects get the code their reason implied; the
    # importer's and LLM creator's own `answer` verdicts keep their name.
    Migration("verdict_codes", """
    ALTER TABLE verdicts ADD COLUMN IF NOT EXISTS code VARCHAR DEFAULT '';
    UPDATE verdicts SET code = 'degenerate' WHERE verifier = 'image' AND NOT passed
        AND regexp_matches(reason, 'sliver|px long|too small|apart|degenerate|blank', 'i');
    UPDATE verdicts SET verifier = 'answer.plane_geometry' WHERE verifier = 'answer'
        AND sample_id IN (SELECT id FROM samples WHERE domain = 'plane_geometry' AND generator NOT LIKE 'llm:%');
    UPDATE verdicts SET verifier = CASE verifier
        WHEN 'answer.stats' THEN 'answer.statistics' WHEN 'image.stats' THEN 'image.statistics'
        WHEN 'answer.analytic' THEN 'answer.analytic_geometry' WHEN 'image.analytic' THEN 'image.analytic_geometry'
        WHEN 'answer.solid' THEN 'answer.solid_geometry' WHEN 'image.solid' THEN 'image.solid_geometry' END
    WHERE verifier IN ('answer.stats', 'image.stats', 'answer.analytic', 'image.analytic', 'answer.solid', 'image.solid');
    """),
    # MathVerse versions of one problem (render/question.py): every interaction sample written before
    # them stated everything in its text, i.e. was text_dominant; other kinds have no version.
    Migration("sample_versions", """
    ALTER TABLE samples ADD COLUMN IF NOT EXISTS version VARCHAR DEFAULT '';
    UPDATE samples SET version = CASE WHEN kind = 'interaction' THEN 'text_dominant' ELSE '' END;
    """),
    # Human review (`flywheel review import`): one decision per sample and reviewer, beside the machine
    # verdicts (never in `verdicts`: machine pass rates and repair routing stay the machines' own).
    Migration("human_verdicts", """
    CREATE TABLE IF NOT EXISTS human_verdicts (
        sample_id VARCHAR, reviewer VARCHAR, decision VARCHAR, note VARCHAR, decided_at TIMESTAMP,
        imported_at TIMESTAMP DEFAULT current_timestamp, PRIMARY KEY (sample_id, reviewer)
    );
    """),
    # Every source goes through one verifier registry; this view counts its verdicts by source, so
    # `flywheel query "SELECT * FROM verdicts_by_source"` shows what was judged, and what could not be
    # (no scene behind a model-written or imported sample), for each. No table changes.
    Migration("verdicts_by_source", """
    CREATE OR REPLACE VIEW verdicts_by_source AS
    SELECT CASE WHEN s.generator LIKE 'llm:%' THEN 'llm' WHEN s.generator LIKE 'import:%' THEN 'import'
                WHEN EXISTS (SELECT 1 FROM lineage l WHERE l.child_id = s.id AND l.relation = 'repair') THEN 'repaired'
                WHEN s.round > 0 THEN 'evolved' ELSE 'generated' END AS source,
           v.verifier,
           count(*) AS verdicts,
           count(*) FILTER (WHERE v.passed) AS passed,
           count(*) FILTER (WHERE NOT v.passed AND coalesce(v.code, '') <> 'not_checkable') AS failed,
           count(*) FILTER (WHERE v.code = 'not_checkable') AS not_checkable
    FROM verdicts v JOIN samples s ON s.id = v.sample_id
    GROUP BY ALL ORDER BY source, v.verifier;
    """),
    # Catalog-wide settings a later command must read back: `image_store` is the root of the PNG store
    # (`--images`: a directory or an fsspec URL); absent means images/ beside the catalog.
    Migration("settings", """
    CREATE TABLE IF NOT EXISTS settings (key VARCHAR PRIMARY KEY, value VARCHAR);
    """),
]

# The duplicate check's kind of task, as SQL: each version of a problem is a task of its own, so the
# siblings of one figure (same answer, same pHash) are not near-duplicates of each other
# (verify/duplicate.py::duplicate_kind says the same in Python).
DUPLICATE_KIND = "CASE WHEN coalesce(version, '') IN ('', 'text_dominant') THEN kind ELSE kind || ':' || version END"

# What the numbered scheme called the first five migrations (its number was the list position).
LEGACY_NUMBERS = {1: "tables", 2: "taxonomy_hierarchy", 3: "repairs", 4: "kind_ground_truth", 5: "llm_cache"}


def migrate(con: duckdb.DuckDBPyConnection) -> list[str]:
    """Apply the migrations the catalog lacks, one transaction each; returns the names applied now."""
    con.execute("CREATE TABLE IF NOT EXISTS schema_migrations "
                "(name VARCHAR PRIMARY KEY, applied_at TIMESTAMP DEFAULT current_timestamp)")
    _adopt_numbered(con)
    # A set of names, not a high-water mark: a migration merged later than one applied still runs.
    applied = applied_migrations(con)
    done = []
    for m in MIGRATIONS:
        if m.name in applied:
            continue
        con.execute("BEGIN")
        try:
            con.execute(m.sql)
            con.execute("INSERT INTO schema_migrations (name) VALUES (?)", [m.name])
            con.execute("COMMIT")
        except BaseException:
            con.execute("ROLLBACK")
            raise
        done.append(m.name)
    return done


def applied_migrations(con: duckdb.DuckDBPyConnection) -> set[str]:
    """Names of the migrations recorded in the catalog."""
    return {r[0] for r in con.execute("SELECT name FROM schema_migrations").fetchall()}


def _adopt_numbered(con: duckdb.DuckDBPyConnection) -> None:
    """Record under their names the steps a numbered `schema_version` says were applied.

    The old table is left as it was, so a flywheel from before names still opens the catalog.
    """
    legacy = con.execute("SELECT count(*) FROM information_schema.tables "
                         "WHERE table_schema = 'main' AND table_name = 'schema_version'").fetchone()[0]
    if not legacy:
        return
    numbers = [r[0] for r in con.execute("SELECT version FROM schema_version").fetchall()]
    names = [LEGACY_NUMBERS[n] for n in sorted(set(numbers)) if n in LEGACY_NUMBERS]
    if names:
        con.execute("INSERT OR IGNORE INTO schema_migrations (name) SELECT unnest(?)", [names])
