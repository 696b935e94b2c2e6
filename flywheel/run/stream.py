"""Run a stream: tasks from where it stopped, outcomes committed strictly in task order.

A *stream* is a named sequence of tasks in which task i is always the same task (the same seed,
the same prompt, the same imported row). Every command that makes samples — `synthesize` (symbolic
and LLM), the rounds of `evolve` (symbolic and LLM) and `import` — runs its tasks through
`run_stream`, which owns what they share:

- resume: the stream's next task index and accepted count come from the catalog;
- the duplicate index of every accepted sample, extended as samples are accepted;
- in-order commit: outcomes arrive from an executor in task order, each is judged for duplicates,
  accepted or not, and queued as one unit (sample, verdicts, images, lineage edge, repair record)
  in a batch written in one transaction;
- the stop condition (`stop_at` accepted samples), progress callbacks, and the run's `runs` row;
- the disk: a run starts, and goes on after each batch, only with MIN_FREE_BYTES (or a few batches'
  worth) free beside the catalog and its images, and a task that failed because its images could
  not be written at all (a full disk, a read-only one) stops the run at once — either way with one
  line saying where, after committing what was ready;
- the images of outcomes that were computed but never committed (still in flight when the stream
  stopped, or queued when it failed): removed unless a sample references them, so a finished run
  leaves no PNG behind that no sample names.

Because nothing is committed out of order, a run killed at any point and started again ends with
exactly the rows of an uninterrupted run, and rerunning a finished stream adds nothing.
"""

from __future__ import annotations

import contextlib
import dataclasses
import errno
import itertools
import shutil
import tempfile
import time
from collections import Counter, deque
from collections.abc import Callable, Iterable, Iterator, Sequence
from concurrent.futures import Future, ThreadPoolExecutor
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, TypeVar

from flywheel.catalog import Catalog
from flywheel.catalog.runs import referenced_images
from flywheel.core.errors import FlywheelError
from flywheel.core.records import Sample, Verdict, accepts
from flywheel.run.build import Outcome, Task, drop_images
from flywheel.run.pool import TaskFailure, WorkerPool
from flywheel.verify.duplicate import DuplicateIndex, duplicate_kind, recipe_digest

T = TypeVar("T")
_END = object()
Result = Outcome | TaskFailure
Discard = Callable[[Result], None]
# (payloads in task order, discard) → their results in the same order (see in_processes, in_threads).
# Results computed but never yielded, because the caller stopped early, go to `discard` once the
# tasks in flight are finished: they may have written images that no commit will reference.
Executor = Callable[[Iterable[Any], Discard], Iterator[Result]]

MIN_FREE_BYTES = 64 * 2**20  # a run stops cleanly, between batches, before the disk is full
SAMPLE_BYTES = 512 * 2**10  # a generous bound on one sample on disk: its PNGs (~50 KB), rows, WAL copy
BATCHES_AHEAD = 4  # with large batches the reserve is this many batches' worth instead
# OSErrors that every later task would hit the same way: the run stops at the first, with what to do.
FATAL_ERRNOS = {errno.ENOSPC: "free space and rerun to resume", errno.EDQUOT: "free space and rerun to resume",
                errno.EROFS: "make it writable and rerun to resume"}


class StreamStopped(FlywheelError):
    """The disk beside the catalog is (nearly) full or unwritable: the stream stops, what was ready committed."""


@dataclass
class RunStats:
    accepted_before: int = 0
    accepted: int = 0
    generated: int = 0
    failed_tasks: int = 0
    failures: Counter[str] = field(default_factory=Counter)  # first line of why a task made no sample
    verifier_pass: Counter = field(default_factory=Counter)
    verifier_seen: Counter = field(default_factory=Counter)
    seconds: float = 0.0
    timings: dict[str, float] = field(default_factory=dict)
    next_task: int = 0  # the stream's next task index: where a later run resumes
    status: str = ""  # done | exhausted | interrupted | nothing-to-do, or the status of a halt (budget)
    message: str = ""  # what halted the stream

    def as_dict(self) -> dict:
        rates = {k: self.verifier_pass[k] / n for k, n in self.verifier_seen.items() if n}
        return {"accepted_before": self.accepted_before, "accepted": self.accepted, "generated": self.generated,
                "failed_tasks": self.failed_tasks, "failures": dict(self.failures.most_common()),
                "verifier_pass_rate": rates, "seconds": round(self.seconds, 2)}


