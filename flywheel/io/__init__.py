"""Exports: one module per output format, registered by name (DESIGN §7)."""

from flywheel.io.registry import export_formats, get_exporter, register_exporter

__all__ = ["export_formats", "get_exporter", "register_exporter"]
