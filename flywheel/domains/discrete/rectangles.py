"""Counting squares and rectangles made of whole cells: on a board with blocked cells, and in an L-shaped board.

Squares: the number of squares whose top-right cell is a given white cell is 1 + the least of the
numbers in the cells to its left, below and diagonally below-left (0 for grey cells and off the
board), so writing those numbers in and adding them up counts every square once.
Rectangles in an L: cut the shape along the line where its two blocks meet; a rectangle lies in
the lower block, in the upper block, or crosses the cut, and each kind is counted by choosing its
sides among the grid lines.
"""

from __future__ import annotations

import random
from math import comb

from flywheel.core.records import Difficulty
from flywheel.domains.discrete import DOMAIN
from flywheel.domains.discrete.common import discrete_draft
from flywheel.domains.discrete.symbols import CellShape
from flywheel.domains.registry import register_generator
from flywheel.render.draft import Draft, parts
from flywheel.render.scene.diagrams import CellNumbers, GridBoard, HighlightSegments
from flywheel.render.scene.exact import P
from flywheel.render.scene.model import Construction, Scene

Cell = tuple[int, int]


def square_counts(cols: int, rows: int, blocked: frozenset[Cell]) -> dict[Cell, int]:
    """For each cell, how many all-white squares have it as their top-right cell (0 for a grey cell)."""
    n: dict[Cell, int] = {}
    for r in range(rows):
        for c in range(cols):
            if (c, r) in blocked:
                n[(c, r)] = 0
            else:
                n[(c, r)] = 1 + min(n.get((c - 1, r), 0), n.get((c, r - 1), 0), n.get((c - 1, r - 1), 0))
    return n


@register_generator("discrete.count_squares", DOMAIN)
def count_squares(rng: random.Random) -> Draft:
    while True:
        cols, rows = rng.randint(4, 7), rng.randint(3, 6)
        cells = [(c, r) for c in range(cols) for r in range(rows)]
        blocked = frozenset(rng.sample(cells, rng.randint(1, 5)))
        counts = square_counts(cols, rows, blocked)
        if max(counts.values()) >= 3:  # some 3 × 3 square survives: sizes 1, 2 and 3 all count
            break
    total = sum(counts.values())
    k = len(blocked)
    spots = [((c + 0.5, r + 0.5), str(v)) for (c, r), v in sorted(counts.items()) if (c, r) not in blocked]
    scene = Scene(points={"_sw": P(0, 0), "_ne": P(cols, rows)}, elements=[GridBoard(cols, rows, blocked)],
                  construction=Construction("write in every white cell the number of squares whose top-right cell it is",
                                            marks=[CellNumbers(spots)]))
    sizes = {s: sum(v >= s for v in counts.values()) for s in range(1, max(counts.values()) + 1)}
    return discrete_draft(
        title="Board with grey cells",
        scene=scene,
        question=parts("The board shown has white and grey cells.",
                       [f"it is a {cols} × {rows} board", f"it has {k} grey {'cell' if k == 1 else 'cells'}"],
                       "the number of squares of any size that can be formed from whole white cells of the board "
                       "(no grey cell inside)"),
        answer=total, target="number of all-white squares",
        reasoning=[
            "Count each square once, at its top-right cell. A white cell is the top-right cell of one 1 × 1 square, and "
            "of a k × k square exactly when the cells to its left, below and diagonally below-left are top-right cells "
            "of (k − 1) × (k − 1) squares; so its number is 1 + the smallest of those three numbers (0 for grey cells "
            "and outside the board).",
        ],
        conclusion=[
            "Filling the board row by row from the bottom-left: "
            + ", ".join(f"{n} {'cell' if n == 1 else 'cells'} with a number ≥ {s} ({s} × {s} squares)" for s, n in sizes.items())
            + ".",
            f"Adding all the numbers: {' + '.join(str(n) for n in sizes.values())} = {total} squares.",
        ],
        difficulty=Difficulty(hops=len(sizes) + 1, constructions=1, distractors=k),
        params={"problem": "count_squares", "cols": cols, "rows": rows, "blocked": sorted(map(list, blocked))},
    )


def l_shape(wide: int, low: int, narrow: int, high: int, start: int, flip: bool) -> frozenset[Cell]:
    """A wide × low block with a narrow × high block on top of it from column `start` (an L or a T shape);
    `flip` turns it upside down."""
    rows = low + high
    cells = {(c, r) for c in range(wide) for r in range(low)}
    cells |= {(c, r) for c in range(start, start + narrow) for r in range(low, rows)}
    return frozenset((c, rows - 1 - r) if flip else (c, r) for c, r in cells)


@register_generator("discrete.count_rectangles", DOMAIN)
def count_rectangles(rng: random.Random) -> Draft:
    wide, low = rng.randint(3, 9), rng.randint(1, 4)
    narrow, high = rng.randint(1, wide - 1), rng.randint(1, 5)
    start, flip = rng.randint(0, wide - narrow), rng.random() < 0.5
    cells = l_shape(wide, low, narrow, high, start, flip)
    rows = low + high
    cut_y = high if flip else low  # the grid line where the blocks meet
    below, above = comb(wide + 1, 2) * comb(low + 1, 2), comb(narrow + 1, 2) * comb(high + 1, 2)
    across = comb(narrow + 1, 2) * low * high
    total = below + above + across
    scene = Scene(points={"_sw": P(0, 0), "_ne": P(wide, rows), "_c0": P(start, cut_y), "_c1": P(start + narrow, cut_y)},
                  elements=[CellShape(cells)],
                  construction=Construction("mark the line where the wide block and the narrow block meet",
                                            marks=[HighlightSegments([("_c0", "_c1")])]))
    big, small = ("lower", "upper") if not flip else ("upper", "lower")
    return discrete_draft(
        title="Shape made of unit squares",
        scene=scene,
        question=parts("The shape shown is made of two blocks of unit squares joined along a side.",
                       [f"it is made of {len(cells)} unit squares: a {wide} × {low} block and a {narrow} × {high} block"],
                       "the number of rectangles (squares included) made of whole unit squares that it contains"),
        answer=total, target="number of rectangles in the shape",
        reasoning=[
            "A rectangle is fixed by its two vertical and its two horizontal sides on grid lines. Cut the shape along "
            "the marked line where the blocks meet: every rectangle lies in one block or crosses the cut.",
        ],
        conclusion=[
            f"In the {wide} × {low} {big} block: C({wide + 1}, 2)·C({low + 1}, 2) = {below}. In the {narrow} × {high} "
            f"{small} block: C({narrow + 1}, 2)·C({high + 1}, 2) = {above}.",
            f"Crossing the cut: the vertical sides within the narrow block's {narrow + 1} lines, C({narrow + 1}, 2) ways, "
            f"one horizontal side in each block ({low} and {high} choices): {comb(narrow + 1, 2)}·{low}·{high} = {across}.",
            f"Total: {below} + {above} + {across} = {total}.",
        ],
        difficulty=Difficulty(hops=3, constructions=1),
        params={"problem": "count_rectangles", "wide": wide, "low": low, "narrow": narrow, "high": high,
                "start": start, "flip": flip},
    )
