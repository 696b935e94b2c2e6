"""Counting figures: triangles in a triangle cut by segments from its apex and parallels to its base."""

from __future__ import annotations

import random
from math import comb

import sympy as sp

from flywheel.core.records import Difficulty
from flywheel.domains.discrete import DOMAIN
from flywheel.domains.discrete.common import discrete_draft
from flywheel.domains.registry import register_generator
from flywheel.render.draft import Draft, parts
from flywheel.render.scene.diagrams import HighlightSegments
from flywheel.render.scene.exact import P, lerp
from flywheel.render.scene.model import Construction, Scene, Segment

PARALLEL_HEIGHTS = {0: [], 1: [sp.Rational(1, 2)], 2: [sp.Rational(1, 3), sp.Rational(2, 3)]}


def _plural(n: int, word: str) -> str:
    return f"{n} {word}" if n == 1 else f"{n} {word}s"


@register_generator("discrete.count_triangles", DOMAIN)
def count_triangles(rng: random.Random) -> Draft:
    cevians = rng.randint(1, 3)  # inner segments from the apex
    parallels = rng.randint(0, 2)
    width, height = rng.randint(10, 14), rng.randint(8, 11)
    while True:
        feet = sorted(rng.sample(range(2, width - 1), cevians))
        if all(b - a >= 2 for a, b in zip([0, *feet], [*feet, width], strict=True)):
            break
    apex = P(rng.randint(round(0.3 * width), round(0.7 * width)), height)
    base = [P(x, 0) for x in [0, *feet, width]]
    pts = {"O": apex} | {f"B{i}": p for i, p in enumerate(base)}
    last = f"B{len(base) - 1}"
    segs = [Segment("B0", last)] + [Segment("O", f"B{i}") for i in range(len(base))]
    rungs = [("B0", last)]
    for j, t in enumerate(PARALLEL_HEIGHTS[parallels], start=1):
        pts[f"L{j}"], pts[f"R{j}"] = lerp(base[0], apex, t), lerp(base[-1], apex, t)
        segs.append(Segment(f"L{j}", f"R{j}"))
        rungs.append((f"L{j}", f"R{j}"))
    lines = len(base)
    construction = Construction("highlight the base and the segments parallel to it",
                                marks=[HighlightSegments(rungs)])
    scene = Scene(points=pts, segments=segs, construction=construction)
    per_rung = comb(lines, 2)
    answer = len(rungs) * per_rung
    parallel_text = "no segment" if parallels == 0 else _plural(parallels, "segment")
    return discrete_draft(
        title="Triangle cut into smaller triangles",
        scene=scene,
        question=parts("The figure shows a triangle cut by segments from its top vertex to the base and segments "
                       "parallel to the base.", [f"it is cut with {_plural(cevians, 'segment')} drawn from its top vertex "
                                                 f"to the base and {parallel_text} parallel to the base"],
                       "the number of triangles of any size in the figure"),
        answer=answer, target="number of triangles in the figure",
        reasoning=[
            "Two parallel segments never meet, so a triangle uses at most one horizontal segment; its other two "
            "sides then come from the segments through the top vertex, which all meet there.",
            "So every triangle is: one horizontal segment, and two of the slanted segments from the top vertex.",
        ],
        conclusion=[
            f"There are {len(rungs)} highlighted horizontal {'segment' if len(rungs) == 1 else 'segments'} and "
            f"{lines} segments from the top vertex, so each horizontal one closes C({lines}, 2) = {per_rung} triangles.",
            f"In total {len(rungs)} × {per_rung} = {answer}.",
        ],
        difficulty=Difficulty(hops=2, constructions=1, distractors=parallels),
        params={"problem": "count_triangles", "feet": feet, "width": width, "height": height,
                "apex_x": int(apex[0]), "parallels": parallels},
    )
