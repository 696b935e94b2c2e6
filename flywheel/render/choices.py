"""Multiple-choice form of a problem: the options are its typical wrong answers and the right one.

A generator declares the mistakes its problem invites (`Draft.slips`: forgot to halve, used the
wrong leg, dropped the square root …). When it declares too few, generic slips of the same kind
fill in: a factor of two either way, the square instead of the root (or the root instead of the
square), a neighbouring value. Every option has a different value, only one is the answer, and the
option letters are drawn from the task's seed, so the same task always gives the same options.
"""

from __future__ import annotations

import math
import random
from dataclasses import replace

import sympy as sp

from flywheel.core.answers import to_latex
from flywheel.render.draft import Choices, Draft, Slip

LETTERS = "ABCDEF"
MIN_CHOICES, MAX_CHOICES = 2, len(LETTERS)


def generic_slips(answer: sp.Expr) -> list[Slip]:
    """Mistakes any numeric answer invites, most plausible first."""
    a = sp.nsimplify(answer) if answer.is_Float else answer
    out = [Slip("forgot to halve", 2 * a), Slip("halved once too often", a / 2)]
    root_free = sp.expand(a**2)
    if not a.is_Rational and root_free.is_Rational:
        out.append(Slip("forgot the square root", root_free))
    elif a.is_Rational and a > 0:
        out.append(Slip("took a square root too many", sp.sqrt(a)))
    step = 1 if a.is_Integer or not a.is_Rational else sp.Rational(1, a.q)
    out += [Slip("an arithmetic slip", a + d * step) for d in (1, -1, 10, 2, 3, 4, 5)]
    return out


def _fine(value: sp.Expr, answer: float, taken: list[float]) -> bool:
    """A real option of the answer's sign, apart from the answer and the options so far."""
    try:
        v = float(value)
    except (TypeError, ValueError):
        return False
    if math.isnan(v) or (answer > 0 and v <= 0) or (answer >= 0 and v < 0):  # a sign the problem rules out
        return False
    return all(abs(v - t) > 1e-9 * max(1.0, abs(t)) for t in [answer, *taken])


def with_choices(draft: Draft, k: int, rng: random.Random) -> Draft:
    """The draft as a k-option multiple-choice problem: its own slips first, then generic ones."""
    if not MIN_CHOICES <= k <= MAX_CHOICES:
        raise ValueError(f"between {MIN_CHOICES} and {MAX_CHOICES} choices, not {k}")
    right = float(draft.answer)
    picked: list[Slip] = []
    taken: list[float] = []
    for slip in [*draft.slips, *generic_slips(draft.answer)]:
        if len(picked) == k - 1:
            break
        if _fine(slip.value, right, taken):
            picked.append(slip)
            taken.append(float(slip.value))
    if len(picked) < k - 1:
        raise ValueError(f"only {len(picked) + 1} distinct options for {draft.answer_latex}")
    options = [("", draft.answer), *((s.why, s.value) for s in picked)]
    rng.shuffle(options)
    letter = LETTERS[next(i for i, (why, _) in enumerate(options) if why == "")]
    choices = Choices(tuple(to_latex(sp.nsimplify(v) if v.is_Float else v) for _, v in options), letter,
                      tuple(why for why, _ in options))
    return replace(draft, question=f"{draft.question} {choices.listing}", choices=choices,
                   params={**draft.params, "choices": k})
