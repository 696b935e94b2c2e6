"""The Catalog: DuckDB tables (knowledge, samples, verdicts, lineage, runs) with batched, atomic writes."""

from __future__ import annotations

import contextlib
import dataclasses
import datetime as dt
import errno
import fcntl
import json
import os
import re
import signal
import threading
import time
import uuid
from collections.abc import Callable, Iterable, Iterator
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path
from typing import Any, TypeVar

import duckdb
import pyarrow as pa

from flywheel.catalog.images import ImageStore
from flywheel.catalog.introspect import require_flywheel
from flywheel.catalog.schema import DUPLICATE_KIND, migrate
from flywheel.core.errors import FlywheelError
from flywheel.core.records import KnowledgeNode, Sample, Verdict

T = TypeVar("T")
READ_WAIT_S = 30.0  # a reader waits this long for a writer to end its batch
WRITE_WAIT_S = 600.0  # a writer waits this long for readers to let go
READ_ONLY_TYPES = {"SELECT", "EXPLAIN"}
COMPACT_FREE_SHARE = 0.25  # `compact` rewrites the file when more of its blocks than this are free
# Reading connections run the user's SQL (`query`, `--where`): they may see the catalog's tables and
# nothing else — no files (read_text, read_csv, glob, COPY, ATTACH), no URLs, no extension installs —
# and the SQL cannot switch that back on. Writers never run user SQL and need Arrow scans, which the
# same setting blocks, so they keep the defaults.
GUARD = {"enable_external_access": False, "autoinstall_known_extensions": False,
         "autoload_known_extensions": False, "lock_configuration": True}


def check_path(path: Path, must_exist: bool) -> None:
    """Refuse a directory (or, for reading, a missing file) before anything is opened."""
    if path.is_dir():
        raise FlywheelError(f"catalog path {path} is a directory; give a file such as {path / 'flywheel.duckdb'}")
    if must_exist and not path.exists():
        raise FlywheelError(f"no catalog at {path} (run `flywheel synthesize --catalog {path}` first)")


