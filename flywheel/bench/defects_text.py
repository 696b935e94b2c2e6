"""Defects written into the text of a clean sample: its trace and its question.

Each injector takes a rendered sample and returns a copy with exactly one defect, or None when the
sample has no place for it (a question that states no givens cannot get a wrong given). The
figure, the code and the answer stay as they were, so only the text verifiers can see the defect.
`bench verify` and the tests inject them into samples of every generator and count what the
registered verifiers reject (recall) next to what they reject of the clean samples.

| defect | what changes |
|---|---|
| trace_step | a number on an inner side of a checked chain of the trace, +1 ("225 + 441 = 666" → "226 + 441 = 666"); the answer stays right |
| trace_block | a rectangle the trace names, one wider ("the 6 × 2 block" → "the 7 × 2 block") |
| question_given | a stated given, +1 ("AB = 16" → "AB = 17"; a stated point's x-coordinate) |
| question_extra | a sentence with a number nothing in the problem accounts for |
| question_count | a count the question states, +1 ("4 classes" → "5 classes", "a 6 × 2 block" → "a 7 × 2 block") |
| question_name | a stated segment renamed to a point the figure does not have ("AB = 16" → "AZ = 16") |
"""

from __future__ import annotations

import dataclasses
import re
from collections.abc import Callable

from flywheel.bench.defects import Case, register_defect
from flywheel.render.draft import Rendered
from flywheel.verify.claims import ClaimError, parse, segments
from flywheel.verify.facts import given_names
from flywheel.verify.question import counts_in
from flywheel.verify.registry import VerifyContext
from flywheel.verify.trace import BLOCK

Injector = Callable[[Rendered], Rendered | None]
EXTRA = 9973  # a prime no generator's data reaches


def _replace(text: str, start: int, end: int, new: str) -> str:
    return text[:start] + new + text[end:]


def _conclusion_span(cot: str) -> tuple[int, int]:
    """Where the reasoning after the tool call is: from the end of the code to the answer tag."""
    start = cot.find("</code>")
    end = cot.find("<answer>")
    return (0 if start < 0 else start, len(cot) if end < 0 else end)


def trace_step(r: Rendered) -> Rendered | None:
    """+1 on a number of an inner side of a chain, so that the side's value changes (3·F·cos 90° would
    not): preferably a side of plain arithmetic ("225 + 441"), after the tool call first."""
    cot = r.cot
    a, b = _conclusion_span(cot)
    spans = ((a, b), (0, cot.find("<code>") if "<code>" in cot else 0))
    for plain_only in (True, False):
        for lo, hi in spans:
            for seg in segments(cot[lo:hi]):
                sides = seg.sides()
                for side in sides[1:-1] if len(sides) > 2 else sides[:-1]:
                    if plain_only and any(t.kind in ("name", "func") for t in side):
                        continue
                    for num in (t for t in side if t.kind == "num" and "." not in t.text):
                        pos = lo + num.pos
                        new = _replace(cot, pos, pos + len(num.text), str(int(num.text) + 1))
                        if _changes(side, num):
                            return dataclasses.replace(r, cot=new)
    return None


def _changes(side, num) -> bool:
    """Whether +1 on `num` changes the value of `side` (names left as symbols)."""
    bumped = tuple(dataclasses.replace(t, text=str(int(t.text) + 1)) if t is num else t for t in side)
    try:
        return parse(side, {}).value != parse(bumped, {}).value
    except (ClaimError, TypeError, ValueError, ZeroDivisionError):
        return False


def trace_block(r: Rendered) -> Rendered | None:
    """The first rectangle "w × h" (w ≠ h) the trace's prose names, one wider."""
    for m in BLOCK.finditer(r.cot):
        w, h = int(m.group(1)), int(m.group(2))
        if w != h and re.match(r" [a-z]", r.cot[m.end():]):  # "6 × 2 upper block", not "60 × 100%"
            return dataclasses.replace(r, cot=_replace(r.cot, m.start(1), m.end(1), str(w + 1)))
    return None


