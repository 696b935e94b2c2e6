"""Every registered generator can make many distinct problems: the near-duplicate keys of its first
draws rarely repeat (domains/capacity.py estimates how many it can make from the repeats)."""

from __future__ import annotations

import math
import statistics

import pytest

from flywheel.domains import generator_names, get_generator
from flywheel.domains.capacity import capacity, occupancy_estimate

DRAWS = 120
FLOOR = 400  # every generator: fewer repeats among DRAWS draws than ~18
MEDIAN_FLOOR = 5_000  # the typical generator: at most one or two repeats among DRAWS draws


def test_occupancy_estimate_inverts_the_expected_number_of_distinct_draws():
    for k in (50, 1_000, 20_000):
        n = 300
        expected_distinct = k * (1 - math.exp(-n / k))
        assert occupancy_estimate(n, round(expected_distinct)) == pytest.approx(k, rel=0.15)
    assert occupancy_estimate(10, 10) == math.inf


@pytest.mark.slow  # draws 120 problems of each of the 62 generators: ~30 s of CPU
def test_every_generator_makes_many_distinct_problems():
    found = {name: capacity(get_generator(name), DRAWS) for name in generator_names()}
    small = {name: (c.distinct, round(c.estimate)) for name, c in found.items() if c.estimate < FLOOR}
    assert not small, f"generators that repeat their problems (distinct of {DRAWS}, estimated capacity): {small}"
    assert statistics.median(c.estimate for c in found.values()) >= MEDIAN_FLOOR


# Generators whose parameter spaces were widened from under 2,000 problems (issue 13): each repeats so rarely
# among 400 draws that it can make well over 5,000 distinct problems (≥ 10,000 measured over 1,000–1,500 draws).
WIDENED = ["analytic.exponential_reading", "analytic.log_reflection", "analytic.sine_reading", "plane.inscribed_angle",
           "discrete.euler_strokes"]


@pytest.mark.parametrize("name", WIDENED)
def test_widened_generators_rarely_repeat_a_problem(name):
    c = capacity(get_generator(name), 400)
    assert c.estimate >= 5_000, (c.distinct, round(c.estimate))
