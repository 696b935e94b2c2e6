"""Hardened sandbox for code flywheel did not write (LLM output, RL rollouts, imported datasets).

Three layers, each meant to hold where the one before it is fooled:
1. a static AST check (static_check.py): an import allowlist, no dunders/frames/getattr/eval;
2. OS confinement of a fresh process per task (jail.py): CPU time, address space, file size,
   open files, process count and core-dump limits; an empty network namespace; as root, a private
   mount namespace (fresh /tmp, /var/tmp, /dev/shm, /run/lock; the home dir hidden) and a uid of
   its own; a minimal environment (no host secrets); a private temp dir as cwd;
3. a runtime audit hook in that process refusing sockets, processes, ctypes, and file access
   outside the private dir (reads: the private dir and the Python installation only).
The parent enforces the wall clock and kills the whole process group. Every failure is a
`SandboxResult(ok=False, error=...)` with a one-line reason; nothing here raises.

Where the host refuses namespaces (no CAP_SYS_ADMIN), steps 2's namespaces and uid drop are
skipped: network, processes and files then rest on the audit hook, and RLIMIT_NPROC on the
per-user count (as root it does not bind at all).
"""

from __future__ import annotations

import contextlib
import dataclasses
import functools
import glob
import json
import os
import shutil
import signal
import subprocess
import sys
import tempfile
from dataclasses import dataclass

from flywheel.sandbox.jail import SETUP_FAILED
from flywheel.sandbox.static_check import check_code

__all__ = ["SandboxLimits", "SandboxResult", "check_code", "run_untrusted"]

PNG_MAGIC = b"\x89PNG\r\n\x1a\n"
_SIGNALS = {
    signal.SIGXCPU: "CPU time limit exceeded",
    signal.SIGXFSZ: "file size limit exceeded (output or a written file too large)",
    signal.SIGKILL: "killed (CPU hard limit or out of memory)",
    signal.SIGSEGV: "crashed (segmentation fault, often the memory limit)",
    signal.SIGABRT: "aborted (often the memory or thread limit)",
}


@dataclass(frozen=True)
class SandboxLimits:
    wall_s: float = 10.0  # wall-clock seconds before the whole process group is killed
    cpu_s: int = 5  # CPU seconds (RLIMIT_CPU), the interpreter's ~0.2 s start-up included
    memory_mb: int = 768  # address space (RLIMIT_AS); numpy + PIL + matplotlib need ~350 MB
    file_mb: int = 16  # largest file the code may write, its stdout included (RLIMIT_FSIZE)
    max_procs: int = 0  # processes/threads beyond the sandbox's own (RLIMIT_NPROC, own uid)
    max_output_chars: int = 20_000  # stdout kept for the caller; more than 4x this is an error
    open_files: int = 64  # RLIMIT_NOFILE


@dataclass(frozen=True)
class SandboxResult:
    ok: bool
    stdout: str
    error: str | None  # one line, set whenever ok is False
    image_png: bytes | None  # the PNG the code saved and printed the path of
    image_path: str | None  # that path, as printed


def _fail(error: str, stdout: str = "") -> SandboxResult:
    return SandboxResult(False, stdout, error, None, None)


def _environment(work: str) -> dict[str, str]:
    # Nothing from the host environment: API keys must never reach untrusted code.
    return {"PATH": "/usr/bin:/bin", "HOME": work, "TMPDIR": work, "LANG": "C.UTF-8",
            "MPLCONFIGDIR": os.path.join(work, ".mpl"), "MPLBACKEND": "Agg",
            "OPENBLAS_NUM_THREADS": "1", "OMP_NUM_THREADS": "1", "MKL_NUM_THREADS": "1"}


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
        return _SIGNALS.get(sig, f"crashed with signal {-rc} ({sig.name})")
    last = [ln for ln in stderr.strip().splitlines() if ln.strip()]
    detail = last[-1] if last else f"exit code {rc}"
    if rc == SETUP_FAILED:
        return detail[:300]
    if "MemoryError" in detail:
        return "memory limit exceeded (MemoryError)"
    if "can't start new thread" in detail:
        return f"process/thread limit reached: {detail}"[:300]
    return f"code failed: {detail}"[:300]


def _head_and_last_line(fh, limit: int) -> tuple[str, str, int]:
    """The first `limit` characters, the last non-empty line, and the size: never all of it."""
    size = fh.seek(0, os.SEEK_END)
    fh.seek(0)
    head = fh.read(limit * 4).decode("utf-8", "replace")[:limit]
    fh.seek(max(0, size - 8192))
    lines = [ln.strip() for ln in fh.read().decode("utf-8", "replace").splitlines() if ln.strip()]
    return head, (lines[-1] if lines else ""), size


