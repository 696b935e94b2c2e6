"""`flywheel review import|stats` and the export's human filter, from a decisions file written the
way the report's download button writes it (the browser test makes one in Chromium)."""

from __future__ import annotations

import json
from pathlib import Path

import pyarrow.parquet as pq

from tests.conftest import catalog_rows, clone_catalog, flywheel_cli


def decisions_file(path: Path, decisions: list[dict]) -> Path:
    path.write_text(json.dumps({"flywheel_review": 1, "catalog": "fw.duckdb", "decisions": decisions}))
    return path


def exported_ids(db: Path, out: Path, *args: str) -> set[str]:
    r = flywheel_cli("export", "-c", str(db), "-f", "v-interaction", "--out", str(out), *args)
    assert r.returncode == 0, r.stderr
    return set(pq.read_table(out / "v-interaction.parquet").column("id").to_pylist())


def test_import_keeps_decisions_and_the_export_leaves_out_human_rejects(report_catalog, tmp_path):
    db = clone_catalog(report_catalog, tmp_path / "cat")
    (a, b), (c,) = (catalog_rows(db, "SELECT id FROM samples WHERE accepted AND kind = 'interaction' ORDER BY id LIMIT 2"),
                    catalog_rows(db, "SELECT id FROM samples WHERE NOT accepted ORDER BY id LIMIT 1"))
    a, b, c = a[0], b[0], c[0]
    before = exported_ids(db, tmp_path / "x0")
    f = decisions_file(tmp_path / "d.json", [
        {"id": a, "decision": "reject", "note": "label B sits on the wrong vertex", "at": "2026-01-02T10:00:00.000Z"},
        {"id": b, "decision": "flag", "note": "", "at": "2026-01-02T10:01:00Z"},
        {"id": c, "decision": "accept", "note": "the duplicate is a different question", "at": "2026-01-02T10:02:00Z"}])
    r = flywheel_cli("review", "import", str(f), "-c", str(db), "--reviewer", "ana")
    assert r.returncode == 0, r.stderr
    assert "stored 3 human verdicts by ana: 1 accept, 1 reject, 1 flag" in r.stdout
    rows = catalog_rows(db, "SELECT sample_id, reviewer, decision, note, CAST(decided_at AS VARCHAR) FROM human_verdicts "
                            "ORDER BY decided_at")
    assert rows == [(a, "ana", "reject", "label B sits on the wrong vertex", "2026-01-02 10:00:00"),
                    (b, "ana", "flag", "", "2026-01-02 10:01:00"),
                    (c, "ana", "accept", "the duplicate is a different question", "2026-01-02 10:02:00")]
    assert exported_ids(db, tmp_path / "x1") == before - {a}
    assert exported_ids(db, tmp_path / "x2", "--include-human-rejected") == before
    r = flywheel_cli("review", "stats", "-c", str(db))
    assert "agreement: 0/2 accept/reject decisions (0.0%)" in r.stdout

    # a later decision of another reviewer wins: bo accepts `a`, so the export has it again
    f2 = decisions_file(tmp_path / "d2.json", [{"id": a, "decision": "accept", "at": "2026-01-03T09:00:00Z"}])
    assert flywheel_cli("review", "import", str(f2), "-c", str(db), "--reviewer", "bo").returncode == 0
    assert exported_ids(db, tmp_path / "x3") == before
    # the same reviewer importing again replaces their decision
    r = flywheel_cli("review", "import", str(f2), "-c", str(db), "--reviewer", "bo")
    assert "(1 replaced earlier decisions of bo)" in r.stdout
    assert catalog_rows(db, "SELECT count(*) FROM human_verdicts")[0][0] == 4


def test_bad_decision_files_are_one_line_and_store_nothing(report_catalog, tmp_path):
    db = clone_catalog(report_catalog, tmp_path / "cat")
    (sid,) = catalog_rows(db, "SELECT id FROM samples ORDER BY id LIMIT 1")[0]
    cases = [
        ([{"id": sid, "decision": "maybe"}], "decision must be one of accept, reject, flag"),
        ([{"id": sid, "decision": "reject"}, {"id": "0000000000000000", "decision": "reject"}], "not in"),
        ([{"id": sid, "decision": "reject", "at": "yesterday"}], "ISO 8601"),
        ([{"id": sid, "decision": "reject"}, {"id": sid, "decision": "accept"}], "decided twice"),
    ]
    for i, (decisions, words) in enumerate(cases):
        r = flywheel_cli("review", "import", str(decisions_file(tmp_path / f"{i}.json", decisions)), "-c", str(db),
                         "--reviewer", "ana")
        assert r.returncode == 1 and words in r.stderr and "Traceback" not in r.stderr, (words, r.stderr)
    (tmp_path / "x.json").write_text("[1, 2")
    r = flywheel_cli("review", "import", str(tmp_path / "x.json"), "-c", str(db), "--reviewer", "ana")
    assert r.returncode == 1 and "is not JSON" in r.stderr
    assert catalog_rows(db, "SELECT count(*) FROM human_verdicts")[0][0] == 0