@dataclass(frozen=True)
class NewRun:
    """A `runs` row the stream opens once it has work to do and closes with its status and stats."""

    command: str
    config: dict[str, Any]
    extra: Callable[[], dict[str, Any]] | None = None  # figures the stream cannot count (model usage)


def run_stream(
    cat: Catalog,
    stream: str,
    tasks: Callable[[int, int], Iterable[Any]],
    executor: Executor,
    *,
    run: str | NewRun,
    batch_size: int,
    stop_at: int | None = None,
    progress: Callable[[RunStats], None] | None = None,
    halts: dict[type[Exception], str] | None = None,
    keep_rejected_images: bool = False,
) -> RunStats:
    """Run the stream from where it stopped: `tasks(start, accepted)` gives the payloads of tasks
    start, start+1, … (`accepted`: the stream's accepted samples so far; `listed` makes it of a list).

    `run` is the id of an open `runs` row the samples belong to (an evolution round's), or a NewRun
    to open when there is work and to close at the end. The stream stops once `stop_at` samples of
    it are accepted, or when the tasks run out. An exception whose type is in `halts` (a spent
    budget) ends the stream like running out of tasks — the committed prefix kept, the row closed
    with the mapped status — and is reported in `status` and `message` instead of raised; any
    other exception leaves the queued batch uncommitted and the row `interrupted`.

    Rejects cost little: a Task whose question is already accepted is rejected by its worker before
    rendering (see `KeyFeed`), and a rejected sample keeps its row and verdicts but its PNGs only with
    `keep_rejected_images`.
    """
    t0 = time.perf_counter()
    halts = halts or {}
    stats = RunStats()
    stats.accepted_before, stats.next_task = cat.stream_state(stream)
    stats.accepted = stats.accepted_before
    reached = stop_at is not None and stats.accepted >= stop_at
    payloads = iter(() if reached else tasks(stats.next_task, stats.accepted))
    first = next(payloads, _END)
    if first is _END:  # a finished stream: no row, no duplicate index to load
        stats.status = "nothing-to-do"
        return stats
    check_space(cat, batch_size)  # before anything is written
    run_id = run if isinstance(run, str) else cat.start_run(run.command, run.config)
    rows = cat.accepted_hashes()
    dups = load_duplicates(cat, rows)
    feed = KeyFeed([r[0] for r in rows], keep_rejected_images)
    del rows
    writer = BatchWriter(cat, run_id, batch_size, after_batch=lambda: check_space(cat, batch_size),
                         keep_rejected_images=keep_rejected_images)
    discarded: list[Result] = []
    stats.status = "interrupted"
    failed = True
    try:
        try:
            results = executor(feed.attach(itertools.chain([first], payloads)), discarded.append)
            _commit_in_order(results, dups, stats, writer, stop_at, progress, feed)
            stats.status = "done" if stop_at is None or stats.accepted >= stop_at else "exhausted"
        except tuple(halts) as exc:
            stats.status, stats.message = next(s for t, s in halts.items() if isinstance(exc, t)), str(exc)
        except StreamStopped:
            with contextlib.suppress(FlywheelError):
                writer.flush()  # what was ready still goes in if it fits; else its tasks run again on resume
            raise
        writer.flush()
        failed = False
    finally:
        stats.seconds = time.perf_counter() - t0
        feed.close()
        drop_uncommitted_images(cat, [*discarded, *writer.pending()])
        drop_unreferenced(cat, writer.dropped)
        if isinstance(run, NewRun):
            try:
                cat.finish_run(run_id, stats.status, {**stats.as_dict(), **(run.extra() if run.extra else {})})
            except Exception:
                if not failed:
                    raise
                # The error that stopped the run is the one to tell (a full disk fails this write too);
                # the row stays 'running', and the next writer to open the catalog marks it interrupted.
    return stats


