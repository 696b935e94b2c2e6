"""Verifier registry: plain functions `f(ctx) -> Check`, registered by name and role; extensible by entry point.

A verifier's *role* says what it judges, so code that acts on verdicts (repair routing) asks the
role and a failing Check's `code`, never the verifier's name or the wording of its reason:
- answer: the answer is right (each domain registers its own: only it knows how to re-derive it);
- image: the figure is readable and shows what the problem states;
- tool: the tool code draws the construction where it belongs;
- duplicate: no accepted sample is the same problem (judged at commit time against the catalog);
- kind: a perception or instruction variant's own ground truth.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass

from flywheel.core.errors import FlywheelError
from flywheel.core.records import Verdict
from flywheel.core.registry import Registry
from flywheel.render.draft import Rendered
from flywheel.render.execute import RenderResult, ToolResult

ROLES = ("answer", "image", "tool", "duplicate", "kind")
REQUIRED_ROLES = ("answer", "image")  # every domain needs both for its interaction samples


@dataclass
class VerifyContext:
    """Everything a per-sample verifier may look at: the draft, its code, and what the code produced."""

    sample_id: str
    rendered: Rendered
    render: RenderResult | None
    render_error: str | None
    tool: ToolResult | None
    domain: str  # the generator's domain: picks the domain-specific verifiers
    kind: str = "interaction"  # interaction | perception | instruction: picks the kind's verifiers
    points: dict[str, tuple[float, float]] | None = None  # a perception sample's claimed pixel coordinates


@dataclass(frozen=True)
class Check:
    passed: bool
    reason: str  # for people
    score: float | None = None
    code: str = ""  # for machines: what kind of failure ("degenerate", "labels" …); "" when it passed


VerifierFn = Callable[[VerifyContext], Check]


@dataclass(frozen=True)
class VerifierSpec:
    fn: VerifierFn | None  # None: judged outside run_verifiers (the duplicate check, at commit time)
    role: str
    domains: frozenset[str] | None  # None: every domain; else only samples of these domains
    kinds: frozenset[str] | None = None  # None: every sample kind; else only these kinds

    def applies(self, domain: str, kind: str = "interaction") -> bool:
        return (self.domains is None or domain in self.domains) and (self.kinds is None or kind in self.kinds)


# Domain verifiers register with their domain (flywheel/domains/registry.py), the rest here.
VERIFIERS: Registry[VerifierSpec] = Registry(
    "verifier", "flywheel.verify",
    ["flywheel.verify.image", "flywheel.verify.labels", "flywheel.verify.tool", "flywheel.kinds.verifiers", "flywheel.verify.duplicate"],
)


def register_verifier(
    name: str, role: str, domains: list[str] | None = None, kinds: list[str] | None = None
) -> Callable[[VerifierFn], VerifierFn]:
    """Decorator: `@register_verifier("image", role="image")` on a function `ctx -> Check`.

    `domains` restricts it to samples of those generator domains (a chart's answer check means
    nothing for a triangle); without it the verifier judges every sample. `kinds` likewise
    restricts it to sample kinds (an answer check means nothing for a perception sample).
    """
    if role not in ROLES:
        raise FlywheelError(f"verifier {name!r} has unknown role {role!r} (roles: {', '.join(ROLES)})")
    scope = frozenset(domains) if domains else None
    kind_scope = frozenset(kinds) if kinds else None
    return VERIFIERS.decorator(name, lambda fn: VerifierSpec(fn, role, scope, kind_scope))


def verifier_names() -> list[str]:
    return VERIFIERS.names()


def run_verifiers(ctx: VerifyContext) -> list[Verdict]:
    """Run every registered verifier that applies to the sample's domain; one that raises fails it."""
    out = []
    for name, spec in VERIFIERS.items():
        if spec.fn is None or not spec.applies(ctx.domain, ctx.kind):
            continue
        try:
            c = spec.fn(ctx)
        except Exception as exc:  # noqa: BLE001 - a broken verifier must reject, not crash the run
            c = Check(False, f"verifier error: {type(exc).__name__}: {exc}", code="error")
        score = c.score if c.score is not None else float(c.passed)
        out.append(Verdict(ctx.sample_id, name, c.passed, score, c.reason, c.code))
    return out
