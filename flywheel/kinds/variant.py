"""What a kind makes of one rendered figure: its question, ground truth, and the code that shows it."""

from __future__ import annotations

from dataclasses import dataclass

from flywheel.kinds.points import Points
from flywheel.render.draft import Rendered


@dataclass
class KindVariant:
    """One figure seen as a perception or instruction task.

    `rendered` is what the sandbox runs and the verifiers judge: the figure's own image code,
    with `tool_code` replaced by the ground-truth annotation (perception) or overlay (instruction).
    """

    rendered: Rendered
    question: str
    answer: str
    points: Points  # ground-truth pixel coordinates
    elements: list[str]


class Unsupported(Exception):
    """The figure cannot carry this kind of task (e.g. a chart has no named points)."""
