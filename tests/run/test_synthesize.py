"""Synthesis into a catalog: idempotent reruns, a larger n extends the same stream, every sample has
its verdicts and images, and a SIGKILLed run resumes to exactly the uninterrupted ids."""

import os
import signal
import subprocess
import sys
import time
from pathlib import Path

from flywheel.catalog import Catalog
from flywheel.run.synthesize import SynthesisConfig, synthesize
from tests.conftest import catalog_rows


def accepted_ids(path: Path) -> set[str]:
    return {r[0] for r in catalog_rows(path, "SELECT id FROM samples WHERE accepted")}


def counts(path: Path) -> tuple[int, int]:
    return catalog_rows(path, "SELECT (SELECT count(*) FROM samples), (SELECT count(*) FROM verdicts)")[0]


def test_rerun_adds_nothing_and_a_larger_n_extends_the_same_stream(tmp_path, small_seeds):
    db = tmp_path / "c.duckdb"
    cfg = SynthesisConfig(n=9, seed=1, catalog=db, seeds=small_seeds, workers=2, batch_size=4)
    first = synthesize(cfg)
    assert first.accepted == 9
    before = counts(db)
    ids = accepted_ids(db)
    again = synthesize(cfg)
    assert again.generated == 0 and counts(db) == before and accepted_ids(db) == ids
    cfg.n = 14
    synthesize(cfg)
    grown = accepted_ids(db)
    assert len(grown) == 14 and ids < grown


def test_every_sample_has_its_verdicts_and_images(tmp_path, small_seeds):
    db = tmp_path / "c.duckdb"
    synthesize(SynthesisConfig(n=6, seed=2, catalog=db, seeds=small_seeds, workers=1))
    with Catalog(db, read_only=True) as cat:
        rows = cat.query("SELECT s.id, s.image, s.edited_image, count(v.verifier) FROM samples s "
                         "LEFT JOIN verdicts v ON v.sample_id = s.id GROUP BY ALL")[1]
        assert rows and all(n == 10 for *_, n in rows)  # answer, question, trace, image, image.labels, figure, format, tool, modality, duplicate
        for _, img, edited, _ in rows:
            assert cat.images.path(img).read_bytes()[:8] == b"\x89PNG\r\n\x1a\n"
            assert cat.images.path(edited).exists()


def test_sigkill_mid_run_then_resume_gives_exactly_the_uninterrupted_ids(tmp_path, small_seeds):
    args = ["--n", "40", "--seed", "11", "--seeds", str(small_seeds), "--workers", "2", "--batch-size", "4"]
    clean = tmp_path / "clean" / "c.duckdb"
    subprocess.run([sys.executable, "-m", "flywheel.cli", "synthesize", "--catalog", str(clean), *args],
                   check=True, capture_output=True)
    killed = tmp_path / "killed" / "c.duckdb"
    cmd = [sys.executable, "-m", "flywheel.cli", "synthesize", "--catalog", str(killed), *args]
    proc = subprocess.Popen(cmd, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL, start_new_session=True)
    images = killed.parent / "images"
    deadline = time.time() + 120
    while time.time() < deadline and sum(1 for _ in images.rglob("*.png")) < 44:
        time.sleep(0.05)
    os.killpg(proc.pid, signal.SIGKILL)  # the CLI and its workers, no chance to clean up
    proc.wait()
    partial = accepted_ids(killed)
    assert 0 < len(partial) < 40, "kill should land mid-run"
    subprocess.run(cmd, check=True, capture_output=True)
    assert accepted_ids(killed) == accepted_ids(clean)
    with Catalog(killed, read_only=True) as cat:
        orphans = cat.query("SELECT count(*) FROM verdicts WHERE sample_id NOT IN (SELECT id FROM samples)")[1][0][0]
        dup = cat.query("SELECT count(*) - count(DISTINCT id) FROM samples")[1][0][0]
        incomplete = cat.query("SELECT count(*) FROM (SELECT sample_id FROM verdicts GROUP BY 1 HAVING count(*) <> 10)")[1][0][0]
    assert orphans == 0 and dup == 0 and incomplete == 0
