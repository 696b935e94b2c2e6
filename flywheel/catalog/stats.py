"""`flywheel stats`: how varied each generator's questions are, and how many problems it can make.

Per generator, over its accepted interaction samples:
- frames: distinct question texts once numbers and point names are masked (render/question.py::mask);
- 4-gram ratio: distinct word 4-grams over all word 4-grams of its questions (1.0: no phrase repeats);
- versions: the share of its samples in each MathVerse version;
- capacity: how many distinct problems it can make, from its near-duplicate rate. A generator drawing
  uniformly from N problems shows, after m draws, k = N·(1 − (1 − 1/N)^m) distinct ones on average;
  N is solved from the m draws of its most drawn version that reached the duplicate check and the k of
  them that passed it. With no repeat at all, only a lower bound is known: m²/2 (fewer would most
  likely have shown one).
"""

from __future__ import annotations

import math
import re
from collections import Counter, defaultdict
from dataclasses import dataclass, field
from typing import TYPE_CHECKING

from flywheel.render.question import mask

if TYPE_CHECKING:
    from flywheel.catalog.store import Catalog


def accepted_questions(cat: Catalog) -> list[tuple[str, str, str, str]]:
    """(generator, domain, version, question) of every accepted interaction sample."""
    return cat.con.execute(
        "SELECT generator, domain, coalesce(version, ''), question FROM samples "
        "WHERE accepted AND kind = 'interaction' ORDER BY generator, id").fetchall()


def duplicate_draws(cat: Catalog) -> list[tuple[str, str, int, int]]:
    """(generator, version, samples judged for duplicates, how many of them were duplicates) per
    generator and version, interaction samples of every round."""
    return cat.con.execute("""
        SELECT s.generator, coalesce(s.version, ''), count(*), count(*) FILTER (WHERE NOT v.passed)
        FROM samples s JOIN verdicts v ON v.sample_id = s.id AND v.verifier = 'duplicate'
        WHERE s.kind = 'interaction' GROUP BY ALL ORDER BY ALL""").fetchall()


@dataclass
class GeneratorStats:
    generator: str
    domain: str
    samples: int = 0
    frames: int = 0
    ngram_ratio: float = 0.0
    versions: dict[str, float] = field(default_factory=dict)  # version → share of the generator's samples
    draws: int = 0  # of the version the capacity is estimated from
    repeats: int = 0
    capacity: float | None = None  # estimated distinct problems; None: no draws to estimate from
    capacity_lower_bound: bool = False  # no repeat seen: `capacity` is only a lower bound

    def as_dict(self) -> dict:
        return {k: getattr(self, k) for k in self.__dataclass_fields__}


def four_grams(text: str) -> list[tuple[str, ...]]:
    words = re.findall(r"\w+|[^\w\s]", text.lower())
    return [tuple(words[i:i + 4]) for i in range(len(words) - 3)]


def capacity(draws: int, distinct: int) -> tuple[float | None, bool]:
    """(N, is a lower bound) for `distinct` problems seen in `draws` uniform draws from N."""
    if draws == 0:
        return None, False
    if distinct >= draws:
        return max(draws * draws / 2, float(distinct)), True
    lo, hi = float(distinct), float(distinct)
    while hi * (1 - (1 - 1 / hi) ** draws) < distinct - 1e-9:
        hi *= 2
    for _ in range(100):  # bisection: expected distinct grows with N
        mid = (lo + hi) / 2
        if mid * (1 - (1 - 1 / mid) ** draws) < distinct:
            lo = mid
        else:
            hi = mid
    return hi, False


def generator_stats(cat: Catalog) -> list[GeneratorStats]:
    out: dict[str, GeneratorStats] = {}
    texts: dict[str, list[str]] = defaultdict(list)
    versions: dict[str, Counter[str]] = defaultdict(Counter)
    for gen, domain, version, question in accepted_questions(cat):
        out.setdefault(gen, GeneratorStats(gen, domain))
        texts[gen].append(question)
        versions[gen][version or "-"] += 1
    for gen, s in out.items():
        s.samples = len(texts[gen])
        s.frames = len({mask(q) for q in texts[gen]})
        grams = [g for q in texts[gen] for g in four_grams(q)]
        s.ngram_ratio = len(set(grams)) / len(grams) if grams else 0.0
        s.versions = {v: n / s.samples for v, n in sorted(versions[gen].items())}
    best: dict[str, tuple[int, int]] = {}
    for gen, _version, draws, repeats in duplicate_draws(cat):
        if gen in out and draws > best.get(gen, (0, 0))[0]:
            best[gen] = (draws, repeats)
    for gen, (draws, repeats) in best.items():
        s = out[gen]
        s.draws, s.repeats = draws, repeats
        s.capacity, s.capacity_lower_bound = capacity(draws, draws - repeats)
    return sorted(out.values(), key=lambda s: (s.domain, s.generator))


def summary(stats: list[GeneratorStats]) -> dict:
    """The headline figures: the fewest frames and the lowest 4-gram ratio of any generator."""
    if not stats:
        return {"generators": 0}
    fewest = min(stats, key=lambda s: s.frames)
    finite = [s.capacity for s in stats if s.capacity is not None]
    return {"generators": len(stats), "samples": sum(s.samples for s in stats),
            "min_frames": fewest.frames, "min_frames_generator": fewest.generator,
            "min_ngram_ratio": round(min(s.ngram_ratio for s in stats), 4),
            "min_capacity": math.floor(min(finite)) if finite else None}
