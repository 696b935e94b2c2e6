"""Child side of the hardened sandbox: confine this process, arm a runtime guard, run the code.

Started by hardened.py as `python -I -m flywheel.sandbox.jail` with a minimal environment; reads
its job as JSON on stdin. Before any untrusted byte runs it (1) sets OS limits, (2) enters an
empty network namespace, (3) as root: enters a private mount namespace where /tmp, /var/tmp,
/dev/shm and /run/lock are fresh tmpfs and the home directory is hidden (the private dir and
the Python installation are bound back in), then drops to a uid of its own (so RLIMIT_NPROC
counts this sandbox alone, host files are not its own and host processes cannot be signalled),
(4) imports PIL/numpy, and (5) arms an audit hook that refuses sockets, processes, ctypes and
files outside the private dir. Each step that the host does not permit is skipped, not faked:
the later layers still hold (see hardened.py for what remains then).
"""

from __future__ import annotations

import contextlib
import ctypes
import json
import os
import resource
import sys

from flywheel.core.process import die_with_parent

CLONE_NEWNS, CLONE_NEWNET = 0x00020000, 0x40000000
MS_NOSUID, MS_NODEV, MS_BIND, MS_REC, MS_PRIVATE = 0x2, 0x4, 0x1000, 0x4000, 0x40000
PR_SET_NO_NEW_PRIVS = 38
UID_BASE = 1_600_000_000  # sandbox uid = UID_BASE + pid: unique among live processes, unused on hosts
SCRATCH_DIRS = ("/tmp", "/var/tmp", "/dev/shm", "/run/lock")  # world-writable on the host
SETUP_FAILED = 4  # exit code: the sandbox could not be built (never the code's fault)

BLOCKED_EVENTS = ("socket.", "subprocess.", "ctypes.", "os.exec", "os.posix_spawn", "os.spawn", "os.fork",
                  "os.forkpty", "os.system", "os.kill", "os.killpg", "os.putenv", "os.unsetenv", "pty.",
                  "sys.setprofile", "sys.settrace", "sys.remote_exec", "os.startfile", "webbrowser.")
WRITE_EVENTS = {"os.remove", "os.rename", "os.rmdir", "os.mkdir", "os.chmod", "os.chown", "os.symlink",
                "os.link", "os.truncate", "os.utime", "shutil.rmtree", "shutil.copyfile", "shutil.move",
                "os.chdir", "os.chroot"}
LIST_EVENTS = {"os.listdir", "os.scandir", "glob.glob"}  # the import system lists site-packages
WRITE_FLAGS = os.O_WRONLY | os.O_RDWR | os.O_CREAT | os.O_APPEND | os.O_TRUNC


def _python_roots() -> list[str]:
    roots = {sys.prefix, sys.base_prefix, sys.exec_prefix, *(p for p in sys.path if os.path.isabs(p))}
    return sorted(os.path.realpath(r) for r in roots if os.path.isdir(r))


def _under(path: str, root: str) -> bool:
    return path == root or path.startswith(root.rstrip("/") + "/")


def _set_limits(lim: dict) -> None:
    resource.setrlimit(resource.RLIMIT_CPU, (lim["cpu_s"], lim["cpu_s"] + 1))  # SIGXCPU, then SIGKILL
    for res, value in ((resource.RLIMIT_AS, lim["memory_mb"] << 20), (resource.RLIMIT_FSIZE, lim["file_mb"] << 20),
                       (resource.RLIMIT_NOFILE, lim["open_files"]), (resource.RLIMIT_CORE, 0),
                       (resource.RLIMIT_NPROC, 1 + lim["max_procs"])):  # threads count too
        resource.setrlimit(res, (value, value))


def _private_mounts(libc, work: str, home: str) -> bool:
    """Fresh tmpfs over the scratch dirs and the home dir, binding back `work` and Python."""
    if libc.unshare(CLONE_NEWNS) != 0:
        return False  # not permitted here: no uid drop either (Python may sit in a hidden home)

    def check(rc: int, what: str) -> None:
        if rc != 0:
            raise OSError(ctypes.get_errno(), f"{what}: {os.strerror(ctypes.get_errno())}")

    check(libc.mount(b"none", b"/", None, MS_REC | MS_PRIVATE, None), "making / private")
    keep = sorted({os.path.realpath(work), *_python_roots()})
    keep = [k for k in keep if not any(k != o and _under(k, o) for o in keep)]
    hide = dict.fromkeys(os.path.realpath(d) for d in (*SCRATCH_DIRS, home) if d and os.path.isdir(d))
    for d in hide:
        if d == "/":
            continue
        inner = [k for k in keep if k != d and _under(k, d)]
        fds = [os.open(k, os.O_PATH) for k in inner]  # reachable after the tmpfs hides them
        mode = b"size=4m,mode=755" if d == os.path.realpath(home) else b"size=4m,mode=1777"
        check(libc.mount(b"tmpfs", d.encode(), b"tmpfs", MS_NOSUID | MS_NODEV, mode), f"tmpfs on {d}")
        for k, fd in zip(inner, fds, strict=True):
            os.makedirs(k, exist_ok=True)
            check(libc.mount(f"/proc/self/fd/{fd}".encode(), k.encode(), None, MS_BIND | MS_REC, None), f"bind {k}")
            os.close(fd)
    return True


