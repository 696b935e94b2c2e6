"""Export formats registered by name; third-party formats via the `flywheel.exports` entry point.

An exporter is `f(catalog, out_dir, where) -> path`; a format that takes options (`--text-only`,
`--layout`) is registered with their names and then called as `f(catalog, out_dir, where, options)`.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, fields
from pathlib import Path

from flywheel.catalog import Catalog
from flywheel.core.errors import FlywheelError
from flywheel.core.registry import Registry


@dataclass(frozen=True)
class ExportOptions:
    text_only: bool = False  # trl-sft, trl-grpo: rows for a text-only model (string content, no images)
    layout: str = "parquet"  # vtbench: parquet (one file, images inside) or vthinker (Vtbench.json + image files)


DEFAULT_OPTIONS = ExportOptions()
ExportFn = Callable[..., Path]
EXPORTERS: Registry[ExportFn] = Registry("export format", "flywheel.exports", [
    "flywheel.io.v_interaction", "flywheel.io.v_perception", "flywheel.io.vtbench",
    "flywheel.io.trl",
])
_OPTIONS: dict[str, frozenset[str]] = {}
OPTION_FLAGS = {"text_only": "--text-only", "layout": "--layout"}


def register_exporter(name: str, options: tuple[str, ...] = ()) -> Callable[[ExportFn], ExportFn]:
    _OPTIONS[name] = frozenset(options)
    return EXPORTERS.decorator(name)


def export_formats() -> list[str]:
    return EXPORTERS.names()


def get_exporter(name: str) -> ExportFn:
    return EXPORTERS.get(name)


def run_export(name: str, cat: Catalog, out: Path, where: str | None = None,
               options: ExportOptions = DEFAULT_OPTIONS) -> Path:
    """Export with `options`; an option the format does not take is a user error, before any file is written."""
    exporter = get_exporter(name)
    given = [f.name for f in fields(ExportOptions) if getattr(options, f.name) != getattr(DEFAULT_OPTIONS, f.name)]
    unknown = [o for o in given if o not in _OPTIONS.get(name, frozenset())]
    if unknown:
        takes = sorted(n for n, opts in _OPTIONS.items() if unknown[0] in opts)
        raise FlywheelError(f"{OPTION_FLAGS[unknown[0]]} applies to the {', '.join(takes)} format(s), not {name}")
    return exporter(cat, out, where, options) if _OPTIONS.get(name) else exporter(cat, out, where)
