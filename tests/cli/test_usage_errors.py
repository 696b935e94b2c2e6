"""A mistyped command line is one `error:` line naming the fix, like every other user mistake."""

from __future__ import annotations

import subprocess
import sys

import pytest

from tests.conftest import flywheel_cli


@pytest.mark.parametrize(("args", "says"), [
    (["synthesize", "--n", "abc"], "Invalid value for '--n'"),
    (["synthesize", "--bogus"], "No such option: --bogus"),
    (["bogus"], "No such command 'bogus'"),
    (["export", "--format", "v-interaction"], "Missing option '--out'"),
])
def test_usage_errors_are_one_line(args, says):
    r = flywheel_cli(*args)
    assert r.returncode == 2
    lines = r.stderr.strip().splitlines()
    assert len(lines) == 1, r.stderr
    assert lines[0].startswith("error: ") and says in lines[0] and "--help" in lines[0]


def test_executor_ray_without_the_extra_says_how_to_get_it(tmp_path):
    """`pip install flywheel` has no Ray: asking for it is one line with the install command, nothing written."""
    hide_ray = ("import runpy, sys; sys.modules['ray'] = None; sys.argv[0] = 'flywheel'; "
                "runpy.run_module('flywheel.cli', run_name='__main__')")
    db = tmp_path / "c.duckdb"
    r = subprocess.run([sys.executable, "-c", hide_ray, "synthesize", "--n", "2", "--catalog", str(db),
                        "--executor", "ray"], capture_output=True, text=True, timeout=120)
    assert r.returncode == 1
    assert r.stderr.strip().splitlines() == ["error: --executor ray needs Ray, which is not installed: "
                                             "pip install 'flywheel[ray]'"]
    assert not db.exists() and not (tmp_path / "images").exists()
