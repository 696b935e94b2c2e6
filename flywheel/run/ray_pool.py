"""Warm workers on a Ray cluster, behind the same `imap` as the local WorkerPool.

A stream's tasks, their seeds and the in-order commit stay on the driver (run/stream.py); only the
work of `build` moves to Ray actors, each of which imports matplotlib once like a local worker. So
the same command gives the same accepted ids on the local pool, on a local Ray and on a cluster.

- Backpressure: task i is submitted only while i < (the oldest task not yet returned) + WINDOW per
  worker, so the driver never holds more than that many finished, uncommitted results.
- Faults: a task whose actor died (killed, out of memory, its node lost) is submitted again to a
  live actor and the dead one is replaced; the rerun draws the same seed and writes the same
  content-addressed PNGs, so nothing is lost or duplicated. A task that kills its worker every time
  fails after MAX_RERUNS, and a task past `task_timeout` fails, as on the local pool.
- Ray is optional (`pip install 'flywheel[ray]'`); without it `--executor ray` is a one-line error.
"""

from __future__ import annotations

import contextlib
import heapq
import logging
import os
import time
from collections import Counter, deque
from collections.abc import Callable, Iterable, Iterator
from dataclasses import dataclass, field
from typing import Any

from flywheel.core.errors import FlywheelError
from flywheel.run.pool import TaskFailure, _resolve, run_task

RAY_MISSING = "--executor ray needs Ray, which is not installed: pip install 'flywheel[ray]'"
WINDOW = 4  # finished-but-uncommitted results the driver may hold, per worker
DEPTH = 2  # tasks queued on one actor, so it never waits for the driver between tasks
MAX_RERUNS = 3  # a task whose worker died this many times fails (a figure that crashes every worker)
NO_WORKER_S = 300.0  # with no live actor for this long, the run stops with one line


def import_ray():
    try:
        import ray
    except ImportError:
        raise FlywheelError(RAY_MISSING) from None
    return ray


class _Actor:
    """One warm worker: imports and warms up once, then runs tasks one at a time."""

    def __init__(self, warmup: str | None) -> None:
        import ray

        if warmup:
            _resolve(warmup)()
        self.node = ray.get_runtime_context().get_node_id()
        self.cache: dict[str, Any] = {}

    def ready(self) -> str:
        return self.node

    def run(self, fn: str, payload: Any) -> tuple[str, float, Any]:
        """(node, CPU seconds the task took here — its sandbox subprocesses included — result)."""
        t0 = sum(os.times()[:4])
        result = run_task(fn, payload, self.cache)
        return self.node, sum(os.times()[:4]) - t0, result


@dataclass
class _Slot:
    """An actor and the tasks queued on it (index, payload, ref), oldest first."""

    handle: Any
    ready_ref: Any
    ready: bool = False
    queue: deque = field(default_factory=deque)
    started: float = 0.0  # when the oldest queued task became the one running


