"""The warm pool survives crashing, hanging and raising tasks and keeps its workers."""

from flywheel.run.pool import TaskFailure, WorkerPool


def test_results_come_back_for_every_task():
    with WorkerPool(2) as pool:
        got = dict(pool.imap("tests.run.pool_tasks:square", range(20)))
    assert got == {i: i * i for i in range(20)}


def test_crash_hang_and_exception_are_contained_and_the_run_goes_on():
    with WorkerPool(2, task_timeout=3) as pool:
        got = dict(pool.imap("tests.run.pool_tasks:misbehave", range(10)))
        assert isinstance(got[3], TaskFailure) and "crashed" in got[3].reason
        assert isinstance(got[5], TaskFailure) and "timed out" in got[5].reason
        assert isinstance(got[7], TaskFailure) and "bad input 7" in got[7].reason
        assert {i: got[i] for i in (0, 1, 2, 4, 6, 8, 9)} == {i: i * i for i in (0, 1, 2, 4, 6, 8, 9)}
        assert pool.replaced == 2
        # the pool still works afterwards, with the same number of live workers
        assert dict(pool.imap("tests.run.pool_tasks:square", range(4))) == {0: 0, 1: 1, 2: 4, 3: 9}


def test_workers_stay_warm_between_tasks():
    with WorkerPool(1) as pool:
        pids = {r for _, r in pool.imap("tests.run.pool_tasks:pid", range(6))}
    assert len(pids) == 1


def test_stopping_early_leaves_no_stale_results():
    with WorkerPool(2) as pool:
        for _ in pool.imap("tests.run.pool_tasks:square", range(10)):
            break
        assert dict(pool.imap("tests.run.pool_tasks:square", [5, 6])) == {0: 25, 1: 36}
