"""Register test domains for one test only: the registries are restored afterwards, and the
domain's modules are dropped so the next test registers it afresh."""

from __future__ import annotations

import importlib
import sys

import pytest

from flywheel.domains.registry import DOMAINS, GENERATORS
from flywheel.verify.registry import VERIFIERS


@pytest.fixture
def register(monkeypatch):
    """`register("tests.domains.toy")` imports a domain package, as its entry point would."""
    for reg in (DOMAINS, GENERATORS, VERIFIERS):
        reg.names()  # the built-ins first
        monkeypatch.setattr(reg, "_items", dict(reg._items))
    loaded: list[str] = []

    def load(package: str):
        loaded.append(package)
        _forget_modules(package)
        return importlib.import_module(package)

    yield load
    for package in loaded:
        _forget_modules(package)


def _forget_modules(package: str) -> None:
    for name in [m for m in sys.modules if m == package or m.startswith(package + ".")]:
        del sys.modules[name]


@pytest.fixture
def toy(register):
    return register("tests.domains.toy").DOMAIN
