"""A mistyped command line is one `error:` line naming the fix, like every other user mistake."""

from __future__ import annotations

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
