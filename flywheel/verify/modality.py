"""The `modality` verifier, text side: the sample's text says what its MathVerse version claims.

From what ships — the sample's question text and the draft's question parts (render/question.py):
- text_dominant, text_lite: every given is stated in the text (text_lite: and no fact about the figure);
- vision_dominant, vision_only: no number of a given the figure shows is in the text. The parts the
  version keeps (facts, premises, the ask, givens no figure can show) are taken out first, and what
  is left — the frame's own words — must hold none of those numbers.

That every needed given is legible on the figure is the figure side's check (the rendered labels).
"""

from __future__ import annotations

import re

from flywheel.render.question import DEFAULT_VERSION, VISION_VERSIONS, Question, Stated, stated_in
from flywheel.verify.registry import Check, VerifyContext, register_verifier


def _without(text: str, parts: list[str]) -> str:
    """`text` with each of `parts` cut out (any case: a frame may lower a clause's first word)."""
    for p in sorted((p for p in parts if p), key=len, reverse=True):
        text = re.sub(re.escape(p.rstrip(".?")), " ", text, flags=re.IGNORECASE)
    return text


def _in_text(question: str, g: Stated) -> bool:
    return g.text.lower() in question.lower()


def _kept(q: Question) -> list[str]:
    """Texts a vision version may hold: everything but the givens the figure shows."""
    return [*q.facts, *q.premises, *q.context, q.ask, q.unit, *(g.text for g in q.givens if not g.figure)]


@register_verifier("modality", role="modality", kinds=["interaction"])
def verify_modality(ctx: VerifyContext) -> Check:
    d = ctx.rendered.draft
    version = ctx.version or DEFAULT_VERSION
    question = ctx.question or d.question
    if d.choices:  # the options are values of the answer's kind, not givens
        question = question.replace(d.choices.listing, "")
    q = d.text
    if q is None:
        if version == DEFAULT_VERSION:
            return Check(True, "a problem of one text (no parts): text_dominant by construction")
        return Check(False, f"a {version} sample needs question parts; the draft has one text", code="modality")
    if version in VISION_VERSIONS:
        rest = _without(question, _kept(q))
        leaks = [(g.text, v) for g in q.givens if g.figure for v in stated_in(rest, g)]
        if leaks:
            said = "; ".join(f"{v} (of '{t}')" for t, v in leaks)
            return Check(False, f"{version} text states given values the figure carries: {said}", code="modality")
        shown = sum(g.figure for g in q.givens)
        return Check(True, f"{version}: none of the {shown} figure givens' values is in the text")
    missing = [g.text for g in q.givens if not _in_text(question, g)]
    if missing:
        return Check(False, f"{version} text lacks the givens: {'; '.join(missing)}", code="modality")
    if version == "text_lite":
        facts = [f for f in q.facts if f.rstrip(".").lower() in question.lower()]
        if facts:
            return Check(False, f"text_lite text still states what the figure shows: {'; '.join(facts)}", code="modality")
    return Check(True, f"{version}: all {len(q.givens)} givens are in the text")
