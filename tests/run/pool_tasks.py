"""Task functions the pool tests send to workers (importable by path in a spawned process)."""

import os
import time


def square(x: int) -> int:
    return x * x


def misbehave(x: int) -> int:
    if x == 3:
        os._exit(7)  # the worker dies mid-task
    if x == 5:
        time.sleep(60)  # the worker hangs
    if x == 7:
        raise ValueError("bad input 7")
    return x * x


def pid(_: object) -> int:
    return os.getpid()


def slow_first(x: int) -> int:
    if x == 0:
        time.sleep(3)  # the oldest task is slow: later ones finish first and must wait for it
    return x * x
