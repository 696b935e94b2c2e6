"""Child side of the hardened sandbox: arm a runtime guard (audit hook), then run the code.

Started by hardened.py as `python -I -m flywheel.sandbox.jail` in a private directory, with OS
limits already applied; reads its job as JSON on stdin.
"""

from __future__ import annotations

import json
import os
import sys

BLOCKED_EVENTS = ("socket.", "subprocess.", "ctypes.", "os.exec", "os.posix_spawn", "os.spawn", "os.fork",
                  "os.forkpty", "os.system", "os.kill", "os.killpg", "os.putenv", "os.unsetenv", "pty.",
                  "sys.setprofile", "sys.settrace", "sys.remote_exec", "os.startfile", "webbrowser.")
WRITE_EVENTS = {"os.remove", "os.rename", "os.rmdir", "os.mkdir", "os.chmod", "os.chown", "os.symlink",
                "os.link", "os.truncate", "os.utime", "shutil.rmtree", "shutil.copyfile", "shutil.move",
                "os.chdir", "os.chroot"}
LIST_EVENTS = {"os.listdir", "os.scandir", "glob.glob"}  # the import system lists site-packages
WRITE_FLAGS = os.O_WRONLY | os.O_RDWR | os.O_CREAT | os.O_APPEND | os.O_TRUNC


class Guard:
    """Audit hook: once armed, refuse network, processes, and files outside the private dir.

    It acts on capabilities (events), not on imports: matplotlib itself imports subprocess and
    importlib, and the static check already limits what the untrusted code may import.
    """

    def __init__(self, work: str) -> None:
        self.work = os.path.realpath(work)
        roots = {sys.prefix, sys.base_prefix, sys.exec_prefix, "/usr/share/fonts", "/etc/fonts", "/dev/null",
                 "/usr/lib", "/usr/local/lib"}
        roots |= {p for p in sys.path if p and os.path.isdir(p) and not p.startswith(("/tmp", "/work"))}
        self.read_roots = tuple(os.path.realpath(r) for r in roots)
        self.armed = False

    def inside(self, path, roots) -> bool:
        if isinstance(path, int):
            return True  # an already-open descriptor
        p = os.path.realpath(os.fsdecode(path))
        return any(p == r or p.startswith(r.rstrip("/") + "/") for r in roots)

    def __call__(self, event: str, args: tuple) -> None:
        if not self.armed:
            return
        # exec/compile are not refused here: dataclasses and matplotlib generate code with them;
        # the static check already keeps the untrusted code itself from calling them.
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
    work = job["dir"]
    os.chdir(work)
    _preload()
    guard = Guard(work)
    sys.addaudithook(guard)
    code = compile(job["code"], "untrusted_code", "exec")
    ns = {"__name__": "__main__", "image_path": job["image_path"], "temp_output_dir": work}
    guard.armed = True
    try:
        exec(code, ns)
    except BaseException as exc:  # noqa: BLE001 - report, never a traceback with host paths
        sys.stderr.write(f"{type(exc).__name__}: {exc}\n"[:2000])
        sys.stderr.flush()
        os._exit(3)
    sys.stdout.flush()
    os._exit(0)


if __name__ == "__main__":
    main()
