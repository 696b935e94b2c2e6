"""Child processes that die with their parent: workers and sandboxed code never outlive a run.

Without this, a run killed by the OOM killer or SIGKILL leaves its warm workers (and the sandbox
processes they started) running under PID 1 indefinitely.
"""

from __future__ import annotations

import contextlib
import ctypes
import os
import signal
import sys

PR_SET_PDEATHSIG = 1


def die_with_parent(parent_pid: int) -> None:
    """Ask the kernel to SIGKILL this process when its parent exits (Linux; a no-op elsewhere).

    Call it after any change of uid (the kernel clears the setting then). If the parent is already
    gone by the time this runs, exit at once instead of waiting for a signal that will never come.
    """
    if sys.platform.startswith("linux"):
        with contextlib.suppress(OSError, AttributeError):
            ctypes.CDLL(None, use_errno=True).prctl(PR_SET_PDEATHSIG, signal.SIGKILL, 0, 0, 0)
    if os.getppid() != parent_pid:
        os._exit(1)
