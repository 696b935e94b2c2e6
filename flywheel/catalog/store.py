"""The Catalog: DuckDB tables (knowledge, samples, verdicts, lineage, runs) with batched, atomic writes."""

from __future__ import annotations

import dataclasses
import datetime as dt
import json
import re
import uuid
from collections.abc import Iterable
from pathlib import Path
from typing import Any

import duckdb
import pyarrow as pa

from flywheel.catalog.images import ImageStore
from flywheel.catalog.introspect import require_flywheel
from flywheel.catalog.schema import migrate
from flywheel.core.errors import FlywheelError
from flywheel.core.records import KnowledgeNode, Sample, Verdict

READ_ONLY_TYPES = {"SELECT", "EXPLAIN"}


def check_path(path: Path, must_exist: bool) -> None:
    """Refuse a directory (or, for reading, a missing file) before anything is opened."""
    if path.is_dir():
        raise FlywheelError(f"catalog path {path} is a directory; give a file such as {path / 'flywheel.duckdb'}")
    if must_exist and not path.exists():
        raise FlywheelError(f"no catalog at {path} (run `flywheel synthesize --catalog {path}` first)")


class Catalog:
    """One open catalog. Writes go through `write_batch`, one transaction per batch."""

    def __init__(self, path: str | Path, read_only: bool = False) -> None:
        self.path = Path(path)
        check_path(self.path, must_exist=read_only)
        if not read_only:
            self.path.parent.mkdir(parents=True, exist_ok=True)
        try:
            self.con = duckdb.connect(str(self.path), read_only=read_only)
        except duckdb.Error as exc:
            held = re.search(r"PID (\d+)", str(exc))
            if "lock" in str(exc).lower() and held:
                raise FlywheelError(f"catalog {self.path} is in use by another process (PID {held.group(1)}); "
                                    "wait for it to finish") from None
            raise FlywheelError(f"cannot open catalog {self.path}: {_first_line(exc)}") from None
        try:
            require_flywheel(self.con, self.path, read_only)
        except FlywheelError:
            self.con.close()
            raise
        if not read_only:
            # Writes are small batches; one thread keeps DuckDB off the cores the workers use.
            self.con.execute("SET threads TO 1")
            migrate(self.con)
        self.images = ImageStore(self.path.parent / "images")

    def close(self) -> None:
        self.con.close()

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

    def write_batch(
        self, samples: list[Sample], verdicts: list[Verdict], images: dict[str, bytes], run_id: str,
        extra: dict[str, list[dict[str, Any]]] | None = None,
    ) -> None:
        """Images first (content-addressed, harmless if orphaned), then all rows in one transaction.

        `extra` holds rows for other tables (lineage edges, repair records) that belong with them.
        """
        for digest, data in images.items():
            self.images.put(data, digest)
        self.con.execute("BEGIN")
        try:
            if samples:
                rows = [{**dataclasses.asdict(s), "params": json.dumps(s.params), "run_id": run_id,
                         "points": _json_or_none(s.points), "elements": _json_or_none(s.elements)} for s in samples]
                self._insert("samples", rows)
            if verdicts:
                self._insert("verdicts", [dataclasses.asdict(v) for v in verdicts])
            for table, rows in (extra or {}).items():
                if rows:
                    self._insert(table, rows)
            self.con.execute("COMMIT")
        except BaseException:
            self.con.execute("ROLLBACK")
            raise

    def _insert(self, table: str, rows: list[dict[str, Any]], replace: bool = False) -> None:
        batch = pa.Table.from_pylist(rows)  # noqa: F841 - referenced by name in the SQL below
        verb = "INSERT OR REPLACE" if replace else "INSERT OR IGNORE"
        self.con.execute(f"{verb} INTO {table} BY NAME SELECT * FROM batch")

    # -- reads ----------------------------------------------------------------------------------
    def stream_state(self, stream: str) -> tuple[int, int]:
        """(accepted so far, next task index) of a synthesis stream: where a resumed run picks up."""
        acc, last = self.con.execute(
            "SELECT count(*) FILTER (WHERE accepted), max(task_index) FROM samples WHERE stream = ?", [stream]
        ).fetchone()
        return int(acc), (-1 if last is None else int(last)) + 1

    def accepted_hashes(self) -> list[tuple[str, str, str, str]]:
        return self.con.execute(
            "SELECT question_key, phash, answer, kind FROM samples WHERE accepted AND phash <> ''"
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
            cur = self.con.execute(sql)
            return [d[0] for d in cur.description], cur.fetchall()
        except duckdb.Error as exc:
            raise FlywheelError(f"bad SQL: {_first_line(exc)}") from None

    def sample(self, sample_id: str) -> dict[str, Any] | None:
        cur = self.con.execute("SELECT * FROM samples WHERE id = ?", [sample_id])
        row = cur.fetchone()
        return None if row is None else dict(zip([d[0] for d in cur.description], row, strict=True))

    def verdicts(self, sample_id: str) -> list[tuple]:
        return self.con.execute(
            "SELECT verifier, passed, score, reason FROM verdicts WHERE sample_id = ? ORDER BY verifier", [sample_id]
        ).fetchall()


def _json_or_none(value: Any) -> str | None:
    return None if value is None else json.dumps(value)


def _first_line(exc: Exception) -> str:
    return str(exc).strip().splitlines()[0]