def _file_limit_hit(work: str, out_size: int, limits: SandboxLimits) -> bool:
    cap = limits.file_mb << 20
    sizes = (os.lstat(os.path.join(base, f)).st_size for base, _, files in os.walk(work) for f in files)
    return out_size >= cap or any(s >= cap for s in sizes)


def _result_image(work: str, printed: str, stdout: str, limits: SandboxLimits) -> SandboxResult:
    if not printed:
        return _fail("the code printed no path", stdout)
    path = os.path.realpath(os.path.join(work, printed))
    if not path.startswith(os.path.realpath(work) + os.sep):
        return _fail(f"printed path {printed[:200]!r} is outside the sandbox directory", stdout)
    if not os.path.isfile(path):  # regular files only: not a FIFO or device left to hang us
        return _fail(f"printed path {printed[:200]!r} is not a file", stdout)
    with open(path, "rb") as fh:
        data = fh.read((limits.file_mb << 20) + 1)
    if not data.startswith(PNG_MAGIC):
        return _fail(f"{printed[:200]!r} is not a PNG image", stdout)
    return SandboxResult(True, stdout, None, data, printed)


JAIL_PREFIX = "fw-jail-"  # + the owner's PID: a dir whose owner is gone is debris of a killed run


@functools.cache
def _sweep_stale_jails() -> None:
    """Once per process: remove private dirs left behind by runs that were killed mid-task."""
    for d in glob.glob(os.path.join(tempfile.gettempdir(), JAIL_PREFIX + "*")):
        owner = os.path.basename(d)[len(JAIL_PREFIX):].split("-")[0]
        if owner.isdigit() and not _alive(int(owner)):
            shutil.rmtree(d, ignore_errors=True)


def _alive(pid: int) -> bool:
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    except PermissionError:
        return True
    return True


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
    try:
        problem = check_code(code) if static_check else None
    except Exception as exc:  # noqa: BLE001
        problem = f"static check failed: {type(exc).__name__}"
    if problem:
        return _fail(f"rejected before running: {problem}")
    work = None
    try:
        _sweep_stale_jails()
        work = tempfile.mkdtemp(prefix=f"{JAIL_PREFIX}{os.getpid()}-")
        image_path = os.path.join(work, "input.png")
        if image_png is not None:
            with open(image_path, "wb") as fh:
                fh.write(image_png)
        _seed_font_cache(work)
        job = json.dumps({"code": code, "dir": work, "image_path": image_path, "home": os.path.expanduser("~"), "parent": os.getpid(),
                          "limits": dataclasses.asdict(limits)}).encode()
        # stdout/stderr go to unlinked files: outside the private dir, capped by RLIMIT_FSIZE.
        with tempfile.TemporaryFile() as out, tempfile.TemporaryFile() as err:
            proc = subprocess.Popen(
                [sys.executable, "-I", "-m", "flywheel.sandbox.jail"], stdin=subprocess.PIPE, stdout=out,
                stderr=err, cwd=work, env=_environment(work), start_new_session=True, close_fds=True,
            )
            try:
                proc.communicate(job, timeout=limits.wall_s)
            except subprocess.TimeoutExpired:
                return _fail(f"timed out after {limits.wall_s:g}s (wall clock)")
            finally:
                with contextlib.suppress(ProcessLookupError):
                    os.killpg(proc.pid, signal.SIGKILL)  # the code and anything it left behind
                proc.wait()
            stdout, last, size = _head_and_last_line(out, limits.max_output_chars)
            if proc.returncode != 0:
                if _file_limit_hit(work, size, limits):  # Python ignores SIGXFSZ: writes fail instead
                    return _fail(f"file size limit exceeded ({limits.file_mb} MB; output or a written file)", stdout)
                return _fail(_exit_reason(proc.returncode, _head_and_last_line(err, 4000)[1]), stdout)
            if size > limits.max_output_chars * 4:
                return _fail(f"output too large ({size} bytes, limit {limits.max_output_chars} chars)", stdout)
        return _result_image(work, expect_file or last, stdout, limits)
    except Exception as exc:  # noqa: BLE001 - the sandbox itself must never raise
        return _fail(f"sandbox error: {type(exc).__name__}: {exc}")
    finally:
        if work:
            shutil.rmtree(work, ignore_errors=True)
