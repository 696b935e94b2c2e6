"""Processes of a run never outlive it, and a stopped run says one line and resumes."""

from __future__ import annotations

import os
import signal
import subprocess
import sys
import time
from pathlib import Path

import duckdb
import pytest

from flywheel.catalog import Catalog
from tests.conftest import catalog_rows, flywheel_cli


def _children(pid: int) -> set[int]:
    """Every live descendant of `pid` (read from /proc)."""
    kids: dict[int, list[int]] = {}
    for d in Path("/proc").iterdir():
        if d.name.isdigit():
            try:
                stat = (d / "stat").read_text()
            except OSError:
                continue
            ppid = int(stat.rsplit(")", 1)[1].split()[1])
            kids.setdefault(ppid, []).append(int(d.name))
    out, todo = set(), [pid]
    while todo:
        for k in kids.get(todo.pop(), []):
            out.add(k)
            todo.append(k)
    return out


def _alive(pid: int) -> bool:
    try:
        state = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()[0]
    except OSError:
        return False
    return state != "Z"


def _start(args: list[str], cwd: Path) -> subprocess.Popen:
    return subprocess.Popen([sys.executable, "-m", "flywheel.cli", *args], cwd=cwd, stdout=subprocess.PIPE,
                            stderr=subprocess.PIPE, text=True)


def _wait_for(cond, seconds: float = 120) -> bool:
    end = time.monotonic() + seconds
    while time.monotonic() < end:
        if cond():
            return True
        time.sleep(0.2)
    return False


@pytest.mark.skipif(not sys.platform.startswith("linux"), reason="parent-death signal is Linux's")
def test_workers_die_when_the_main_process_is_killed(tmp_path):
    proc = _start(["synthesize", "--n", "3000", "--seed", "1", "--workers", "2", "--catalog", "c.duckdb"], tmp_path)
    assert _wait_for(lambda: len(_children(proc.pid)) >= 2), "workers never started"
    workers = _children(proc.pid)
    time.sleep(1.0)
    proc.kill()  # as the OOM killer does: no cleanup code runs in the parent
    proc.wait()
    assert _wait_for(lambda: not any(_alive(w) for w in workers), 20), [w for w in workers if _alive(w)]


@pytest.mark.skipif(not sys.platform.startswith("linux"), reason="parent-death signal is Linux's")
def test_sandboxed_code_dies_with_its_runner(tmp_path):
    # The runner starts a sandbox whose code sleeps far past any limit we wait for, then is killed.
    script = tmp_path / "runner.py"
    script.write_text(
        "from flywheel.sandbox.hardened import SandboxLimits, run_untrusted\n"
        "run_untrusted('import time\\ntime.sleep(300)', None, SandboxLimits(wall_s=300, cpu_s=20), static_check=False)\n")
    runner = subprocess.Popen([sys.executable, str(script)], cwd=tmp_path)
    assert _wait_for(lambda: len(_children(runner.pid)) >= 1, 60)
    time.sleep(1.0)
    jail = _children(runner.pid)
    jail_dirs = {p for p in Path("/tmp").glob(f"fw-jail-{runner.pid}-*")}
    assert jail_dirs, "the sandbox dir is named for its owner"
    runner.kill()
    runner.wait()
    assert _wait_for(lambda: not any(_alive(p) for p in jail), 20)
    # The next sandbox run of any process removes the dead owner's directory.
    from flywheel.sandbox import hardened

    hardened._sweep_stale_jails.cache_clear()
    hardened.run_untrusted("print(1)")
    assert not any(d.exists() for d in jail_dirs)


def test_sigterm_stops_like_ctrl_c_keeping_committed_batches(tmp_path):
    proc = _start(["synthesize", "--n", "3000", "--seed", "2", "--workers", "2", "--batch-size", "4",
                   "--catalog", "c.duckdb"], tmp_path)
    db = tmp_path / "c.duckdb"

    def committed() -> bool:  # readers get in between the run's batches
        r = flywheel_cli("query", "SELECT count(*) FROM samples", "--format", "csv", "--catalog", str(db))
        return r.returncode == 0 and int(r.stdout.splitlines()[1]) > 0

    assert _wait_for(lambda: db.exists() and committed(), 180)
    proc.send_signal(signal.SIGTERM)
    _, err = proc.communicate(timeout=60)
    assert proc.returncode == 130, err
    assert "Traceback" not in err
    assert "interrupted" in err.splitlines()[-1]
    (n,) = catalog_rows(db, "SELECT count(*) FROM samples")[0]
    assert n > 0
    assert catalog_rows(db, "SELECT status FROM runs") == [("interrupted",)]


def test_a_killed_run_is_closed_by_the_next_writer(tmp_path):
    db = tmp_path / "c.duckdb"
    with Catalog(db) as cat:
        cat.start_run("synthesize", {})
    assert catalog_rows(db, "SELECT status FROM runs") == [("running",)]
    r = flywheel_cli("synthesize", "--n", "2", "--seed", "1", "--workers", "1", "--catalog", str(db))
    assert r.returncode == 0, r.stderr
    assert sorted(catalog_rows(db, "SELECT status FROM runs")) == [("done",), ("interrupted",)]


def test_foreign_duckdb_files_are_refused_in_one_line(tmp_path):
    foreign = tmp_path / "theirs.duckdb"
    con = duckdb.connect(str(foreign))
    con.execute("CREATE TABLE t (a INTEGER)")
    con.close()
    empty = tmp_path / "empty.duckdb"
    duckdb.connect(str(empty)).close()  # as left by a run killed while creating its catalog
    for args in (["show", "abc"], ["query", "SELECT 1"], ["export", "--format", "v-interaction", "--out", "o"],
                 ["synthesize", "--n", "1", "--workers", "1"]):
        r = flywheel_cli(*args, "--catalog", str(foreign), cwd=tmp_path)
        assert r.returncode == 1, (args, r.stderr)
        assert "not a flywheel catalog" in r.stderr and "Traceback" not in r.stderr, r.stderr
    r = flywheel_cli("show", "abc", "--catalog", str(empty), cwd=tmp_path)
    assert r.returncode == 1 and "not a flywheel catalog" in r.stderr
    con = duckdb.connect(str(foreign), read_only=True)
    assert [t[0] for t in con.execute("SHOW TABLES").fetchall()] == ["t"]  # untouched
    con.close()
    assert os.path.exists(foreign)