def check_space(cat: Catalog, batch_size: int) -> None:
    """Stop (StreamStopped) when the catalog's or the image store's file system has less free space
    than a run keeps in reserve: MIN_FREE_BYTES, or BATCHES_AHEAD batches' worth if that is more."""
    need = max(MIN_FREE_BYTES, BATCHES_AHEAD * batch_size * SAMPLE_BYTES)
    seen: set[int] = set()
    for path in (cat.path.parent, *([cat.images.root] if cat.images.local else [])):  # a URL store: its own space
        path = _existing(path)
        dev = path.stat().st_dev
        if dev in seen:
            continue
        seen.add(dev)
        free = shutil.disk_usage(path).free
        if free < need:
            raise StreamStopped(f"disk full at {path}: {free // 2**20} MB free (a run keeps {need // 2**20} MB); "
                                "free space and rerun to resume")


def _existing(path: Path) -> Path:
    """`path`, or its nearest ancestor that exists (the image store is made by the first image)."""
    path = path.absolute()
    while not path.exists() and path != path.parent:
        path = path.parent
    return path


def drop_uncommitted_images(cat: Catalog, results: Iterable[Result]) -> None:
    """Remove the images of outcomes that were computed but not committed, unless a sample of the
    catalog references them: the store is content-addressed, and the kinds of one figure share it."""
    drop_unreferenced(cat, {d for r in results if isinstance(r, Outcome) and r.sample is not None
                            for d in _digests(r.sample)})


def _digests(s: Sample) -> list[str]:
    return [d for d in (s.image, s.edited_image, s.overlay) if d]


def drop_unreferenced(cat: Catalog, digests: set[str]) -> None:
    """Remove these images from the store unless a sample of the catalog references them. Only once
    the run's tasks are all done: a later task of the same figure may be about to reference one."""
    if not digests:
        return
    try:
        keep = referenced_images(cat, digests)
    except Exception:  # noqa: BLE001 - a catalog that cannot be read now: `flywheel doctor --repair` removes them
        return
    for d in sorted(digests - keep):
        cat.images.remove(d)


def listed(items: Sequence[T], make: Callable[[int, T], Any]) -> Callable[[int, int], Iterator[Any]]:
    """The tasks of a stream planned as a list: `make(i, items[i])` from the resume point on."""
    return lambda start, _accepted: (make(i, items[i]) for i in range(start, len(items)))


def _commit_in_order(results: Iterator[Result], dups: DuplicateIndex, stats: RunStats, writer: BatchWriter,
                     stop_at: int | None, progress: Callable[[RunStats], None] | None,
                     feed: KeyFeed | None = None) -> None:
    try:
        for res in results:
            if isinstance(res, TaskFailure) and res.errno in FATAL_ERRNOS:
                raise StreamStopped(_fatal_line(res))
            if absorb(res, dups, stats, writer) and feed is not None:
                feed.accepted(res.sample.question_key)
            stats.next_task += 1
            if progress:
                progress(stats)
            if stop_at is not None and stats.accepted >= stop_at:
                return
    finally:
        close = getattr(results, "close", None)
        if close:
            close()  # a stopped executor finishes or cancels the tasks still in flight now, not at GC


def _fatal_line(failure: TaskFailure) -> str:
    """The task's error without the exception's class name, and what to do about it."""
    why = (failure.reason.strip().splitlines() or ["(no reason given)"])[0]
    name, sep, rest = why.partition(": ")
    if sep and name.isidentifier():
        why = rest
    return f"{why}; {FATAL_ERRNOS[failure.errno]}"


def load_duplicates(cat: Catalog, rows: Iterable[tuple] | None = None) -> DuplicateIndex:
    """The duplicate index of the catalog's accepted samples (`rows`: Catalog.accepted_hashes, read already)."""
    dups = DuplicateIndex()
    dups.add_many(cat.accepted_hashes() if rows is None else rows)
    return dups


