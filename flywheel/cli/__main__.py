"""`python -m flywheel.cli …` runs the command line (the tests start it this way)."""

from flywheel.cli.main import app

app(prog_name="flywheel")
