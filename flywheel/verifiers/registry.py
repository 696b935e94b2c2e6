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
    domain: str = "plane_geometry"  # the generator's domain: picks the domain-specific verifiers


@dataclass(frozen=True)
class Check:
    passed: bool
    reason: str
    score: float | None = None


VerifierFn = Callable[[VerifyContext], Check]


@dataclass(frozen=True)
class VerifierSpec:
    fn: VerifierFn
    domains: frozenset[str] | None  # None: every domain; else only samples of these domains

    def applies(self, domain: str) -> bool:
        return self.domains is None or domain in self.domains


VERIFIERS: Registry[VerifierSpec] = Registry(
    "verifier", "flywheel.verifiers",
    ["flywheel.verifiers.answer", "flywheel.verifiers.image", "flywheel.verifiers.tool", "flywheel.verifiers.analytic"],
)


def register_verifier(name: str, domains: list[str] | None = None) -> Callable[[VerifierFn], VerifierFn]:
    """Decorator: `@register_verifier("answer")` on a function `ctx -> Check`.

    `domains` restricts it to samples of those generator domains (a chart's answer check means
    nothing for a triangle); without it the verifier judges every sample.
    """
    scope = frozenset(domains) if domains else None
    return VERIFIERS.decorator(name, lambda fn: VerifierSpec(fn, scope))


def verifier_names() -> list[str]:
    return VERIFIERS.names()


def run_verifiers(ctx: VerifyContext) -> list[Verdict]:
    """Run every registered verifier that applies to the sample's domain; one that raises fails it."""
    out = []
    for name, spec in VERIFIERS.items():
        if not spec.applies(ctx.domain):
            continue
        try:
            c = spec.fn(ctx)
        except Exception as exc:  # noqa: BLE001 - a broken verifier must reject, not crash the run
            c = Check(False, f"verifier error: {type(exc).__name__}: {exc}")
        score = c.score if c.score is not None else float(c.passed)
        out.append(Verdict(ctx.sample_id, name, c.passed, score, c.reason))
    return out
