"""Verifier registry: plain functions `f(ctx) -> Check`, registered by name and role; extensible by entry point.

A verifier's *role* says what it judges, so code that acts on verdicts (repair routing) asks the
role and a failing Check's `code`, never the verifier's name or the wording of its reason:
- answer: the answer is right (each domain registers its own: only it knows how to re-derive it);
- text: the question and the trace say what the figure and the answer say (verify/question.py,
  verify/trace.py: every stated number bound, every step of the reasoning checked);
- image: the figure is readable and shows what the problem states;
- tool: the tool code draws the construction where it belongs;
- duplicate: no accepted sample is the same problem (judged at commit time against the catalog);
- kind: a perception or instruction variant's own ground truth;
- modality: the text says what the sample's MathVerse version claims (verify/modality.py); no repair
  routes on it (a new draw would compose the same text).
- trace: the reasoning trace is well formed and ends on the answer (not an answer check: only a
  domain can re-derive its answer, so a domain without its own answer verifier is still refused).
"""

from __future__ import annotations

from collections.abc import Callable, Iterable
from dataclasses import dataclass

import numpy as np

from flywheel.core.errors import FlywheelError
from flywheel.core.records import NOT_CHECKABLE, Verdict
from flywheel.core.registry import Registry
from flywheel.render.draft import Rendered
from flywheel.render.execute import RenderResult, ToolResult

ROLES = ("answer", "text", "image", "tool", "duplicate", "kind", "modality", "trace")
REQUIRED_ROLES = ("answer", "image")  # every domain needs both for its interaction samples


SOURCES = ("generated", "llm", "import", "rollout")  # where a sample came from: what its context can hold


@dataclass(frozen=True)
class Submitted:
    """A sample that came as code and text with no scene behind it (a model's candidate, an imported
    row): what the scene-free checks read. `stored_*` are the pixels the source says its code draws."""

    question: str
    answer: str
    cot: str
    image_code: str
    tool_code: str
    stored_figure: np.ndarray | None = None
    stored_edited: np.ndarray | None = None


@dataclass
class VerifyContext:
    """Everything a per-sample verifier may look at: the draft, its code, and what the code produced.

    Generated, evolved and repaired samples carry their `rendered` draft (the scene); model-written and
    imported ones carry `submitted` instead, and every verifier that needs a scene records
    `not_checkable` for them (`run_verifiers`), so one registry judges every source."""

    sample_id: str
    rendered: Rendered | None
    render: RenderResult | None
    render_error: str | None
    tool: ToolResult | None
    domain: str  # the generator's domain: picks the domain-specific verifiers
    kind: str = "interaction"  # interaction | perception | instruction: picks the kind's verifiers
    points: dict[str, tuple[float, float]] | None = None  # a perception sample's claimed pixel coordinates
    question: str = ""  # the sample's text as shipped ("" : the draft's own statement)
    version: str = ""  # its MathVerse version (render/question.py); "" for kinds without one
    source: str = "generated"  # generated | llm | import
    submitted: Submitted | None = None  # the code and text of a sample without a scene

    @property
    def answer(self) -> str:
        return self.rendered.draft.final_answer if self.rendered is not None else self.submitted.answer

    @property
    def cot(self) -> str:
        return self.rendered.cot if self.rendered is not None else self.submitted.cot


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
    needs_scene: bool = True  # False: it also judges samples without a scene (`VerifyContext.submitted`)

    def applies(self, domain: str, kind: str = "interaction") -> bool:
        return (self.domains is None or domain in self.domains) and (self.kinds is None or kind in self.kinds)


# Domain verifiers register with their domain (flywheel/domains/registry.py), the rest here.
VERIFIERS: Registry[VerifierSpec] = Registry(
    "verifier", "flywheel.verify",
    ["flywheel.verify.image", "flywheel.verify.figure", "flywheel.verify.labels", "flywheel.verify.format", "flywheel.verify.tool",
     "flywheel.verify.question", "flywheel.verify.trace", "flywheel.kinds.verifiers", "flywheel.verify.duplicate",
     "flywheel.verify.modality"],
)


def register_verifier(
    name: str, role: str, domains: list[str] | None = None, kinds: list[str] | None = None, needs_scene: bool = True,
) -> Callable[[VerifierFn], VerifierFn]:
    """Decorator: `@register_verifier("image", role="image")` on a function `ctx -> Check`.

    `domains` restricts it to samples of those generator domains (a chart's answer check means
    nothing for a triangle); without it the verifier judges every sample. `kinds` likewise
    restricts it to sample kinds (an answer check means nothing for a perception sample).
    `needs_scene=False` says it also judges samples that have no scene (model-written, imported);
    for those, a verifier that needs one records `not_checkable` instead of running.
    """
    if role not in ROLES:
        raise FlywheelError(f"verifier {name!r} has unknown role {role!r} (roles: {', '.join(ROLES)})")
    scope = frozenset(domains) if domains else None
    kind_scope = frozenset(kinds) if kinds else None
    return VERIFIERS.decorator(name, lambda fn: VerifierSpec(fn, role, scope, kind_scope, needs_scene))


def verifier_names() -> list[str]:
    return VERIFIERS.names()


def run_verifiers(ctx: VerifyContext, roles: Iterable[str] | None = None) -> list[Verdict]:
    """Run every registered verifier that applies to the sample's domain and kind, for every source;
    one that raises fails the sample, one that needs a scene the sample lacks records `not_checkable`.
    `roles` keeps only verifiers of those roles (a training rollout judges its tool calls alone)."""
    out = []
    wanted = None if roles is None else frozenset(roles)
    for name, spec in VERIFIERS.items():
        if spec.fn is None or not spec.applies(ctx.domain, ctx.kind) or (wanted is not None and spec.role not in wanted):
            continue
        if spec.needs_scene and ctx.rendered is None:
            out.append(Verdict(ctx.sample_id, name, False, 0.0,
                               f"not checkable: the sample (source: {ctx.source}) has no scene to check against", NOT_CHECKABLE))
            continue
        try:
            c = spec.fn(ctx)
        except Exception as exc:  # noqa: BLE001 - a broken verifier must reject, not crash the run
            c = Check(False, f"verifier error: {type(exc).__name__}: {exc}", code="error")
        score = c.score if c.score is not None else float(c.passed)
        out.append(Verdict(ctx.sample_id, name, c.passed, score, c.reason, c.code))
    return out
