"""Verifier registry: plain functions `f(ctx) -> Check`, registered by name; extensible by entry point."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass

from flywheel.generators.base import Rendered
from flywheel.records import Verdict
from flywheel.registry import Registry
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
VERIFIERS: Registry[VerifierFn] = Registry(
    "verifier", "flywheel.verifiers",
    ["flywheel.verifiers.answer", "flywheel.verifiers.image", "flywheel.verifiers.tool"],
)


def register_verifier(name: str) -> Callable[[VerifierFn], VerifierFn]:
    """Decorator: `@register_verifier("answer")` on a function `ctx -> Check`."""
    return VERIFIERS.decorator(name)


def verifier_names() -> list[str]:
    return VERIFIERS.names()


def run_verifiers(ctx: VerifyContext) -> list[Verdict]:
    """Run every registered per-sample verifier; a verifier that raises fails with the error as reason."""
    out = []
    for name, fn in VERIFIERS.items():
        try:
            c = fn(ctx)
        except Exception as exc:  # noqa: BLE001 - a broken verifier must reject, not crash the run
            c = Check(False, f"verifier error: {type(exc).__name__}: {exc}")
        score = c.score if c.score is not None else float(c.passed)
        out.append(Verdict(ctx.sample_id, name, c.passed, score, c.reason))
    return out
