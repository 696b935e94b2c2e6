"""Hardened sandbox for code flywheel did not write (LLM output, RL rollouts, imported datasets).

Three layers: a static AST check (static_check.py); a fresh process per task with OS limits (CPU
time, address space, file size, open files, no core dumps), its own empty network namespace when
the host allows it, a minimal environment and a private temp dir as cwd; and inside it a runtime
audit hook (jail.py) that refuses sockets, processes, and file access outside that dir. The
parent enforces the wall clock and kills the whole process group. Every failure is a
`SandboxResult(ok=False, error=...)` with a one-line reason; nothing here raises.
"""

from __future__ import annotations

import contextlib
import ctypes
import json
import os
import resource
import shutil
import signal
import subprocess
import sys
import tempfile
from dataclasses import dataclass

from flywheel.sandbox.static_check import check_code

PNG_MAGIC = b"\x89PNG\r\n\x1a\n"
CLONE_NEWNET = 0x40000000
_SIGNALS = {
    signal.SIGXCPU: "CPU time limit exceeded",
    signal.SIGXFSZ: "file size limit exceeded (output or a written file too large)",
    signal.SIGKILL: "killed (memory or process limit)",
    signal.SIGSEGV: "crashed (segmentation fault, often the memory limit)",
}


@dataclass(frozen=True)
class SandboxLimits:
    wall_s: float = 10.0  # wall-clock seconds before the process group is killed
    cpu_s: int = 5  # CPU seconds (RLIMIT_CPU)
    memory_mb: int = 1024  # address space (RLIMIT_AS); numpy + PIL need ~300 MB
    file_mb: int = 16  # largest file the code may write, stdout included (RLIMIT_FSIZE)
    max_output_chars: int = 20_000  # stdout kept for the caller
    open_files: int = 64  # RLIMIT_NOFILE


@dataclass(frozen=True)
class SandboxResult:
    ok: bool
    stdout: str
    error: str | None
    image_png: bytes | None
    image_path: str | None


def _fail(error: str, stdout: str = "") -> SandboxResult:
    return SandboxResult(False, stdout, error, None, None)


def _confine(limits: SandboxLimits) -> None:
    """Runs in the child between fork and exec: limits first, then an empty network namespace."""
    # CPU: SIGXCPU at the soft limit (reported as such), SIGKILL a second later.
    resource.setrlimit(resource.RLIMIT_CPU, (limits.cpu_s, limits.cpu_s + 1))
    for res, value in ((resource.RLIMIT_AS, limits.memory_mb << 20), (resource.RLIMIT_FSIZE, limits.file_mb << 20),
                       (resource.RLIMIT_NOFILE, limits.open_files), (resource.RLIMIT_CORE, 0)):
        resource.setrlimit(res, (value, value))
    with contextlib.suppress(OSError):  # not permitted: the audit hook still refuses every socket
        ctypes.CDLL(None, use_errno=True).unshare(CLONE_NEWNET)  # no interfaces but a down loopback


def _environment(work: str) -> dict[str, str]:
    # Nothing from the host environment: API keys must never reach untrusted code.
    return {"PATH": "/usr/bin:/bin", "HOME": work, "LANG": "C.UTF-8", "MPLCONFIGDIR": os.path.join(work, ".mpl"),
            "OPENBLAS_NUM_THREADS": "1", "OMP_NUM_THREADS": "1", "MPLBACKEND": "Agg"}


def _seed_font_cache(work: str) -> None:
    """Copy matplotlib's font list so a first `import matplotlib` does not rescan every font."""
    try:
        import matplotlib

        cache = matplotlib.get_cachedir()
        os.makedirs(os.path.join(work, ".mpl"), exist_ok=True)
        for name in os.listdir(cache):
            if name.startswith("fontlist") and name.endswith(".json"):
                shutil.copy(os.path.join(cache, name), os.path.join(work, ".mpl", name))
    except Exception:  # noqa: BLE001 - only a speed-up
        pass


