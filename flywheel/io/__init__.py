"""Exports: one module per output format, registered by name (docs/architecture.md, "Add an export format").

The registry (and the catalog under it) is imported on first use, so that the command line can read
the import limits (flywheel/io/limits.py) for its --help without loading DuckDB and pyarrow.
"""

from __future__ import annotations

from typing import Any

__all__ = ["ExportOptions", "export_formats", "get_exporter", "register_exporter", "run_export"]


def __getattr__(name: str) -> Any:
    if name in __all__:
        from flywheel.io import registry

        return getattr(registry, name)
    raise AttributeError(f"module 'flywheel.io' has no attribute {name!r}")