class Catalog:
    """One open catalog. Writes go through `write_batch`, one transaction per batch.

    A writer lets go of DuckDB's file lock after every batch (`release`), so `query`, `show` and
    `export` can read while a long run writes; its own lock file (`<catalog>.lock`) keeps other
    writers out for the whole run. `con` reopens the connection on first use after a release.
    """

    # Reads for exports and training leave out samples a human rejected (catalog/review.py) unless
    # this is set (`flywheel export --include-human-rejected`).
    include_human_rejected: bool = False

    def __init__(self, path: str | Path, read_only: bool = False) -> None:
        self.path = Path(path)
        self.read_only = read_only
        check_path(self.path, must_exist=read_only)
        self._con: duckdb.DuckDBPyConnection | None = None
        self._writer = False
        self._pins = 0
        if not read_only:
            self.path.parent.mkdir(parents=True, exist_ok=True)
            first = _WriterLock.take(self.path)
            self._writer = True
        try:
            require_flywheel(self.con, self.path, read_only)  # never read, or add our tables to, another database
            if not read_only:
                self._prepare(first)
        except duckdb.Error as exc:
            self.close()
            line = _first_line(exc)
            if "corrupt" in line.lower() or "checksum" in line.lower():
                raise FlywheelError(f"catalog {self.path} is damaged: {line} "
                                    "(`flywheel doctor` checks it; restore it from a copy)") from None
            raise FlywheelError(f"cannot open catalog {self.path}: {line}") from None
        except BaseException:
            self.close()
            raise
        self.images = ImageStore(self.setting("image_store") or self.path.parent / "images")

    def setting(self, key: str) -> str | None:
        """A catalog-wide setting (schema.py's `settings`); None when unset or the catalog predates them."""
        try:
            row = self.con.execute("SELECT value FROM settings WHERE key = ?", [key]).fetchone()
        except duckdb.CatalogException:
            return None
        return row[0] if row else None

    def use_images(self, location: str | None) -> None:
        """Keep this catalog's PNGs in `location` (a directory or an fsspec URL; None: where they are now),
        recorded in the catalog so every later command reads them from there. A catalog that already has
        images elsewhere refuses another store: its samples would point at PNGs the new store lacks."""
        if location is None:
            return
        store = ImageStore(location)
        if store.url == self.images.url:
            return
        if self.con.execute("SELECT count(*) FROM samples").fetchone()[0]:
            raise FlywheelError(f"catalog {self.path} keeps its images in {self.images.url}; "
                                f"give --images {self.images.url} or leave --images out")
        self.con.execute("INSERT OR REPLACE INTO settings VALUES ('image_store', ?)", [store.url])
        self.images = store

    def _prepare(self, first: bool) -> None:
        migrate(self.con)
        damaged = self.unreadable_tables()
        if damaged:
            # Writing on would add rows to a file that cannot be read back (exports fail later).
            raise FlywheelError(f"catalog {self.path} is damaged: {damaged[0][0]}: {damaged[0][1]} "
                                "(`flywheel doctor` checks it; restore it from a copy)")
        if first:
            # The lock file admits one writing process, so every 'running' row now belongs to a process
            # that is gone (an outer writer of this same process would still be running: not `first`).
            self.con.execute("UPDATE runs SET status = 'interrupted' WHERE status = 'running'")

    @property
    def con(self) -> duckdb.DuckDBPyConnection:
        if self._con is None:
            self._con = self._connect()
        return self._con

    def _connect(self) -> duckdb.DuckDBPyConnection:
        # A reader waits for the writer's current batch; a writer waits for readers to finish.
        deadline = time.monotonic() + (READ_WAIT_S if self.read_only else WRITE_WAIT_S)
        while True:
            try:
                con = duckdb.connect(str(self.path), read_only=self.read_only, config=GUARD if self.read_only else {})
                break
            except duckdb.Error as exc:
                held = re.search(r"PID (\d+)", str(exc))
                if "lock" in str(exc).lower() and held:
                    if time.monotonic() < deadline:
                        time.sleep(0.05)
                        continue
                    raise FlywheelError(f"catalog {self.path} is in use by another process (PID {held.group(1)}); "
                                        "wait for it to finish") from None
                raise FlywheelError(f"cannot open catalog {self.path}: {_first_line(exc)}") from None
        if not self.read_only:
            con.execute("SET threads TO 1")  # small batches; one thread keeps DuckDB off the workers' cores
        return con

    def pin(self) -> None:
        """Keep the connection open across batches (threads hold cursors of it) until `unpin`."""
        self._pins += 1

    def unpin(self) -> None:
        self._pins -= 1

    def release(self) -> None:
        """Close the connection (and DuckDB's file lock) until the next use; writers call it between batches."""
        if self._con is not None and not self._pins:
            self._con.close()
            self._con = None

    def has_table(self, name: str) -> bool:
        return bool(self.con.execute(
            "SELECT count(*) FROM information_schema.tables WHERE table_schema = 'main' AND table_name = ?",
            [name]).fetchone()[0])

    def close(self) -> None:
        self._pins = 0
        self.release()
        if self._writer:
            _WriterLock.drop(self.path)
            self._writer = False

    def __enter__(self) -> Catalog:
        return self

    def __exit__(self, *exc) -> None:
        self.close()

    # -- writes ---------------------------------------------------------------------------------
    def upsert_knowledge(self, nodes: Iterable[KnowledgeNode]) -> None:
        rows = [
            {**dataclasses.asdict(n), "params": json.dumps(n.params)} for n in nodes
        ]
        if rows:
            self._insert("knowledge", rows, replace=True)

    def start_run(self, command: str, config: dict[str, Any], axis: str | None = None, round_: int = 0) -> str:
        run_id = uuid.uuid4().hex[:12]
        self.con.execute(
            "INSERT INTO runs (id, command, axis, round, config, started_at, status) VALUES (?, ?, ?, ?, ?, ?, 'running')",
            [run_id, command, axis, round_, json.dumps(config), dt.datetime.now()],
        )
        return run_id

    def finish_run(self, run_id: str, status: str, stats: dict[str, Any]) -> None:
        self.con.execute(
            "UPDATE runs SET finished_at = ?, status = ?, stats = ? WHERE id = ?",
            [dt.datetime.now(), status, json.dumps(stats), run_id],
        )
        self.release()

    def write_batch(
        self, samples: list[Sample], verdicts: list[Verdict], images: dict[str, bytes], run_id: str,
        extra: dict[str, list[dict[str, Any]]] | None = None,
    ) -> None:
        """Images first (content-addressed, harmless if orphaned), then all rows in one transaction.

        `extra` holds rows for other tables (lineage edges, repair records) that belong with them.
        A write that fails (a full disk) is a one-line FlywheelError naming the file and the cause,
        with nothing of the batch committed.
        """
        for digest, data in images.items():
            self.images.put(data, digest)
        # Ctrl-C or SIGTERM waits the few milliseconds of the transaction: DuckDB would otherwise turn
        # it into a "Query interrupted" error mid-commit; afterwards it stops the run at a clean point.
        with _signals_deferred():
            try:
                self.con.execute("BEGIN")
                try:
                    if samples:
                        rows = [{**dataclasses.asdict(s), "params": json.dumps(s.params), "run_id": run_id,
                                 "points": _json_or_none(s.points), "elements": _json_or_none(s.elements)}
                                for s in samples]
                        self._insert("samples", rows)
                    if verdicts:
                        self._insert("verdicts", [dataclasses.asdict(v) for v in verdicts])
                    for table, rows in (extra or {}).items():
                        if rows:
                            self._insert(table, rows)
                    self.con.execute("COMMIT")
                except BaseException:
                    # A COMMIT that fails (no space for the WAL) has already ended the transaction, and
                    # ROLLBACK would then fail too, hiding the real cause behind "no transaction is active".
                    with contextlib.suppress(duckdb.Error):
                        self.con.execute("ROLLBACK")
                    raise
            except (duckdb.Error, OSError) as exc:
                line = _first_line(exc)
                hint = "; free space and rerun to resume" if os.strerror(errno.ENOSPC) in line else ""
                raise FlywheelError(f"cannot write catalog {self.path}: {line}{hint}") from None
        self.release()

    def _insert(self, table: str, rows: list[dict[str, Any]], replace: bool = False) -> None:
        batch = pa.Table.from_pylist(rows)  # noqa: F841 - referenced by name in the SQL below
        verb = "INSERT OR REPLACE" if replace else "INSERT OR IGNORE"
        self.con.execute(f"{verb} INTO {table} BY NAME SELECT * FROM batch")

    # -- reads ----------------------------------------------------------------------------------
    def unreadable_tables(self) -> list[tuple[str, str]]:
        """(table, DuckDB's error) for every table whose rows do not read back.

        Hashing each whole row makes DuckDB read, and checksum, every block of every column; a
        plain count(*) would be answered from metadata and miss a damaged block.
        """
        bad = []
        tables = [r[0] for r in self.con.execute(
            "SELECT table_name FROM information_schema.tables WHERE table_schema = 'main'").fetchall()]
        for t in tables:
            try:
                self.con.execute(f'SELECT bit_xor(hash(r)) FROM "{t}" AS r').fetchone()
            except duckdb.Error as exc:
                bad.append((t, _first_line(exc)))
        return bad

    def stream_state(self, stream: str) -> tuple[int, int]:
        """(accepted so far, next task index) of a synthesis stream: where a resumed run picks up."""
        acc, last = self.con.execute(
            "SELECT count(*) FILTER (WHERE accepted), max(task_index) FROM samples WHERE stream = ?", [stream]
        ).fetchone()
        return int(acc), (-1 if last is None else int(last)) + 1

    def accepted_hashes(self) -> list[tuple[str, str, str, str, str, str, str]]:
        """(question key, pHash, answer, kind, question, generator, params JSON) of every accepted sample with a figure."""
        return self.con.execute(
            f"SELECT question_key, phash, answer, {DUPLICATE_KIND}, question, generator, params FROM samples "
            "WHERE accepted AND phash <> ''"
        ).fetchall()

    def query(self, sql: str) -> tuple[list[str], list[tuple]]:
        """Run one read-only statement; anything that could write is refused before it runs."""
        try:
            stmts = self.con.extract_statements(sql)
        except duckdb.Error as exc:
            raise FlywheelError(f"bad SQL: {_first_line(exc)}") from None
        if len(stmts) != 1:
            raise FlywheelError(f"give exactly one SQL statement (got {len(stmts)})")
        kind = stmts[0].type.name
        if kind not in READ_ONLY_TYPES:
            raise FlywheelError(f"query is read-only: {kind} statements are not allowed")
        try:
            return self.interruptible(lambda: _run(self.con, sql))
        except duckdb.Error as exc:
            raise FlywheelError(f"bad SQL: {_first_line(exc)}") from None

    def interruptible(self, fn: Callable[[], T]) -> T:
        """Run `fn` (a DuckDB call) so that Ctrl-C stops it at once instead of when it ends.

        Python runs its Ctrl-C handler only between bytecodes, and a DuckDB query is one long C
        call, so the query runs on a helper thread while this one waits and, on Ctrl-C, interrupts
        the connection.
        """
        with ThreadPoolExecutor(1, thread_name_prefix="duckdb-query") as ex:
            fut = ex.submit(fn)
            try:
                return fut.result()
            except KeyboardInterrupt:
                self.con.interrupt()
                raise

    def compact(self, min_free: float = COMPACT_FREE_SHARE) -> tuple[int, int] | None:
        """Rewrite the catalog into a fresh file when more than `min_free` of its blocks are free: DuckDB
        reuses free blocks but never gives them back, and the checkpoints of many small batches
        (an evolve round) leave the file up to twice its data. Returns (bytes before, after), or None
        when it was compact enough. A writer only; the file is swapped atomically, so a crash leaves
        the old catalog (and at worst a `.compact` file that the next compaction overwrites)."""
        assert self._writer, "only the writing process compacts"
        total, free = self.con.execute("SELECT total_blocks, free_blocks FROM pragma_database_size()").fetchone()
        if not total or free / total <= min_free:
            return None
        self.con.execute("CHECKPOINT")
        before = self.path.stat().st_size
        tmp = self.path.with_name(self.path.name + ".compact")
        for stale in (tmp, tmp.with_name(tmp.name + ".wal")):
            stale.unlink(missing_ok=True)
        name = self.con.execute("SELECT current_database()").fetchone()[0]
        self.con.execute(f"ATTACH '{str(tmp).replace(chr(39), chr(39) * 2)}' AS flywheel_compact")
        try:
            self.con.execute(f'COPY FROM DATABASE "{name}" TO flywheel_compact')
        finally:
            self.con.execute("DETACH flywheel_compact")
        self._pins = 0
        self.release()  # no connection may hold the old file while it is replaced
        os.replace(tmp, self.path)
        return before, self.path.stat().st_size

    def sample(self, sample_id: str) -> dict[str, Any] | None:
        cur = self.con.execute("SELECT * FROM samples WHERE id = ?", [sample_id])
        row = cur.fetchone()
        return None if row is None else dict(zip([d[0] for d in cur.description], row, strict=True))

    def verdicts(self, sample_id: str) -> list[tuple]:
        return self.con.execute(
            "SELECT verifier, passed, score, reason FROM verdicts WHERE sample_id = ? ORDER BY verifier", [sample_id]
        ).fetchall()


