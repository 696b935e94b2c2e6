"""How many distinct problems a generator can make, estimated from its draws.

A problem is what the near-duplicate check keys on (`verify/duplicate.py::question_key` of the
question and the figure's unstated data), so a generator's capacity is the number of distinct keys
it can draw. Drawing N seeds and counting D distinct keys, the occupancy model for K equally likely
problems gives E[D] = K·(1 − e^(−N/K)); solving it for K is the estimate. Unequal odds only make
repeats likelier, so the estimate is a lower bound on the keys it could ever make, and it is what
a run of that size sees: at N draws, the expected share of repeats is 1 − D/N.
"""

from __future__ import annotations

import math
from dataclasses import dataclass

from flywheel.domains.registry import GeneratorSpec
from flywheel.render.draft import draw
from flywheel.verify.duplicate import question_key


@dataclass(frozen=True)
class Capacity:
    generator: str
    draws: int
    distinct: int
    estimate: float  # distinct problems it can make (math.inf when no draw repeated)

    @property
    def repeat_share(self) -> float:
        """Share of the draws that repeated an earlier one: what the duplicate check would reject."""
        return 1 - self.distinct / self.draws if self.draws else 0.0


def occupancy_estimate(draws: int, distinct: int) -> float:
    """K with K·(1 − e^(−draws/K)) = distinct (bisection on log K); inf when nothing repeated."""
    if distinct >= draws:
        return math.inf
    lo, hi = float(distinct), float(distinct)
    while hi * (1 - math.exp(-draws / hi)) < distinct:
        hi *= 2
    for _ in range(100):
        mid = (lo + hi) / 2
        if mid * (1 - math.exp(-draws / mid)) < distinct:
            lo = mid
        else:
            hi = mid
    return hi


def problem_key(spec: GeneratorSpec, seed: int) -> str:
    """The near-duplicate key of the problem a seed draws (as `run/build.py` keys interaction samples)."""
    draft = draw(spec.fn, seed)
    return question_key(f"{draft.question} {draft.figure_key}")


def capacity(spec: GeneratorSpec, draws: int, first_seed: int = 0) -> Capacity:
    keys = {problem_key(spec, first_seed + i) for i in range(draws)}
    return Capacity(spec.name, draws, len(keys), occupancy_estimate(draws, len(keys)))
