"""Export formats registered by name; third-party formats via the `flywheel.exports` entry point."""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path

from flywheel.catalog import Catalog
from flywheel.core.registry import Registry

ExportFn = Callable[[Catalog, Path, str | None], Path]
EXPORTERS: Registry[ExportFn] = Registry("export format", "flywheel.exports", [
    "flywheel.io.v_interaction", "flywheel.io.v_perception", "flywheel.io.vtbench",
    "flywheel.io.trl",
])


def register_exporter(name: str) -> Callable[[ExportFn], ExportFn]:
    return EXPORTERS.decorator(name)


def export_formats() -> list[str]:
    return EXPORTERS.names()


def get_exporter(name: str) -> ExportFn:
    return EXPORTERS.get(name)