def absorb(res: Result, dups: DuplicateIndex, stats: RunStats, writer: BatchWriter) -> bool:
    """Add the duplicate verdict, decide acceptance, queue the task's rows. Returns True if accepted.

    A task that made no sample is counted with its reason (a worker failure, an evolution op that
    found no placement, a kind that does not fit the figure, a model call that failed for good).
    """
    if isinstance(res, TaskFailure) or res.sample is None:
        stats.failed_tasks += 1
        why = res.reason if isinstance(res, TaskFailure) else res.error
        stats.failures[(why.strip().splitlines() or ["(no reason given)"])[0]] += 1
        if isinstance(res, Outcome):
            writer.add(res, [])  # a failed repair attempt is still on record
        return False
    s = res.sample
    stats.generated += 1
    kind = duplicate_kind(s.kind, s.version)
    recipe = recipe_digest(s.params)
    if res.early:  # the keys the worker knew were all accepted before this task: the same verdict
        passed, reason = False, res.early
    elif s.phash:
        passed, reason = dups.check(s.question_key, s.phash, s.answer, kind, s.question, s.generator, recipe, s.params)
    else:
        passed, reason = False, "no image to hash"
    stats.timings.update({k: stats.timings.get(k, 0.0) + v for k, v in res.timings.items()})
    verdicts = res.verdicts + [Verdict(s.id, "duplicate", passed, float(passed), reason)]
    for v in verdicts:
        stats.verifier_seen[v.verifier] += 1
        stats.verifier_pass[v.verifier] += v.passed
    s.accepted = accepts(verdicts)
    if s.accepted:
        dups.add(s.question_key, s.phash, s.answer, kind, s.question, s.generator, recipe, s.params)
        stats.accepted += 1
    writer.add(res, verdicts)
    return s.accepted


class BatchWriter:
    """Queues each task's rows as one unit — its sample, verdicts and images, its lineage edge and its
    repair record — and writes a batch of units in one transaction, so no flush can separate them.

    `after_batch` runs after each full batch is written (the stream checks the free space there).
    """

    def __init__(self, cat: Catalog, run_id: str, size: int, after_batch: Callable[[], None] | None = None,
                 keep_rejected_images: bool = False) -> None:
        self.cat, self.run_id, self.size, self.after_batch = cat, run_id, size, after_batch
        self.keep_rejected_images = keep_rejected_images
        self.dropped: set[str] = set()  # PNGs of rejects already in the store: removed when the run ends
        self._reset()

    def _reset(self) -> None:
        self.samples: list[Sample] = []
        self.verdicts: list[Verdict] = []
        self.images: dict[str, bytes] = {}
        self.extra: dict[str, list[dict[str, Any]]] = {"lineage": [], "repairs": []}

    def add(self, out: Outcome, verdicts: list[Verdict]) -> None:
        """Queue one outcome (with its final verdicts), then write the batch if it is full."""
        s = out.sample
        if s is not None:
            self.samples.append(s)
            self.verdicts += verdicts
            if s.accepted or self.keep_rejected_images:
                self.images.update(out.images)
            else:  # rejected at the commit (a near-duplicate figure): its row and verdicts only
                self.dropped.update(_digests(s))
                drop_images(s)
            if s.parent_id:
                self.extra["lineage"].append({"child_id": s.id, "parent_id": s.parent_id, "relation": out.relation})
        repair = out.meta.get("repair")
        if repair:  # the outcome of a repair attempt, also when it failed
            self.extra["repairs"].append({**repair, "repaired_id": s.id if s else None,
                                          "success": bool(s and s.accepted), "note": out.error or None})
        if len(self.samples) >= self.size:
            self.flush()
            if self.after_batch:
                self.after_batch()

    def flush(self) -> None:
        if self.samples or any(self.extra.values()):
            self.cat.write_batch(self.samples, self.verdicts, self.images, self.run_id, self.extra)
        self._reset()

    def pending(self) -> list[Outcome]:
        """The queued outcomes not yet written (after a failed write, or a stream that failed)."""
        return [Outcome(s.task_index, s) for s in self.samples]


