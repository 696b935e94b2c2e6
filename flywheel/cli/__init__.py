"""The `flywheel` command line: `main.py` holds the app, one module per command group beside it."""

from flywheel.cli.main import app

__all__ = ["app"]
