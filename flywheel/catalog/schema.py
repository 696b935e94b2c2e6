"""Catalog schema as numbered migrations, so catalogs written by older versions keep opening."""

from __future__ import annotations

import duckdb

MIGRATIONS: list[str] = [
    # 1: the five tables of DESIGN §7.
    """
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
    """,
    # 2: imported taxonomies keep their hierarchy and whether each point maps to a generator.
    """
    ALTER TABLE knowledge ADD COLUMN taxonomy_parent VARCHAR;
    ALTER TABLE knowledge ADD COLUMN level VARCHAR DEFAULT 'point';
    ALTER TABLE knowledge ADD COLUMN mapped BOOLEAN;
    ALTER TABLE knowledge ADD COLUMN source VARCHAR;
    """,
    # 3: evolution. Every repair attempt of a rejected sample, and what became of it.
    """
    CREATE TABLE repairs (
        sample_id VARCHAR, round INTEGER, attempt INTEGER, verifier VARCHAR, action VARCHAR,
        repaired_id VARCHAR, success BOOLEAN, note VARCHAR, PRIMARY KEY (sample_id, attempt)
    );
    CREATE INDEX samples_round ON samples (round);
    """,
    # 4: perception/instruction ground truth (IF NOT EXISTS: catalogs of a pre-release branch had it as 5).
    """
    ALTER TABLE samples ADD COLUMN IF NOT EXISTS points JSON;
    ALTER TABLE samples ADD COLUMN IF NOT EXISTS elements JSON;
    ALTER TABLE samples ADD COLUMN IF NOT EXISTS overlay VARCHAR;
    """,
    # 5: the LLM response cache, keyed by sha256 of (model, messages, params): reruns cost nothing.
    """
    CREATE TABLE IF NOT EXISTS llm_cache (
        key VARCHAR PRIMARY KEY, model VARCHAR, messages JSON, params JSON, response VARCHAR,
        prompt_tokens INTEGER, completion_tokens INTEGER, cost_usd DOUBLE,
        created_at TIMESTAMP DEFAULT current_timestamp
    );
    """,
    # 6: a verdict's machine-readable failure code (repair routes on it, not on the reason's words), and
    # domain verifiers named <role>.<domain>. Old image rejects get the code their reason implied; the
    # importer's and LLM creator's own `answer` verdicts keep their name.
    """
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
    """,
]

def all_migrations() -> dict[int, str]:
    """Every migration by its number (its position in the list)."""
    return dict(enumerate(MIGRATIONS, start=1))


def migrate(con: duckdb.DuckDBPyConnection) -> int:
    """Apply pending migrations in one transaction each; returns the schema version."""
    con.execute("CREATE TABLE IF NOT EXISTS schema_version (version INTEGER)")
    # A set, not a max: a migration merged later with a lower number than one applied still runs.
    applied = {r[0] for r in con.execute("SELECT version FROM schema_version").fetchall()}
    pending = all_migrations()
    for version, sql in pending.items():
        if version in applied:
            continue
        con.execute("BEGIN")
        con.execute(sql)
        con.execute("INSERT INTO schema_version VALUES (?)", [version])
        con.execute("COMMIT")
    return max(pending)
