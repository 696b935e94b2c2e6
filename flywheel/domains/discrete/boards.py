"""Boards of cells: monotone lattice paths around blocked cells, counted with the addition rule."""

from __future__ import annotations

import random

from flywheel.core.records import Difficulty
from flywheel.domains.discrete import DOMAIN
from flywheel.domains.discrete.common import discrete_draft
from flywheel.domains.registry import register_generator
from flywheel.render.draft import Draft, parts
from flywheel.render.scene.diagrams import CellNumbers, GridBoard
from flywheel.render.scene.exact import P
from flywheel.render.scene.model import Construction, Scene

Cell = tuple[int, int]
NUMBER_OFFSET = (0.22, -0.22)  # in a lettered cell the number goes to the lower-right quarter


def path_counts(cols: int, rows: int, blocked: frozenset[Cell]) -> dict[Cell, int]:
    """Ways to reach each cell from (0, 0) moving one cell right or up (addition rule)."""
    ways: dict[Cell, int] = {}
    for r in range(rows):
        for c in range(cols):
            if (c, r) in blocked:
                ways[(c, r)] = 0
            elif (c, r) == (0, 0):
                ways[(c, r)] = 1
            else:
                ways[(c, r)] = ways.get((c - 1, r), 0) + ways.get((c, r - 1), 0)
    return ways


def _draw_board(rng: random.Random) -> tuple[int, int, frozenset[Cell], dict[Cell, int]]:
    while True:
        cols, rows = rng.randint(4, 7), rng.randint(3, 6)
        inner = [(c, r) for c in range(cols) for r in range(rows) if (c, r) not in ((0, 0), (cols - 1, rows - 1))]
        blocked = frozenset(rng.sample(inner, rng.randint(1, 4)))
        ways = path_counts(cols, rows, blocked)
        end = ways[(cols - 1, rows - 1)]
        # every shaded cell must matter: unblocking it changes the count
        matters = all(path_counts(cols, rows, blocked - {b})[(cols - 1, rows - 1)] != end for b in blocked)
        if end >= 3 and matters:
            return cols, rows, blocked, ways


@register_generator("discrete.lattice_paths", DOMAIN)
def lattice_paths(rng: random.Random) -> Draft:
    cols, rows, blocked, ways = _draw_board(rng)
    start, end = (0, 0), (cols - 1, rows - 1)
    board = GridBoard(cols, rows, blocked, {start: "A", end: "B"})
    spots = []
    for cell, n in sorted(ways.items()):
        if cell in blocked:
            continue
        dx, dy = NUMBER_OFFSET if cell in board.marks else (0.0, 0.0)
        spots.append(((cell[0] + 0.5 + dx, cell[1] + 0.5 + dy), str(n)))
    construction = Construction("write in every open cell the number of ways to reach it", marks=[CellNumbers(spots)])
    scene = Scene(points={"_sw": P(0, 0), "_ne": P(cols, rows)}, elements=[board], construction=construction)
    k = len(blocked)
    answer = ways[end]
    return discrete_draft(
        title="Board with shaded cells",
        scene=scene,
        question=parts("A token moves on the board shown, one cell at a time, always to the right or up, and never onto "
                       "a shaded cell.", [f"it is a {cols} × {rows} board", f"it has {k} shaded {'cell' if k == 1 else 'cells'}"],
                       "In how many ways can the token go from cell A to cell B?"),
        answer=answer, target="number of monotone paths from A to B",
        reasoning=[
            "A cell can only be entered from the cell to its left or the cell below it, so the number of ways "
            "to reach it is the sum of those two numbers (a shaded cell counts 0).",
        ],
        conclusion=[
            "Filling the board row by row from A: the bottom row and left column get 1 until a shaded cell, "
            "every other cell the sum of its left and lower neighbours.",
            f"The number in B is {ways[(cols - 2, rows - 1)]} + {ways[(cols - 1, rows - 2)]} = {answer}.",
        ],
        difficulty=Difficulty(hops=cols + rows - 2, constructions=1, distractors=k),
        params={"problem": "lattice_paths", "cols": cols, "rows": rows, "blocked": sorted(map(list, blocked))},
    )
