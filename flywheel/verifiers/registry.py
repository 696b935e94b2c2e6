"""Verifier registry: plain functions `f(ctx) -> Check`, registered by name; extensible by entry point."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from importlib.metadata import entry_points

from flywheel.generators.base import Rendered
from flywheel.records import Verdict
from flywheel.sandbox.execute import RenderResult, ToolResult


@dataclass
class VerifyContext:
    """Everything a per-sample verifier may look at: the draft, its code, and what the code produced."""

    sample_id: str
    rendered: Rendered
    render: RenderResult | None
    render_error: str | None
    tool: ToolResult | None


@dataclass(frozen=True)
class Check:
    passed: bool
    reason: str
    score: float | None = None


VerifierFn = Callable[[VerifyContext], Check]
_REGISTRY: dict[str, VerifierFn] = {}
_LOADED = False


def register_verifier(name: str) -> Callable[[VerifierFn], VerifierFn]:
    def deco(fn: VerifierFn) -> VerifierFn:
        _REGISTRY[name] = fn
        return fn

    return deco


def _load() -> None:
    global _LOADED
    if not _LOADED:
        _LOADED = True
        from flywheel.verifiers import answer, image, tool  # noqa: F401 - built-ins register themselves

        for ep in entry_points(group="flywheel.verifiers"):
            ep.load()


def verifier_names() -> list[str]:
    _load()
    return sorted(_REGISTRY)


def run_verifiers(ctx: VerifyContext) -> list[Verdict]:
    """Run every registered per-sample verifier; a verifier that raises fails with the error as reason."""
    _load()
    out = []
    for name, fn in sorted(_REGISTRY.items()):
        try:
            c = fn(ctx)
        except Exception as exc:  # noqa: BLE001 - a broken verifier must reject, not crash the run
            c = Check(False, f"verifier error: {type(exc).__name__}: {exc}")
        score = c.score if c.score is not None else float(c.passed)
        out.append(Verdict(ctx.sample_id, name, c.passed, score, c.reason))
    return out
