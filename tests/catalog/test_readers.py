"""Readers get in while a run writes; a second writer is still refused."""

from __future__ import annotations

import subprocess
import sys
import time
from pathlib import Path

from tests.conftest import flywheel_cli


def _count(db: Path) -> int | None:
    r = flywheel_cli("query", "SELECT count(*) AS n FROM samples", "--format", "csv", "--catalog", str(db), timeout=60)
    return int(r.stdout.splitlines()[1]) if r.returncode == 0 else None


def test_query_answers_during_a_running_synthesize_and_a_second_writer_is_refused(tmp_path):
    db = tmp_path / "c.duckdb"
    writer = subprocess.Popen([sys.executable, "-m", "flywheel.cli", "synthesize", "--n", "5000", "--seed", "3",
                               "--workers", "2", "--batch-size", "8", "--catalog", str(db)],
                              stdout=subprocess.DEVNULL, stderr=subprocess.PIPE, text=True)
    try:
        counts, deadline = [], time.monotonic() + 180
        while len(counts) < 3 and time.monotonic() < deadline:
            n = _count(db) if db.exists() else None
            if n:
                counts.append(n)
                time.sleep(2)
        assert len(counts) == 3, f"no answer while the writer ran; writer stderr: {writer.stderr}"
        assert writer.poll() is None, "the writer must still be running while we read"
        assert counts[-1] > counts[0], counts  # the reads saw the run progress

        second = flywheel_cli("synthesize", "--n", "10", "--seed", "9", "--workers", "1", "--catalog", str(db))
        assert second.returncode == 1
        assert f"in use by another process (PID {writer.pid})" in second.stderr
    finally:
        writer.terminate()
        writer.wait(60)
    assert not (tmp_path / "c.duckdb.lock").exists()  # the writer's lock file goes with it
