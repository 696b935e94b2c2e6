"""The report tests use the CLI tests' small evolved catalog (every kind, one evolve round: lineage
and a reject), built once per session and never changed by a test (they clone it to write)."""

from __future__ import annotations

import pytest

from tests.cli.conftest import evolved_catalog  # noqa: F401 - a fixture, shared


@pytest.fixture(scope="session")
def report_catalog(evolved_catalog):  # noqa: F811 - the imported fixture, by name
    return evolved_catalog
