"""Migration `verdict_codes`: verdicts get a failure code, old image rejects the code their reason implied, and
domain verifiers their <role>.<domain> names (but the importer's and the LLM creator's verdicts keep theirs)."""

from __future__ import annotations

import duckdb

from flywheel.catalog import Catalog
from flywheel.catalog.schema import MIGRATIONS


def test_old_verdicts_get_codes_and_domain_names(tmp_path):
    db = tmp_path / "old.duckdb"
    con = duckdb.connect(str(db))
    con.execute("CREATE TABLE schema_version (version INTEGER)")
    for i, m in enumerate(MIGRATIONS[:5], start=1):
        con.execute(m.sql)
        con.execute("INSERT INTO schema_version VALUES (?)", [i])
    con.execute("""INSERT INTO samples (id, domain, generator) VALUES
        ('p', 'plane_geometry', 'plane.pythagoras'), ('c', 'statistics', 'stats.bar_mean'),
        ('l', 'plane_geometry', 'llm:some-model'), ('i', 'imported', 'import:v-interaction')""")
    con.execute("""INSERT INTO verdicts VALUES
        ('p', 'answer', true, 1, 'ok'), ('p', 'image', false, 0, 'sliver: two lines meet at A at 3.0°'),
        ('c', 'answer.stats', true, 1, 'ok'), ('c', 'image', false, 0, 'labels ''A'' and ''B'' overlap'),
        ('l', 'answer', false, 0, 'an independent solve disagrees'), ('i', 'answer', true, 1, 'ok')""")
    con.close()
    with Catalog(db) as cat:
        rows = cat.query("SELECT sample_id, verifier, code FROM verdicts ORDER BY 1, 2")[1]
    assert rows == [("c", "answer.statistics", ""), ("c", "image", ""), ("i", "answer", ""), ("l", "answer", ""),
                    ("p", "answer.plane_geometry", ""), ("p", "image", "degenerate")]
