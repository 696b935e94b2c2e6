"""A pool of warm worker processes with a wall-clock limit per task.

Unlike concurrent.futures, a worker that hangs or dies is killed and replaced and the task
comes back as a TaskFailure, so one bad figure never stops a run.
"""

from __future__ import annotations

import atexit
import contextlib
import importlib
import multiprocessing as mp
import os
import signal
import time
from collections.abc import Callable, Iterable, Iterator
from dataclasses import dataclass
from multiprocessing.connection import Connection, wait
from typing import Any

from flywheel.core.errors import FlywheelError
from flywheel.core.process import die_with_parent

# How far (in tasks per worker) the pool may run ahead of the oldest unfinished task: it bounds the
# finished results the ordered commit holds back while one task is slow.
AHEAD_PER_WORKER = 4


@dataclass(frozen=True)
class TaskFailure:
    """Why a task produced no result (exception text, timeout, crash).

    `errno` is the OSError number behind the exception, if any (an image store that cannot write
    says why in it): the stream stops on the ones no later task can escape, such as a full disk.
    """

    reason: str
    errno: int | None = None


def _resolve(path: str):
    module, _, name = path.partition(":")
    return getattr(importlib.import_module(module), name)


def _worker_main(conn: Connection, warmup: str | None, parent: int) -> None:
    die_with_parent(parent)
    # Ctrl-C reaches the whole process group: the parent stops the run and closes the pool, so a
    # worker must not print its own traceback for it; SIGTERM kills a worker as it always did.
    signal.signal(signal.SIGINT, signal.SIG_IGN)
    signal.signal(signal.SIGTERM, signal.SIG_DFL)
    try:
        _serve(conn, warmup)
    finally:
        atexit._run_exitfuncs()  # forked children skip atexit; scratch dirs must still go


def _serve(conn: Connection, warmup: str | None) -> None:
    if warmup:
        _resolve(warmup)()
    cache: dict[str, Any] = {}
    while True:
        try:
            msg = conn.recv()
        except (EOFError, KeyboardInterrupt):
            return
        if msg is None:
            return
        idx, fn_path, payload = msg
        conn.send((idx, run_task(fn_path, payload, cache)))


def call(payload: Callable[[], Any]) -> Any:
    """A task that is a picklable function of no arguments (a functools.partial): how `flywheel import`
    sends the same row checks to a pool that its threads would run."""
    return payload()


def run_task(fn_path: str, payload: Any, cache: dict[str, Any]) -> Any:
    """Call the task function `fn_path` ("module:name", resolved once per worker) on `payload`; any
    error it raises comes back as the task's TaskFailure (local pool and Ray workers alike)."""
    try:
        fn = cache.get(fn_path) or cache.setdefault(fn_path, _resolve(fn_path))
        return fn(payload)
    except Exception as exc:  # noqa: BLE001 - any task error is reported, never kills the worker
        err = getattr(exc, "errno", None)
        return TaskFailure(f"{type(exc).__name__}: {exc}", err if isinstance(err, int) else None)


@dataclass
class _Worker:
    proc: Any
    conn: Connection
    task: int | None = None
    deadline: float = 0.0


