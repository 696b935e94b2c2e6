"""Sandbox: a warm worker pool (pool.py) and in-worker execution of figure/tool code (execute.py)."""

from flywheel.run.pool import TaskFailure, WorkerPool

__all__ = ["TaskFailure", "WorkerPool"]
