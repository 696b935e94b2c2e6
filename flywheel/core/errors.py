"""User-facing errors: the CLI prints their message on one line and exits non-zero, no traceback."""


class FlywheelError(Exception):
    """A mistake in what the user asked for (bad seeds, bad SQL, bad path …)."""
