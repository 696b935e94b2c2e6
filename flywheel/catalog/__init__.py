"""Catalog: the DuckDB database (schema + migrations, transactional writes) and the PNG store."""

from flywheel.catalog.images import ImageStore
from flywheel.catalog.store import Catalog

__all__ = ["Catalog", "ImageStore"]
