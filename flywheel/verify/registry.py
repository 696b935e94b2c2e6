"""Verifier registry: plain functions `f(ctx) -> Check`, registered by name; extensible by entry point."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass

from flywheel.core.records import Verdict
from flywheel.core.registry import Registry
from flywheel.render.draft import Rendered
from flywheel.render.execute import RenderResult, ToolResult


@dataclass
class VerifyContext:
    """Everything a per-sample verifier may look at: the draft, its code, and what the code produced."""

    sample_id: str
    rendered: Rendered
    render: RenderResult | None
    render_error: str | None
    tool: ToolResult | None
    domain: str = "plane_geometry"  # the generator's domain: picks the domain-specific verifiers
    kind: str = "interaction"  # interaction | perception | instruction: picks the kind's verifiers
    points: dict[str, tuple[float, float]] | None = None  # a perception sample's claimed pixel coordinates


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
    kinds: frozenset[str] | None = None  # None: every sample kind; else only these kinds

    def applies(self, domain: str, kind: str = "interaction") -> bool:
        return (self.domains is None or domain in self.domains) and (self.kinds is None or kind in self.kinds)


VERIFIERS: Registry[VerifierSpec] = Registry(
    "verifier", "flywheel.verify",
    [
        "flywheel.domains.plane_geometry.verifiers", "flywheel.verify.image", "flywheel.verify.tool", "flywheel.kinds.verifiers",
        "flywheel.domains.physics.verifiers", "flywheel.domains.physics.image_check",
        "flywheel.domains.statistics.verifiers",
        "flywheel.domains.discrete.verifiers",
        "flywheel.domains.analytic_geometry.verifiers",
        "flywheel.domains.solid_geometry.verifiers",
    ],
)


def register_verifier(
    name: str, domains: list[str] | None = None, kinds: list[str] | None = None
) -> Callable[[VerifierFn], VerifierFn]:
    """Decorator: `@register_verifier("answer")` on a function `ctx -> Check`.

    `domains` restricts it to samples of those generator domains (a chart's answer check means
    nothing for a triangle); without it the verifier judges every sample. `kinds` likewise
    restricts it to sample kinds (an answer check means nothing for a perception sample).
    """
    scope = frozenset(domains) if domains else None
    kind_scope = frozenset(kinds) if kinds else None
    return VERIFIERS.decorator(name, lambda fn: VerifierSpec(fn, scope, kind_scope))


def verifier_names() -> list[str]:
    return VERIFIERS.names()


def run_verifiers(ctx: VerifyContext) -> list[Verdict]:
    """Run every registered verifier that applies to the sample's domain; one that raises fails it."""
    out = []
    for name, spec in VERIFIERS.items():
        if not spec.applies(ctx.domain, ctx.kind):
            continue
        try:
            c = spec.fn(ctx)
        except Exception as exc:  # noqa: BLE001 - a broken verifier must reject, not crash the run
            c = Check(False, f"verifier error: {type(exc).__name__}: {exc}")
        score = c.score if c.score is not None else float(c.passed)
        out.append(Verdict(ctx.sample_id, name, c.passed, score, c.reason))
    return out