def _with_question(r: Rendered, question: str) -> Rendered:
    return dataclasses.replace(r, draft=dataclasses.replace(r.draft, question=question))


def question_given(r: Rendered) -> Rendered | None:
    """+1 on the value of the first given the question states as "NAME = value" or "P(x, y)"."""
    q = r.draft.question
    names = {n for g in r.draft.givens for n in given_names(g)}
    points = {g.measure.points[0] for g in r.draft.givens if g.measure.kind in ("x", "y")}
    for seg in segments(q):
        toks = seg.toks
        for i, t in enumerate(toks):
            if t.kind == "name" and t.text in names and i + 2 < len(toks) and toks[i + 1].text == "=" \
                    and toks[i + 2].kind == "num":
                n = toks[i + 2]
                return _with_question(r, _replace(q, n.pos, n.pos + len(n.text), str(int(float(n.text)) + 1)))
            if t.kind == "name" and t.text in points and i + 2 < len(toks) and toks[i + 1].text == "(":
                n = next((u for u in toks[i + 2:] if u.kind == "num"), None)
                if n is not None:
                    return _with_question(r, _replace(q, n.pos, n.pos + len(n.text), str(int(n.text) + 1)))
    return None


def question_extra(r: Rendered) -> Rendered | None:
    """A sentence with a number that no given, count or figure data accounts for."""
    q = r.draft.question
    cut = q.rfind(". ")
    extra = f" The figure is drawn at a scale of 1 : {EXTRA}."
    new = q[:cut + 1] + extra + q[cut + 1:] if cut >= 0 else q + extra
    return _with_question(r, new)


def question_count(r: Rendered) -> Rendered | None:
    """+1 on the first count the question states ("16 days", "a 6 × 2 block")."""
    q = r.draft.question
    m = next(iter(counts_in(q)), None)
    block = BLOCK.search(q)
    if block and (not m or block.start() < m.start()):
        return _with_question(r, _replace(q, block.start(1), block.end(1), str(int(block.group(1)) + 1)))
    if m:
        return _with_question(r, _replace(q, m.start(1), m.end(1), str(int(m.group(1)) + 1)))
    return None


def question_name(r: Rendered) -> Rendered | None:
    """A stated segment renamed to a point the figure does not have ("AB = 16" → "AZ = 16")."""
    q = r.draft.question
    points = set(getattr(r.draft.scene, "points", {}) or {})
    absent = next((c for c in "ZYXWVUTSRQ" if c not in points), None)
    for seg in segments(q):
        for i, t in enumerate(seg.toks):
            if (t.kind == "name" and len(t.text) == 2 and set(t.text) <= points and i + 1 < len(seg.toks)
                    and seg.toks[i + 1].text == "=" and absent):
                return _with_question(r, _replace(q, t.pos + 1, t.pos + 2, absent))
    return None


DEFECTS: dict[str, Injector] = {
    "trace_step": trace_step,
    "trace_block": trace_block,
    "question_given": question_given,
    "question_extra": question_extra,
    "question_count": question_count,
    "question_name": question_name,
}



def _case_defect(inject: Injector):
    """A text injector as a `bench verify` defect class: the edited draft, and the edited question as
    the text that ships (a question injector edits the statement; the others leave the text as it was)."""

    def defect(case: Case) -> VerifyContext | None:
        r = inject(case.rendered)
        if r is None:
            return None
        edited = r.draft.question != case.rendered.draft.question
        return dataclasses.replace(case.ctx, rendered=r, question=r.draft.question if edited else case.ctx.question)

    return defect


for _name, _inject in DEFECTS.items():
    register_defect(_name, kinds=["interaction"])(_case_defect(_inject))

__all__ = ["DEFECTS", "EXTRA", "Injector", "question_count", "question_extra", "question_given", "question_name",
           "trace_block", "trace_step"]
