"""The stream runner: order, resume, stop, halts, failure reasons, and one unit per task in a batch."""

from __future__ import annotations

import io
import json
import threading
import time

import numpy as np
import pytest
from PIL import Image

from flywheel.catalog import Catalog
from flywheel.core.records import Sample, Verdict
from flywheel.run.build import Outcome, Png, assemble, store_images
from flywheel.run.pool import TaskFailure
from flywheel.run.stream import (
    BatchWriter,
    NewRun,
    RunStats,
    absorb,
    in_threads,
    listed,
    load_duplicates,
    run_stream,
)


class Halt(Exception):
    """Stands for a spent budget."""


class Flaky(Exception):
    """Stands for a model call that failed for good."""


def _png(i: int) -> bytes:
    rgb = np.random.default_rng(i).integers(0, 256, (64, 64, 3), dtype=np.uint8)
    buf = io.BytesIO()
    Image.fromarray(rgb).save(buf, format="PNG")
    return buf.getvalue()


def made(i: int, stream: str = "s", parent_id: str | None = None, passed: bool = True) -> Outcome:
    """Task i's outcome: a sample with its own figure and question, so none is another's duplicate."""
    sid = f"{stream}-{i}"
    figure = Png(_png(i))
    verdicts = [Verdict(sid, "answer", passed, float(passed), "ok" if passed else "wrong")]
    sample = assemble(sid=sid, kind="interaction", domain="d", knowledge_id="k", generator="g", seed=i, params={},
                      question=f"how many {i}", answer=str(i), answer_expr=str(i), image_code="", tool_code="", cot="",
                      difficulty=1, difficulty_score=1.0, figure=figure, edited=None, key=f"how many {i}",
                      verdicts=verdicts, stream=stream, index=i, parent_id=parent_id)
    return Outcome(i, sample, verdicts, store_images([figure]), relation="extend" if parent_id else "")


def rows(cat: Catalog, sql: str) -> list[tuple]:
    return cat.query(sql)[1]


def ids(cat: Catalog) -> list[str]:
    return [r[0] for r in rows(cat, "SELECT id FROM samples ORDER BY task_index")]


def test_a_flushed_sample_has_its_lineage_edge_already_committed(tmp_path):
    """A SIGKILL right after a batch is written must not lose the lineage edge of a sample in it:
    a resumed stream starts after that sample and would never add the edge again."""
    with Catalog(tmp_path / "c.duckdb") as cat:
        writer = BatchWriter(cat, "run", 1)
        sample = Sample(id="child", kind="interaction", domain="d", knowledge_id="k", question="q", answer="1",
                        answer_expr="1", image="", image_code="", tool_code="", edited_image=None, cot="",
                        difficulty=1, difficulty_score=1.0, params={}, seed=0, generator="g", parent_id="parent",
                        stream="s", task_index=0)
        out = Outcome(0, sample, [Verdict("child", "answer", True, 1.0, "ok")], relation="extend",
                      meta={"repair": {"sample_id": "parent", "round": 1, "attempt": 1, "verifier": "answer",
                                       "action": "fix"}})
        absorb(out, load_duplicates(cat), RunStats(), writer)  # the batch of one is full: written now
        # Nothing is flushed after this point, as if the process were killed here.
        assert rows(cat, "SELECT id FROM samples") == [("child",)]
        assert rows(cat, "SELECT child_id, parent_id, relation FROM lineage") == [("child", "parent", "extend")]
        assert rows(cat, "SELECT sample_id, repaired_id FROM repairs") == [("parent", "child")]


def test_failure_reasons_are_counted_and_reach_the_runs_row(tmp_path):
    results = {1: TaskFailure("worker crashed (exit code -9); worker replaced\ntraceback …"),
               2: Outcome(2, None, error="no perception task for charts.bar: no labelled points"),
               4: TaskFailure("worker crashed (exit code -9); worker replaced")}

    def task(i: int):
        return lambda: results.get(i) or made(i)

    with Catalog(tmp_path / "c.duckdb") as cat:
        stats = run_stream(cat, "s", listed(range(6), lambda i, _: task(i)), in_threads(2),
                           run=NewRun("synthesize", {}), batch_size=2)
        assert stats.status == "done" and stats.failed_tasks == 3 and stats.generated == 3
        assert stats.failures == {"worker crashed (exit code -9); worker replaced": 2,
                                  "no perception task for charts.bar: no labelled points": 1}
        (stored,) = rows(cat, "SELECT stats FROM runs")[0]
    assert json.loads(stored)["failures"] == {"worker crashed (exit code -9); worker replaced": 2,
                                              "no perception task for charts.bar: no labelled points": 1}