class KeyFeed:
    """Carries the accepted question keys to the workers of `build`, so they can reject a repeated
    question right after generating it instead of after rendering, running and verifying it.

    The keys accepted before the run go once, as a file each worker reads once; each Task also
    carries the last RECENT keys accepted during the run, which is far more than can be accepted
    while one worker's previous task is in flight. A worker that misses a key (a Ray actor on
    another node cannot read the file) merely does the full path, and the commit rejects the sample
    as before; a key a worker knows is always accepted before its task commits, so the verdict is
    the same either way. With `keep` (--keep-rejected-images) every sample takes the full path.
    """

    RECENT = 512

    def __init__(self, keys: list[str], keep: bool) -> None:
        self.keys: list[str] | None = keys  # the snapshot, until it is written
        self.keep = keep
        self.recent: deque[str] = deque(maxlen=self.RECENT)
        self.path: Path | None = None

    def accepted(self, key: str) -> None:
        self.recent.append(key)

    def attach(self, payloads: Iterable[Any]) -> Iterator[Any]:
        for p in payloads:
            yield self._with_keys(p) if isinstance(p, Task) else p

    def _with_keys(self, task: Task) -> Task:
        if self.keep:
            return dataclasses.replace(task, keep_rejected_images=True)
        if self.path is None:
            fd, name = tempfile.mkstemp(prefix="flywheel-keys-", suffix=".txt")
            with open(fd, "w") as f:
                f.write("\n".join(self.keys or ()))
            self.path, self.keys = Path(name), None
        return dataclasses.replace(task, keys_file=str(self.path), recent_keys=tuple(self.recent))

    def close(self) -> None:
        if self.path is not None:
            self.path.unlink(missing_ok=True)


# -- executors ------------------------------------------------------------------------------------

def in_processes(pool: WorkerPool, fn: str = "flywheel.run.build:build") -> Executor:
    """Run `fn` on each payload in the pool's worker processes; results re-sequenced into task order.

    A task that hangs, crashes its worker or raises comes back as a TaskFailure.
    """
    def run(payloads: Iterable[Any], discard: Discard) -> Iterator[Result]:
        return in_order(pool.imap(fn, payloads, drained=lambda pair: discard(pair[1])), discard=discard)

    return run


def in_order(results: Iterator[tuple[int, Any]], start: int = 0, discard: Discard | None = None) -> Iterator[Any]:
    """Re-sequence unordered (index, result) pairs by index, counting from `start`; the results held
    back for an earlier one when the caller stops go to `discard`."""
    pending: dict[int, Any] = {}
    nxt = start
    try:
        for i, res in results:
            pending[start + i] = res
            while nxt in pending:
                yield pending.pop(nxt)
                nxt += 1
    finally:
        close = getattr(results, "close", None)
        if close:
            close()
        if discard:
            for res in pending.values():
                discard(res)


def in_threads(width: int, failures: tuple[type[Exception], ...] = ()) -> Executor:
    """Call each payload (a function of no arguments) on `width` threads; results in task order.

    At most `width` tasks are in flight: the threads stay busy while outcomes are still committed
    strictly in order. A task's exception of a type in `failures` (a model call that failed for
    good) is that task's TaskFailure; any other ends the stream once the tasks in flight are
    finished or cancelled.
    """
    def run(payloads: Iterable[Callable[[], Outcome]], discard: Discard) -> Iterator[Result]:
        window: deque[Future[Outcome]] = deque()
        ex = ThreadPoolExecutor(max(1, width), thread_name_prefix="stream-task")
        try:
            for payload in payloads:
                window.append(ex.submit(payload))
                if len(window) >= width:
                    yield _result(window.popleft(), failures)
            while window:
                yield _result(window.popleft(), failures)
        finally:
            ex.shutdown(wait=True, cancel_futures=True)
            for fut in window:  # finished after the caller stopped: never yielded
                if not fut.cancelled() and fut.exception() is None:
                    discard(fut.result())

    return run


def _result(fut: Future[Outcome], failures: tuple[type[Exception], ...]) -> Result:
    try:
        return fut.result()
    except failures as exc:
        return TaskFailure(str(exc))
