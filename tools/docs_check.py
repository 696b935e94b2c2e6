"""Run the shell commands of README.md in a scratch directory, so the README cannot drift from the CLI.

    python tools/docs_check.py [FILE.md]     # default: README.md

Every line of a ```bash block is one command (a trailing backslash continues it). `export
NAME=value` sets the environment of the commands after it. Commands that install packages, run
make targets or train models are not run; each is listed with the reason. Everything else runs
in bash, in a fresh temporary directory, with `flywheel` meaning this checkout's CLI. Exit code 1
when a command fails.
"""

from __future__ import annotations

import os
import re
import shlex
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
SKIP = [
    (re.compile(r"^pip "), "installs packages"),
    (re.compile(r"^make "), "a make target: creates .venv, runs the test suite or regenerates figures"),
    (re.compile(r"^flywheel train\b"), "trains a model (needs the [train] extra and minutes to hours)"),
    (re.compile(r"^python tools/docs_check\.py\b"), "this check itself"),
]
EXPORT = re.compile(r"^export ([A-Za-z_][A-Za-z0-9_]*)=(.*?)\s*(#.*)?$")


def commands(markdown: str) -> list[str]:
    """The command lines of the ```bash blocks, continuation lines joined."""
    found: list[str] = []
    for block in re.findall(r"```bash\n(.*?)```", markdown, re.S):
        pending = ""
        for line in block.splitlines():
            pending += line.rstrip()
            if pending.endswith("\\"):
                pending = pending[:-1] + " "
                continue
            if pending.strip() and not pending.lstrip().startswith("#"):
                found.append(pending.strip())
            pending = ""
    return found


def skip_reason(command: str) -> str | None:
    return next((why for pattern, why in SKIP if pattern.search(command)), None)


def run(markdown_file: Path) -> int:
    cmds = commands(markdown_file.read_text(encoding="utf-8"))
    failed = 0
    with tempfile.TemporaryDirectory(prefix="flywheel-docs-check-") as tmp:
        work, bin_dir = Path(tmp) / "work", Path(tmp) / "bin"
        work.mkdir()
        bin_dir.mkdir()
        shim = bin_dir / "flywheel"
        shim.write_text(f'#!/bin/sh\nexec {shlex.quote(sys.executable)} -m flywheel.cli "$@"\n')
        shim.chmod(0o755)
        env = {**os.environ, "PATH": f"{bin_dir}{os.pathsep}{os.environ.get('PATH', '')}",
               "PYTHONPATH": os.pathsep.join(p for p in (str(ROOT), os.environ.get("PYTHONPATH")) if p)}
        for cmd in cmds:
            why = skip_reason(cmd)
            if why:
                print(f"skip  {cmd}\n      ({why})")
                continue
            m = EXPORT.match(cmd)
            if m:
                env[m.group(1)] = os.path.expandvars(m.group(2).strip("'\""))
                print(f"env   {m.group(1)}={env[m.group(1)]}")
                continue
            t0 = time.monotonic()
            r = subprocess.run(["bash", "-o", "pipefail", "-c", cmd], cwd=work, env=env, capture_output=True, text=True)
            took = time.monotonic() - t0
            if r.returncode == 0:
                print(f"ok    {took:5.1f}s  {cmd}")
            else:
                failed += 1
                print(f"FAIL  {took:5.1f}s  {cmd}  (exit {r.returncode})\n{r.stderr[-2000:]}")
    print(f"{len(cmds)} commands, {failed} failed")
    return 1 if failed else 0


if __name__ == "__main__":
    sys.exit(run(Path(sys.argv[1]) if len(sys.argv) > 1 else ROOT / "README.md"))
