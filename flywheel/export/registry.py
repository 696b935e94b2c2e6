"""Export formats registered by name; third-party formats via the `flywheel.exports` entry point."""

from __future__ import annotations

from collections.abc import Callable
from importlib.metadata import entry_points
from pathlib import Path

from flywheel.catalog import Catalog
from flywheel.errors import FlywheelError

ExportFn = Callable[[Catalog, Path, str | None], Path]
_REGISTRY: dict[str, ExportFn] = {}
_LOADED = False


def register_exporter(name: str) -> Callable[[ExportFn], ExportFn]:
    def deco(fn: ExportFn) -> ExportFn:
        _REGISTRY[name] = fn
        return fn

    return deco


def _load() -> None:
    global _LOADED
    if not _LOADED:
        _LOADED = True
        from flywheel.export import v_interaction  # noqa: F401

        for ep in entry_points(group="flywheel.exports"):
            ep.load()


def export_formats() -> list[str]:
    _load()
    return sorted(_REGISTRY)


def get_exporter(name: str) -> ExportFn:
    _load()
    if name not in _REGISTRY:
        raise FlywheelError(f"unknown export format {name!r} (known: {', '.join(export_formats())})")
    return _REGISTRY[name]