def test_outcomes_commit_in_task_order_whatever_order_they_finish_in(tmp_path):
    def task(i: int):
        def run() -> Outcome:
            time.sleep(0.02 * (5 - i % 5))  # later tasks finish first
            return made(i)
        return run

    with Catalog(tmp_path / "c.duckdb") as cat:
        run_stream(cat, "s", listed(range(10), lambda i, _: task(i)), in_threads(4), run="run", batch_size=3)
        assert ids(cat) == [f"s-{i}" for i in range(10)]
        assert rows(cat, "SELECT count(*) FROM verdicts")[0][0] == 20  # answer + duplicate each


def test_stop_at_then_resume_and_a_finished_stream_adds_nothing(tmp_path):
    asked: list[int] = []

    def tasks(start: int, accepted: int):
        asked.append(start)
        return (lambda i=i: made(i, passed=i % 3 != 1) for i in range(start, start + 100))

    with Catalog(tmp_path / "c.duckdb") as cat:
        first = run_stream(cat, "s", tasks, in_threads(1), run=NewRun("synthesize", {}), batch_size=4, stop_at=3)
        assert (first.status, first.accepted, first.generated, first.next_task) == ("done", 3, 4, 4)
        more = run_stream(cat, "s", tasks, in_threads(1), run=NewRun("synthesize", {}), batch_size=4, stop_at=5)
        assert (more.accepted_before, more.accepted, more.next_task) == (3, 5, 7)
        again = run_stream(cat, "s", tasks, in_threads(1), run=NewRun("synthesize", {}), batch_size=4, stop_at=5)
        assert again.status == "nothing-to-do" and again.generated == 0
        assert asked == [0, 4]  # the finished stream was not even asked for tasks
        assert ids(cat) == [f"s-{i}" for i in range(7)]
        assert rows(cat, "SELECT status FROM runs ORDER BY started_at") == [("done",), ("done",)]


def test_a_halt_keeps_the_committed_prefix_and_closes_the_row_with_its_status(tmp_path):
    def task(i: int):
        def run() -> Outcome:
            if i == 5:
                raise Halt("budget of $1 spent")
            if i == 2:
                raise Flaky("the model said 500 three times")
            return made(i)
        return run

    with Catalog(tmp_path / "c.duckdb") as cat:
        stats = run_stream(cat, "s", listed(range(10), lambda i, _: task(i)), in_threads(1, failures=(Flaky,)),
                           run=NewRun("synthesize", {}), batch_size=100, halts={Halt: "budget"})
        assert (stats.status, stats.message) == ("budget", "budget of $1 spent")
        assert stats.failures == {"the model said 500 three times": 1}
        assert ids(cat) == [f"s-{i}" for i in (0, 1, 3, 4)]
        assert rows(cat, "SELECT status FROM runs") == [("budget",)]


def test_any_other_error_marks_the_row_interrupted_and_a_rerun_ends_as_if_uninterrupted(tmp_path):
    crash = threading.Event()
    crash.set()

    def task(i: int):
        def run() -> Outcome:
            if i == 6 and crash.is_set():
                raise RuntimeError("killed")
            return made(i)
        return run

    with Catalog(tmp_path / "c.duckdb") as cat:
        with pytest.raises(RuntimeError):
            run_stream(cat, "s", listed(range(10), lambda i, _: task(i)), in_threads(2),
                       run=NewRun("synthesize", {}), batch_size=4)
        assert ids(cat) == [f"s-{i}" for i in range(4)]  # whole batches only
        crash.clear()
        run_stream(cat, "s", listed(range(10), lambda i, _: task(i)), in_threads(2),
                   run=NewRun("synthesize", {}), batch_size=4)
        assert ids(cat) == [f"s-{i}" for i in range(10)]
        assert rows(cat, "SELECT status FROM runs ORDER BY started_at") == [("interrupted",), ("done",)]