class RayPool:
    """`imap(fn, payloads)` yields (index, result or TaskFailure) as tasks finish, in any order."""

    def __init__(self, workers: int | None = None, task_timeout: float = 60.0, warmup: str | None = None,
                 address: str | None = None) -> None:
        ray = self.ray = import_ray()
        self._own = not ray.is_initialized()
        if self._own:
            where = {"address": address} if address else {"address": "local", "num_cpus": workers or os.cpu_count()}
            try:
                ray.init(**where, include_dashboard=False, log_to_driver=False, logging_level=logging.ERROR)
            except ConnectionError as exc:
                raise FlywheelError(f"cannot reach the Ray cluster at {address}: {str(exc).splitlines()[0]}") from None
        self.size = max(1, workers or int(ray.cluster_resources().get("CPU", 1)))
        self.task_timeout = task_timeout
        self._cls = ray.remote(num_cpus=1, max_restarts=0)(_Actor)
        self._warmup = warmup
        self._slots = [self._spawn() for _ in range(self.size)]
        self.replaced = 0
        self.reruns = 0
        self.per_node: Counter[str] = Counter()  # tasks finished on each node
        self.cpu_per_node: Counter[str] = Counter()  # the CPU seconds they took there

    def _spawn(self) -> _Slot:
        handle = self._cls.remote(self._warmup)
        return _Slot(handle, handle.ready.remote())

    def _replace(self, slot: _Slot) -> None:
        self.ray.kill(slot.handle, no_restart=True)
        self._slots[self._slots.index(slot)] = self._spawn()
        self.replaced += 1

    def wait_ready(self) -> None:
        """Block until every actor has warmed up (benchmarks time warm workers only)."""
        self.ray.get([s.ready_ref for s in self._slots])
        for s in self._slots:
            s.ready = True

    def actors(self) -> list[Any]:
        """The live actors' handles (tests kill one mid-run)."""
        return [s.handle for s in self._slots]

    def imap(self, fn: str, payloads: Iterable[Any],
             drained: Callable[[tuple[int, Any]], None] | None = None) -> Iterator[tuple[int, Any]]:
        run = _Run(self, fn, iter(enumerate(payloads)))
        try:
            yield from run.loop()
        finally:
            run.drain(drained)

    def stats(self, since: dict[str, Any] | None = None) -> dict[str, Any]:
        """What the `runs` row records: per Ray node (its id's first 12 characters) the tasks finished
        there and their CPU seconds, and the actors replaced and tasks rerun after lost workers. With
        `since` (an earlier plain `stats()`): only what happened after it (one evolve round of a command)."""
        before = since or {"replaced": 0, "reruns": 0, "nodes": {}}
        nodes = {}
        for node, n in self.per_node.most_common():
            was = before["nodes"].get(node[:12], {"tasks": 0, "cpu_s": 0.0})
            if n > was["tasks"]:
                nodes[node[:12]] = {"tasks": n - was["tasks"], "cpu_s": round(self.cpu_per_node[node] - was["cpu_s"], 2)}
        return {"executor": "ray", "workers": self.size, "replaced": self.replaced - before["replaced"],
                "reruns": self.reruns - before["reruns"], "nodes": nodes}

    def close(self) -> None:
        for s in self._slots:
            self.ray.kill(s.handle, no_restart=True)
        if self._own:
            self.ray.shutdown()

    def __enter__(self) -> RayPool:
        return self

    def __exit__(self, *exc) -> None:
        self.close()