@contextlib.contextmanager
def _signals_deferred() -> Iterator[None]:
    """Hold SIGINT/SIGTERM back while the block runs (main thread only); they arrive right after."""
    if threading.current_thread() is not threading.main_thread():
        yield
        return
    held = {signal.SIGINT, signal.SIGTERM}
    old = signal.pthread_sigmask(signal.SIG_BLOCK, held)
    try:
        yield
    finally:
        signal.pthread_sigmask(signal.SIG_SETMASK, old)


def _run(con: duckdb.DuckDBPyConnection, sql: str) -> tuple[list[str], list[tuple]]:
    cur = con.execute(sql)
    return [d[0] for d in cur.description], cur.fetchall()


def _json_or_none(value: Any) -> str | None:
    return None if value is None else json.dumps(value)


def _first_line(exc: Exception) -> str:
    return str(exc).strip().splitlines()[0]


class _WriterLock:
    """One writing process per catalog, held for a whole run (DuckDB's lock is let go between batches).

    An exclusive `flock` on `<catalog>.lock`, which holds the owner's PID for the error message.
    Nested writers of one process (a command that opens the catalog again while writing) count up.
    """

    _held: dict[Path, tuple[int, int]] = {}  # resolved path -> (fd, nesting)

    @classmethod
    def take(cls, path: Path) -> bool:
        """Take the lock; True for the process's first writer of this catalog."""
        key = path.resolve()
        if key in cls._held:
            fd, n = cls._held[key]
            cls._held[key] = (fd, n + 1)
            return False
        lock = key.with_name(key.name + ".lock")
        try:
            return cls._take(key, lock, path)
        except OSError as exc:  # a full disk or a read-only directory: one line naming the file
            raise FlywheelError(f"cannot lock catalog {path} ({lock}): {exc.strerror or exc}") from None

    @classmethod
    def _take(cls, key: Path, lock: Path, path: Path) -> bool:
        while True:
            fd = os.open(lock, os.O_RDWR | os.O_CREAT, 0o644)
            try:
                fcntl.flock(fd, fcntl.LOCK_EX | fcntl.LOCK_NB)
            except OSError:
                owner = os.pread(fd, 32, 0).decode(errors="replace").strip() or "unknown"
                os.close(fd)
                raise FlywheelError(f"catalog {path} is in use by another process (PID {owner}); "
                                    "wait for it to finish") from None
            try:
                same = os.fstat(fd).st_ino == os.stat(lock).st_ino
            except FileNotFoundError:
                same = False
            if same:  # else the owner removed the file between our open and our lock: take the new one
                break
            os.close(fd)
        os.ftruncate(fd, 0)
        os.pwrite(fd, str(os.getpid()).encode(), 0)
        cls._held[key] = (fd, 1)
        return True

    @classmethod
    def drop(cls, path: Path) -> None:
        key = path.resolve()
        fd, n = cls._held[key]
        if n > 1:
            cls._held[key] = (fd, n - 1)
            return
        del cls._held[key]
        # Unlink while still holding the lock: a process that opened the old file finds it unlinked
        # after locking (the inode check above) and retries on a fresh one.
        with contextlib.suppress(FileNotFoundError):
            os.unlink(key.with_name(key.name + ".lock"))
        os.close(fd)
