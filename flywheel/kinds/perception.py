"""Perception samples: "where are the labelled points?" answered with pixel coordinates.

The figure is the interaction sample's figure (same image code, same PNG); the ground-truth
annotation (the figure with every point ringed) is drawn by tool code run in the sandbox, the
same way the interaction tool code is, and becomes VTBench's `annotation_perception`. Answers
are scored by `points.score_points`.
"""

from __future__ import annotations

import random
from dataclasses import replace

from flywheel.kinds.points import (
    Points,
    element_attributes,
    format_points,
    has_points,
    point_pixels,
)
from flywheel.kinds.variant import KindVariant, Unsupported
from flywheel.render.draft import Rendered
from flywheel.render.scene.emit import tool_program

RING_PX = 7  # radius of the ground-truth ring drawn around each point
# Structurally different wordings of one task (the ask first or last, a question, a list of rules),
# each stating the same coordinate convention: the frame is drawn from the task's rng.
FRAMES = (
    "Locate the labelled points {names} in the figure. Give the pixel coordinates (x, y) of each in the "
    "{size}×{size} image, with the origin at the top-left corner, x to the right and y downwards, as a Python "
    "dict such as {example}.",
    "Where are the points {names} drawn? Answer with their pixel coordinates in the {size}×{size} image "
    "(origin at the top-left corner, x to the right, y downwards) as a Python dict such as {example}.",
    "The image is {size}×{size} pixels, with the origin at the top-left corner, x growing to the right and y "
    "downwards. Read off the position of each labelled point {names} and return a Python dict such as {example}.",
    "As a Python dict such as {example}, give the pixel coordinates of the points {names} in this {size}×{size} "
    "figure; the origin is the top-left corner, x runs to the right and y runs down.",
    "Find the dots of the labelled points {names} in the figure. Image size: {size}×{size} pixels. "
    "Origin: top-left corner, x to the right, y downwards. Answer: a Python dict such as {example}.",
    "Each of {names} is a labelled dot in the {size}×{size} figure. What are their pixel coordinates (x, y), "
    "measured from the top-left corner with y downwards? Reply with a Python dict such as {example}.",
)


def make(rendered: Rendered, rng: random.Random) -> KindVariant:
    if not has_points(rendered):
        raise Unsupported("the figure has no labelled points to locate")
    points = point_pixels(rendered)
    size = rendered.layout.size
    question = rng.choice(FRAMES).format(names=", ".join(points), size=size, example="{'A': (x, y)}")
    answer = format_points(points)
    cot = (f"<think>Each labelled point is drawn as a dot beside its letter. Reading the dot centres in "
           f"image pixels gives {answer}.</think>\n<answer>{answer}</answer>")
    tool = annotation_code(points)
    return KindVariant(replace(rendered, tool_code=tool, cot=cot), question, answer, points, element_attributes(rendered))


def annotation_code(points: Points) -> str:
    """Sandbox-contract PIL code that rings every point: the ground-truth perception annotation."""
    body = ["# Ground truth: a ring around each labelled point"]
    for n, (x, y) in points.items():
        body.append(f"draw.ellipse(({x - RING_PX:g}, {y - RING_PX:g}, {x + RING_PX:g}, {y + RING_PX:g}), "
                    f"outline=RED, width=2)  # {n}")
    return tool_program(body)
