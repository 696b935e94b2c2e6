"""What a run leaves on disk: on a full file system it stops with one line and no debris, and resumes
once there is space; a stream that stops early leaves no PNG behind that no sample references.

The full-disk tests mount a real, small tmpfs (they need root, as here and in CI) rather than fake
the errors, so DuckDB's own write paths and the workers' image writes meet a real ENOSPC.
"""

from __future__ import annotations

import dataclasses
import errno
import os
import subprocess
import sys
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

import pytest

from flywheel.catalog import Catalog
from flywheel.catalog.doctor import examine
from flywheel.catalog.images import StoreError
from flywheel.core.errors import FlywheelError
from flywheel.core.records import Sample, Verdict
from flywheel.run import stream
from flywheel.run.build import Outcome
from flywheel.run.pool import WorkerPool
from flywheel.run.stream import StreamStopped, in_processes, in_threads, listed, run_stream
from flywheel.run.synthesize import SynthesisConfig, synthesize
from tests.conftest import catalog_rows, flywheel_cli
from tests.run.test_stream import made

MB = 2**20
RUN_TIMEOUT = 600  # generous: only there so that a run that never stops fails instead of hanging


@dataclass
class SmallFs:
    """A tmpfs mounted at `root`, which a test can grow and fill."""

    root: Path

    def resize(self, mb: int) -> None:
        subprocess.run(["mount", "-o", f"remount,size={mb}m", str(self.root)], check=True)

    def free(self) -> int:
        st = os.statvfs(self.root)
        return st.f_bavail * st.f_frsize

    def fill(self, leave: int) -> Path:
        """Write a filler file so that only `leave` bytes stay free; delete it to free the space."""
        filler = self.root / "filler"
        with filler.open("ab") as f:
            f.write(b"\0" * max(0, self.free() - leave))
        return filler


@pytest.fixture
def small_fs(tmp_path: Path) -> Iterator[SmallFs]:
    if os.geteuid() != 0:
        pytest.skip("mounting a small tmpfs needs root")
    root = tmp_path / "fs"
    root.mkdir()
    r = subprocess.run(["mount", "-t", "tmpfs", "-o", "size=8m", "tmpfs", str(root)], capture_output=True, text=True)
    if r.returncode:
        pytest.skip(f"cannot mount a tmpfs here: {r.stderr.strip()}")
    try:
        yield SmallFs(root)
    finally:
        subprocess.run(["umount", "-l", str(root)], check=False)


def _debris(root: Path) -> list[Path]:
    return sorted(root.rglob("*.tmp"))


def _error_lines(stderr: str) -> list[str]:
    """What the CLI said went wrong (stderr also carries the progress bar)."""
    assert "Traceback" not in stderr, stderr
    return [line for line in stderr.splitlines() if line.startswith("error:")]


def _healthy(db: Path) -> bool:
    with Catalog(db) as cat:
        return examine(cat).healthy


def test_synthesize_on_a_small_disk_stops_at_once_with_one_line_and_resumes_on_a_bigger_one(small_fs):
    db = small_fs.root / "c.duckdb"
    r = flywheel_cli("synthesize", "--n", "2000", "--workers", "2", "--catalog", str(db), timeout=RUN_TIMEOUT)
    assert r.returncode == 1, r.stdout + r.stderr
    (line,) = _error_lines(r.stderr)
    assert f"disk full at {small_fs.root}" in line and "MB free" in line and "rerun to resume" in line, line
    assert _debris(small_fs.root) == []
    fix = flywheel_cli("doctor", "--repair", "--catalog", str(db))
    assert fix.returncode == 0, fix.stdout + fix.stderr
    small_fs.resize(96)  # now the run has its reserve
    again = flywheel_cli("synthesize", "--n", "12", "--workers", "2", "--catalog", str(db), timeout=RUN_TIMEOUT)
    assert again.returncode == 0 and "12 accepted (12 new)" in again.stdout, again.stdout + again.stderr
    assert _healthy(db)


def test_a_run_that_fills_the_disk_stops_after_a_batch_and_resumes_once_space_is_freed(small_fs, small_seeds):
    small_fs.resize(80)
    db = small_fs.root / "c.duckdb"
    args = ["synthesize", "--n", "2000", "--seeds", str(small_seeds), "--workers", "2", "--batch-size", "4",
            "--catalog", str(db)]
    filler = small_fs.fill(leave=stream.MIN_FREE_BYTES + 4 * MB)  # the catalog takes ~1.3 MB of the margin
    r = flywheel_cli(*args, timeout=RUN_TIMEOUT)
    assert r.returncode == 1, r.stdout + r.stderr
    (line,) = _error_lines(r.stderr)
    assert f"disk full at {small_fs.root}" in line and "free space and rerun to resume" in line, line
    committed = catalog_rows(db, "SELECT count(*) FROM samples WHERE accepted")[0][0]
    assert 0 < committed < 2000
    assert catalog_rows(db, "SELECT status FROM runs") == [("interrupted",)]
    assert _debris(small_fs.root) == [] and _healthy(db)  # nothing for doctor: no tmp, no orphan PNG
    filler.unlink()
    want = committed + 4
    again = flywheel_cli(*args[:2], str(want), *args[3:], timeout=RUN_TIMEOUT)
    assert again.returncode == 0 and f"{want} accepted (4 new)" in again.stdout, again.stdout + again.stderr


# Runs a command with no free-space reserve, so the run meets the full disk itself.
NO_RESERVE = ("import sys; from flywheel.run import stream; stream.MIN_FREE_BYTES = stream.SAMPLE_BYTES = 0; "
              "from flywheel.cli.main import app; sys.argv[0] = 'flywheel'; app()")


