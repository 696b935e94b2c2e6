"""Progress goes to stderr, also in a logged run; stdout keeps only the result."""

from __future__ import annotations

import io
import json
import os
import re
import subprocess
import sys
import time

from rich.console import Console

from flywheel.cli import console


def _run(*args: str, every: str = "0.2") -> subprocess.CompletedProcess:
    env = {**os.environ, "FLYWHEEL_PROGRESS_EVERY": every}
    return subprocess.run([sys.executable, "-m", "flywheel.cli", *args], env=env, capture_output=True, text=True,
                          timeout=600)


def test_logged_synthesize_prints_progress_lines(tmp_path):
    r = _run("synthesize", "--n", "6", "--knowledge", "plane.pythagoras", "--workers", "1", "-c", str(tmp_path / "c.duckdb"))
    assert r.returncode == 0, r.stderr
    lines = r.stderr.splitlines()
    assert lines[0] == "synthesize: started"
    assert re.fullmatch(r"synthesize: finished after \d+s", lines[-1])
    assert any(re.fullmatch(r"synthesize: \d+/6 accepted · \d+ generated · [\d.]+/s( · ETA \d+s)? · \d+s", ln) for ln in lines), lines
    assert "synthesize:" not in r.stdout and r.stdout.startswith("6 accepted")


def test_json_output_stays_clean_and_quiet_silences(tmp_path):
    r = _run("bench", "dedup", "--size", "2000", "--checks", "200", "--json")
    assert r.returncode == 0, r.stderr
    assert json.loads(r.stdout)["index_size"] == 2000  # stdout is exactly the JSON object
    assert "bench dedup: started" in r.stderr and "bench dedup: finished" in r.stderr
    q = _run("--quiet", "bench", "dedup", "--size", "2000", "--checks", "200", "--json")
    assert q.returncode == 0 and q.stderr == "" and json.loads(q.stdout)["checks"] == 200


def test_heartbeat_while_no_phase_reports(monkeypatch):
    buf = io.StringIO()
    monkeypatch.setattr(console, "err", Console(file=buf, width=200, markup=False))
    monkeypatch.setenv("FLYWHEEL_PROGRESS_EVERY", "0.1")
    with console.progress("export v-interaction"):  # a phase that never reports, like an export
        deadline = time.monotonic() + 60
        while buf.getvalue().count("running") < 2 and time.monotonic() < deadline:
            time.sleep(0.05)
    lines = buf.getvalue().splitlines()
    assert lines[0] == "export v-interaction: started" and lines[-1].startswith("export v-interaction: finished after")
    assert sum(ln.startswith("export v-interaction: running") for ln in lines) >= 2


def test_terminal_gets_a_live_bar(monkeypatch):
    buf = io.StringIO()
    monkeypatch.setattr(console, "err", Console(file=buf, width=120, force_terminal=True, markup=False))
    with console.progress("import") as bar:
        bar.update(3, 7, "rows checked [/] :x:")
    text = buf.getvalue()
    assert "3/7" in text and "rows checked [/] :x:" in text and "started" not in text
