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
]


def migrate(con: duckdb.DuckDBPyConnection) -> int:
    """Apply pending migrations in one transaction each; returns the schema version."""
    con.execute("CREATE TABLE IF NOT EXISTS schema_version (version INTEGER)")
    row = con.execute("SELECT max(version) FROM schema_version").fetchone()
    current = row[0] or 0
    for version, sql in enumerate(MIGRATIONS, start=1):
        if version <= current:
            continue
        con.execute("BEGIN")
        con.execute(sql)
        con.execute("INSERT INTO schema_version VALUES (?)", [version])
        con.execute("COMMIT")
    return len(MIGRATIONS)