class _Run:
    """One `imap` call: submission under the window, results, reruns and timeouts."""

    def __init__(self, pool: RayPool, fn: str, todo: Iterator[tuple[int, Any]]) -> None:
        self.pool, self.fn, self.todo = pool, fn, todo
        self.exhausted = False
        self.retry: deque[tuple[int, Any]] = deque()
        self.open: list[int] = []  # heap of submitted tasks not yet returned: the window's base
        self.returned: set[int] = set()
        self.next_index = 0
        self.attempts: Counter[int] = Counter()
        self.idle_since = time.monotonic()

    def _next(self) -> tuple[int, Any] | None:
        if self.retry:
            return self.retry.popleft()
        while self.open and self.open[0] in self.returned:
            self.returned.discard(heapq.heappop(self.open))
        if self.exhausted or (self.open and self.next_index >= self.open[0] + WINDOW * self.pool.size):
            return None
        nxt = next(self.todo, None)
        if nxt is None:
            self.exhausted = True
            return None
        heapq.heappush(self.open, nxt[0])
        self.next_index = nxt[0] + 1
        return nxt

    def _submit(self) -> None:
        for slot in sorted((s for s in self.pool._slots if s.ready), key=lambda s: len(s.queue)):
            while len(slot.queue) < DEPTH:
                nxt = self._next()
                if nxt is None:
                    return
                if not slot.queue:
                    slot.started = time.monotonic()
                slot.queue.append((*nxt, slot.handle.run.remote(self.fn, nxt[1])))

    def _done(self, idx: int, result: Any) -> tuple[int, Any]:
        self.returned.add(idx)
        return idx, result

    def loop(self) -> Iterator[tuple[int, Any]]:
        ray, pool = self.pool.ray, self.pool
        while True:
            self._submit()
            busy = [s for s in pool._slots if s.queue]
            if not busy and not self.retry and self.exhausted:
                return
            waiting = {s.queue[0][2]: s for s in busy}
            waiting.update({s.ready_ref: s for s in pool._slots if not s.ready})
            now = time.monotonic()
            if busy or any(s.ready for s in pool._slots):
                self.idle_since = now
            elif now - self.idle_since > NO_WORKER_S:
                raise FlywheelError(f"no Ray worker came up in {NO_WORKER_S:g}s: does the cluster have free CPUs?")
            deadline = min((s.started + pool.task_timeout for s in busy), default=now + 1.0)
            ready, _ = ray.wait(list(waiting), num_returns=1, timeout=max(0.0, min(deadline, now + 1.0) - now))
            for ref in ready:
                slot = waiting[ref]
                if ref == slot.ready_ref:
                    yield from self._came_up(slot)
                else:
                    yield from self._finished(slot)
            now = time.monotonic()
            for slot in [s for s in pool._slots if s.queue and now - s.started >= pool.task_timeout]:
                idx = slot.queue.popleft()[0]
                self._lost(slot, count=False)
                yield self._done(idx, TaskFailure(f"timed out after {pool.task_timeout:g}s; worker replaced"))

    def _came_up(self, slot: _Slot) -> Iterator[tuple[int, Any]]:
        try:
            self.pool.ray.get(slot.ready_ref)
            slot.ready = True
        except self.pool.ray.exceptions.RayError:  # died while warming up (its node lost): try again
            self.pool._replace(slot)
        return iter(())

    def _finished(self, slot: _Slot) -> Iterator[tuple[int, Any]]:
        idx, payload, ref = slot.queue[0]
        try:
            node, cpu, result = self.pool.ray.get(ref)
        except self.pool.ray.exceptions.RayError as exc:
            yield from self._lost(slot, count=True, why=str(exc).splitlines()[0] if str(exc) else type(exc).__name__)
            return
        slot.queue.popleft()
        slot.started = time.monotonic()
        self.pool.per_node[node] += 1
        self.pool.cpu_per_node[node] += cpu
        yield self._done(idx, result)

    def _lost(self, slot: _Slot, count: bool, why: str = "") -> Iterator[tuple[int, Any]]:
        """The actor is dead or hung: replace it and run its queued tasks again on live actors."""
        queued = list(slot.queue)
        slot.queue.clear()
        self.pool._replace(slot)
        failed: list[tuple[int, Any]] = []
        for n, (idx, payload, _ref) in enumerate(queued):
            if count and n == 0:
                self.attempts[idx] += 1
                if self.attempts[idx] >= MAX_RERUNS:
                    failed.append(self._done(idx, TaskFailure(f"worker lost {MAX_RERUNS} times ({why})")))
                    continue
            self.pool.reruns += 1
            self.retry.append((idx, payload))
        self.retry = deque(sorted(self.retry, key=lambda t: t[0]))
        return iter(failed)

    def drain(self, drained: Callable[[tuple[int, Any]], None] | None) -> None:
        """The caller stopped: wait for the tasks in flight (they may write images), up to the timeout."""
        ray = self.pool.ray
        for slot in self.pool._slots:
            refs = [ref for *_, ref in slot.queue]
            if not refs:
                continue
            done, _ = ray.wait(refs, num_returns=len(refs), timeout=self.pool.task_timeout)
            for idx, _payload, ref in slot.queue:
                if ref in done and drained:
                    with contextlib.suppress(ray.exceptions.RayError):
                        drained((idx, ray.get(ref)[2]))
            slot.queue.clear()
            if len(done) < len(refs):
                self.pool._replace(slot)