class WorkerPool:
    """`imap(fn, payloads)` yields (index, result or TaskFailure) as tasks finish, in any order.

    A caller that stops early gets the results of the tasks still in flight through `drained`: a
    task may have written files (its images) that only its caller knows how to account for.
    """

    def __init__(self, workers: int | None = None, task_timeout: float = 60.0, warmup: str | None = None):
        self.size = max(1, workers or os.cpu_count() or 1)
        self.task_timeout = task_timeout
        self.warmup = warmup
        # fork: workers start instantly with the parent's imports already warm, and scripts that
        # call flywheel without an `if __name__ == "__main__"` guard still work (spawn re-runs them).
        method = "fork" if "fork" in mp.get_all_start_methods() else "spawn"
        self._ctx = mp.get_context(method)
        self._workers = [self._spawn() for _ in range(self.size)]
        self.replaced = 0

    def _spawn(self) -> _Worker:
        parent, child = self._ctx.Pipe()
        proc = self._ctx.Process(target=_worker_main, args=(child, self.warmup, os.getpid()), daemon=True)
        proc.start()
        child.close()
        return _Worker(proc, parent)

    def _replace(self, w: _Worker) -> None:
        w.proc.kill()
        w.proc.join(5)
        w.conn.close()
        self._workers[self._workers.index(w)] = self._spawn()
        self.replaced += 1

    def imap(self, fn: str, payloads: Iterable[Any],
             drained: Callable[[tuple[int, Any]], None] | None = None) -> Iterator[tuple[int, Any]]:
        try:
            yield from self._imap(fn, payloads)
        finally:
            self._drain(drained)  # a caller that stops early must not leave stale results in the pipes

    def _drain(self, drained: Callable[[tuple[int, Any]], None] | None) -> None:
        for w in self._workers:
            if w.task is None:
                continue
            if w.conn.poll(max(0.0, w.deadline - time.monotonic())):
                try:
                    got = w.conn.recv()
                    w.task = None
                    if drained:
                        drained(got)
                    continue
                except (EOFError, OSError):
                    pass
            self._replace(w)

    def _imap(self, fn: str, payloads: Iterable[Any]) -> Iterator[tuple[int, Any]]:
        todo = iter(enumerate(payloads))
        exhausted = False
        held: tuple[int, Any] | None = None  # drawn, but too far ahead of the oldest task still running
        while True:
            for w in self._workers:
                if w.task is None and not exhausted:
                    nxt, held = (held if held is not None else next(todo, None)), None
                    if nxt is None:
                        exhausted = True
                        break
                    # Backpressure: one slow task must not let the others run on without bound, since
                    # results are committed in task order and everything after it waits in memory.
                    oldest = min((v.task for v in self._workers if v.task is not None), default=nxt[0])
                    if nxt[0] - oldest >= AHEAD_PER_WORKER * self.size:
                        held = nxt
                        break
                    w.task, w.deadline = nxt[0], time.monotonic() + self.task_timeout
                    w.conn.send((nxt[0], fn, nxt[1]))
            busy = [w for w in self._workers if w.task is not None]
            if not busy:
                return
            timeout = max(0.0, min(w.deadline for w in busy) - time.monotonic())
            ready = wait([w.conn for w in busy], timeout=timeout)
            for w in busy:
                if w.conn in ready:
                    yield from self._collect(w)
                elif time.monotonic() >= w.deadline:
                    idx = w.task
                    self._replace(w)
                    yield idx, TaskFailure(f"timed out after {self.task_timeout:g}s; worker replaced")

    def _collect(self, w: _Worker) -> Iterator[tuple[int, Any]]:
        idx = w.task
        try:
            got_idx, result = w.conn.recv()
        except (EOFError, OSError):
            code = w.proc.exitcode
            self._replace(w)
            yield idx, TaskFailure(f"worker crashed (exit code {code}); worker replaced")
            return
        w.task = None
        yield got_idx, result

    def stats(self, since: dict[str, Any] | None = None) -> dict[str, Any]:
        """What the `runs` row records about the workers that ran the stream (since an earlier `stats()`)."""
        return {"executor": "local", "workers": self.size, "replaced": self.replaced - (since or {}).get("replaced", 0)}

    def close(self) -> None:
        for w in self._workers:
            with contextlib.suppress(OSError):
                w.conn.send(None)
        for w in self._workers:
            w.proc.join(2)
            if w.proc.is_alive():
                w.proc.kill()
            w.conn.close()

    def __enter__(self) -> WorkerPool:
        return self

    def __exit__(self, *exc) -> None:
        self.close()


Workers = Any  # WorkerPool or run/ray_pool.py's RayPool: the same `size`, `imap`, `stats` and `close`


def make_pool(executor: str = "local", workers: int | None = None, task_timeout: float = 60.0,
              ray_address: str | None = None) -> Workers:
    """Warm workers for a stream: this machine's processes (`local`) or Ray actors (`ray`, at
    `ray_address`: none starts a local Ray, `auto` joins a running cluster)."""
    warmup = "flywheel.run.build:warm"
    if executor == "ray":
        from flywheel.run.ray_pool import RayPool

        return RayPool(workers, task_timeout, warmup=warmup, address=ray_address)
    if executor != "local":
        raise FlywheelError(f"unknown executor {executor!r}; choose local or ray")
    if ray_address:
        raise FlywheelError("--ray-address needs --executor ray")
    return WorkerPool(workers, task_timeout, warmup=warmup)
