"""Help a newcomer can read, --version, shell completion, and the documented default catalog."""

from __future__ import annotations

import json
import os
import re
import subprocess
import sys

import pytest

from flywheel.catalog import Catalog
from flywheel.catalog.introspect import schema
from tests.conftest import flywheel_cli

COMMANDS = [[], ["bench"], ["knowledge"], ["train"], ["synthesize"], ["evolve"], ["query"], ["export"], ["import"], ["show"], ["verify"],
            ["bench", "speed"], ["bench", "dedup"], ["bench", "verify"], ["bench", "scale"], ["bench", "export"], ["knowledge", "import"], ["knowledge", "list"],
            ["knowledge", "show"], ["knowledge", "coverage"], ["train", "sft"], ["train", "rl"], ["train", "eval"],
            ["train", "curriculum"]]


def _help(*cmd: str) -> str:
    r = flywheel_cli(*cmd, "--help")
    assert r.returncode == 0, r.stderr
    return r.stdout


@pytest.mark.parametrize("cmd", COMMANDS, ids=lambda c: " ".join(c) or "flywheel")
def test_help_has_no_type_labels_on_flags_or_positionals(cmd):
    text = _help(*cmd)
    assert "<bool>" not in text  # value options keep their type (<int>, <path> …): a flag has none
    arguments = text.split("─ Arguments ")[1].split("╰")[0] if "─ Arguments " in text else ""
    assert "<" not in arguments, arguments
    usage = next(line for line in text.splitlines() if "Usage:" in line)
    assert "{" not in usage, usage  # positionals read SQL, FILE …, not {sql}


def test_help_names_positionals_and_shows_minimums():
    text = _help("show")
    assert re.search(r"Usage: flywheel show \[OPTIONS\] SAMPLE_ID", text)
    assert re.search(r"SAMPLE_ID\s+Sample id or a unique prefix", text)
    syn = _help("synthesize")
    assert "[x>=1]" in syn  # --workers, --batch-size
    assert "at least 1" in syn  # --n
    assert "FLYWHEEL_CATALOG" in syn and "flywheel.duckdb" in syn


def test_query_help_lists_every_table(tmp_path):
    with Catalog(tmp_path / "new.duckdb") as cat:
        tables = schema(cat.con)
    text = " ".join(_help("query").split())
    for t in tables:
        assert t in text, t


def test_version():
    r = flywheel_cli("--version")
    assert r.returncode == 0 and re.fullmatch(r"flywheel \S+\n", r.stdout), r.stdout


def test_completion_script_and_completions():
    # Typer detects the user's shell from the parent process: run it from bash, as a bash user does
    # (under `make`, the parent would be sh, which typer does not support); `; exit $?` keeps bash from
    # exec-ing the command in its own place.
    r = subprocess.run(["bash", "-c", f"'{sys.executable}' -m flywheel.cli --show-completion; exit $?"], capture_output=True,
                       text=True, timeout=120)
    assert r.returncode == 0 and "complete " in r.stdout and "_FLYWHEEL_COMPLETE" in r.stdout, r.stdout
    env = {**os.environ, "_FLYWHEEL_COMPLETE": "complete_bash", "COMP_WORDS": "flywheel query --fo", "COMP_CWORD": "2"}
    r = subprocess.run([sys.executable, "-m", "flywheel.cli"], env=env, capture_output=True, text=True, timeout=120)
    assert r.stdout.split() == ["--format"], r.stdout


def test_catalog_from_environment(evolved_catalog, tmp_path):
    env = {**os.environ, "FLYWHEEL_CATALOG": str(evolved_catalog)}
    r = subprocess.run([sys.executable, "-m", "flywheel.cli", "query", "-f", "json", "SELECT count(*) AS n FROM samples"],
                       env=env, cwd=tmp_path, capture_output=True, text=True, timeout=120)
    assert r.returncode == 0 and json.loads(r.stdout)[0]["n"] > 0, r.stderr
    assert not (tmp_path / "flywheel.duckdb").exists()