def _drop_root(work: str) -> None:
    uid = UID_BASE + os.getpid()
    for base, dirs, files in os.walk(work):
        for name in (base, *(os.path.join(base, n) for n in dirs + files)):
            os.lchown(name, uid, uid)
    os.setgroups([])
    os.setgid(uid)
    os.setuid(uid)  # every capability goes with it


def confine(job: dict) -> None:
    _set_limits(job["limits"])
    libc = ctypes.CDLL(None, use_errno=True)
    libc.unshare(CLONE_NEWNET)  # refused without privileges: the audit hook still refuses sockets
    if os.geteuid() == 0 and _private_mounts(libc, job["dir"], job["home"]):
        # A user namespace mapping few uids: the chown fails before anything changed; stay root.
        with contextlib.suppress(OSError):
            _drop_root(job["dir"])
    die_with_parent(job["parent"])  # after the uid change, which clears the parent-death signal
    libc.prctl(PR_SET_NO_NEW_PRIVS, 1, 0, 0, 0)
    os.chdir(job["dir"])


class Guard:
    """Audit hook: once armed, refuse network, processes, and files outside the private dir.

    It acts on capabilities (events), not on imports: matplotlib itself imports subprocess and
    importlib, and the static check already limits what the untrusted code may import. exec and
    compile are not refused: dataclasses and matplotlib generate code with them.
    """

    def __init__(self, work: str) -> None:
        self.work = os.path.realpath(work)
        prefixes = {os.path.realpath(p) for p in (sys.prefix, sys.base_prefix, sys.exec_prefix)}
        # The installation only: a source checkout on sys.path (the project itself) stays unreadable.
        roots = {r for r in _python_roots() if any(_under(r, p) for p in prefixes)}
        self.read_roots = (*prefixes, *roots, "/usr/share/fonts", "/etc/fonts", "/dev/null", "/usr/lib",
                           "/usr/local/lib")
        self.armed = False

    def inside(self, path, roots) -> bool:
        if isinstance(path, int):
            return True  # an already-open descriptor
        p = os.path.realpath(os.fsdecode(path))
        return any(_under(p, r) for r in roots)

    def __call__(self, event: str, args: tuple) -> None:
        if not self.armed:
            return
        if event == "open":
            path, mode, flags = args
            writing = any(c in (mode or "") for c in "wax+") or bool((flags or 0) & WRITE_FLAGS)
            if not self.inside(path, (self.work,) if writing else (self.work, *self.read_roots)):
                raise PermissionError(f"sandbox: {'writing' if writing else 'reading'} {path!r} is not allowed")
        elif event.startswith(BLOCKED_EVENTS):
            raise PermissionError(f"sandbox: {event} is not allowed")
        elif event in WRITE_EVENTS or event in LIST_EVENTS:
            roots = (self.work,) if event in WRITE_EVENTS else (self.work, *self.read_roots)
            paths = [a for a in args if isinstance(a, str | bytes | os.PathLike)] or ["."]
            if not all(self.inside(p, roots) for p in paths):
                raise PermissionError(f"sandbox: {event} outside the sandbox directory is not allowed")


def _preload() -> None:
    """Import what the contract offers before arming, so lazy imports inside them are not refused."""
    import numpy  # noqa: F401
    from PIL import Image, ImageDraw, ImageFont, PngImagePlugin  # noqa: F401


def main() -> None:
    job = json.loads(sys.stdin.read())
    try:
        confine(job)
        _preload()
    except Exception as exc:  # noqa: BLE001 - reported as a sandbox failure, not the code's
        sys.stderr.write(f"sandbox setup failed: {type(exc).__name__}: {exc}\n")
        sys.stderr.flush()
        os._exit(SETUP_FAILED)
    guard = Guard(job["dir"])
    sys.addaudithook(guard)
    ns = {"__name__": "__main__", "image_path": job["image_path"], "temp_output_dir": job["dir"]}
    guard.armed = True
    try:
        exec(compile(job["code"], "untrusted_code", "exec"), ns)
    except BaseException as exc:  # noqa: BLE001 - report, never a traceback with host paths
        _flush()
        sys.stderr.write(f"{type(exc).__name__}: {exc}"[:2000].replace("\n", " ") + "\n")
        sys.stderr.flush()
        os._exit(3)
    os._exit(0 if _flush() else 3)


def _flush() -> bool:
    try:
        sys.stdout.flush()
        return True
    except BaseException as exc:  # noqa: BLE001 - e.g. the output is over the file size limit
        sys.stderr.write(f"writing the output failed: {type(exc).__name__}: {exc}\n")
        return False


if __name__ == "__main__":
    main()
