"""Exports: one module per output format, registered by name (docs/architecture.md, "Add an export format")."""

from flywheel.io.registry import export_formats, get_exporter, register_exporter

__all__ = ["export_formats", "get_exporter", "register_exporter"]