def _exit_reason(rc: int, stderr: str) -> str:
    if rc < 0:
        sig = signal.Signals(-rc)
        return _SIGNALS.get(sig, f"killed by signal {sig.name}")
    last = [ln for ln in stderr.strip().splitlines() if ln.strip()]
    detail = last[-1] if last else f"exit code {rc}"
    if "MemoryError" in detail:
        return "memory limit exceeded (MemoryError)"
    return f"code failed: {detail}"[:300]


def _read(path: str, limit: int) -> str:
    with open(path, "rb") as fh:
        return fh.read(limit).decode("utf-8", "replace")


def _result_image(work: str, stdout: str, limits: SandboxLimits, expect_file: str | None) -> SandboxResult:
    lines = [ln.strip() for ln in stdout.splitlines() if ln.strip()]
    if expect_file is None and not lines:
        return _fail("the code printed no path", stdout)
    printed = expect_file or lines[-1]
    path = os.path.realpath(os.path.join(work, printed))
    if not path.startswith(os.path.realpath(work) + os.sep):
        return _fail(f"printed path {printed!r} is outside the sandbox directory", stdout)
    if not os.path.isfile(path):
        return _fail(f"printed path {printed!r} is not a file", stdout)
    with open(path, "rb") as fh:
        data = fh.read((limits.file_mb << 20) + 1)
    if not data.startswith(PNG_MAGIC):
        return _fail(f"{printed!r} is not a PNG image", stdout)
    return SandboxResult(True, stdout, None, data, printed)


def run_untrusted(
    code: str,
    image_png: bytes | None = None,
    limits: SandboxLimits | None = None,
    static_check: bool = True,
    expect_file: str | None = None,
) -> SandboxResult:
    """Run contract code (reads `image_path`, saves a PNG, prints its path) with no trust at all.

    `expect_file="image.png"` runs figure code instead: the result is that file, nothing printed.
    `static_check=False` skips the first layer; tests use it to prove the other layers hold alone.
    """
    limits = limits or SandboxLimits()
    problem = check_code(code) if static_check else None
    if problem:
        return _fail(f"rejected before running: {problem}")
    work = tempfile.mkdtemp(prefix="fw-jail-")
    try:
        image_path = os.path.join(work, "input.png")
        if image_png is not None:
            with open(image_path, "wb") as fh:
                fh.write(image_png)
        _seed_font_cache(work)
        job = json.dumps({"code": code, "dir": work, "image_path": image_path}).encode()
        out_path, err_path = os.path.join(work, ".stdout"), os.path.join(work, ".stderr")
        with open(out_path, "wb") as out, open(err_path, "wb") as err:
            proc = subprocess.Popen(
                [sys.executable, "-I", "-m", "flywheel.sandbox.jail"], stdin=subprocess.PIPE, stdout=out,
                stderr=err, cwd=work, env=_environment(work), start_new_session=True,
                preexec_fn=lambda: _confine(limits),  # noqa: PLW1509 - no threads start in between
            )
            try:
                proc.communicate(job, timeout=limits.wall_s)
            except subprocess.TimeoutExpired:
                os.killpg(proc.pid, signal.SIGKILL)
                proc.wait()
                return _fail(f"timed out after {limits.wall_s:g}s (wall clock)")
            finally:
                _kill_group(proc.pid)
        stdout = _read(out_path, limits.max_output_chars)
        if os.path.getsize(out_path) > limits.max_output_chars * 4:
            return _fail(f"output too large ({os.path.getsize(out_path)} bytes)", stdout)
        if proc.returncode != 0:
            return _fail(_exit_reason(proc.returncode, _read(err_path, 4000)), stdout)
        return _result_image(work, stdout, limits, expect_file)
    except Exception as exc:  # noqa: BLE001 - the sandbox itself must never raise
        return _fail(f"sandbox error: {type(exc).__name__}: {exc}")
    finally:
        shutil.rmtree(work, ignore_errors=True)


def _kill_group(pgid: int) -> None:
    with contextlib.suppress(ProcessLookupError):
        os.killpg(pgid, signal.SIGKILL)  # anything the code left behind in its session