def _no_reserve(*args: str) -> subprocess.CompletedProcess:
    return subprocess.run([sys.executable, "-c", NO_RESERVE, *args], capture_output=True, text=True, timeout=RUN_TIMEOUT)


def test_a_write_that_meets_a_full_disk_stops_the_run_with_one_line(small_fs, small_seeds):
    db = small_fs.root / "c.duckdb"
    args = ["synthesize", "--seeds", str(small_seeds), "--workers", "2", "--batch-size", "4", "--catalog", str(db)]
    first = _no_reserve(*args, "--n", "2")  # makes the catalog while there is room
    assert first.returncode == 0, first.stderr
    filler = small_fs.fill(leave=256 * 1024)
    r = _no_reserve(*args, "--n", "2000")
    assert r.returncode == 1, r.stdout + r.stderr
    (line,) = _error_lines(r.stderr)
    assert os.strerror(errno.ENOSPC) in line and "free space and rerun to resume" in line, line
    assert str(small_fs.root) in line  # it names the file it could not write
    assert _debris(small_fs.root) == []
    filler.unlink()
    fix = flywheel_cli("doctor", "--repair", "--catalog", str(db))
    assert fix.returncode == 0, fix.stdout + fix.stderr
    assert _healthy(db) and _debris(small_fs.root) == []
    small_fs.resize(96)
    done = catalog_rows(db, "SELECT count(*) FROM samples WHERE accepted")[0][0]
    again = flywheel_cli(*args, "--n", str(done + 6), timeout=RUN_TIMEOUT)
    assert again.returncode == 0 and f"{done + 6} accepted (6 new)" in again.stdout, again.stdout + again.stderr


def _sample(i: int) -> Sample:
    return Sample(id=f"s{i}", kind="interaction", domain="d", knowledge_id="k", question="q" * 4000, answer="1",
                  answer_expr="1", image="", image_code="x" * 4000, tool_code="", edited_image=None, cot="c" * 4000,
                  difficulty=1, difficulty_score=1.0, params={}, seed=i, generator="g", stream="s", task_index=i)


def test_a_commit_on_a_full_disk_is_one_line_and_the_catalog_stays_usable(small_fs):
    db = small_fs.root / "c.duckdb"
    with Catalog(db) as cat:
        filler = small_fs.fill(leave=0)
        batch = [_sample(i) for i in range(200)]
        verdicts = [Verdict(s.id, "answer", True, 1.0, "ok") for s in batch]
        with pytest.raises(FlywheelError) as info:
            cat.write_batch(batch, verdicts, {}, "run")
        line = str(info.value)
        assert line.startswith(f"cannot write catalog {db}: ") and os.strerror(errno.ENOSPC) in line, line
        assert "\n" not in line and "rollback" not in line
        filler.unlink()
        cat.write_batch(batch[:1], verdicts[:1], {}, "run")
        assert cat.query("SELECT id FROM samples")[1] == [("s0",)]  # nothing of the failed batch went in


def fails_with_enospc(i: int) -> None:
    """A worker task whose image cannot be written, as on a full disk."""
    raise StoreError(f"cannot write image /store/{i}.png: {os.strerror(errno.ENOSPC)}", errno.ENOSPC)


def test_the_first_task_that_cannot_write_stops_the_stream_instead_of_counting_failures(tmp_path):
    seen: list[int] = []

    def tasks(start: int, _accepted: int) -> Iterator[int]:
        for i in range(start, 10_000):
            seen.append(i)
            yield i

    with WorkerPool(2, task_timeout=30) as pool, Catalog(tmp_path / "c.duckdb") as cat:
        with pytest.raises(StreamStopped, match=r"^cannot write image /store/\d+\.png: No space left on device; "
                                                r"free space and rerun to resume$"):
            run_stream(cat, "s", tasks, in_processes(pool, "tests.run.test_disk:fails_with_enospc"),
                       run=stream.NewRun("synthesize", {}), batch_size=4)
        assert len(seen) < 10  # it stopped at the first failure, not after trying every task
        assert cat.query("SELECT status FROM runs")[1] == [("interrupted",)]


# -- images of outcomes that were computed but never committed ----------------------------------------
def test_outcomes_in_flight_when_a_stream_stops_leave_no_images(tmp_path):
    """in_threads(4) has tasks 3..6 computed, their PNGs written, when the stream stops at 3 accepted."""
    with Catalog(tmp_path / "c.duckdb") as cat:
        def task(i: int):
            def run() -> Outcome:  # as a worker does: the PNGs go straight into the store
                out = made(i)
                for digest, png in out.images.items():
                    cat.images.put(png, digest)
                return dataclasses.replace(out, images={})
            return run

        stats = run_stream(cat, "s", listed(range(20), lambda i, _: task(i)), in_threads(4),
                           run=stream.NewRun("synthesize", {}), batch_size=2, stop_at=3)
        assert stats.accepted == 3
        assert examine(cat).healthy, examine(cat).findings
        assert len(list(cat.images.root.rglob("*.png"))) == 3


def test_a_stream_that_stops_early_leaves_no_unreferenced_png_and_keeps_shared_ones(tmp_path, small_seeds):
    # Three kinds share each figure's image: an uncommitted perception task's PNG may be a committed
    # interaction sample's figure too, and must stay.
    db = tmp_path / "c.duckdb"
    synthesize(SynthesisConfig(n=10, seed=4, catalog=db, seeds=small_seeds, workers=3, batch_size=4,
                               kinds=["interaction", "perception", "instruction"]))
    with Catalog(db) as cat:
        rep = examine(cat)
        assert rep.healthy, rep.findings
        assert rep.images_checked == len(list(cat.images.root.rglob("*.png")))
