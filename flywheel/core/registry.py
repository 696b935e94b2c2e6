"""A tiny name → object registry with entry-point discovery, shared by domains, generators, verifiers, exports.

Built-ins register themselves when their modules are imported (`builtins`); third-party packages
add theirs through an entry-point group, so nothing in flywheel's core needs editing.
"""

from __future__ import annotations

import importlib
import threading
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
        self._lock = threading.RLock()
        self._loading = False

    def add(self, name: str, item: T) -> None:
        self._items[name] = item

    def remove(self, name: str) -> None:
        """Take a registration back (a refused domain leaves nothing behind)."""
        self._items.pop(name, None)

    def registered(self, name: str) -> bool:
        """Whether `name` is registered so far, without discovering anything (safe during imports)."""
        return name in self._items

    def registered_items(self) -> list[tuple[str, T]]:
        """What is registered so far, without discovering anything."""
        return sorted(self._items.items())

    def decorator(self, name: str, wrap: Callable[[Callable], T] = lambda f: f) -> Callable[[Callable], Callable]:
        def deco(fn: Callable) -> Callable:
            self.add(name, wrap(fn))
            return fn

        return deco

    def _load(self) -> None:
        # Marked loaded only once every module imported: a module that raised (a refused plugin)
        # raises again on the next use instead of leaving a half-filled registry behind.
        # The lock makes a thread that comes while another loads wait for the whole registry (the
        # import's worker threads judge rows concurrently); it is re-entrant because a module being
        # imported may use the registry in the loading thread, which `_loading` lets through.
        if self._loaded:
            return
        with self._lock:
            if self._loaded or self._loading:
                return
            self._loading = True
            try:
                for module in self.builtins:
                    importlib.import_module(module)
                for ep in entry_points(group=self.group):
                    ep.load()
                self._loaded = True
            finally:
                self._loading = False

    def get(self, name: str) -> T:
        self._load()
        if name not in self._items:
            raise FlywheelError(f"unknown {self.kind} {name!r} (known: {', '.join(self.names())})")
        return self._items[name]

    def find(self, name: str) -> T | None:
        self._load()
        return self._items.get(name)

    def names(self) -> list[str]:
        self._load()
        return sorted(self._items)

    def items(self) -> list[tuple[str, T]]:
        self._load()
        return sorted(self._items.items())


def parse_names(text: str | None, known: tuple[str, ...] | list[str], what: str, default: list[str],
                everything: bool = False) -> list[str]:
    """A comma-separated option (`--kinds`, `--versions`) → its names in the order given, without
    repeats; empty → `default`; `everything`: "all" names every known one. Unknown names are a user error."""
    if not text:
        return list(default)
    if everything and text.strip() == "all":
        return list(known)
    names = list(dict.fromkeys(k.strip() for k in text.split(",") if k.strip()))
    unknown = [k for k in names if k not in known]
    if unknown:
        also = ", or all" if everything else ""
        raise FlywheelError(f"unknown {what}(s): {', '.join(unknown)} (known: {', '.join(known)}{also})")
    if not names:
        raise FlywheelError(f"--{what}s names no {what}")
    return names
