"""Turning a task into a sample: the task and its build, the worker pool, the ordered stream commit."""
