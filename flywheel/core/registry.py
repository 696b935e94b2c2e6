"""A tiny name → object registry with entry-point discovery, shared by generators, verifiers, exports.

Built-ins register themselves when their modules are imported (`builtins`); third-party packages
add theirs through an entry-point group, so nothing in flywheel's core needs editing.
"""

from __future__ import annotations

import importlib
from collections.abc import Callable
from importlib.metadata import entry_points
from typing import Generic, TypeVar

from flywheel.core.errors import FlywheelError

T = TypeVar("T")


class Registry(Generic[T]):
    def __init__(self, kind: str, group: str, builtins: list[str]) -> None:
        self.kind, self.group, self.builtins = kind, group, builtins
        self._items: dict[str, T] = {}
        self._loaded = False

    def add(self, name: str, item: T) -> None:
        self._items[name] = item

    def decorator(self, name: str, wrap: Callable[[Callable], T] = lambda f: f) -> Callable[[Callable], Callable]:
        def deco(fn: Callable) -> Callable:
            self.add(name, wrap(fn))
            return fn

        return deco

    def _load(self) -> None:
        if self._loaded:
            return
        self._loaded = True
        for module in self.builtins:
            importlib.import_module(module)
        for ep in entry_points(group=self.group):
            ep.load()

    def get(self, name: str) -> T:
        self._load()
        if name not in self._items:
            raise FlywheelError(f"unknown {self.kind} {name!r} (known: {', '.join(self.names())})")
        return self._items[name]

    def names(self) -> list[str]:
        self._load()
        return sorted(self._items)

    def items(self) -> list[tuple[str, T]]:
        self._load()
        return sorted(self._items.items())
